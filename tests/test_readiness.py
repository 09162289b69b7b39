"""Certification catalogue, readiness, ranking and gaps."""
import datetime as dt

import pytest
import yaml

from scoring.certs import DATA_DIR, catalogue, study_guide
from scoring.estimator import Estimate
from scoring.irt import level_to_theta
from scoring.readiness import (Profile, Verdict, best_fit, calibration, cert_readiness, gaps, ranking,
                               renew_by, retired, starting_estimate, target_certification)
from scoring.verdict import Outcome


def E(level, se=0.4, n=6):
    return Estimate(level_to_theta(level), se, n)


def test_every_number_in_the_catalogue_names_a_source():
    """Walk the raw YAML: any number must sit in a {value, source} fact (or be a level/range bound,
    or an item-style cap: our editorial choice, justified like a level by its `why`)."""
    raw = yaml.safe_load((DATA_DIR / "certifications.yaml").read_text())
    sourced_keys = {"level", "low", "high"}  # required levels are justified by `why`; ranges by their fact
    bad = []

    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node:
                if not node.get("source"):
                    bad.append(path)
                return
            if "caps" in node and "why" in node:  # item_style
                if node["caps"] and not node["why"]:
                    bad.append(f"{path}.caps (no why)")
                return
            for k, v in node.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in sourced_keys:
                    bad.append(f"{path}.{k}")
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
    walk(raw, "")
    assert not bad, f"numbers without a source: {bad}"
    for cert in catalogue().certifications:
        for fact in cert.facts():
            assert fact.source in cert.sources


def test_catalogue_knows_retirements_and_successors():
    cat = catalogue()
    assert cat.get("aws_mls_c01").retired_on == dt.date(2026, 3, 31)
    assert cat.get("aws_mls_c01").successors == ["aws_mla", "aws_aip_c01"]
    assert cat.get("azure_ai_102").retired_on == dt.date(2026, 6, 30)
    assert cat.get("azure_ai_102").successor == "azure_ai_103"
    assert cat.get("azure_dp_100").retired_on == dt.date(2026, 6, 1)
    assert cat.get("azure_dp_100").successor == "azure_ai_300"
    assert cat.get("azure_ai_900").successor == "azure_ai_901"
    assert cat.get("tf_developer").status == "closed"
    assert {c.id for c in retired()} == {"aws_mls_c01", "azure_ai_102", "azure_dp_100", "azure_ai_900",
                                         "tf_developer"}
    # The ML Engineer Associate kept its place under a version-neutral id; the old one resolves.
    assert cat.get("aws_mla_c01").id == cat.resolve("aws_mla_c01") == "aws_mla"


@pytest.mark.parametrize("cert", [c.id for c in catalogue().certifications])
def test_domain_weights_sum_to_one_and_cover_required(cert):
    c = catalogue().get(cert)
    w = c.domain_weights()
    assert sum(w.values()) == pytest.approx(1.0)
    assert set(w) == set(c.required) and all(v > 0 for v in w.values())


def test_study_guide_covers_every_domain():
    assert len(study_guide().domains) == 20


def test_readiness_probability_and_verdicts():
    c = catalogue().get("aws_mla")
    r = cert_readiness(c, {"aws_ml": E(3.9, 0.3), "mlops": E(0.5, 0.3)}, Profile(cloud="aws"))
    by = {d.domain: d for d in r.domains}
    assert by["aws_ml"].verdict is Verdict.READY and by["aws_ml"].p_ready > 0.95
    assert by["mlops"].verdict is Verdict.NOT_YET and by["mlops"].gap == pytest.approx(1.5)
    assert by["data_engineering"].verdict is Verdict.NOT_ASSESSED and by["data_engineering"].gap is None
    assert 0 < r.assessed_share < 1


def test_not_assessed_domains_borrow_from_assessed_ones():
    weak = {"python_core": E(0.5), "statistics": E(0.5)}
    strong = {"python_core": E(3.8), "statistics": E(3.8)}
    p = Profile()
    assert starting_estimate("mlops", weak, p).theta < 0 < starting_estimate("mlops", strong, p).theta
    assert starting_estimate("mlops", {}, p).theta == 0
    assert starting_estimate("mlops", {}, p).n == 0


# --- personas: fixed answer sets and what the ranking must say for them ---------------------------
AWS_MATH = (Profile(years=3, cloud="aws", focus="classical", certs=("aws_mls_c01",), confidence={"math": 5}),
            {"linear_algebra": E(3.6), "calculus": E(3.5), "probability": E(3.4), "statistics": E(3.5),
             "python_core": E(3.0), "numpy_pandas": E(3.0), "scikit_learn": E(2.8), "classical_ml": E(2.9),
             "data_engineering": E(2.2), "mlops": E(1.6), "aws_ml": E(2.0), "responsible_ai": E(1.8)})
DL_AGNOSTIC = (Profile(years=2, cloud="none", focus="deep_learning"),
               {"deep_learning": E(3.2), "deep_learning_frameworks": E(3.0), "computer_vision": E(2.6),
                "nlp": E(2.2), "python_core": E(3.0), "numpy_pandas": E(2.6), "linear_algebra": E(2.5),
                "calculus": E(2.5), "generative_ai": E(1.5), "classical_ml": E(2.0), "mlops": E(1.0)})
BEGINNER = (Profile(years=0, cloud="none", focus="both"),
            {"linear_algebra": E(0.8, 0.5), "probability": E(0.7, 0.5), "python_core": E(1.2, 0.5),
             "classical_ml": E(0.6, 0.5), "generative_ai": E(0.9, 0.5), "deep_learning": E(0.5, 0.5)})


def ids(rows):
    return [r.cert.id for r in rows]


def verdict_of(prof, est):
    target = target_certification(prof, None, est)
    return target, cert_readiness(target, est, prof, project=True).verdict


def test_strong_math_aws_user():
    prof, est = AWS_MATH
    rank = ranking(est, prof)
    order = ids(rank)
    # The retired Specialty they named is not ranked; its successors are, marked as such.
    assert "aws_mls_c01" not in order
    assert {"aws_mla", "aws_aip_c01"} <= set(order)
    mla = rank[order.index("aws_mla")]
    assert "successor of one on your list" in mla.fit.reasons and "your cloud: AWS" in mla.fit.reasons
    # The results are about the main successor of the exam they named, and say it plainly.
    target, v = verdict_of(prof, est)
    assert target.id == "aws_mla"
    assert v.sentence().startswith(f"{target.name}: not ready yet (about 9")
    assert v.sentence().endswith("AWS ML and MLOps are furthest below what the exam expects.")
    top = gaps(mla)
    assert [g.domain for g in top[:3]] == ["aws_ml", "mlops", "responsible_ai"]
    assert top[0].hours >= 20 and top[0].resources
    # Ordered by readiness, fit breaking ties; too little evidence is kept apart.
    shown = [r for r in rank if r.enough_evidence]
    assert [round(r.readiness, 2) for r in shown] == sorted((round(r.readiness, 2) for r in shown), reverse=True)


def test_cloud_agnostic_deep_learning_user():
    prof, est = DL_AGNOSTIC
    order = ids(ranking(est, prof))
    assert "tf_developer" not in order  # closed: listed with the retired, never recommended
    # Nothing on their list: the results are about the exam they are closest to, the
    # cloud-agnostic LLM associate exam, with a hedged verdict and what to shore up.
    target, v = verdict_of(prof, est)
    assert target.id == "nvidia_nca_genl" == order[0]
    assert v.outcome is Outcome.PROBABLY_READY
    assert "strengthen Generative AI" in v.sentence()
    pmle = cert_readiness(catalogue().get("gcp_pmle"), est, prof)
    # mlops: 2 levels short on about a quarter of the exam; classical ML: 1 level short
    assert [g.domain for g in gaps(pmle)][:2] == ["mlops", "classical_ml"]


def test_beginner():
    prof, est = BEGINNER
    rank = ranking(est, prof)
    assert all(r.readiness < 0.5 for r in rank)  # honest: nobody is close yet
    target, v = verdict_of(prof, est)
    assert target.tier == "foundational"
    assert v.outcome is Outcome.NOT_YET and "over 99% sure" in v.sentence()
    assert v.furthest_below[0] == "generative_ai"
    assert [g.domain for g in gaps(cert_readiness(target, est, prof))][0] == "generative_ai"


def test_with_too_little_evidence_anywhere_the_target_is_the_best_fit():
    prof = Profile(years=4, cloud="gcp", focus="both")
    assert target_certification(prof, None, {}).id == best_fit({}, prof).id
    assert best_fit({}, prof).platform == "gcp"
    assert target_certification(prof, "aws_mla_c01", {}).id == "aws_mla"  # a choice wins, old ids too


def test_calibration_flags_over_and_under_rating():
    p = Profile(confidence={"math": 5, "python": 1})
    rows = {c.area: c.verdict for c in calibration(p, {"statistics": E(1.0, 0.3), "python_core": E(3.5, 0.3)})}
    assert rows == {"math": "over-rated", "python": "under-rated"}


def test_renew_by_uses_validity_years():
    assert renew_by(catalogue().get("gcp_pmle"), dt.date(2025, 5, 10)) == dt.date(2027, 5, 10)
    assert renew_by(catalogue().get("azure_ai_103"), dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
