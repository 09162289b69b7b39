"""Readiness for each certification, the ranking, the gaps and what to study.

Inputs are plain data: per-domain estimates (absent = not assessed), the user's profile and the
priors the estimates were computed with. Nothing here draws or stores anything.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from scoring.certs import Certification, Resource, catalogue, study_guide
from scoring.domains import taxonomy
from scoring.estimator import Estimate, Prior
from scoring.irt import level_to_theta
from scoring.calibration import current_rho
from scoring.joint import from_estimates
from scoring.stopping import Verdict, p_at_or_above, verdict
from scoring.verdict import MIN_ASSESSED, CertVerdict, cert_verdict

CLOUDS = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud", "databricks": "Databricks",
          "none": "None yet"}
FOCUSES = {"deep_learning": "Deep learning", "classical": "Classical ML", "both": "Both"}

#: With no cloud of their own, the brief's advice: AWS has the largest market share, then Azure,
#: then Google Cloud (strong in data- and ML-heavy organisations); Databricks is a data platform.
MARKET_FIT = {"aws": 0.8, "azure": 0.7, "gcp": 0.6, "databricks": 0.5, "none": 0.7}

#: The brief's salary figures (United States, base salary, USD), by experience.
SALARY_BANDS = (
    ("Entry level", "0–2 years", "USD 90,000–120,000 base"),
    ("Mid level", "3–5 years", "USD 130,000–180,000 base"),
    ("Senior / technical lead", "6+ years", "total compensation often above USD 200,000"),
)


@dataclass(frozen=True)
class Profile:
    years: float = 0.0
    cloud: str = "none"
    focus: str = "both"
    certs: tuple[str, ...] = ()
    confidence: Mapping[str, int] = field(default_factory=dict)  # area id -> 1..5
    passed: Mapping[str, dt.date] = field(default_factory=dict)  # cert id -> date passed

    def prior(self, domain: str) -> Prior:
        area = taxonomy().domain(domain).area
        return Prior.from_self_rating(self.confidence.get(area))


@dataclass(frozen=True)
class DomainReadiness:
    domain: str
    required_level: int
    weight: float
    estimate: Estimate | None
    p_ready: float  # from the estimate, or from the prior when not assessed
    verdict: Verdict

    @property
    def assessed(self) -> bool:
        return self.estimate is not None and self.estimate.assessed

    @property
    def gap(self) -> float | None:
        """Levels missing (required − estimated), None when not assessed."""
        if not self.assessed:
            return None
        return max(0.0, self.required_level - self.estimate.level)  # type: ignore[union-attr]

    @property
    def weighted_gap(self) -> float | None:
        g = self.gap
        return None if g is None else g * self.weight


#: Fit = weighted sum of its parts (cloud, focus, experience, the user's own interest).
FIT_WEIGHTS = {"cloud": 0.45, "focus": 0.2, "experience": 0.2, "interest": 0.15}


@dataclass(frozen=True)
class Fit:
    cloud: float
    focus: float
    experience: float
    interest: float
    reasons: tuple[str, ...]

    @property
    def total(self) -> float:
        return sum(w * getattr(self, k) for k, w in FIT_WEIGHTS.items())


@dataclass(frozen=True)
class CertReadiness:
    cert: Certification
    domains: tuple[DomainReadiness, ...]
    fit: Fit
    verdict: CertVerdict

    @property
    def readiness(self) -> float:
        """The chance of passing now (``scoring.verdict``): the headline, the ranking and the
        exports all show this one number."""
        return self.verdict.p_pass

    @property
    def assessed_share(self) -> float:
        return sum(d.weight for d in self.domains if d.assessed)

    @property
    def enough_evidence(self) -> bool:
        """Answers cover enough of the exam for a verdict (otherwise: grouped apart, with a quick check)."""
        return self.assessed_share >= MIN_ASSESSED - 1e-9

    @property
    def recommended(self) -> bool:
        return self.cert.active

    def count(self, v: Verdict) -> int:
        return sum(d.verdict == v for d in self.domains)


def _estimate_or_none(estimates: Mapping[str, Estimate | None], domain: str) -> Estimate | None:
    e = estimates.get(domain)
    return e if e is not None and e.assessed else None


def starting_estimate(domain: str, estimates: Mapping[str, Estimate | None], profile: Profile,
                      rho: float | None = None) -> Estimate:
    """What we assume about a domain with no answers: the joint model's marginal given the
    assessed domains (``scoring.joint``). Used for readiness, never shown as a level."""
    rho = current_rho() if rho is None else rho
    assessed = {d: e for d, e in estimates.items() if e is not None and e.assessed and d != domain}
    priors = {d: profile.prior(d) for d in [domain, *assessed]}
    m = from_estimates(assessed, priors, [domain], rho).marginal(domain)
    return Estimate(theta=m.theta, se=m.se, n=0)


def domain_readiness(cert: Certification, estimates: Mapping[str, Estimate | None],
                     profile: Profile, rho: float | None = None) -> tuple[DomainReadiness, ...]:
    rho = current_rho() if rho is None else rho
    weights = cert.domain_weights()
    assessed = {d: e for d, e in estimates.items() if e is not None and e.assessed}
    todo = [d for d in cert.required if d not in assessed]
    joint = from_estimates(assessed, {d: profile.prior(d) for d in [*assessed, *todo]}, todo, rho) if todo else None
    out = []
    for d, req in cert.required.items():
        est = assessed.get(d)
        cut = level_to_theta(req.level)
        basis = est or joint.marginal(d)  # type: ignore[union-attr]
        out.append(DomainReadiness(domain=d, required_level=req.level, weight=weights[d],
                                   estimate=est, p_ready=p_at_or_above(basis, cut),
                                   verdict=verdict(est, cut)))
    return tuple(sorted(out, key=lambda r: -r.weight))


def fit(cert: Certification, profile: Profile) -> Fit:
    """How well the certification fits the profile; ``reasons`` are short tags for the ranking
    ("your cloud: AWS", "deep-learning focus", …)."""
    tags = []
    if cert.platform == "none":
        cloud = 0.7
        tags.append("not tied to a cloud")
    elif profile.cloud == cert.platform:
        cloud = 1.0
        tags.append(f"your cloud: {CLOUDS[cert.platform]}")
    elif profile.cloud == "none":
        cloud = MARKET_FIT[cert.platform]
        tags.append({"aws": "no cloud yet: AWS has the largest market share",
                     "azure": "no cloud yet: Azure is second by market share",
                     "gcp": "no cloud yet: Google Cloud is strong in data-heavy teams",
                     "databricks": "no cloud yet: Databricks runs on all three clouds"}[cert.platform])
    else:
        cloud = 0.3
        tags.append(f"not your cloud (you use {CLOUDS[profile.cloud]})")
    if cert.focus == profile.focus:
        focus = 1.0
        tags.append({"deep_learning": "deep-learning focus", "classical": "classical-ML focus",
                     "both": "covers deep learning and classical ML"}[cert.focus])
    elif "both" in (cert.focus, profile.focus):
        focus = 0.75
    else:
        focus = 0.4
        tags.append(f"other focus ({FOCUSES[cert.focus].lower()})")
    rec = cert.recommended_experience.years.numeric
    experience = 1.0 if rec <= 0 else min(1.0, profile.years / rec)
    if rec > 0 and profile.years < rec:
        tags.append(f"experience: {profile.years:g} of {rec:g} recommended years")
    if cert.tier == "foundational" and profile.years >= 2:
        experience = 0.5
        tags.append("foundational: below your experience")
    interest = interest_in(cert, profile)
    if interest == 1.0:
        tags.append("on your list" if cert.id in profile.certs else "successor of one on your list")
    return Fit(cloud=cloud, focus=focus, experience=experience, interest=interest,
               reasons=tuple(tags))


def interest_in(cert: Certification, profile: Profile) -> float:
    """1 if the user is considering it (or it succeeds one they named), 0.5 with no list, else 0."""
    if not profile.certs:
        return 0.5
    cat = catalogue()
    named = set(profile.certs) | {s for c in profile.certs if cat.resolve(c) for s in cat.get(c).successors}
    return 1.0 if cert.id in named else 0.0


def cert_readiness(cert: Certification, estimates: Mapping[str, Estimate | None],
                   profile: Profile, rho: float | None = None, project: bool = False) -> CertReadiness:
    """Readiness for one certification. ``project``: also estimate how many more questions would
    settle an open verdict (costs a few milliseconds; the target certification needs it).
    ``rho``: the between-domain correlation (default: estimated from data when there is enough)."""
    rho = current_rho() if rho is None else rho
    assessed = {d: e for d, e in estimates.items() if e is not None and e.assessed}
    priors = {d: profile.prior(d) for d in set(assessed) | set(cert.required)}
    return CertReadiness(cert=cert, domains=domain_readiness(cert, estimates, profile, rho),
                         fit=fit(cert, profile),
                         verdict=cert_verdict(cert, assessed, priors, rho, project=project))


#: How the ranking can be ordered. Readiness is compared at the precision shown (whole percent),
#: so fit decides between certifications that are equally ready.
ORDERS = {"readiness": "ordered by readiness; fit breaks ties",
          "fit": "ordered by fit to your profile; readiness breaks ties"}


def ranking(estimates: Mapping[str, Estimate | None], profile: Profile, order: str = "readiness",
            rho: float | None = None) -> list[CertReadiness]:
    """Active certifications in the given order (see ORDERS). Retired ones are left out (see
    ``retired``)."""
    rows = [cert_readiness(c, estimates, profile, rho) for c in catalogue().certifications if c.active]
    if order == "fit":
        key = lambda r: (-round(r.fit.total, 2), -round(r.readiness, 2), r.cert.id)  # noqa: E731
    else:
        key = lambda r: (-round(r.readiness, 2), -round(r.fit.total, 2), r.cert.id)  # noqa: E731
    return sorted(rows, key=key)


def best_fit(estimates: Mapping[str, Estimate | None], profile: Profile) -> Certification:
    """The active certification that fits the profile best (readiness breaks ties)."""
    return ranking(estimates, profile, order="fit")[0].cert


def target_certification(profile: Profile, chosen: str | None = None,
                         estimates: Mapping[str, Estimate | None] | None = None) -> Certification:
    """The certification the results are about: the one the user chose last (a quick check, or a
    pick on the Results page); else the first one named in the profile (or a retired one's
    successor); else the one they are closest to among those with enough evidence (the ranking's
    first); else, with too little evidence anywhere, the best fit for the profile."""
    cat = catalogue()
    if chosen and cat.resolve(chosen):
        return cat.get(chosen)
    for c in profile.certs:
        cert = cat.get(c)
        if cert.active:
            return cert
        if cert.successor and cat.get(cert.successor).active:
            return cat.get(cert.successor)
    rows = ranking(estimates or {}, profile)
    settled = [r for r in rows if r.enough_evidence]
    return settled[0].cert if settled else best_fit(estimates or {}, profile)


def retired() -> list[Certification]:
    return [c for c in catalogue().certifications if not c.active]


@dataclass(frozen=True)
class Gap:
    domain: str
    name: str
    required_level: int
    level: float
    se: float
    gap: float
    weight: float
    hours: int
    missed_subtopics: tuple[str, ...]
    resources: tuple[Resource, ...]

    @property
    def priority(self) -> float:
        return self.gap * self.weight


def gaps(readiness: CertReadiness, missed: Mapping[str, list[str]] | None = None) -> list[Gap]:
    """Assessed domains below the required level, largest (gap × blueprint weight) first."""
    tax, guide = taxonomy(), study_guide()
    missed = missed or {}
    out = []
    for d in readiness.domains:
        if d.gap is None or d.gap <= 0.05:
            continue
        dom = tax.domain(d.domain)
        study = guide.domains[d.domain]
        names = tuple(dom.subtopics.get(s, s) for s in dict.fromkeys(missed.get(d.domain, [])))
        out.append(Gap(domain=d.domain, name=dom.name, required_level=d.required_level,
                       level=d.estimate.level, se=d.estimate.se, gap=d.gap,  # type: ignore[union-attr]
                       weight=d.weight, hours=int(round(d.gap * study.hours_per_level / 5.0)) * 5 or 5,
                       missed_subtopics=names, resources=tuple(study.resources)))
    return sorted(out, key=lambda g: (-g.priority, g.domain))


def not_assessed(readiness: CertReadiness) -> list[DomainReadiness]:
    return [d for d in readiness.domains if not d.assessed]


@dataclass(frozen=True)
class AreaCalibration:
    area: str
    self_rating: int  # 1..5
    self_level: float  # the rating on the 0–4 scale (rating − 1)
    measured: float  # mean level over the area's assessed domains
    se: float
    verdict: str  # "about right", "over-rated", "under-rated"


def calibration(profile: Profile, estimates: Mapping[str, Estimate | None]) -> list[AreaCalibration]:
    """Self-rated confidence per area against the measured level (where the area was assessed)."""
    out = []
    for area in taxonomy().areas:
        rating = profile.confidence.get(area.id)
        ests = [e for d in taxonomy().in_area(area.id)
                if (e := _estimate_or_none(estimates, d.id)) is not None]
        if rating is None or not ests:
            continue
        measured = sum(e.level for e in ests) / len(ests)
        se = (sum(e.se ** 2 for e in ests) ** 0.5) / len(ests)
        diff = (rating - 1) - measured
        margin = max(0.75, 1.645 * se)
        v = "over-rated" if diff > margin else "under-rated" if diff < -margin else "about right"
        out.append(AreaCalibration(area.id, rating, float(rating - 1), measured, se, v))
    return out


def renew_by(cert: Certification, passed_on: dt.date) -> dt.date:
    years = int(cert.validity_years.numeric)
    try:
        return passed_on.replace(year=passed_on.year + years)
    except ValueError:  # 29 February
        return passed_on.replace(year=passed_on.year + years, day=28)


def salary_band(years: float) -> int:
    return 0 if years < 3 else 1 if years < 6 else 2
