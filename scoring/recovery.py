"""Parameter recovery and the value of an estimated correlation, by simulation.

Examinees with known abilities answer through the real adaptive engine (``AdaptiveSession`` with
the parameters the engine has before any calibration: panel or tag b, a = DEFAULT_A), so the
missing-data pattern is the real one; their answers come from "true" parameters that differ from
the panel's by the panel's own error. Calibrating those answers and comparing with the truth is how
a calibration is checked (correlation and RMSE of b and a).

Used by ``python -m questions calibrate --simulate N``, ``bench/calibration.py`` and the tests.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from scoring.calibration import (ItemCalibration, ItemPrior, PANEL_SD, TAG_SD, attempt_likelihoods,
                                 estimate_rho, fit_domain)
from scoring.cat import AdaptiveSession
from scoring.estimator import Prior
from scoring.irt import DEFAULT_A, ItemParams
from scoring.joint import DEFAULT_RHO, conditional_prior, likelihood_from
from scoring.quiz import STOP_RULES
from scoring.selection import CatItem, RandomesqueMaxInfo

#: Spread of true discriminations around DEFAULT_A (SD of log a), as in typical 2PL banks.
TRUE_LOG_A_SD = 0.3
#: How simulated examinees take a domain: the area quiz's and the full profile's stop rules.
MODES = ("area", "full")


@dataclass(frozen=True)
class SimAnswer:
    token: str
    item_id: str
    domain: str
    correct: bool
    dont_know: bool = False
    seconds: float | None = None


@dataclass(frozen=True)
class RandomShare:
    """A selector that gives a uniformly random unused item with probability ``share`` and the
    engine's own choice otherwise (to measure what random items would add to calibration)."""

    share: float
    inner: RandomesqueMaxInfo = RandomesqueMaxInfo()

    def select(self, candidates, theta, administered, seen_before, rng):
        if rng.random() < self.share:
            return candidates[int(rng.integers(len(candidates)))]
        return self.inner.select(candidates, theta, administered, seen_before, rng)


def true_parameters(priors: Sequence[ItemPrior], seed: int) -> dict[str, ItemParams]:
    """The truth the simulation answers from: b = prior b + the panel's (or tag's) error, a
    lognormal around DEFAULT_A."""
    rng = np.random.default_rng(seed)
    return {p.id: ItemParams(a=float(DEFAULT_A * math.exp(rng.normal(0, TRUE_LOG_A_SD))),
                             b=float(p.b + rng.normal(0, p.b_sd))) for p in priors}


def simulate_domain(priors: Sequence[ItemPrior], true: dict[str, ItemParams], n: int, seed: int,
                    random_share: float = 0.0, token_prefix: str = "sim") -> list[SimAnswer]:
    """``n`` examinees, θ ~ N(0, 1), each taking the domain's adaptive test once."""
    rng = np.random.default_rng(seed)
    items = [CatItem(p.id, p.domain, "s", p.a, p.b) for p in priors]
    domain = priors[0].domain
    selector = RandomShare(random_share) if random_share > 0 else RandomesqueMaxInfo()
    out: list[SimAnswer] = []
    for k in range(n):
        theta = rng.normal()
        mode = MODES[k % len(MODES)]
        s = AdaptiveSession(items, [domain], stop=STOP_RULES[mode], seed=seed * 1_000_003 + k,
                            selector=selector)
        token = f"{token_prefix}{seed}-{k}"
        while (it := s.next_item()) is not None:
            t = true[it.id]
            ok = bool(rng.random() < 1.0 / (1.0 + math.exp(-t.a * (theta - t.b))))
            s.record(it.id, ok)
            out.append(SimAnswer(token, it.id, domain, ok))
    return out


@dataclass(frozen=True)
class Recovery:
    """Recovered against true parameters over *every* item of the domains: an item the adaptive
    test never gave keeps its prior (panel or tag b, a = DEFAULT_A), as in the engine."""

    examinees: int
    items: int
    with_data: int  # items with at least one answer
    answers_per_item: float  # mean over items with data
    corr_b: float
    rmse_b: float
    corr_a: float
    rmse_a: float
    rmse_b_prior: float  # the panel's (or tag's) own error, for comparison
    rmse_a_default: float  # a = DEFAULT_A for every item, for comparison
    used: int  # items the engine would use calibrated (n ≥ MIN_ANSWERS)
    rmse_b_used: float  # over those
    rmse_a_used: float
    seconds: float = 0.0


def score(cal: dict[str, ItemCalibration], true: dict[str, ItemParams], priors: Sequence[ItemPrior],
          examinees: int, min_answers: int) -> Recovery:
    ids = [p.id for p in priors]
    prior = {p.id: p for p in priors}
    tb = np.array([true[i].b for i in ids])
    ta = np.array([true[i].a for i in ids])
    cb = np.array([cal[i].b if i in cal else prior[i].b for i in ids])
    ca = np.array([cal[i].a if i in cal else prior[i].a for i in ids])
    used = np.array([i in cal and cal[i].n >= min_answers for i in ids])

    def rmse(x, y):
        return float(np.sqrt(np.mean(np.square(x - y)))) if len(x) else float("nan")

    with_data = [i for i in ids if i in cal]
    return Recovery(
        examinees=examinees, items=len(ids), with_data=len(with_data),
        answers_per_item=float(np.mean([cal[i].n for i in with_data])) if with_data else 0.0,
        corr_b=float(np.corrcoef(tb, cb)[0, 1]), rmse_b=rmse(tb, cb),
        corr_a=float(np.corrcoef(ta, ca)[0, 1]) if np.std(ca) > 0 else float("nan"),
        rmse_a=rmse(ta, ca),
        rmse_b_prior=rmse(tb, np.array([prior[i].b for i in ids])),
        rmse_a_default=rmse(ta, np.full(len(ids), DEFAULT_A)),
        used=int(used.sum()), rmse_b_used=rmse(tb[used], cb[used]), rmse_a_used=rmse(ta[used], ca[used]))


def simulate_and_fit(domains_priors: dict[str, list[ItemPrior]], n: int, seed: int = 1,
                     random_share: float = 0.0
                     ) -> tuple[dict[str, ItemCalibration], dict[str, ItemParams], list[ItemPrior]]:
    """Simulate ``n`` examinees per domain and calibrate each domain: (calibrated, true, priors)."""
    cal: dict[str, ItemCalibration] = {}
    true: dict[str, ItemParams] = {}
    allp: list[ItemPrior] = []
    for k, (d, ps) in enumerate(sorted(domains_priors.items())):
        t = true_parameters(ps, seed=seed * 7919 + k)
        rows = simulate_domain(ps, t, n, seed=seed * 104_729 + k, random_share=random_share)
        got, _ = fit_domain(rows, ps)
        cal.update(got)
        true.update(t)
        allp += ps
    return cal, true, allp


def recover(domains_priors: dict[str, list[ItemPrior]], n: int, seed: int = 1,
            random_share: float = 0.0, min_answers: int | None = None) -> Recovery:
    """Simulate ``n`` examinees per domain, calibrate each domain, and score the recovery over all
    the domains' items together."""
    import time

    from scoring.calibration import MIN_ANSWERS

    t0 = time.perf_counter()
    cal, true, allp = simulate_and_fit(domains_priors, n, seed, random_share)
    r = score(cal, true, allp, n, MIN_ANSWERS if min_answers is None else min_answers)
    return Recovery(**{**r.__dict__, "seconds": time.perf_counter() - t0})


# --- the between-domain correlation ---------------------------------------------------------------
@dataclass(frozen=True)
class RhoGain:
    true_rho: float
    estimated: float
    se: float
    attempts: int
    start_rmse_default: float  # RMSE of a new domain's starting point (prior mean), ρ = DEFAULT_RHO
    start_rmse_estimated: float  # the same with the estimated ρ
    start_rmse_none: float  # ρ = 0: the starting point is the population mean
    after_rmse_default: float  # RMSE of θ after AFTER_ITEMS items in the new domain
    after_rmse_estimated: float


AFTER_ITEMS = 3


def _correlated_thetas(rng: np.random.Generator, k: int, rho: float) -> np.ndarray:
    g = rng.normal()
    return math.sqrt(rho) * g + math.sqrt(1 - rho) * rng.normal(size=k)


def rho_gain(domain_items: dict[str, list[CatItem]], true_rho: float, n_calibrate: int,
             n_eval: int, seed: int = 3) -> RhoGain:
    """Estimate ρ from ``n_calibrate`` simulated full profiles over the given domains (answers through
    the real engine, items at their known parameters), then, for ``n_eval`` new examinees who
    answered the other domains, compare the starting point of the last domain and its estimate after
    AFTER_ITEMS adaptive items under DEFAULT_RHO and under the estimate."""
    rng = np.random.default_rng(seed)
    domains = sorted(domain_items)
    items = [it for d in domains for it in domain_items[d]]
    by_id = {it.id: it for it in items}
    stop = STOP_RULES["full"]

    def take(theta: dict[str, float], doms: list[str], k: int, rho: float, prefix: str,
             max_total: int | None = None):
        s = AdaptiveSession(items, doms, stop=stop, seed=seed * 1_000_003 + k, rho=rho,
                            max_total=max_total)
        rows = []
        while (it := s.next_item()) is not None:
            ok = bool(rng.random() < 1.0 / (1.0 + math.exp(-it.a * (theta[it.domain] - it.b))))
            s.record(it.id, ok)
            rows.append(SimAnswer(f"{prefix}{k}", it.id, it.domain, ok))
        return s, rows

    rows = []
    for k in range(n_calibrate):
        th = dict(zip(domains, _correlated_thetas(rng, len(domains), true_rho)))
        rows += take(th, domains, k, DEFAULT_RHO, "cal")[1]
    params = {i: ItemParams(it.a, it.b) for i, it in by_id.items()}
    est = estimate_rho(attempt_likelihoods(rows, params))
    assert est is not None
    last, others = domains[-1], domains[:-1]
    errs: dict[str, list[float]] = {k: [] for k in ("def", "est", "none", "after_def", "after_est")}
    for k in range(n_eval):
        th = dict(zip(domains, _correlated_thetas(rng, len(domains), true_rho)))
        s, _ = take(th, others, 10_000 + k, DEFAULT_RHO, "eval")
        lks = {d: likelihood_from(s._raw_estimate(d), Prior()) for d in others}
        priors = {d: Prior() for d in domains}
        errs["none"].append(0.0 - th[last])
        for key, rho in (("def", DEFAULT_RHO), ("est", est.rho)):
            errs[key].append(conditional_prior(last, priors, lks, rho).mean - th[last])
            # Then AFTER_ITEMS items in the new domain, the others' answers moving its prior.
            s2 = AdaptiveSession(items, [*others, last], stop=stop, seed=seed * 7 + k, rho=rho,
                                 answers=list(s.answers))
            sub = np.random.default_rng([seed, k])  # same answers' randomness under both ρ
            for _ in range(AFTER_ITEMS):
                cands = [it for it in domain_items[last] if it.id not in {i for i, _ in s2.answers}]
                it = s2.selector.select(cands, s2.estimate(last).theta,
                                        [x for x, _ in s2.answered_in(last)], frozenset(), sub)
                s2.record(it.id, bool(sub.random() < 1 / (1 + math.exp(-it.a * (th[last] - it.b)))))
            errs["after_" + key].append(s2.estimate(last).theta - th[last])
    rm = {k: float(np.sqrt(np.mean(np.square(v)))) for k, v in errs.items()}
    return RhoGain(true_rho=true_rho, estimated=est.rho, se=est.se, attempts=est.n,
                   start_rmse_default=rm["def"], start_rmse_estimated=rm["est"],
                   start_rmse_none=rm["none"], after_rmse_default=rm["after_def"],
                   after_rmse_estimated=rm["after_est"])


def synthetic_domains(k: int, per_domain: int = 30, seed: int = 11) -> dict[str, list[CatItem]]:
    """``k`` domains of ``per_domain`` items with known parameters (a lognormal, b ~ N(0, 1))."""
    rng = np.random.default_rng(seed)
    out = {}
    for j in range(k):
        d = f"d{j}"
        a = DEFAULT_A * np.exp(rng.normal(0, TRUE_LOG_A_SD, per_domain))
        b = rng.normal(0, 1, per_domain)
        out[d] = [CatItem(f"{d}-{i:03d}", d, f"s{i % 5}", float(a[i]), float(b[i]))
                  for i in range(per_domain)]
    return out


def synthetic_priors(k: int = 1, per_domain: int = 30, seed: int = 5) -> dict[str, list[ItemPrior]]:
    """Priors of a synthetic bank: a quarter of the items rated by no panel (tag prior)."""
    rng = np.random.default_rng(seed)
    out = {}
    for j in range(k):
        d = f"s{j}"
        ps = []
        for i in range(per_domain):
            tagged = i % 4 == 3
            b = float(rng.choice([-1.5, -0.5, 0.5, 1.5])) if tagged else float(np.round(rng.normal(0, 1) * 2) / 2)
            ps.append(ItemPrior(f"{d}-{i:03d}", d, b, TAG_SD if tagged else PANEL_SD))
        out[d] = ps
    return out
