"""Exposure control: Sympson–Hetter parameters, found by simulation, read by the engine.

Without control, the few most informative items of a domain reach most people in their first ten
questions (77–94% in the 2026 measurement): a leak waiting to happen, and a retake that repeats
itself. Sympson–Hetter gives each item a probability k of being given when it is the one selected;
k is found by simulation so that no item is given to more than CEILING of the examinees in their
first TEST_LENGTH questions of a domain:

    repeat: simulate examinees θ ~ N(0, 1) through the real adaptive session with the current k;
            P(A) = share of examinees given the item in their first TEST_LENGTH questions;
            k ← k × CEILING / P(A) where P(A) > CEILING (else k relaxes back towards 1)

``python -m questions exposure --write`` runs it and writes ``data/exposure.json``; the engine
reads it once per process. An item added since has k = 1 until the next run.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import numpy as np

from scoring.domains import DATA_DIR
from scoring.selection import CatItem, SympsonHetter

EXPOSURE_FILE = DATA_DIR / "exposure.json"
#: The target share of examinees an item may reach; the observed maximum lands above it (P(A) is
#: estimated from simulation, and the maximum over 1,300 items picks up their noise): 0.2 gave a
#: maximum of 27-28% in bench/cat_simulation.py, so this is set well below the 25% we aim for.
CEILING = 0.17
#: Exposure is measured over a domain's first this-many questions (an area quiz's maximum).
TEST_LENGTH = 10
#: A domain's ceiling is at least this many times its average exposure (TEST_LENGTH / items).
HEADROOM = 1.2


@lru_cache(maxsize=1)
def exposure_parameters() -> dict[str, float]:
    """The k of each item (missing items: 1). Empty when no file has been written."""
    if not EXPOSURE_FILE.exists():
        return {}
    data = json.loads(EXPOSURE_FILE.read_text(encoding="utf-8"))
    return {i: float(k) for i, k in data.get("k", {}).items()}


def simulate(pool: Sequence[CatItem], k: Mapping[str, float], examinees: int, seed: int,
             length: int = TEST_LENGTH) -> tuple[Counter, Counter, list[float]]:
    """One domain's adaptive tests of ``length`` items for simulated examinees; returns how many
    examinees each item was considered for and given to, and the errors of θ at the end."""
    from scoring.cat import AdaptiveSession
    from scoring.stopping import StopRule

    rng = np.random.default_rng(seed)
    domain = pool[0].domain
    considered_once: Counter = Counter()
    given: Counter = Counter()
    errors = []
    for n, theta in enumerate(rng.normal(0.0, 1.0, examinees)):
        seen: Counter = Counter()
        sel = SympsonHetter(k=k, considered=seen)
        s = AdaptiveSession(pool, [domain], stop=StopRule(1, len(pool), 0.0, False), selector=sel,
                            seed=seed * 100_003 + n)
        for _ in range(min(length, len(pool))):
            it = s.next_item()
            s.record(it.id, bool(rng.random() < 1.0 / (1.0 + math.exp(-it.a * (theta - it.b)))))
            given[it.id] += 1
        considered_once.update(seen.keys())
        errors.append(s.estimate(domain).theta - theta)
    return considered_once, given, errors


def fit_domain(pool: Sequence[CatItem], ceiling: float = CEILING, iterations: int = 12,
               examinees: int = 500, seed: int = 7) -> dict[str, float]:
    """Sympson–Hetter iterations for one domain's items.

    The classic update (k = ceiling / P(selected)) oscillates when few items carry most of the
    information; this one steers each item's observed exposure P(given) towards the ceiling
    multiplicatively: over-exposed items get k × ceiling / P(given), under-used ones relax back
    towards 1 by the square root of that factor."""
    # Each examinee takes TEST_LENGTH of the pool's items, so the average exposure is
    # TEST_LENGTH / pool size: a ceiling below that cannot hold, and one just above it forces a
    # random order. Small pools get a ceiling HEADROOM times the average instead.
    ceiling = max(ceiling, HEADROOM * min(TEST_LENGTH, len(pool)) / max(1, len(pool)))
    k = {it.id: 1.0 for it in pool}
    for i in range(iterations):
        _, given, _ = simulate(pool, k, examinees, seed + i)
        for it in pool:
            p_a = max(given[it.id] / examinees, 1e-3)
            factor = ceiling / p_a
            k[it.id] = min(1.0, max(0.01, k[it.id] * (factor if factor < 1 else factor ** 0.5)))
    return k


def fit(items: Iterable[CatItem], ceiling: float = CEILING, iterations: int = 12,
        examinees: int = 500, workers: int = 2) -> dict[str, float]:
    """k for every item, domain by domain (in ``workers`` processes)."""
    from concurrent.futures import ProcessPoolExecutor

    by_domain: dict[str, list[CatItem]] = {}
    for it in items:
        by_domain.setdefault(it.domain, []).append(it)
    args = [(pool, ceiling, iterations, examinees) for pool in by_domain.values()]
    if workers <= 1:
        results = [fit_domain(*a) for a in args]
    else:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            results = list(ex.map(_fit_args, args))
    out: dict[str, float] = {}
    for r in results:
        out.update(r)
    return out


def _fit_args(a: tuple) -> dict[str, float]:
    return fit_domain(*a)


def to_json(k: Mapping[str, float], ceiling: float, iterations: int, examinees: int) -> str:
    return json.dumps({
        "method": "Sympson-Hetter, unconditional",
        "ceiling": ceiling, "test_length": TEST_LENGTH, "iterations": iterations,
        "examinees_per_iteration": examinees, "computed_on": dt.date.today().isoformat(),
        "k": {i: round(v, 4) for i, v in sorted(k.items())},
    }, indent=1) + "\n"
