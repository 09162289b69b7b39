"""The joint ability model and the certification verdict built on it."""
import numpy as np
import pytest

from scoring.certs import catalogue
from scoring.estimator import EAPEstimator, Estimate, Prior, Response
from scoring.irt import level_to_theta
from scoring.joint import conditional_prior, from_estimates, likelihood_from, posterior
from scoring.verdict import MIN_ASSESSED, Outcome, assessed_share, cert_verdict


def E(level: float, se: float = 0.35, n: int = 6) -> Estimate:
    return Estimate(theta=level_to_theta(level), se=se, n=n)


def test_likelihood_round_trip_recovers_the_estimate_with_independent_domains():
    # EAP on real answers, then take the prior out and put it back through the joint model: with
    # rho = 0 the joint posterior of a domain is its own estimate again.
    est = EAPEstimator().estimate([Response(1.2, 0.0, True), Response(1.2, 0.5, False),
                                   Response(1.2, -0.5, True), Response(1.2, 1.0, True)], Prior(0.25, 1.0))
    lk = likelihood_from(est, Prior(0.25, 1.0))
    assert lk is not None and lk.precision > 0
    post = posterior(["d"], {"d": Prior(0.25, 1.0)}, {"d": lk}, rho=0.0)
    assert post.marginal("d").theta == pytest.approx(est.theta, abs=1e-9)
    assert post.marginal("d").se == pytest.approx(est.se, abs=1e-9)


def test_no_answers_means_no_likelihood():
    assert likelihood_from(Estimate(0.0, 1.0, 0), Prior()) is None
    assert likelihood_from(Estimate(0.3, 1.0, 2), Prior(0.3, 1.0)) is None  # carries no information


def test_correlated_domains_move_the_unanswered_ones():
    strong = {"a": E(3.8, 0.3), "b": E(3.7, 0.3)}
    weak = {"a": E(0.4, 0.3), "b": E(0.5, 0.3)}
    priors = {d: Prior() for d in "abc"}
    hi = from_estimates(strong, priors, ["c"], rho=0.5).marginal("c")
    lo = from_estimates(weak, priors, ["c"], rho=0.5).marginal("c")
    none = from_estimates(strong, priors, ["c"], rho=0.0).marginal("c")
    assert lo.theta < 0 < hi.theta
    assert none.theta == pytest.approx(0.0) and none.se == pytest.approx(1.0)
    assert hi.se < 1.0  # what the others say also narrows it
    # the conditional prior a quiz starts from agrees with the joint model
    lks = {d: likelihood_from(e, Prior()) for d, e in strong.items()}
    cp = conditional_prior("c", priors, lks, rho=0.5)
    assert cp.mean == pytest.approx(hi.theta) and cp.sd == pytest.approx(hi.se)


def test_more_correlation_borrows_more():
    strong = {"a": E(3.8, 0.3)}
    priors = {d: Prior() for d in "ac"}
    m = [from_estimates(strong, priors, ["c"], rho=r).marginal("c").theta for r in (0.2, 0.5, 0.8)]
    assert m[0] < m[1] < m[2]


def test_joint_draws_have_the_posterior_moments():
    post = posterior(["a", "b"], {"a": Prior(), "b": Prior()}, {}, rho=0.6)
    x = post.sample(20000, seed=1)
    assert np.corrcoef(x.T)[0, 1] == pytest.approx(0.6, abs=0.03)
    assert x.std(axis=0) == pytest.approx([1, 1], abs=0.03)


CERT = "aws_aif_c01"


def every(level: float, cert_id: str = CERT, se: float = 0.3) -> dict:
    return {d: E(level, se) for d in catalogue().get(cert_id).required}


def test_strong_everywhere_is_ready_and_weak_everywhere_is_not():
    cert = catalogue().get(CERT)
    ready = cert_verdict(cert, every(3.8), {})
    assert ready.outcome is Outcome.READY and ready.p_pass > 0.95 and ready.furthest_below == ()
    weak = cert_verdict(cert, every(0.3), {})
    assert weak.outcome is Outcome.NOT_YET and weak.p_pass < 0.05
    # furthest below: largest (required − level) × weight first
    w = cert.domain_weights()
    gaps = sorted(((cert.required[d].level - 0.3) * w[d], d) for d in cert.required)
    assert weak.furthest_below[0] == gaps[-1][1]
    assert "not ready yet" in weak.sentence() and cert.name in weak.sentence()


def test_the_verdict_is_deterministic_and_monotone():
    cert = catalogue().get(CERT)
    a = cert_verdict(cert, every(2.0, se=0.6), {})
    b = cert_verdict(cert, every(2.0, se=0.6), {})
    assert a.p_pass == b.p_pass
    ps = [cert_verdict(cert, every(x, se=0.6), {}).p_pass for x in (0.5, 1.5, 2.5, 3.5)]
    assert ps == sorted(ps) and ps[0] < ps[-1]


def test_a_verdict_needs_answers_over_enough_of_the_exam():
    cert = catalogue().get(CERT)
    w = cert.domain_weights()
    top = max(w, key=w.get)
    few = {top: E(3.9, 0.2)} if w[top] < MIN_ASSESSED else {}
    v = cert_verdict(cert, few, {})
    assert assessed_share(cert, few) < MIN_ASSESSED
    assert v.outcome is Outcome.NOT_ENOUGH
    assert v.more_questions is not None and 0 < v.more_questions <= 40
    assert (f"About {v.more_questions} more questions" in v.sentence()
            or (v.more_questions == 1 and "One more question" in v.sentence()))


def test_a_quick_check_stops_once_the_certification_verdict_is_settled():
    from questions import load_bank
    from scoring.cat import CERT_SETTLED, cat_items
    from scoring.quiz import QUICK_CHECK_BUDGET, build_session, plan
    from scoring.readiness import Profile

    items = cat_items(load_bank().items)
    cert = catalogue().get(CERT)
    strong = build_session(plan("quick", cert=CERT, seed=3), items, Profile())
    while (it := strong.next_item()) is not None:
        strong.record(it.id, True)  # knows everything
    assert len(strong.answers) < QUICK_CHECK_BUDGET
    assert strong.stop_reason(next(iter(cert.required))) == CERT_SETTLED
    assert all(strong.own_estimates()[d].n >= 1 for d in cert.required)  # every domain was asked
    v = cert_verdict(cert, strong.own_estimates(), {})
    assert v.outcome is Outcome.READY


def test_a_sessions_priors_are_the_joint_models_leave_one_out_marginals():
    """The engine's fast path (one joint posterior, each domain's own answers taken back out) gives
    the same prior as conditioning on the other domains directly."""
    from questions import load_bank
    from scoring.cat import AdaptiveSession, cat_items
    from scoring.joint import conditional_prior

    items = [it for it in cat_items(load_bank().items)
             if it.domain in ("statistics", "probability", "mlops", "nlp")]
    s = AdaptiveSession(items, ["statistics", "probability", "mlops", "nlp"], rho=0.6,
                        priors={"statistics": Prior(0.25, 1.0)})
    rng = np.random.default_rng(4)
    for _ in range(9):
        it = s.next_item()
        s.record(it.id, bool(rng.random() < 0.6))
    for d in s.domains:
        others = {o: likelihood_from(s._raw_estimate(o), s.base_prior(o)) for o in s._answered if o != d}
        want = conditional_prior(d, {o: s.base_prior(o) for o in s.domains}, others, 0.6)
        got = s.prior(d)
        assert got.mean == pytest.approx(want.mean, abs=1e-9) and got.sd == pytest.approx(want.sd, abs=1e-9)
