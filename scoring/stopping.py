"""Stopping rules for one domain's adaptive test, and the readiness verdict they share."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from math import erf, sqrt

from scoring.estimator import Estimate

#: One-sided confidence for "ready" / "not yet": P(θ ≥ cut) ≥ 0.95 or ≤ 0.05.
VERDICT_CONFIDENCE = 0.95


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + erf(x / sqrt(2.0)))


def p_at_or_above(est: Estimate, cut_theta: float) -> float:
    """Probability that the true ability is at or above the cut, from the estimate and its SE."""
    return normal_cdf((est.theta - cut_theta) / max(est.se, 1e-9))


class Verdict(str, Enum):
    READY = "ready"
    NOT_YET = "not yet"
    UNSURE = "not sure yet"
    NOT_ASSESSED = "not assessed"


def verdict(est: Estimate | None, cut_theta: float, confidence: float = VERDICT_CONFIDENCE) -> Verdict:
    if est is None or not est.assessed:
        return Verdict.NOT_ASSESSED
    p = p_at_or_above(est, cut_theta)
    if p >= confidence:
        return Verdict.READY
    if p <= 1.0 - confidence:
        return Verdict.NOT_YET
    return Verdict.UNSURE


@dataclass(frozen=True)
class StopRule:
    """Stop when the SE is below target, or the verdict against the cut is settled,
    within a minimum and a maximum number of items."""

    min_items: int = 3
    max_items: int = 10
    se_target: float = 0.5
    use_verdict: bool = True

    def reason(self, est: Estimate, cut_theta: float | None) -> str | None:
        if est.n < self.min_items:
            return None
        if est.n >= self.max_items:
            return "maximum items reached"
        if est.se < self.se_target:
            return "precise enough"
        if self.use_verdict and cut_theta is not None and verdict(est, cut_theta) in (
            Verdict.READY, Verdict.NOT_YET
        ):
            return "verdict settled"
        return None
