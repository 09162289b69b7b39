"""The 2PL item response model and the mapping between ability (θ, logits) and the 0–4 level scale.

P(correct | θ) = 1 / (1 + exp(-a (θ - b)))   (logistic metric, no D = 1.702 scaling)

Items without calibrated parameters get them from their level tag (one documented mapping):
difficulty b = LEVEL_B[level], discrimination a = DEFAULT_A. The level scale shown to users is
linear in θ: level = θ + LEVEL_OFFSET, clipped to [0, 4], so that a person at level L answers a
typical level-L item correctly with probability 0.5 and standard errors carry over unchanged.
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


def params_for(level: int, irt: object | None = None) -> ItemParams:
    """Parameters of an item: its own (calibrated or guessed) where given, else from its level."""
    if irt is not None:
        a = getattr(irt, "a", None) or DEFAULT_A
        return ItemParams(a=float(a), b=float(getattr(irt, "b")))
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
