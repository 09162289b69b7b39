"""Item statistics from stored answers: how each item behaves with real users.

Per item: times shown, facility (share right among those who answered, "I don't know" left out),
the "I don't know" rate, discrimination, median time, and the facility the item's parameters
predict for the people who answered it. Discrimination is the correlation of the item's score with
the person's ability in the domain estimated from their *other* answers there (a rest-θ
correlation: an adaptive test gives everyone different items, so a sum score means nothing; the
item's own answer is left out so that it does not correlate with itself). Scores count "I don't
know" as wrong, as scoring does.

Flags (each needs enough data, see the constants): negative or near-zero discrimination, facility
far from what the item's b predicts, a high "I don't know" rate, unusually long times.

Pure: plain records in (anything with token, item_id, domain, correct, dont_know, seconds), plain
records out; no I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Iterable, Mapping, Sequence

import numpy as np

from scoring.estimator import EAPEstimator, Prior, Response
from scoring.irt import ItemParams, p_correct

#: Flags on discrimination and facility need this many answers (not "I don't know") with a rest-θ.
MIN_FOR_FLAGS = 30
#: Discrimination below this is "near zero" (below 0: "negative").
NEAR_ZERO_DISCRIMINATION = 0.10
#: Observed facility this far from the model's prediction (absolute) is flagged.
FACILITY_GAP = 0.20
#: An "I don't know" rate above this (with at least MIN_SHOWN_FOR_IDK showings) is flagged.
HIGH_DONT_KNOW = 0.25
MIN_SHOWN_FOR_IDK = 20
#: A median time over this multiple of the domain's typical item median (with at least
#: MIN_TIMED timed answers) is flagged.
LONG_TIME_FACTOR = 2.0
MIN_TIMED = 10
#: Ability bands (θ from the other answers) for the observed-vs-model plot.
BAND_EDGES = (-np.inf, -1.5, -0.5, 0.5, 1.5, np.inf)

FLAG_NEGATIVE = "negative discrimination"
FLAG_FLAT = "near-zero discrimination"
FLAG_FACILITY = "facility far from what b predicts"
FLAG_DONT_KNOW = "high \"I don't know\" rate"
FLAG_SLOW = "unusually long times"


@dataclass(frozen=True)
class Band:
    theta: float  # mean rest-θ of the band's answers
    n: int
    observed: float  # share right ("I don't know" as wrong)


@dataclass
class ItemStats:
    item_id: str
    domain: str
    a: float
    b: float
    shown: int = 0
    answered: int = 0  # shown less "I don't know"
    correct: int = 0
    facility: float | None = None
    expected_facility: float | None = None
    dont_know_rate: float | None = None
    discrimination: float | None = None
    discrimination_n: int = 0
    median_seconds: float | None = None
    flags: list[str] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)

    def row(self) -> dict:
        """A flat row for tables and CSV."""
        d = asdict(self)
        d.pop("bands")
        d["flags"] = "; ".join(self.flags)
        return d


COLUMNS = ("item_id", "domain", "a", "b", "shown", "answered", "correct", "facility",
           "expected_facility", "dont_know_rate", "discrimination", "discrimination_n",
           "median_seconds", "flags")


def item_statistics(rows: Iterable[object], params: Mapping[str, ItemParams],
                    domains: Mapping[str, str]) -> list[ItemStats]:
    """Statistics for every item in ``params`` (id → the parameters the engine uses), in the
    order given; ``domains`` maps item id → domain. Answers to unknown items are ignored."""
    stats = {i: ItemStats(i, domains[i], params[i].a, params[i].b) for i in params}
    # One attempt's answers in one domain (first answer per item).
    groups: dict[tuple[str, str], list[object]] = {}
    seen: set[tuple[str, str]] = set()
    times: dict[str, list[float]] = {}
    for r in rows:
        s = stats.get(r.item_id)  # type: ignore[attr-defined]
        if s is None or (r.token, r.item_id) in seen:  # type: ignore[attr-defined]
            continue
        seen.add((r.token, r.item_id))  # type: ignore[attr-defined]
        groups.setdefault((r.token, s.domain), []).append(r)  # type: ignore[attr-defined]
        s.shown += 1
        if r.dont_know:  # type: ignore[attr-defined]
            continue
        s.answered += 1
        s.correct += bool(r.correct)  # type: ignore[attr-defined]
        if r.seconds is not None and r.seconds >= 0:  # type: ignore[attr-defined]
            times.setdefault(r.item_id, []).append(float(r.seconds))  # type: ignore[attr-defined]

    # Rest-θ: each answer against the ability from the attempt's other answers in the domain.
    est = EAPEstimator()
    pairs: dict[str, list[tuple[float, int, bool]]] = {}  # item -> (rest θ, score, dont_know)
    for rs in groups.values():
        if len(rs) < 2:
            continue
        resp = [Response(params[r.item_id].a, params[r.item_id].b,  # type: ignore[attr-defined]
                         bool(r.correct) and not r.dont_know) for r in rs]  # type: ignore[attr-defined]
        for k, r in enumerate(rs):
            theta = est.estimate(resp[:k] + resp[k + 1:], Prior()).theta
            pairs.setdefault(r.item_id, []).append(  # type: ignore[attr-defined]
                (theta, int(resp[k].correct), bool(r.dont_know)))  # type: ignore[attr-defined]

    for i, s in stats.items():
        if s.shown:
            s.dont_know_rate = (s.shown - s.answered) / s.shown
        if s.answered:
            s.facility = s.correct / s.answered
        if i in times:
            s.median_seconds = float(median(times[i]))
        got = pairs.get(i, [])
        if got:
            th = np.array([t for t, _, _ in got])
            sc = np.array([x for _, x, _ in got])
            answered = np.array([not dk for _, _, dk in got])
            s.discrimination_n = int(answered.sum())
            if answered.any():
                s.expected_facility = float(np.mean(p_correct(th[answered], s.a, s.b)))
            if len(sc) >= 3 and sc.std() > 0 and th.std() > 0:
                s.discrimination = float(np.corrcoef(sc, th)[0, 1])
            s.bands = _bands(th, sc)
    _flag(list(stats.values()))
    return list(stats.values())


def _bands(theta: np.ndarray, score: np.ndarray) -> list[Band]:
    out = []
    for lo, hi in zip(BAND_EDGES[:-1], BAND_EDGES[1:]):
        m = (theta > lo) & (theta <= hi)
        if m.any():
            out.append(Band(theta=float(theta[m].mean()), n=int(m.sum()), observed=float(score[m].mean())))
    return out


def _flag(stats: Sequence[ItemStats]) -> None:
    by_domain: dict[str, list[float]] = {}
    for s in stats:
        if s.median_seconds is not None:
            by_domain.setdefault(s.domain, []).append(s.median_seconds)
    typical = {d: float(median(v)) for d, v in by_domain.items()}
    for s in stats:
        s.flags = []
        if s.discrimination is not None and s.discrimination_n >= MIN_FOR_FLAGS:
            if s.discrimination < 0:
                s.flags.append(FLAG_NEGATIVE)
            elif s.discrimination < NEAR_ZERO_DISCRIMINATION:
                s.flags.append(FLAG_FLAT)
        if (s.facility is not None and s.expected_facility is not None
                and s.discrimination_n >= MIN_FOR_FLAGS
                and abs(s.facility - s.expected_facility) > FACILITY_GAP):
            s.flags.append(FLAG_FACILITY)
        if s.dont_know_rate is not None and s.shown >= MIN_SHOWN_FOR_IDK and s.dont_know_rate > HIGH_DONT_KNOW:
            s.flags.append(FLAG_DONT_KNOW)
        t = typical.get(s.domain)
        if (s.median_seconds is not None and t and s.answered >= MIN_TIMED
                and s.median_seconds > LONG_TIME_FACTOR * t):
            s.flags.append(FLAG_SLOW)


def bank_params(bank_items: Iterable[object]) -> tuple[dict[str, ItemParams], dict[str, str]]:
    """The parameters the engine uses for each bank item (calibrated, panel or tag), and domains."""
    from scoring.irt import params_for

    params, domains = {}, {}
    for q in bank_items:
        params[q.id] = params_for(q.level, getattr(q, "panel_mean", None), q.id)  # type: ignore[attr-defined]
        domains[q.id] = q.domain  # type: ignore[attr-defined]
    return params, domains


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "" if x is None else format(x, spec)
