"""An adaptive session over one or several domains: one adaptive test per domain, interleaved.

The session's state is its configuration plus the answers given, so a saved attempt is resumed by
replaying its answers: selection draws its randomness from (seed, number of answers), so the same
answers always lead to the same next item.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from scoring.estimator import EAPEstimator, Estimate, Estimator, Prior, Response
from scoring.irt import params_for
from scoring.joint import DEFAULT_RHO, likelihood_from, posterior
from scoring.selection import CatItem, RandomesqueMaxInfo, Selector
from scoring.stopping import p_at_or_above
from scoring.stopping import StopRule

BANK_EXHAUSTED = "no more suitable questions in this domain"
BUDGET_REACHED = "question budget reached"
CERT_SETTLED = "the certification verdict is settled"
#: Items seen in an earlier attempt are offered again only when fewer unseen ones than this remain.
MIN_FRESH = 3


def cat_items(bank_items: Iterable[object]) -> list[CatItem]:
    """CatItems from question objects (anything with id, domain, subtopic, level, panel_mean)."""
    out = []
    for q in bank_items:
        p = params_for(getattr(q, "level"), getattr(q, "panel_mean", None), getattr(q, "id", None))
        out.append(CatItem(id=q.id, domain=q.domain, subtopic=q.subtopic, a=p.a, b=p.b,  # type: ignore[attr-defined]
                           type=getattr(q, "type", "single_choice")))
    return out


@dataclass
class AdaptiveSession:
    items: Sequence[CatItem]
    domains: Sequence[str]
    stop: StopRule = field(default_factory=StopRule)
    cuts: dict[str, float] = field(default_factory=dict)  # domain -> θ cut (readiness decisions)
    weights: dict[str, float] = field(default_factory=dict)  # domain -> importance (default 1)
    priors: dict[str, Prior] = field(default_factory=dict)
    seed: int = 0
    seen_before: frozenset[str] = frozenset()
    rho: float = DEFAULT_RHO  # between-domain correlation: other domains' answers move each prior
    max_total: int | None = None  # a question budget for the whole session (quick checks)
    #: A quick check stops as soon as this says the certification's verdict is settled (given each
    #: domain's own estimate), once every domain has had its minimum number of questions.
    settled: Callable[[Mapping[str, Estimate]], bool] | None = None
    #: The exam's style (quick checks): only these question types, and at most this many of a type.
    allowed_types: frozenset[str] | None = None
    type_caps: Mapping[str, int] = field(default_factory=dict)
    selector: Selector = field(default_factory=RandomesqueMaxInfo)
    estimator: Estimator = field(default_factory=EAPEstimator)
    answers: list[tuple[str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {it.id: it for it in self.items}
        self._by_domain: dict[str, list[CatItem]] = {d: [] for d in self.domains}
        for it in self.items:
            if it.domain in self._by_domain:
                self._by_domain[it.domain].append(it)
        self._cache: dict[str, Estimate] = {}
        self._raw: dict[str, Estimate] = {}
        self._given: set[str] = set()
        self._answered: dict[str, list[tuple[CatItem, bool]]] = {}
        self._settled_at: tuple[int, bool] | None = None
        self._joint_at: tuple[int, tuple] | None = None
        replay, self.answers = list(self.answers), []
        for item_id, correct in replay:
            self.record(item_id, correct)

    # --- answers --------------------------------------------------------------------
    def record(self, item_id: str, correct: bool) -> None:
        if item_id not in self._by_id:
            raise KeyError(f"unknown item {item_id}")
        if item_id in self._given:
            raise ValueError(f"item {item_id} was already answered")
        item = self._by_id[item_id]
        self.answers.append((item_id, bool(correct)))
        self._given.add(item_id)
        self._answered.setdefault(item.domain, []).append((item, bool(correct)))
        self._raw.pop(item.domain, None)
        self._cache.clear()  # every prior may move with a new answer

    def answered_in(self, domain: str) -> list[tuple[CatItem, bool]]:
        return list(self._answered.get(domain, ()))

    # --- estimates ------------------------------------------------------------------
    def base_prior(self, domain: str) -> Prior:
        return self.priors.get(domain, Prior())

    def _responses(self, domain: str) -> list[Response]:
        return [Response(it.a, it.b, c) for it, c in self.answered_in(domain)]

    def _raw_estimate(self, domain: str) -> Estimate:
        """The domain's estimate from its own answers and its base prior only."""
        if domain not in self._raw:
            self._raw[domain] = self.estimator.estimate(self._responses(domain), self.base_prior(domain))
        return self._raw[domain]

    def prior(self, domain: str) -> Prior:
        """The domain's prior given the answers in the *other* domains (``scoring.joint``).

        One joint posterior over the session's domains per answer; each domain's prior is its
        leave-one-out marginal, taking its own likelihood back out of that posterior (rank one:
        precision P − λ e eᵀ), so a rerun costs one small matrix inverse, not one per domain."""
        others = [d for d in self._answered if d != domain and d in self._by_domain]
        if not others or not self.rho:
            return self.base_prior(domain)
        post, lks = self._joint()
        i = post.domains.index(domain)
        m, c = float(post.mean[i]), float(post.cov[i, i])
        lk = lks.get(domain)
        if lk is not None:
            keep = 1.0 - lk.precision * c
            m, c = (m - lk.precision * lk.mean * c) / keep, c / keep
        return Prior(mean=m, sd=float(np.sqrt(c)))

    def _joint(self):
        n = len(self.answers)
        if self._joint_at is None or self._joint_at[0] != n:
            doms = list(self.domains)
            priors = {d: self.base_prior(d) for d in doms}
            lks = {d: lk for d in self._answered if d in self._by_domain
                   and (lk := likelihood_from(self._raw_estimate(d), priors[d])) is not None}
            self._joint_at = (n, (posterior(doms, priors, lks, self.rho), lks))
        return self._joint_at[1]

    def estimate(self, domain: str) -> Estimate:
        if domain not in self._cache:
            self._cache[domain] = self.estimator.estimate(self._responses(domain), self.prior(domain))
        return self._cache[domain]

    def estimates(self) -> dict[str, Estimate]:
        return {d: self.estimate(d) for d in self.domains}

    # --- flow -----------------------------------------------------------------------
    def own_estimates(self) -> dict[str, Estimate]:
        """Each answered domain's estimate from its own answers and its base prior (what the
        Results page shows and the certification verdict starts from)."""
        return {d: self._raw_estimate(d) for d in self.domains if self._answered.get(d)}

    def cert_settled(self) -> bool:
        if self.settled is None:
            return False
        n = len(self.answers)
        if self._settled_at is None or self._settled_at[0] != n:
            ready = all(len(self._answered.get(d, ())) >= min(self.stop.min_items, len(self._by_domain[d]))
                        for d in self.domains)
            self._settled_at = (n, bool(ready and self.settled(self.own_estimates())))
        return self._settled_at[1]

    def stop_reason(self, domain: str) -> str | None:
        if self.max_total is not None and len(self.answers) >= self.max_total:
            return BUDGET_REACHED
        if self.cert_settled():
            return CERT_SETTLED
        if not self.candidates(domain):
            return BANK_EXHAUSTED
        return self.stop.reason(self.estimate(domain), self.cuts.get(domain))

    def candidates(self, domain: str) -> list[CatItem]:
        """Items of the domain still to give: not answered yet, of a type the exam's style admits,
        and of a type not yet at its cap."""
        used: dict[str, int] = {}
        if self.type_caps:
            for item_id, _ in self.answers:
                t = self._by_id[item_id].type
                used[t] = used.get(t, 0) + 1
        out = [it for it in self._by_domain[domain] if it.id not in self._given
               and (self.allowed_types is None or it.type in self.allowed_types)
               and (it.type not in self.type_caps or used.get(it.type, 0) < self.type_caps[it.type])]
        # A second attempt mostly sees new questions: items seen before are left out while
        # enough others remain (the selector still prefers unseen ones among what is left).
        fresh = [it for it in out if it.id not in self.seen_before]
        return fresh if len(fresh) >= MIN_FRESH else out

    def unfinished(self) -> list[str]:
        return [d for d in self.domains if self.stop_reason(d) is None]

    @property
    def finished(self) -> bool:
        return not self.unfinished()

    def next_domain(self) -> str | None:
        """The unfinished domain that matters most (ties: listed order). Domains still below the
        minimum number of items come first, so a budget never leaves one unassessed. Then: with a
        certification verdict to settle, the domain whose side of its cut is least certain, by
        weight (weight × √(p(1 − p)), p the chance of being at or above the cut); otherwise the
        largest SE × weight."""
        open_ = self.unfinished()
        short = [d for d in open_ if self.estimate(d).n < self.stop.min_items]
        best, best_score = None, -1.0
        for d in short or open_:
            est = self.estimate(d)
            if self.settled is not None and d in self.cuts and not short:
                p = p_at_or_above(est, self.cuts[d])
                score = (p * (1 - p)) ** 0.5 * self.weights.get(d, 1.0)
            else:
                score = est.se * self.weights.get(d, 1.0)
            if score > best_score + 1e-12:
                best, best_score = d, score
        return best

    def next_item(self) -> CatItem | None:
        domain = self.next_domain()
        if domain is None:
            return None
        candidates = self.candidates(domain)
        administered = [it for it, _ in self.answered_in(domain)]
        rng = np.random.default_rng([self.seed, len(self.answers)])
        return self.selector.select(candidates, self.estimate(domain).theta, administered,
                                    self.seen_before, rng)

    def questions_left(self) -> int:
        """A rough count of the questions still to come (for "about N questions left")."""
        total = 0
        open_ = self.unfinished()
        for d in open_:
            est = self.estimate(d)
            left_in_bank = len(self.candidates(d))
            per_item = 0.8 * max((it.a ** 2) / 4 for it in self._by_domain[d])
            to_target = (1 / self.stop.se_target ** 2 - 1 / est.se ** 2) / per_item
            need = max(self.stop.min_items - est.n, int(np.ceil(max(to_target, 1.0))))
            total += max(1, min(need, self.stop.max_items - est.n, left_in_bank))
        if self.max_total is not None:
            total = min(total, self.max_total - len(self.answers))
        return total
