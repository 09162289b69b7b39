"""An adaptive session over one or several domains: one adaptive test per domain, interleaved.

The session's state is its configuration plus the answers given, so a saved attempt is resumed by
replaying its answers: selection draws its randomness from (seed, number of answers), so the same
answers always lead to the same next item.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from scoring.estimator import EAPEstimator, Estimate, Estimator, Prior, Response
from scoring.irt import params_for
from scoring.selection import CatItem, RandomesqueMaxInfo, Selector
from scoring.stopping import StopRule

BANK_EXHAUSTED = "no more questions in this domain"


def cat_items(bank_items: Iterable[object]) -> list[CatItem]:
    """CatItems from question objects (anything with id, domain, subtopic, level, irt)."""
    out = []
    for q in bank_items:
        p = params_for(getattr(q, "level"), getattr(q, "irt", None))
        out.append(CatItem(id=q.id, domain=q.domain, subtopic=q.subtopic, a=p.a, b=p.b))  # type: ignore[attr-defined]
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

    # --- answers --------------------------------------------------------------------
    def record(self, item_id: str, correct: bool) -> None:
        if item_id not in self._by_id:
            raise KeyError(f"unknown item {item_id}")
        if any(i == item_id for i, _ in self.answers):
            raise ValueError(f"item {item_id} was already answered")
        self.answers.append((item_id, bool(correct)))
        self._cache.pop(self._by_id[item_id].domain, None)

    def answered_in(self, domain: str) -> list[tuple[CatItem, bool]]:
        return [(self._by_id[i], c) for i, c in self.answers if self._by_id[i].domain == domain]

    # --- estimates ------------------------------------------------------------------
    def prior(self, domain: str) -> Prior:
        return self.priors.get(domain, Prior())

    def estimate(self, domain: str) -> Estimate:
        if domain not in self._cache:
            resp = [Response(it.a, it.b, c) for it, c in self.answered_in(domain)]
            self._cache[domain] = self.estimator.estimate(resp, self.prior(domain))
        return self._cache[domain]

    def estimates(self) -> dict[str, Estimate]:
        return {d: self.estimate(d) for d in self.domains}

    # --- flow -----------------------------------------------------------------------
    def stop_reason(self, domain: str) -> str | None:
        given = {i for i, _ in self.answers}
        if all(it.id in given for it in self._by_domain[domain]):
            return BANK_EXHAUSTED
        return self.stop.reason(self.estimate(domain), self.cuts.get(domain))

    def unfinished(self) -> list[str]:
        return [d for d in self.domains if self.stop_reason(d) is None]

    @property
    def finished(self) -> bool:
        return not self.unfinished()

    def next_domain(self) -> str | None:
        """The unfinished domain that matters most: largest SE × weight (ties: listed order)."""
        best, best_score = None, -1.0
        for d in self.unfinished():
            score = self.estimate(d).se * self.weights.get(d, 1.0)
            if score > best_score + 1e-12:
                best, best_score = d, score
        return best

    def next_item(self) -> CatItem | None:
        domain = self.next_domain()
        if domain is None:
            return None
        given = {i for i, _ in self.answers}
        candidates = [it for it in self._by_domain[domain] if it.id not in given]
        administered = [it for it, _ in self.answered_in(domain)]
        rng = np.random.default_rng([self.seed, len(self.answers)])
        return self.selector.select(candidates, self.estimate(domain).theta, administered,
                                    self.seen_before, rng)

    def questions_left(self) -> int:
        """A rough count of the questions still to come (for "about N questions left")."""
        total = 0
        for d in self.unfinished():
            est = self.estimate(d)
            left_in_bank = len(self._by_domain[d]) - est.n
            per_item = 0.8 * max((it.a ** 2) / 4 for it in self._by_domain[d])
            to_target = (1 / self.stop.se_target ** 2 - 1 / est.se ** 2) / per_item
            need = max(self.stop.min_items - est.n, int(np.ceil(max(to_target, 1.0))))
            total += max(1, min(need, self.stop.max_items - est.n, left_in_bank))
        return total
