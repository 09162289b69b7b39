"""Ability estimation: expected a posteriori (EAP) on a fixed grid with a normal prior.

EAP works with no answers (it returns the prior), with all answers right or all wrong (where
maximum likelihood diverges), and its posterior standard deviation is the standard error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from scoring.irt import theta_to_level

#: How far the prior mean moves with the user's self-rating (1–5, 3 = neutral): ±0.25 logits a
#: step, so at most ±0.5. Small on purpose: a few answers outweigh it.
SELF_RATING_SHIFT_PER_STEP = 0.25


@dataclass(frozen=True)
class Prior:
    mean: float = 0.0
    sd: float = 1.0

    @classmethod
    def from_self_rating(cls, rating: int | None) -> "Prior":
        if rating is None:
            return cls()
        return cls(mean=SELF_RATING_SHIFT_PER_STEP * (min(5, max(1, int(rating))) - 3))


@dataclass(frozen=True)
class Response:
    a: float
    b: float
    correct: bool


@dataclass(frozen=True)
class Estimate:
    theta: float
    se: float
    n: int

    @property
    def level(self) -> float:
        return theta_to_level(self.theta)

    @property
    def assessed(self) -> bool:
        return self.n > 0


class Estimator(Protocol):
    def estimate(self, responses: Sequence[Response], prior: Prior = ...) -> Estimate: ...


class EAPEstimator:
    def __init__(self, lo: float = -5.0, hi: float = 5.0, points: int = 81):
        self.grid = np.linspace(lo, hi, points)

    def posterior(self, responses: Sequence[Response], prior: Prior = Prior()) -> np.ndarray:
        log_post = -0.5 * ((self.grid - prior.mean) / prior.sd) ** 2
        for r in responses:
            z = r.a * (self.grid - r.b)
            # log P(correct) = -log(1+e^-z); log P(wrong) = -log(1+e^z): stable via logaddexp
            log_post += -np.logaddexp(0.0, -z) if r.correct else -np.logaddexp(0.0, z)
        log_post -= log_post.max()
        post = np.exp(log_post)
        return post / post.sum()

    def estimate(self, responses: Sequence[Response], prior: Prior = Prior()) -> Estimate:
        if not responses:  # the posterior is the prior itself
            return Estimate(theta=prior.mean, se=prior.sd, n=0)
        post = self.posterior(responses, prior)
        mean = float(np.dot(self.grid, post))
        var = float(np.dot((self.grid - mean) ** 2, post))
        return Estimate(theta=mean, se=float(np.sqrt(var)), n=len(responses))
