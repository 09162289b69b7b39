"""One verdict per certification, in plain words: ready, probably ready, not yet, or not enough
evidence, with how sure we are and what would settle it.

The model (stated on the About page):
- A candidate *passes* when the domains in which they are at or above the exam's required level
  carry at least PASS_BAR of the exam's blueprint weight (exams are compensatory: a weak section
  can be made up elsewhere, but not most of them).
- Abilities are uncertain and correlated: draws from the joint posterior over every domain
  (``scoring.joint``: each domain's answers, the user's self-rating priors and the between-domain
  correlation) give P(pass), the share of draws that pass.
- Four outcomes: *ready* when P(pass) ≥ READY_P, *probably ready* when ≥ PROBABLY_P, *not yet* when
  ≤ NOT_YET_P, else *not enough evidence*; and always *not enough evidence* while less than
  MIN_ASSESSED of the exam's weight has been answered (a verdict must rest on answers, not on
  borrowing from other domains).
- With too little evidence, the number of further questions that would settle it is projected from
  the current posterior: questions go where weight × uncertainty is largest, each adds the
  information of a typical item, the estimates stay where they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping

import numpy as np

from scoring.certs import Certification
from scoring.domains import taxonomy
from scoring.estimator import Estimate, Prior
from scoring.irt import DEFAULT_A, level_to_theta
from scoring.joint import DEFAULT_RHO, Likelihood, likelihood_from, posterior

#: Passing: at or above the required level in domains carrying this share of the blueprint.
PASS_BAR = 0.7
READY_P = 0.9
PROBABLY_P = 0.7
NOT_YET_P = 0.2
#: A quick check stops asking once P(pass) is this far from the middle (≥ it, or ≤ 1 − it): stricter
#: than the outcome bands, so that stopping early does not leave verdicts right at a band's edge.
STOP_CONFIDENCE = 0.97
#: A verdict needs answers in domains carrying at least this share of the exam.
MIN_ASSESSED = 0.5
#: Draws from the joint posterior (fixed seed: the same answers always give the same verdict).
DRAWS = 4000
#: Information a typical further question adds (a²/4 at the item's own difficulty, discounted
#: because the next item is rarely exactly on target).
INFO_PER_ITEM = 0.8 * DEFAULT_A ** 2 / 4
#: Projections stop here ("more than this many questions").
MAX_PROJECTED = 40


class Outcome(str, Enum):
    READY = "ready"
    PROBABLY_READY = "probably ready"
    NOT_YET = "not ready yet"
    NOT_ENOUGH = "not enough evidence"


@dataclass(frozen=True)
class CertVerdict:
    cert: Certification
    outcome: Outcome
    p_pass: float
    assessed_share: float
    #: Assessed domains below the required level, furthest (gap × weight) first.
    furthest_below: tuple[str, ...]
    #: With too little evidence: about how many more questions would settle it (None: more than
    #: MAX_PROJECTED, e.g. when the user is right at the bar).
    more_questions: int | None = None

    @property
    def decided(self) -> bool:
        return self.outcome is not Outcome.NOT_ENOUGH

    @property
    def sureness(self) -> float:
        """How sure the verdict is: P(pass) for ready verdicts, 1 − P(pass) for not yet."""
        return self.p_pass if self.outcome in (Outcome.READY, Outcome.PROBABLY_READY) else 1 - self.p_pass

    def sentence(self) -> str:
        """The verdict in one or two plain sentences (Markdown-free)."""
        name = self.cert.name
        names = [taxonomy().domain(d).name for d in self.furthest_below[:2]]
        weak = " and ".join(names)
        if self.outcome is Outcome.NOT_ENOUGH:
            head = f"{name}: not enough evidence yet"
            if self.assessed_share < MIN_ASSESSED:
                head += f" (your answers cover {100 * self.assessed_share:.0f}% of the exam)."
            else:
                head += f" (about {100 * self.p_pass:.0f}% likely to be ready)."
            if self.more_questions == 1:
                head += " One more question could settle this."
            elif self.more_questions is not None:
                head += f" About {self.more_questions} more questions would settle this."
            else:
                head += " You are close to the line: more answers in its domains will tell."
            return head
        sure = "over 99%" if self.sureness >= 0.995 else f"about {100 * self.sureness:.0f}%"
        head = f"{name}: {self.outcome.value} ({sure} sure)."
        if not names:
            return head + " Every domain assessed is at or above what the exam expects."
        verb = "is" if len(names) == 1 else "are"
        if self.outcome is Outcome.NOT_YET:
            return head + f" {weak} {verb} furthest below what the exam expects."
        return head + f" To be safe, strengthen {weak}, still below what the exam expects."


def _pass_probability(cert: Certification, draws: np.ndarray, doms: tuple[str, ...]) -> float:
    w = cert.domain_weights()
    req = [d for d in doms if d in cert.required]
    idx = [doms.index(d) for d in req]
    cuts = np.array([level_to_theta(cert.required[d].level) for d in req])
    weights = np.array([w[d] for d in req])
    share = (draws[:, idx] >= cuts).astype(float) @ weights
    return float(np.mean(share >= PASS_BAR - 1e-9))


def _p_pass(cert: Certification, priors: Mapping[str, Prior], lks: Mapping[str, Likelihood | None],
            rho: float) -> float:
    required = tuple(cert.required)
    informative = tuple(d for d, lk in lks.items() if lk is not None and d not in cert.required)
    doms = required + informative
    post = posterior(doms, priors, lks, rho)
    return _pass_probability(cert, post.sample(DRAWS, seed=0), doms)


def _outcome(p: float, assessed_share: float) -> Outcome:
    if assessed_share < MIN_ASSESSED - 1e-9:
        return Outcome.NOT_ENOUGH
    if p >= READY_P:
        return Outcome.READY
    if p >= PROBABLY_P:
        return Outcome.PROBABLY_READY
    if p <= NOT_YET_P:
        return Outcome.NOT_YET
    return Outcome.NOT_ENOUGH


def assessed_share(cert: Certification, estimates: Mapping[str, Estimate]) -> float:
    w = cert.domain_weights()
    return float(sum(w[d] for d in cert.required if (e := estimates.get(d)) is not None and e.assessed))


def _project(cert: Certification, priors: Mapping[str, Prior], lks: dict[str, Likelihood | None],
             estimates: Mapping[str, Estimate], rho: float) -> int | None:
    """Questions until the verdict would be decided, if answers kept agreeing with the estimates."""
    w = cert.domain_weights()
    required = tuple(cert.required)
    lks = dict(lks)
    assessed = {d for d in required if (e := estimates.get(d)) is not None and e.assessed}
    for n in range(1, MAX_PROJECTED + 1):
        post = posterior(required, priors, lks, rho)
        sd = np.sqrt(np.diag(post.cov))
        # Unassessed domains first (a verdict needs answers), then weight × uncertainty.
        score = [(d not in assessed, w[d] * sd[i]) for i, d in enumerate(required)]
        i = max(range(len(required)), key=lambda j: score[j])
        d = required[i]
        lk = lks.get(d)
        lks[d] = Likelihood(mean=lk.mean if lk else float(post.mean[i]),
                            precision=(lk.precision if lk else 0.0) + INFO_PER_ITEM)
        assessed.add(d)
        share = sum(w[x] for x in assessed)
        if _outcome(_p_pass(cert, priors, lks, rho), share).value != Outcome.NOT_ENOUGH.value:
            return n
    return None


def cert_verdict(cert: Certification, estimates: Mapping[str, Estimate], priors: Mapping[str, Prior],
                 rho: float = DEFAULT_RHO, project: bool = True) -> CertVerdict:
    """The verdict for ``cert`` from per-domain estimates (each computed with ``priors[domain]``)."""
    lks = {d: likelihood_from(e, priors.get(d, Prior())) for d, e in estimates.items()}
    p = _p_pass(cert, priors, lks, rho)
    share = assessed_share(cert, estimates)
    outcome = _outcome(p, share)
    w = cert.domain_weights()
    below = []
    for d, req in cert.required.items():
        e = estimates.get(d)
        if e is not None and e.assessed and e.level < req.level - 0.05:
            below.append(((req.level - e.level) * w[d], d))
    furthest = tuple(d for _, d in sorted(below, key=lambda t: (-t[0], t[1])))
    more = _project(cert, priors, lks, estimates, rho) if (project and outcome is Outcome.NOT_ENOUGH) else None
    return CertVerdict(cert=cert, outcome=outcome, p_pass=p, assessed_share=share,
                       furthest_below=furthest, more_questions=more)
