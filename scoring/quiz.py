"""Quiz plans: which domains a quiz covers and how it stops, and the adaptive session for it.

Modes: ``quick`` (only the domains one certification needs; stops on verdicts), ``area`` (one or
more areas: math, python, ml, platforms) and ``full`` (all twenty domains).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

from scoring.cat import AdaptiveSession, cat_items
from scoring.certs import catalogue
from scoring.domains import taxonomy
from scoring.irt import level_to_theta
from scoring.calibration import current_rho
from scoring.readiness import Profile
from scoring.selection import CatItem
from scoring.stopping import StopRule
from scoring.verdict import STOP_CONFIDENCE, cert_verdict

Mode = Literal["quick", "area", "full"]
Feedback = Literal["practice", "diagnostic"]

#: A quick check asks at most this many questions in all (every domain gets its minimum first).
QUICK_CHECK_BUDGET = 30

STOP_RULES: dict[str, StopRule] = {
    # A quick check settles one certification verdict: a domain is left once its own side of the
    # cut is clear (or it is very precise); the check ends when the certification verdict is.
    "quick": StopRule(min_items=1, max_items=10, se_target=0.25, use_verdict=False),
    # Area and full profiles aim for a usable level everywhere.
    "area": StopRule(min_items=3, max_items=10, se_target=0.5, use_verdict=True),
    "full": StopRule(min_items=3, max_items=8, se_target=0.5, use_verdict=True),
}


@dataclass(frozen=True)
class QuizConfig:
    mode: Mode
    domains: tuple[str, ...]
    cert: str | None = None
    areas: tuple[str, ...] = ()
    feedback: Feedback = "diagnostic"
    seed: int = 0

    def to_dict(self) -> dict:
        return {"mode": self.mode, "domains": list(self.domains), "cert": self.cert,
                "areas": list(self.areas), "feedback": self.feedback, "seed": self.seed}

    @classmethod
    def from_dict(cls, d: dict) -> "QuizConfig":
        cert = d.get("cert")
        cert = (catalogue().resolve(cert) or cert) if cert else None  # an old id still works
        return cls(mode=d["mode"], domains=tuple(d["domains"]), cert=cert,
                   areas=tuple(d.get("areas") or ()), feedback=d.get("feedback", "diagnostic"),
                   seed=int(d.get("seed", 0)))

    @property
    def title(self) -> str:
        if self.mode == "quick" and self.cert:
            return f"Quick check: {catalogue().get(self.cert).short}"
        if self.mode == "area":
            return "Area quiz: " + ", ".join(taxonomy().area(a).name for a in self.areas)
        return "Full profile"


def plan(mode: Mode, *, cert: str | None = None, areas: Sequence[str] = (),
         feedback: Feedback = "diagnostic", seed: int = 0) -> QuizConfig:
    tax = taxonomy()
    if mode == "quick":
        if not cert:
            raise ValueError("a quick check needs a certification")
        c = catalogue().get(cert)
        w = c.domain_weights()
        domains = tuple(sorted(c.required, key=lambda d: -w[d]))
    elif mode == "area":
        if not areas:
            raise ValueError("choose at least one area")
        domains = tuple(d.id for a in areas for d in tax.in_area(a))
    elif mode == "full":
        domains = tax.domain_ids
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return QuizConfig(mode=mode, domains=domains, cert=cert, areas=tuple(areas),
                      feedback=feedback, seed=seed)


def default_selector():
    """Sympson–Hetter exposure control where its parameters have been computed
    (``python -m questions exposure --write``), else the randomesque selector."""
    from scoring.exposure import exposure_parameters
    from scoring.selection import RandomesqueMaxInfo, SympsonHetter

    k = exposure_parameters()
    return SympsonHetter(k=k) if k else RandomesqueMaxInfo()


def verdict_settled(cert, priors: dict, rho: float | None = None):
    """For a quick check: is the certification's verdict confident (ready or not yet)?"""
    rho = current_rho() if rho is None else rho

    def settled(estimates) -> bool:
        v = cert_verdict(cert, estimates, priors, rho, project=False)
        return v.decided and max(v.p_pass, 1 - v.p_pass) >= STOP_CONFIDENCE
    return settled


def build_session(config: QuizConfig, items: Iterable[CatItem] | Iterable[object], profile: Profile,
                  answers: Sequence[tuple[str, bool]] = (), seen_before: Iterable[str] = (),
                  target_cert: str | None = None, rho: float | None = None) -> AdaptiveSession:
    """The adaptive session for a quiz, with its answers so far replayed.

    ``rho``: the between-domain correlation; by default the one estimated from stored answers when
    there were enough, else DEFAULT_RHO (``scoring.calibration.current_rho``). Cuts (for verdict
    stopping) and domain weights come from the quiz's certification, else from ``target_cert``
    (the first certification the user is considering)."""
    rho = current_rho() if rho is None else rho
    items = list(items)
    cat = [i if isinstance(i, CatItem) else None for i in items]
    cat_list = [i for i in cat if i is not None] or cat_items(items)
    cert_id = config.cert or target_cert
    cuts, weights = {}, {}
    if cert_id:
        c = catalogue().get(cert_id)
        cuts = {d: level_to_theta(r.level) for d, r in c.required.items()}
        weights = {d: 0.5 + w * len(c.required) for d, w in c.domain_weights().items()}
    priors = {d: profile.prior(d) for d in config.domains}
    settled, allowed, caps = None, None, {}
    if config.mode == "quick" and config.cert:
        exam = catalogue().get(config.cert)
        settled = verdict_settled(exam, priors, rho)
        # A quick check asks in the exam's own style: its question types, within their caps.
        allowed = frozenset(exam.item_style.types)
        caps = {t: max(1, int(share * QUICK_CHECK_BUDGET)) for t, share in exam.item_style.caps.items()}
    session = AdaptiveSession(
        items=cat_list, domains=config.domains, stop=STOP_RULES[config.mode], cuts=cuts,
        weights=weights, priors=priors, seed=config.seed, seen_before=frozenset(seen_before),
        max_total=QUICK_CHECK_BUDGET if config.mode == "quick" else None, rho=rho, settled=settled,
        allowed_types=allowed, type_caps=caps, selector=default_selector(),
    )
    for item_id, correct in answers:
        session.record(item_id, correct)
    return session


def estimate_domains(answers: Sequence[tuple[object, bool]], profile: Profile) -> dict:
    """EAP estimates for every domain with at least one answer, from (question, correct) pairs."""
    from scoring.estimator import EAPEstimator, Response
    from scoring.irt import params_for

    by_domain: dict[str, list] = {}
    for q, correct in answers:
        p = params_for(q.level, getattr(q, "panel_mean", None), q.id)  # type: ignore[attr-defined]
        by_domain.setdefault(q.domain, []).append(Response(p.a, p.b, bool(correct)))  # type: ignore[attr-defined]
    est = EAPEstimator()
    return {d: est.estimate(rs, profile.prior(d)) for d, rs in by_domain.items()}


def missed_subtopics(answers: Sequence[tuple[object, bool]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for q, correct in answers:
        if not correct:
            out.setdefault(q.domain, []).append(q.subtopic)  # type: ignore[attr-defined]
    return out


def profile_from_dict(d: dict | None) -> Profile:
    import datetime as dt

    if not d:
        return Profile()
    cat = catalogue()
    passed = {}
    for k, v in (d.get("passed") or {}).items():
        if (k := cat.resolve(k)) is None:
            continue
        try:
            passed[k] = dt.date.fromisoformat(v) if isinstance(v, str) else v
        except ValueError:
            continue
    # Certifications by their current ids (an old id still resolves; unknown ones are dropped).
    certs = tuple(dict.fromkeys(c for c in map(cat.resolve, d.get("certs") or ()) if c))
    return Profile(years=float(d.get("years", 0) or 0), cloud=d.get("cloud", "none"),
                   focus=d.get("focus", "both"), certs=certs,
                   confidence={k: int(v) for k, v in (d.get("confidence") or {}).items()},
                   passed=passed)
