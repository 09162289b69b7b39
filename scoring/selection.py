"""Item selection: maximum information at the current estimate, randomised among the top few
(exposure control), with soft subtopic balancing and a preference for items not seen before."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

import numpy as np

from scoring.irt import information


@dataclass(frozen=True)
class CatItem:
    """What the engine needs to know about a bank item."""

    id: str
    domain: str
    subtopic: str
    a: float
    b: float
    type: str = "single_choice"


class Selector(Protocol):
    def select(self, candidates: Sequence[CatItem], theta: float, administered: Sequence[CatItem],
               seen_before: frozenset[str], rng: np.random.Generator) -> CatItem: ...


@dataclass(frozen=True)
class RandomesqueMaxInfo:
    """Shortlist the ``shortlist`` most informative items at θ; re-rank them with subtopic balance
    and the seen-before penalty; pick at random among the best ``top_k``. Balancing inside a
    shortlist spreads subtopics without giving away much information."""

    top_k: int = 3
    shortlist: int = 8
    #: information is divided by (1 + balance × items already given in the same subtopic)
    subtopic_balance: float = 0.5
    #: information is multiplied by this for items the user saw in an earlier attempt
    seen_penalty: float = 0.5

    def scores(self, candidates: Sequence[CatItem], theta: float, administered: Sequence[CatItem],
               seen_before: frozenset[str]) -> np.ndarray:
        a = np.array([c.a for c in candidates])
        b = np.array([c.b for c in candidates])
        info = np.asarray(information(theta, a, b), dtype=float)
        used = Counter(c.subtopic for c in administered)
        balance = np.array([1.0 + self.subtopic_balance * used[c.subtopic] for c in candidates])
        seen = np.array([self.seen_penalty if c.id in seen_before else 1.0 for c in candidates])
        return info / balance * seen

    def select(self, candidates: Sequence[CatItem], theta: float, administered: Sequence[CatItem],
               seen_before: frozenset[str], rng: np.random.Generator) -> CatItem:
        if not candidates:
            raise ValueError("no candidate items")
        a = np.array([c.a for c in candidates])
        b = np.array([c.b for c in candidates])
        info = np.asarray(information(theta, a, b), dtype=float)
        short = np.argsort(-info, kind="stable")[: self.shortlist]
        pool = [candidates[i] for i in short]
        scores = self.scores(pool, theta, administered, seen_before)
        k = min(self.top_k, len(pool))
        top = np.argsort(-scores, kind="stable")[:k]
        return pool[int(rng.choice(top))]


@dataclass(frozen=True)
class RandomOrder:
    """The baseline the benchmark compares against: any unused item, uniformly."""

    def select(self, candidates: Sequence[CatItem], theta: float, administered: Sequence[CatItem],
               seen_before: frozenset[str], rng: np.random.Generator) -> CatItem:
        return candidates[int(rng.integers(len(candidates)))]


@dataclass(frozen=True)
class SympsonHetter:
    """Exposure control (Sympson & Hetter 1985): items are considered in order of their score
    (information at θ, with subtopic balance and the seen-before penalty), and the one considered
    is given with probability ``k[item]``, else the next is considered. ``k`` comes from
    simulation (``scoring.exposure``) so that no item is given to more than a chosen share of
    examinees; items without a parameter are always given when considered (k = 1)."""

    k: Mapping[str, float]
    base: RandomesqueMaxInfo = RandomesqueMaxInfo(top_k=1, shortlist=1_000_000)
    #: Counts how often each item was considered (only while computing ``k`` by simulation).
    considered: Counter | None = None

    def select(self, candidates: Sequence[CatItem], theta: float, administered: Sequence[CatItem],
               seen_before: frozenset[str], rng: np.random.Generator) -> CatItem:
        if not candidates:
            raise ValueError("no candidate items")
        scores = self.base.scores(candidates, theta, administered, seen_before)
        order = np.argsort(-scores, kind="stable")
        draws = rng.random(len(order))
        for n, i in enumerate(order):
            item = candidates[int(i)]
            if self.considered is not None:
                self.considered[item.id] += 1
            if draws[n] < self.k.get(item.id, 1.0):
                return item
        return candidates[int(order[0])]  # every item declined: the best one after all
