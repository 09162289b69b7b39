"""The certification catalogue as of December 2026 (issue 13): corrections, new entries, renamed
ids, item styles, read dates and the `check` command that says what to re-read."""
import datetime as dt
from functools import cache

import pytest

from questions import load_bank
from scoring.certs import (ITEM_TYPES, RECHECK_WITHIN_DAYS, catalogue, main, stale_facts,
                           status_flags)
from scoring.quiz import QuizConfig, profile_from_dict

CAT = catalogue()
TODAY = dt.date.today()
ACTIVE = [c for c in CAT.certifications if c.active]


@cache
def bank():
    return load_bank()


def weights(cert_id):
    return [(s.name, s.weight.value) for s in CAT.get(cert_id).sections]


# --- staying current --------------------------------------------------------------------------------
@pytest.mark.parametrize("cert", [c.id for c in ACTIVE])
def test_every_active_certification_was_rechecked_within_a_year(cert):
    """Uses the real clock on purpose: when a year passes without a re-check, this fails until
    someone re-reads the entry's sources and updates `checked_on` (see `python -m scoring.certs check`)."""
    c = CAT.get(cert)
    assert (TODAY - c.checked_on).days <= RECHECK_WITHIN_DAYS, (
        f"{cert} was last checked on {c.checked_on}: re-read its sources")


def test_every_fact_has_a_read_date_no_later_than_its_entrys_check():
    for c in CAT.certifications:
        for label, fact in c.labelled_facts():
            read = c.read_on(fact)
            assert read <= c.checked_on <= CAT.read_on <= TODAY, (c.id, label)
        for s in c.sources.values():
            assert s.read_on <= c.checked_on


def test_third_party_summaries_are_marked_approximate():
    for c in CAT.certifications:
        for label, fact in c.labelled_facts():
            if "as summarised" in c.sources[fact.source].name:
                assert fact.approx, (c.id, label)


def test_check_lists_old_facts_and_status_changes():
    later = dt.date(2027, 2, 1)
    old = stale_facts(CAT, later, days=30)
    assert {s.cert for s in old} == {c.id for c in CAT.certifications}
    assert all(s.age_days > 30 for s in old)
    assert stale_facts(CAT, dt.date(2026, 12, 2), days=180) == []
    flags = {f.cert: f for f in status_flags(CAT, dt.date(2026, 12, 2))}
    assert not flags["aws_mla"].due and "new_version" in flags["aws_mla"].reason  # MLA-C02 beta → GA
    assert "registration" in flags["nvidia_ncp_genl"].reason
    assert status_flags(CAT, dt.date(2027, 1, 14))[0].cert == "aws_mla"  # due first
    assert all(f.due for f in status_flags(CAT, dt.date(2028, 1, 1)) if f.cert == "gcp_pmle")


def test_check_command(capsys):
    assert main(["check", "--days", "0", "--today", "2026-12-03"]) == 0
    out = capsys.readouterr().out
    assert "Facts read more than 0 days ago" in out and "gcp_pmle: weight: Serving and scaling models" in out
    assert "Entries whose status could have changed: 2" in out and "aws_mla: new_version on 2027-01-14" in out
    assert main(["check", "--days", "0", "--today", "2026-12-03", "--strict"]) == 1
    assert main(["check", "--today", "2026-12-02", "--strict"]) == 0
    assert main([]) == 2


# --- ids, aliases and successors --------------------------------------------------------------------
def test_mla_has_a_version_neutral_id_and_old_ids_still_resolve():
    mla = CAT.get("aws_mla_c01")
    assert mla.id == "aws_mla" and mla.aliases == ["aws_mla_c01"] and mla.code == "MLA-C02"
    assert profile_from_dict({"certs": ["aws_mla_c01", "aws_mla"], "passed": {"aws_mla_c01": "2025-01-10"}}
                             ).certs == ("aws_mla",)
    assert profile_from_dict({"passed": {"aws_mla_c01": "2025-01-10"}}).passed == {"aws_mla": dt.date(2025, 1, 10)}
    cfg = QuizConfig.from_dict({"mode": "quick", "domains": ["aws_ml"], "cert": "aws_mla_c01"})
    assert cfg.cert == "aws_mla"


def test_retired_certifications_name_their_successors_and_what_holders_can_do():
    succ = {c.id: c.successors for c in CAT.certifications if not c.active}
    assert succ == {"aws_mls_c01": ["aws_mla", "aws_aip_c01"], "azure_ai_102": ["azure_ai_103"],
                    "azure_dp_100": ["azure_ai_300"], "azure_ai_900": ["azure_ai_901"], "tf_developer": []}
    for c in CAT.certifications:
        for s in c.successors:
            assert CAT.get(s).active
        if not c.active:
            assert c.holders and c.retired_on <= TODAY
    assert CAT.get("azure_dp_100").retired_on == dt.date(2026, 6, 1)
    assert CAT.ordered()[: len(ACTIVE)] == ACTIVE


def test_renewal_rules():
    assert "cannot be renewed" in CAT.get("aws_mls_c01").renewal
    assert "renewal assessments retired" in CAT.get("azure_ai_102").renewal
    assert "cannot be renewed" in CAT.get("azure_ai_102").holders
    assert "60 days before" in CAT.get("gcp_pmle").renewal
    aif = CAT.get("aws_aif_c01").renewal
    assert "ML Engineer Associate" in aif and "Generative AI Developer" in aif
    assert not CAT.get("azure_ai_901").expires and not CAT.get("azure_ai_900").expires
    assert CAT.get("azure_ai_103").validity_years.value == 1


# --- corrections ------------------------------------------------------------------------------------
def test_mla_c02_blueprint_and_target_candidate():
    assert weights("aws_mla") == [
        ("Data Preparation for ML and AI", 28), ("ML Model and Foundation Model Development", 24),
        ("Deployment and Orchestration of ML and AI Workflows", 24),
        ("Operating, Monitoring, and Securing ML and AI Solutions", 24)]
    mla = CAT.get("aws_mla")
    assert mla.focus == "both" and mla.required["generative_ai"].level >= 2
    assert mla.format.minutes.value == 170 and "SageMaker AI" in mla.recommended_experience.text
    assert "Bedrock" in mla.recommended_experience.text
    for lang in ("Japanese", "Korean", "Simplified Chinese"):
        assert lang in mla.notes
    assert "MLA-C02" in mla.notes and "ME1-C02" in mla.notes


def test_pmle_weights_are_the_june_2026_guide():
    assert [w for _, w in weights("gcp_pmle")] == [13, 16, 21, 20, 18, 13]
    pmle = CAT.get("gcp_pmle")
    assert {s.weight.source for s in pmle.sections} == {"gcp_guide_2026"}
    assert all(s.weight.approx for s in pmle.sections)
    assert "Gemini Enterprise Agent Platform" in pmle.notes and "shown as approximate" not in pmle.notes
    assert pmle.required["python_core"].level == 1  # "minimal Python"
    assert sum("generative_ai" in s.domains for s in pmle.sections) >= 3


def test_smaller_corrections():
    ai103 = dict(weights("azure_ai_103"))
    assert ai103["Implement generative AI and agentic solutions"] == "30–35"
    assert CAT.get("azure_ai_103").sources["ms_ai103"].url
    assert [n for n, _ in weights("databricks_ml_associate")][1] == "Data Processing"
    assert "github.com/tensorflow/tensorflow/issues/68654" not in str(CAT.get("tf_developer").sources)


def test_required_levels_follow_the_guides():
    mls = CAT.get("aws_mls_c01")
    for d in ("calculus", "numpy_pandas"):
        assert d in mls.prerequisites and mls.required[d].level == 1
    assert "nlp" in mls.section_domains
    assert "generative_ai" in CAT.get("aws_mla").required
    dbx = CAT.get("databricks_ml_associate")
    assert "statistics" in next(s for s in dbx.sections if s.name == "Data Processing").domains
    pro = CAT.get("databricks_ml_professional")
    assert "scikit_learn" not in pro.required


# --- new entries --------------------------------------------------------------------------------------
NEW = ["aws_aip_c01", "databricks_genai_associate", "azure_ai_300", "azure_dp_100", "gcp_genai_leader",
       "nvidia_nca_genl", "nvidia_ncp_genl", "azure_ai_901", "azure_ai_900"]


@pytest.mark.parametrize("cert", NEW)
def test_new_entries_are_complete_and_assessable(cert):
    c = CAT.get(cert)
    assert c.sections and c.required and c.resources and c.recommended_experience.text
    assert all(r.why for r in c.required.values())
    for d in c.required:
        assert bank().in_domain(d), f"{cert}: no questions in {d}"
    assert all(s.read_on == dt.date(2026, 12, 2) for s in c.sources.values())


def test_new_entries_key_facts():
    assert [w for _, w in weights("aws_aip_c01")] == [31, 26, 20, 12, 11]
    assert [w for _, w in weights("databricks_genai_associate")] == [14, 14, 30, 22, 8, 12]
    assert [w for _, w in weights("gcp_genai_leader")] == [30, 35, 20, 15]
    assert [w for _, w in weights("nvidia_nca_genl")] == [30, 24, 22, 14, 10]
    assert sum(w for _, w in weights("nvidia_ncp_genl")) == 100
    assert [w for _, w in weights("azure_ai_901")] == ["40–45", "55–60"]
    assert CAT.get("aws_aip_c01").format.price_usd.value == 300


# --- item styles ------------------------------------------------------------------------------------
def test_every_certification_has_an_item_style_with_a_reason():
    for c in CAT.certifications:
        st = c.item_style
        assert st.why and set(st.types) <= set(ITEM_TYPES), c.id
    for cid in ("aws_aif_c01", "gcp_genai_leader", "azure_ai_900"):  # use AI, not build it
        assert CAT.get(cid).item_style.types == ["single_choice", "multiple_response"]
    for cid in ("gcp_pmle", "aws_mla"):  # cloud professional exams that test no coding
        caps = CAT.get(cid).item_style.caps
        assert caps["numeric"] <= 0.2 and caps["code_output"] <= 0.1
    for cid in ("databricks_ml_associate", "databricks_ml_professional", "databricks_genai_associate",
                "nvidia_nca_genl", "nvidia_ncp_genl", "tf_developer"):  # read or write code
        st = CAT.get(cid).item_style
        assert set(st.types) == set(ITEM_TYPES) and not st.caps
