"""Skills correlate: a joint normal model of the abilities in several domains.

Each domain's answers are summarised by a Gaussian approximation of their likelihood (a precision
and a mean, recovered from the domain's own EAP estimate and the prior it was computed with). The
prior over all domains is normal with each domain's own prior mean, SD 1, and one correlation
``rho`` between any two domains (exchangeable). The posterior is then normal, in closed form:

    precision  P = Σ⁻¹ + diag(λ)          mean  m = P⁻¹ (Σ⁻¹ μ₀ + λ ∘ μ_like)

This is what a multidimensional adaptive test does with correlated abilities (Segall 1996), kept
small: it gives a domain with no answers a starting point that moves with the others, it is the
prior a domain's quiz starts from, and the readiness verdict draws abilities from it jointly.
``rho`` defaults to DEFAULT_RHO and is estimated from stored answers when there are enough
(``scoring.calibration``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from scoring.estimator import Estimate, Prior

#: Between-domain correlation of abilities when no estimate from data is available.
DEFAULT_RHO = 0.5
#: Precisions below this are treated as "no information" (numerical noise of the EAP grid).
_MIN_PRECISION = 1e-6


@dataclass(frozen=True)
class Likelihood:
    """A domain's answers, summarised: N(mean, 1/precision) as a function of θ."""

    mean: float
    precision: float


def likelihood_from(est: Estimate, prior: Prior) -> Likelihood | None:
    """Recover the Gaussian likelihood behind an EAP estimate computed with ``prior``.

    posterior precision = prior precision + likelihood precision, and the posterior mean is the
    precision-weighted mean of the two; so the likelihood is what remains after taking the prior out.
    With no answers, or answers that carry (numerically) no information, there is none."""
    if not est.assessed:
        return None
    post_prec = 1.0 / max(est.se, 1e-6) ** 2
    prior_prec = 1.0 / prior.sd ** 2
    lam = post_prec - prior_prec
    if lam <= _MIN_PRECISION:
        return None
    mean = (est.theta * post_prec - prior.mean * prior_prec) / lam
    return Likelihood(mean=float(mean), precision=float(lam))


@dataclass(frozen=True)
class JointPosterior:
    domains: tuple[str, ...]
    mean: np.ndarray
    cov: np.ndarray

    def marginal(self, domain: str) -> Estimate:
        i = self.domains.index(domain)
        return Estimate(theta=float(self.mean[i]), se=float(np.sqrt(self.cov[i, i])), n=0)

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` joint draws, shape (n, len(domains)); deterministic for a given seed."""
        chol = np.linalg.cholesky(self.cov + 1e-12 * np.eye(len(self.domains)))
        # einsum, not `@`: for a dozen or more domains `@` hands the product to a multi-threaded
        # BLAS, which on a busy 2-core server took 8 ms instead of under 1.
        return self.mean + np.einsum("nk,jk->nj", _standard_normals(n, len(self.domains), seed), chol)


@lru_cache(maxsize=64)
def _standard_normals(n: int, k: int, seed: int) -> np.ndarray:
    """The same draws for the same (n, k, seed), made once: every verdict on the results page
    uses them (common random numbers), and generating them was most of a verdict's cost."""
    z = np.random.default_rng(seed).standard_normal((n, k))
    z.setflags(write=False)
    return z


def prior_cov(k: int, rho: float) -> np.ndarray:
    return (1.0 - rho) * np.eye(k) + rho * np.ones((k, k))


def posterior(domains: Sequence[str], priors: Mapping[str, Prior],
              likelihoods: Mapping[str, Likelihood | None], rho: float = DEFAULT_RHO) -> JointPosterior:
    """The joint posterior over ``domains`` (likelihoods of other domains are ignored)."""
    doms = tuple(domains)
    k = len(doms)
    mu0 = np.array([priors[d].mean if d in priors else 0.0 for d in doms])
    sd0 = np.array([priors[d].sd if d in priors else 1.0 for d in doms])
    sigma = prior_cov(k, rho) * np.outer(sd0, sd0)
    sigma_inv = np.linalg.inv(sigma)
    lam = np.zeros(k)
    lmean = np.zeros(k)
    for i, d in enumerate(doms):
        lk = likelihoods.get(d)
        if lk is not None:
            lam[i], lmean[i] = lk.precision, lk.mean
    prec = sigma_inv + np.diag(lam)
    cov = np.linalg.inv(prec)
    cov = (cov + cov.T) / 2
    mean = cov @ (sigma_inv @ mu0 + lam * lmean)
    return JointPosterior(domains=doms, mean=mean, cov=cov)


def conditional_prior(domain: str, priors: Mapping[str, Prior],
                      likelihoods: Mapping[str, Likelihood | None], rho: float = DEFAULT_RHO) -> Prior:
    """The prior for ``domain`` given what the *other* domains' answers say: the marginal of the
    joint posterior computed without the domain's own answers."""
    others = [d for d, lk in likelihoods.items() if lk is not None and d != domain]
    if not others or rho == 0:
        return priors.get(domain, Prior())
    post = posterior([domain, *others], priors, {d: likelihoods[d] for d in others}, rho)
    m = post.marginal(domain)
    return Prior(mean=m.theta, sd=m.se)


def from_estimates(estimates: Mapping[str, Estimate], priors: Mapping[str, Prior],
                   domains: Sequence[str], rho: float = DEFAULT_RHO) -> JointPosterior:
    """The joint posterior over ``domains`` from per-domain estimates (each computed with its own
    prior from ``priors``); every assessed domain informs the others, in ``domains`` or not."""
    lks = {d: likelihood_from(e, priors.get(d, Prior())) for d, e in estimates.items()}
    informative = [d for d in lks if lks[d] is not None and d not in domains]
    post = posterior([*domains, *informative], priors, lks, rho)
    k = len(domains)
    return JointPosterior(domains=tuple(domains), mean=post.mean[:k], cov=post.cov[:k, :k])
