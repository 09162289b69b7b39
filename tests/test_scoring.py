"""The pure scoring core: estimator, selection, stopping, the adaptive session."""
import math

import numpy as np
import pytest

from scoring.cat import BANK_EXHAUSTED, AdaptiveSession
from scoring.estimator import EAPEstimator, Prior, Response
from scoring.irt import LEVEL_B, level_to_theta, params_for, theta_to_level
from scoring.selection import CatItem, RandomesqueMaxInfo
from scoring.stopping import StopRule, Verdict, verdict
from scoring.estimator import Estimate


def direct_eap(responses, prior=Prior()):
    """An independent computation: posterior moments by fine trapezoidal integration."""
    x = np.linspace(-8, 8, 16001)
    dens = np.exp(-0.5 * ((x - prior.mean) / prior.sd) ** 2)
    for r in responses:
        p = 1 / (1 + np.exp(-r.a * (x - r.b)))
        dens = dens * (p if r.correct else 1 - p)
    z = np.trapezoid(dens, x)
    mean = np.trapezoid(x * dens, x) / z
    var = np.trapezoid((x - mean) ** 2 * dens, x) / z
    return mean, math.sqrt(var)


@pytest.mark.parametrize("pattern", [
    [], [True], [False], [True] * 8, [False] * 8, [True, False, True, True, False, True],
])
def test_eap_matches_direct_integration(pattern):
    rng = np.random.default_rng(len(pattern))
    rs = [Response(a=float(rng.uniform(0.7, 2.0)), b=float(rng.normal()), correct=c) for c in pattern]
    est = EAPEstimator().estimate(rs)
    mean, sd = direct_eap(rs)
    assert est.theta == pytest.approx(mean, abs=0.01)
    assert est.se == pytest.approx(sd, abs=0.01)
    assert est.n == len(pattern)


def test_no_answers_returns_the_prior_and_is_not_assessed():
    est = EAPEstimator().estimate([], Prior(mean=0.5, sd=1.0))
    assert est.theta == pytest.approx(0.5, abs=0.01) and est.se == pytest.approx(1.0, abs=0.02)
    assert not est.assessed


def test_all_right_and_all_wrong_stay_finite_and_ordered():
    items = [Response(1.2, b, True) for b in (-1, 0, 1)]
    right = EAPEstimator().estimate(items)
    wrong = EAPEstimator().estimate([Response(r.a, r.b, False) for r in items])
    assert math.isfinite(right.theta) and math.isfinite(wrong.theta)
    assert right.theta > 0.5 > -0.5 > wrong.theta
    assert right.se < 1.0 and wrong.se < 1.0


def test_self_rating_moves_the_prior_a_little():
    assert Prior.from_self_rating(5).mean == pytest.approx(0.5)
    assert Prior.from_self_rating(1).mean == pytest.approx(-0.5)
    assert Prior.from_self_rating(None).mean == 0.0


def test_level_mapping_is_one_place_and_round_trips():
    for lvl, b in LEVEL_B.items():
        assert theta_to_level(b) == pytest.approx(lvl)
    assert theta_to_level(-10) == 0.0 and theta_to_level(10) == 4.0
    assert level_to_theta(theta_to_level(0.3)) == pytest.approx(0.3)
    assert params_for(3).b == LEVEL_B[3]


def test_verdict_three_ways():
    cut = 0.0
    assert verdict(Estimate(1.5, 0.4, 5), cut) is Verdict.READY
    assert verdict(Estimate(-1.5, 0.4, 5), cut) is Verdict.NOT_YET
    assert verdict(Estimate(0.2, 0.5, 5), cut) is Verdict.UNSURE
    assert verdict(Estimate(0.0, 1.0, 0), cut) is Verdict.NOT_ASSESSED
    assert verdict(None, cut) is Verdict.NOT_ASSESSED


def test_stop_rule_respects_min_and_max():
    rule = StopRule(min_items=3, max_items=5, se_target=0.5)
    assert rule.reason(Estimate(0, 0.1, 2), None) is None  # precise, but below the minimum
    assert rule.reason(Estimate(0, 0.4, 3), None) == "precise enough"
    assert rule.reason(Estimate(0, 0.9, 5), None) == "maximum items reached"
    assert rule.reason(Estimate(2.0, 0.6, 3), 0.0) == "verdict settled"
    assert rule.reason(Estimate(0.1, 0.6, 3), 0.0) is None


def synthetic(domains=("d1", "d2"), n=30, subtopics=3):
    bs = np.linspace(-2.5, 2.5, n)
    return [CatItem(f"{d}-{i:03d}", d, f"s{i % subtopics}", 1.2, float(b))
            for d in domains for i, b in enumerate(bs)]


def test_selector_prefers_informative_items_near_theta():
    items = synthetic(("d1",))
    rng = np.random.default_rng(0)
    picks = [RandomesqueMaxInfo(top_k=3).select(items, 1.0, [], frozenset(), rng) for _ in range(30)]
    assert all(abs(p.b - 1.0) < 0.5 for p in picks)
    assert len({p.id for p in picks}) > 1  # randomesque: not always the same item


def test_selector_balances_subtopics_and_avoids_seen_items():
    items = [CatItem("d-001", "d", "a", 1.2, 0.0), CatItem("d-002", "d", "b", 1.2, 0.05)]
    rng = np.random.default_rng(0)
    sel = RandomesqueMaxInfo(top_k=1)
    assert sel.select(items, 0.0, [items[0]], frozenset(), rng).subtopic == "b"
    assert sel.select(items, 0.0, [], frozenset({"d-001"}), rng).id == "d-002"


def run_session(session, theta_true, seed=0):
    rng = np.random.default_rng(seed)
    while (it := session.next_item()) is not None:
        p = 1 / (1 + math.exp(-it.a * (theta_true[it.domain] - it.b)))
        session.record(it.id, bool(rng.random() < p))
    return session


def test_session_never_repeats_and_stops_within_bounds():
    s = run_session(AdaptiveSession(synthetic(), ["d1", "d2"], stop=StopRule(3, 10, 0.5), seed=1),
                    {"d1": 1.0, "d2": -1.0})
    ids = [i for i, _ in s.answers]
    assert len(ids) == len(set(ids))
    for d in ("d1", "d2"):
        assert 3 <= s.estimate(d).n <= 10
    assert s.finished and s.next_item() is None


def test_session_replays_to_the_same_next_item():
    a = AdaptiveSession(synthetic(), ["d1", "d2"], seed=7)
    run_answers = []
    for _ in range(5):
        it = a.next_item()
        a.record(it.id, True)
        run_answers.append((it.id, True))
    b = AdaptiveSession(synthetic(), ["d1", "d2"], seed=7, answers=[])
    for i, c in run_answers:
        b.record(i, c)
    assert a.next_item() == b.next_item()


def test_session_interleaves_by_weighted_uncertainty():
    s = AdaptiveSession(synthetic(), ["d1", "d2"], weights={"d1": 1.0, "d2": 3.0}, seed=0)
    assert s.next_domain() == "d2"  # equal SE, larger weight first
    for _ in range(3):
        s.record(s.next_item().id, True)
    assert s.estimate("d2").se < s.estimate("d1").se


def test_exhausted_bank_ends_the_domain():
    items = synthetic(("d1",), n=2)
    s = run_session(AdaptiveSession(items, ["d1"], stop=StopRule(3, 10, 0.1)), {"d1": 0.0})
    assert s.estimate("d1").n == 2 and s.stop_reason("d1") == BANK_EXHAUSTED


def test_domain_without_items_is_not_assessed_and_does_not_block():
    s = AdaptiveSession(synthetic(("d1",)), ["d1", "empty"], seed=0)
    assert s.stop_reason("empty") == BANK_EXHAUSTED
    assert s.next_item().domain == "d1"
    assert not s.estimate("empty").assessed


def test_record_refuses_repeats_and_unknown_items():
    s = AdaptiveSession(synthetic(("d1",)), ["d1"])
    it = s.next_item()
    s.record(it.id, True)
    with pytest.raises(ValueError):
        s.record(it.id, False)
    with pytest.raises(KeyError):
        s.record("nope-001", True)


def test_questions_left_shrinks_as_answers_come():
    s = AdaptiveSession(synthetic(), ["d1", "d2"], stop=StopRule(3, 10, 0.5), seed=3)
    before = s.questions_left()
    for _ in range(4):
        s.record(s.next_item().id, True)
    assert 0 < s.questions_left() < before


def test_quick_checks_ask_in_the_style_of_their_exam():
    """An exam for people who use AI but do not build it asks no code or typed numbers; an exam
    that reads snippets keeps code within its cap."""
    from questions import load_bank
    from scoring.cat import cat_items
    from scoring.certs import catalogue
    from scoring.quiz import QUICK_CHECK_BUDGET, build_session, plan
    from scoring.readiness import Profile

    bank = load_bank()
    items = cat_items(bank.items)
    for cert_id in ("aws_aif_c01", "gcp_pmle"):
        style = catalogue().get(cert_id).item_style
        for seed in range(3):
            s = build_session(plan("quick", cert=cert_id, seed=seed), items, Profile())
            while (it := s.next_item()) is not None:
                s.record(it.id, seed % 2 == 0)
            types = [bank.by_id[i].type for i, _ in s.answers]
            assert set(types) <= set(style.types), (cert_id, set(types))
            for t, share in style.caps.items():
                assert types.count(t) <= max(1, int(share * QUICK_CHECK_BUDGET)), (cert_id, t)
    # Area quizzes are not bound by any exam: every type shows up.
    s = build_session(plan("area", areas=["python"], seed=1), items, Profile())
    while (it := s.next_item()) is not None:
        s.record(it.id, False)
    assert {bank.by_id[i].type for i, _ in s.answers} >= {"code_output", "single_choice"}
