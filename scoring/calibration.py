"""Calibration: 2PL item parameters and the between-domain correlation, learnt from stored answers.

The model (details and the reasons in docs/calibration.md):

- **Estimation** per domain by marginal maximum likelihood (EM over a quadrature of θ) with the
  ``mirt`` library, Bayes modal: a lognormal prior on a centred on DEFAULT_A (SD
  A_PRIOR_LOG_SD on log a) and a weak N(0, 2) on b, so that sparse items stay finite. Missing
  answers (items the adaptive test did not give) are missing at random given the answers seen,
  which is what marginal ML needs. "I don't know" counts as wrong, as in scoring.
- **Priors centred on the panel** (or the level tag): ``mirt`` takes one prior per parameter for
  all items, so each item's b is then updated in closed form, normal–normal: the weak prior is
  taken out of the fitted b and its standard error (leaving the likelihood's own estimate and
  precision), and the item's prior N(panel b, PANEL_SD²) (TAG_SD without a panel) is put in. A few
  answers therefore move an item only a little.
- **Scale** (linking): each fit puts the domain's examinees at N(0, 1); a linear map θ → Aθ + B puts
  the estimates back on the level scale. With at least MIN_ANCHORS items calibrated before (with
  n ≥ MIN_ANSWERS), mean/sigma linking on those anchors keeps the scale from one calibration to the
  next; otherwise A = 1 (the engine's own N(0, 1) prior) and B makes the calibrated difficulties
  agree with the panel's on average (precision-weighted).
- **The engine** uses an item's calibrated parameters only once it has MIN_ANSWERS answers
  (``scoring.irt.params_for``), and the estimated correlation only from MIN_RHO_ATTEMPTS attempts
  that answered in two domains or more (``current_rho``).

This module is pure: it takes plain records (anything with ``token``, ``item_id``, ``domain``,
``correct``, ``dont_know``) and reads or writes only its data file.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence

import numpy as np

from scoring.estimator import EAPEstimator, Prior, Response
from scoring.irt import DEFAULT_A, LEVEL_B, ItemParams, difficulty_from_panel
from scoring.joint import DEFAULT_RHO, Likelihood, likelihood_from

DATA_DIR = Path(__file__).parent / "data"
#: The calibration the engine reads (``CERTRADAR_CALIBRATION`` names another file, e.g. in tests).
CALIBRATION_PATH = DATA_DIR / "calibration.json"

#: The engine uses an item's calibrated a and b only from this many answers on. In the recovery
#: benchmark (docs/calibration.md) calibrated a is worse than DEFAULT_A below it (an adaptive test
#: gives an item mostly to people near its b, which says little about its slope) and better above;
#: b beats the panel from the first answers, but a and b go together.
MIN_ANSWERS = 100
#: The estimated between-domain correlation replaces DEFAULT_RHO only from this many attempts with
#: answers in two domains or more (its standard error is then about 0.05).
MIN_RHO_ATTEMPTS = 200
#: Prior SD of b around the panel's difficulty (the panel's typical error, in logits), and around
#: the level tag's for items the panel has not rated yet (a tag is one of four values).
PANEL_SD = 0.5
TAG_SD = 0.75
#: Prior on discrimination: log a ~ N(log DEFAULT_A, A_PRIOR_LOG_SD²).
A_PRIOR_LOG_SD = 0.4
#: The weak prior on b in the fit itself (taken out again before the panel prior goes in).
FIT_B_PRIOR_SD = 2.0
#: Linking on earlier calibrated items needs at least this many of them in the domain.
MIN_ANCHORS = 5
#: Mean/sigma linking slopes outside this range mean the anchors moved, not the scale: clipped.
A_LINK_RANGE = (0.67, 1.5)


class AnswerLike(Protocol):
    token: str
    item_id: str
    domain: str
    correct: bool
    dont_know: bool


# --- the calibration file -------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemCalibration:
    a: float
    b: float
    se_a: float
    se_b: float
    n: int  # answers to this item the calibration used ("I don't know" included, as wrong)


@dataclass(frozen=True)
class Linking:
    """θ on the level scale = A · θ of the fit + B."""

    A: float
    B: float
    method: str  # "anchors" (mean/sigma on earlier calibrated items) or "panel" (mean shift)
    anchors: int = 0


@dataclass(frozen=True)
class RhoEstimate:
    rho: float
    se: float
    sigma: float  # SD of abilities on the level scale, estimated with rho
    n: int  # attempts with answers in two domains or more


@dataclass(frozen=True)
class Calibration:
    date: str
    attempts: int
    answers: int
    items: dict[str, ItemCalibration]
    rho: RhoEstimate | None = None
    linking: dict[str, Linking] = field(default_factory=dict)
    min_answers: int = MIN_ANSWERS
    library: str = ""

    def params(self, item_id: str) -> ItemParams | None:
        """The item's calibrated parameters, if it has enough answers to use them."""
        c = self.items.get(item_id)
        if c is None or c.n < self.min_answers:
            return None
        return ItemParams(a=c.a, b=c.b)

    @property
    def usable_rho(self) -> float | None:
        if self.rho is None or self.rho.n < MIN_RHO_ATTEMPTS:
            return None
        return self.rho.rho

    def to_dict(self) -> dict:
        return {
            "date": self.date, "library": self.library,
            "data": {"attempts": self.attempts, "answers": self.answers},
            "min_answers": self.min_answers,
            "rho": None if self.rho is None else {k: _r(v) for k, v in asdict(self.rho).items()},
            "linking": {d: {k: _r(v) for k, v in asdict(l).items()} for d, l in sorted(self.linking.items())},
            "items": {i: {k: _r(v) for k, v in asdict(c).items()} for i, c in sorted(self.items.items())},
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> "Calibration":
        rho = d.get("rho")
        return cls(date=str(d["date"]), attempts=int(d["data"]["attempts"]),
                   answers=int(d["data"]["answers"]),
                   items={i: ItemCalibration(a=float(c["a"]), b=float(c["b"]), se_a=_f(c["se_a"]),
                                             se_b=_f(c["se_b"]), n=int(c["n"]))
                          for i, c in (d.get("items") or {}).items()},
                   rho=None if not rho else RhoEstimate(rho=float(rho["rho"]), se=_f(rho["se"]),
                                                        sigma=float(rho["sigma"]), n=int(rho["n"])),
                   linking={k: Linking(**v) for k, v in (d.get("linking") or {}).items()},
                   min_answers=int(d.get("min_answers", MIN_ANSWERS)), library=str(d.get("library", "")))

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        d = self.to_dict()
        items = d.pop("items")
        head = json.dumps(d, indent=1, ensure_ascii=False, allow_nan=False)[:-2]
        lines = [f"  {json.dumps(i)}: {json.dumps(c, allow_nan=False)}" for i, c in items.items()]
        body = ',\n "items": {\n' + ",\n".join(lines) + "\n }\n}\n" if lines else ',\n "items": {}\n}\n'
        path.write_text(head + body, encoding="utf-8")  # one line per item: readable diffs


def _r(v):
    """Rounded for the file; a missing (NaN) standard error is written as null."""
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    return v


def _f(v) -> float:
    return float("nan") if v is None else float(v)


def calibration_path() -> Path:
    env = os.environ.get("CERTRADAR_CALIBRATION")
    return Path(env) if env else CALIBRATION_PATH


@lru_cache(maxsize=4)
def _load(path: str) -> Calibration | None:
    p = Path(path)
    if not p.exists():
        return None
    return Calibration.from_dict(json.loads(p.read_text(encoding="utf-8")))


def calibration() -> Calibration | None:
    """The calibration in use (read once per process and file), or None when there is none."""
    return _load(str(calibration_path()))


def calibrated_params(item_id: str) -> ItemParams | None:
    cal = calibration()
    return None if cal is None else cal.params(item_id)


def current_rho() -> float:
    """The between-domain correlation the engine uses: estimated from stored answers when there
    were enough (MIN_RHO_ATTEMPTS), else DEFAULT_RHO."""
    cal = calibration()
    r = None if cal is None else cal.usable_rho
    return DEFAULT_RHO if r is None else r


# --- priors ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemPrior:
    id: str
    domain: str
    b: float
    b_sd: float
    a: float = DEFAULT_A


def item_prior(q: object) -> ItemPrior:
    """An item's prior: the panel's difficulty when it has one, else its level tag's."""
    panel = getattr(q, "panel_mean", None)
    if panel is not None:
        return ItemPrior(q.id, q.domain, difficulty_from_panel(panel), PANEL_SD)  # type: ignore[attr-defined]
    return ItemPrior(q.id, q.domain, LEVEL_B[q.level], TAG_SD)  # type: ignore[attr-defined]


# --- fitting one domain ---------------------------------------------------------------------------
def response_matrix(rows: Iterable[AnswerLike], item_ids: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Persons × items, 1 right, 0 wrong or "I don't know", NaN not given; one row per attempt
    (the first answer to an item counts if an attempt has two)."""
    col = {i: k for k, i in enumerate(item_ids)}
    tokens: dict[str, int] = {}
    cells: list[tuple[int, int, float]] = []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if r.item_id not in col or (r.token, r.item_id) in seen:
            continue
        seen.add((r.token, r.item_id))
        row = tokens.setdefault(r.token, len(tokens))
        cells.append((row, col[r.item_id], 1.0 if (r.correct and not r.dont_know) else 0.0))
    x = np.full((len(tokens), len(item_ids)), np.nan)
    for i, j, v in cells:
        x[i, j] = v
    return x, list(tokens)


def _fit_2pl(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """a, b and their standard errors from ``mirt`` (MML-EM, Bayes modal, θ ~ N(0, 1))."""
    import warnings

    import mirt
    from mirt.estimation.priors import LogNormalPrior, NormalPrior

    priors = {"discrimination": LogNormalPrior(math.log(DEFAULT_A), A_PRIOR_LOG_SD),
              "difficulty": NormalPrior(0.0, FIT_B_PRIOR_SD)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mirt.fit_mirt(x, model="2PL", priors=priors, accelerate="squarem", tol=1e-3,
                            max_iter=300, n_quadpts=31)
    a = np.asarray(res.model.parameters["discrimination"], dtype=float).ravel()
    b = np.asarray(res.model.parameters["difficulty"], dtype=float).ravel()
    se = res.standard_errors
    se_a = np.asarray(se.get("discrimination", np.full_like(a, np.nan)), dtype=float).ravel()
    se_b = np.asarray(se.get("difficulty", np.full_like(b, np.nan)), dtype=float).ravel()
    return a, b, se_a, se_b


def fit_domain(rows: Sequence[AnswerLike], priors: Sequence[ItemPrior],
               anchors: Mapping[str, ItemCalibration] | None = None
               ) -> tuple[dict[str, ItemCalibration], Linking | None]:
    """Calibrate one domain's items from its answers. Items without answers are left out (the
    engine keeps their panel or tag parameters). ``anchors``: the earlier calibration's items."""
    by_id = {p.id: p for p in priors}
    counts: dict[str, int] = {}
    for r in rows:
        if r.item_id in by_id:
            counts[r.item_id] = counts.get(r.item_id, 0) + 1
    ids = [p.id for p in priors if counts.get(p.id)]
    if not ids:
        return {}, None
    x, _ = response_matrix(rows, ids)
    n = np.sum(~np.isnan(x), axis=0).astype(int)
    a_fit, b_fit, se_a, se_b = _fit_2pl(x)

    # The likelihood's own estimate of b on the fit's scale: the weak fit prior taken out.
    post_prec = 1.0 / np.square(np.where(np.isfinite(se_b) & (se_b > 0), se_b, 1e6))
    lam = np.maximum(post_prec - 1.0 / FIT_B_PRIOR_SD ** 2, 1e-9)
    b_lik = b_fit * post_prec / lam

    b0 = np.array([by_id[i].b for i in ids])
    sd0 = np.array([by_id[i].b_sd for i in ids])
    link = _linking(ids, a_fit, b_fit, b_lik, lam, b0, sd0, anchors or {})

    out: dict[str, ItemCalibration] = {}
    for k, i in enumerate(ids):
        lam_k = lam[k] / link.A ** 2  # precision of the likelihood on the level scale
        b_k = link.A * b_lik[k] + link.B
        prec = lam_k + 1.0 / sd0[k] ** 2
        b = (lam_k * b_k + b0[k] / sd0[k] ** 2) / prec
        a = a_fit[k] / link.A
        sa = se_a[k] / link.A if np.isfinite(se_a[k]) else float("nan")
        out[i] = ItemCalibration(a=float(a), b=float(b), se_a=float(sa), se_b=float(prec ** -0.5),
                                 n=int(n[k]))
    return out, link


def _linking(ids, a_fit, b_fit, b_lik, lam, b0, sd0, anchors) -> Linking:
    anc = [k for k, i in enumerate(ids) if i in anchors]
    if len(anc) >= MIN_ANCHORS:
        old = np.array([anchors[ids[k]].b for k in anc])
        new = b_fit[anc]
        sd_new = float(np.std(new))
        A = float(np.std(old)) / sd_new if sd_new > 1e-6 else 1.0
        A = float(min(A_LINK_RANGE[1], max(A_LINK_RANGE[0], A)))
        B = float(np.mean(old) - A * np.mean(new))
        return Linking(A=A, B=B, method="anchors", anchors=len(anc))
    # First calibration: the engine's N(0, 1) for the unit, the panel's difficulties for the origin.
    w = 1.0 / (1.0 / lam + sd0 ** 2)
    B = float(np.sum(w * (b0 - b_lik)) / np.sum(w))
    return Linking(A=1.0, B=B, method="panel", anchors=len(anc))


# --- the between-domain correlation ---------------------------------------------------------------
def attempt_likelihoods(rows: Iterable[AnswerLike], params: Mapping[str, ItemParams]
                        ) -> list[dict[str, Likelihood]]:
    """Per attempt, each answered domain's answers summarised as a Gaussian likelihood of θ
    (from its EAP estimate under N(0, 1), as ``scoring.joint`` does)."""
    by: dict[str, dict[str, list[Response]]] = {}
    seen: set[tuple[str, str]] = set()
    for r in rows:
        p = params.get(r.item_id)
        if p is None or (r.token, r.item_id) in seen:
            continue
        seen.add((r.token, r.item_id))
        by.setdefault(r.token, {}).setdefault(r.domain, []).append(
            Response(p.a, p.b, bool(r.correct and not r.dont_know)))
    est = EAPEstimator()
    out = []
    for doms in by.values():
        lks = {}
        for d, rs in doms.items():
            lk = likelihood_from(est.estimate(rs, Prior()), Prior())
            if lk is not None:
                lks[d] = lk
        if lks:
            out.append(lks)
    return out


def estimate_rho(attempts: Sequence[Mapping[str, Likelihood]]) -> RhoEstimate | None:
    """Maximum likelihood of the exchangeable correlation (and the common SD) of abilities across
    domains, from per-attempt likelihood summaries: each attempt's likelihood means are
    N(μ, σ² R(ρ) + diag(1/λ)) with R(ρ) = (1 − ρ) I + ρ 11ᵀ (the model of ``scoring.joint``).
    None without any attempt answering in two domains."""
    from scipy.optimize import minimize, minimize_scalar

    multi = [a for a in attempts if len(a) >= 2]
    if not multi:
        return None
    # Domain means, plugged in (precision-weighted over every attempt).
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for a in attempts:
        for d, lk in a.items():
            w = 1.0 / (1.0 + 1.0 / lk.precision)
            num[d] = num.get(d, 0.0) + w * lk.mean
            den[d] = den.get(d, 0.0) + w
    mu = {d: num[d] / den[d] for d in num}
    data = [(np.array([lk.mean - mu[d] for d, lk in a.items()]),
             np.array([1.0 / lk.precision for lk in a.values()])) for a in attempts]

    def nll(rho: float, sigma: float) -> float:
        total = 0.0
        s2 = sigma * sigma
        for y, e in data:
            k = len(y)
            cov = s2 * ((1 - rho) * np.eye(k) + rho) + np.diag(e)
            sign, logdet = np.linalg.slogdet(cov)
            total += 0.5 * (logdet + y @ np.linalg.solve(cov, y))
        return total

    res = minimize(lambda v: nll(v[0], v[1]), x0=np.array([DEFAULT_RHO, 1.0]), method="L-BFGS-B",
                   bounds=[(0.0, 0.95), (0.3, 3.0)])
    rho, sigma = float(res.x[0]), float(res.x[1])
    rho = float(minimize_scalar(lambda r: nll(r, sigma), bounds=(0.0, 0.95), method="bounded",
                                options={"xatol": 1e-4}).x)
    h = 1e-3
    r0 = min(max(rho, h), 0.95 - h)
    curv = (nll(r0 + h, sigma) - 2 * nll(r0, sigma) + nll(r0 - h, sigma)) / h ** 2
    se = float(curv ** -0.5) if curv > 0 else float("nan")
    return RhoEstimate(rho=rho, se=se, sigma=sigma, n=len(multi))


# --- everything ---------------------------------------------------------------------------------
def calibrate(rows: Sequence[AnswerLike], bank_items: Iterable[object], date: str,
              previous: Calibration | None = None) -> Calibration:
    """Calibrate every domain's items and estimate the between-domain correlation."""
    import importlib.metadata

    priors = [item_prior(q) for q in bank_items]
    known = {p.id for p in priors}
    rows = [r for r in rows if r.item_id in known]
    by_domain: dict[str, list[ItemPrior]] = {}
    for p in priors:
        by_domain.setdefault(p.domain, []).append(p)
    rows_by: dict[str, list[AnswerLike]] = {}
    for r in rows:
        rows_by.setdefault(r.domain, []).append(r)
    anchors = {} if previous is None else {i: c for i, c in previous.items.items()
                                           if c.n >= previous.min_answers}
    items: dict[str, ItemCalibration] = {}
    links: dict[str, Linking] = {}
    for d, ps in by_domain.items():
        got, link = fit_domain(rows_by.get(d, []), ps, anchors)
        items.update(got)
        if link is not None:
            links[d] = link
    cal = Calibration(date=date, attempts=len({r.token for r in rows}), answers=len(rows), items=items,
                      linking=links, library=f"mirt {importlib.metadata.version('mirt')}")
    params = {p.id: cal.params(p.id) or ItemParams(p.a, p.b) for p in priors}
    rho = estimate_rho(attempt_likelihoods(rows, params))
    return Calibration(**{**cal.__dict__, "rho": rho})
