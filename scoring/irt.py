"""The 2PL item response model and the mapping between ability (θ, logits) and the 0–4 level scale.

P(correct | θ) = 1 / (1 + exp(-a (θ - b)))   (logistic metric, no D = 1.702 scaling)

An item calibrated from enough stored answers (``scoring.calibration``: n ≥ MIN_ANSWERS) uses its
calibrated a and b. Items without calibrated parameters get them from the blind panel that rated them (one documented
mapping, ``difficulty_from_panel``): difficulty b = panel mean − LEVEL_OFFSET on the same 0–4 scale
as levels, discrimination a = DEFAULT_A. An item with no panel yet falls back to its level tag
(LEVEL_B). The level scale shown to users is linear in θ: level = θ + LEVEL_OFFSET, clipped to
[0, 4], so that a person at level L answers an item the panel rated L correctly with probability 0.5
and standard errors carry over unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Difficulty of a typical item of each level tag, in logits.
LEVEL_B: dict[int, float] = {1: -1.5, 2: -0.5, 3: 0.5, 4: 1.5}
#: Discrimination assumed for items without calibrated parameters (median of typical 2PL banks).
DEFAULT_A = 1.2
#: level = θ + LEVEL_OFFSET, so θ = LEVEL_B[L] maps to level L.
LEVEL_OFFSET = 2.5
LEVEL_MIN, LEVEL_MAX = 0.0, 4.0
LEVEL_NAMES = {0: "beginner", 1: "foundation", 2: "practitioner", 3: "professional", 4: "expert"}


@dataclass(frozen=True)
class ItemParams:
    a: float
    b: float


def difficulty_from_panel(panel_mean: float) -> float:
    """The one mapping from a panel's mean rating (0.5–4.5 level scale) to difficulty b in logits:
    an item rated L is one a person at level L answers correctly half the time."""
    return float(panel_mean) - LEVEL_OFFSET


def params_for(level: int, panel_mean: float | None = None, item_id: str | None = None) -> ItemParams:
    """An item's parameters: calibrated ones when ``item_id`` has them with at least the documented
    minimum number of answers (``scoring.calibration.MIN_ANSWERS``); else from its panel's mean
    rating where it has one; else from its level tag."""
    if item_id is not None:
        from scoring.calibration import calibrated_params  # the calibration file, read once

        calibrated = calibrated_params(item_id)
        if calibrated is not None:
            return calibrated
    if panel_mean is not None:
        return ItemParams(a=DEFAULT_A, b=difficulty_from_panel(panel_mean))
    return ItemParams(a=DEFAULT_A, b=LEVEL_B[level])


def p_correct(theta: np.ndarray | float, a: float, b: float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-a * (np.asarray(theta) - b)))


def information(theta: float, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray | float:
    """Fisher information of 2PL items at θ: a² P (1 − P)."""
    p = 1.0 / (1.0 + np.exp(-np.asarray(a) * (theta - np.asarray(b))))
    return np.asarray(a) ** 2 * p * (1.0 - p)


def theta_to_level(theta: float) -> float:
    return float(min(LEVEL_MAX, max(LEVEL_MIN, theta + LEVEL_OFFSET)))


def level_to_theta(level: float) -> float:
    return float(level) - LEVEL_OFFSET


def level_name(level: float) -> str:
    return LEVEL_NAMES[int(min(LEVEL_MAX, max(LEVEL_MIN, np.floor(level + 1e-9))))]
