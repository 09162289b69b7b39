"""Exposure control: Sympson–Hetter parameters found by simulation keep items from reaching most
people, and the engine reads them."""
import math

import numpy as np

from scoring.exposure import exposure_parameters, fit_domain, simulate
from scoring.selection import CatItem, SympsonHetter


def pool(n: int = 24) -> list[CatItem]:
    rng = np.random.default_rng(3)
    return [CatItem(f"d-{i:03d}", "d", f"s{i % 4}", float(np.exp(rng.normal(math.log(1.2), 0.2))),
                    float(rng.normal(0, 1))) for i in range(n)]


def test_simulated_parameters_cap_the_most_exposed_items():
    items = pool()
    _, free, _ = simulate(items, {}, 200, seed=1, length=6)
    k = fit_domain(items, ceiling=0.3, iterations=6, examinees=150, seed=2)
    _, capped, _ = simulate(items, k, 200, seed=1, length=6)
    most_free, most_capped = max(free.values()) / 200, max(capped.values()) / 200
    assert most_free > 0.6  # without control a few items reach most people
    assert most_capped < 0.45 and most_capped < most_free / 1.5
    assert all(0 < v <= 1 for v in k.values()) and min(k.values()) < 1


def test_an_item_is_given_with_its_probability_when_selected():
    a, b = pool(2)
    sel = SympsonHetter(k={a.id: 0.0 if a.b < b.b else 1.0, b.id: 1.0 if a.b < b.b else 0.0})
    rng = np.random.default_rng(0)
    # whichever item would be chosen first, the one with k = 0 is never given while the other remains
    picks = {sel.select([a, b], 0.0, [], frozenset(), rng).id for _ in range(50)}
    assert picks == {b.id if a.b < b.b else a.id}


def test_the_bank_has_exposure_parameters():
    from questions import load_bank

    k = exposure_parameters()
    bank = load_bank()
    assert k, "scoring/data/exposure.json is missing: python -m questions exposure --write"
    assert all(0 < v <= 1 for v in k.values())
    covered = sum(q.id in k for q in bank.items) / len(bank)
    assert covered >= 0.9, f"only {covered:.0%} of items have exposure parameters: rerun the fit"
