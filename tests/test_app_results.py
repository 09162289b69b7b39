"""The Results page for fixed answer sets (three personas), exports, history and a database
that cannot be reached, through Streamlit's AppTest."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from questions import load_bank
from scoring.certs import catalogue
from sharing import SharedResult, encode
from tests.personas import PERSONAS, answers

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BANK = load_bank()
SECRET = "test-secret-for-results"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CERTRADAR_DB_PATH", str(tmp_path / "app.sqlite3"))
    monkeypatch.setenv("CERTRADAR_SHARE_SECRET", SECRET)
    monkeypatch.delenv("DATABASE_URL", raising=False)


def results_for(persona: str) -> AppTest:
    p = PERSONAS[persona]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["profile"] = p["profile"]
    at.session_state["attempt"] = {"token": None, "config": None, "previous": [],
                                   "answers": answers(BANK, p["levels"])}
    at.run()
    at.switch_page("pages/results.py")
    at.run()
    assert not at.exception, at.exception
    return at


def ranking_table(at: AppTest):
    return next(df.value for df in at.dataframe if "Certification" in df.value.columns
                and "Readiness" in df.value.columns)


def gap_names(at: AppTest, cert_id: str) -> list[str]:
    at.selectbox(key="gap_cert").set_value(cert_id)
    at.run()
    out = []
    for m in at.markdown:
        text = m.value
        if text.startswith("**") and ". " in text[:8] and "the exam needs" in text:
            out.append(text.split(". ", 1)[1].split("**", 1)[0])
    return out


def test_strong_math_aws_user():
    at = results_for("strong_math_aws")
    order = list(ranking_table(at)["Certification"])
    # AWS exams lead among the AWS ones for an AWS user (a cloud-agnostic exam that fits their
    # maths may come first); the retired Specialty they named is not ranked, its successor is,
    # and marked as such.
    aws = [c for c in order if c.startswith("AWS ")]
    assert aws[:2] == ["AWS Certified AI Practitioner (AIF-C01)",
                       "AWS Certified Machine Learning Engineer – Associate (MLA-C02)"]
    assert order.index(aws[1]) < 4
    assert not any("MLS-C01" in c for c in order)
    table = ranking_table(at)
    row = table[table["Certification"] == aws[1]].iloc[0]
    assert "Successor of one on your list." in row["Fit"]
    assert row["Assessed"] == "100% of the exam"
    # For the associate exam the platform itself is the gap to close first.
    assert gap_names(at, "aws_mla")[0] == "AWS ML"
    assert [m.value for m in at.metric][0] == catalogue().get(
        next(c.id for c in catalogue().certifications if c.name == order[0])).short


def test_cloud_agnostic_deep_learning_user():
    at = results_for("deep_learning_no_cloud")
    order = list(ranking_table(at)["Certification"])
    assert "TensorFlow Developer Certificate" not in order  # closed: never recommended
    # No cloud, deep learning: the cloud-agnostic LLM associate exam they are closest to.
    assert order[0] == "NVIDIA-Certified Associate Generative AI LLMs (NCA-GENL)"
    caption = " ".join(c.value for c in at.caption)
    assert "TensorFlow Developer: closed 2024-05-01" in caption
    assert gap_names(at, "gcp_pmle")[:1] == ["MLOps"]


def test_beginner():
    at = results_for("beginner")
    table = ranking_table(at)
    foundational = {c.name for c in catalogue().certifications if c.tier == "foundational"}
    assert table.iloc[0]["Certification"] in foundational
    # Honest: no associate or professional exam is close yet (a fundamentals exam may be).
    assert all(r < 50 for c, r in zip(table["Certification"], table["Readiness"]) if c not in foundational)
    assert gap_names(at, "aws_aif_c01")[:3] == ["Generative AI", "Responsible AI", "Deep learning"]
    # What the gap list says to study comes with links and hours.
    gaps_md = "\n".join(m.value for m in at.markdown)
    assert "about **" in gaps_md and "](https://" in gaps_md


def test_exports_hold_the_levels():
    at = results_for("beginner")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Levels (CSV)", "Results (JSON)", "Printable report (HTML)"]


def test_unreachable_database_keeps_the_quiz_going(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/quiz.py")
    at.run()
    at.radio(key="setup_mode").set_value("area")
    at.run()
    at.button_group(key="setup_areas").set_value(["python"])
    at.run()
    at.button(key="start_quiz").click()
    at.run()
    assert not at.exception
    assert any("cannot be saved right now" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "I don't know").click()
    at.run()
    assert len(at.session_state["attempt"]["answers"]) == 1  # kept in memory
    assert "Question 2" in at.get("progress")[0].proto.text


def test_shared_name_is_plain_text_and_links_compare_on_the_radar():
    import datetime as dt

    res = SharedResult(created=dt.date(2026, 1, 5), levels={"statistics": (2.5, 0.4, 6)},
                       profile={"years": 1, "cloud": "gcp", "focus": "both", "certs": []},
                       name="**Ada** <script>alert(1)</script>")
    token = encode(res, SECRET.encode())
    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.query_params["s"] = token
    viewer.run()
    viewer.switch_page("pages/results.py")
    viewer.run()
    assert [t.value for t in viewer.text] == ["Shared by: **Ada** <script>alert(1)</script>"]
    assert not any("Ada" in m.value for m in viewer.markdown)  # never as Markdown or HTML
    # Pasting that link on one's own results draws it beside today's levels.
    at = results_for("beginner")
    at.text_input(key="compare_link").input(f"http://localhost:8501/results?s={token}")
    next(b for b in at.button if b.label == "Add to the radar").click()
    at.run()
    assert not at.exception
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Shared result (05 Jan 2026)" in [t.get("name") for t in fig["data"]]


def test_new_attempt_keeps_the_old_one_for_before_and_after():
    from tests.test_app import answer, finish_quiz, goto, start_quiz

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    start_quiz(at, "area", areas=["math"])
    finish_quiz(at, lambda item: item.level <= 1)
    goto(at, "results")
    first_token = at.query_params["a"]
    at.button(key="new_attempt").click()
    at.run()
    assert at.session_state["attempt"]["previous"] == [first_token]
    assert at.session_state["attempt"]["answers"] == []
    start_quiz(at, "area", areas=["math"])
    for _ in range(4):
        answer(at, True)
    goto(at, "results")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in fig["data"]]
    assert any(n and n.startswith("Earlier attempt (") for n in names)
    assert at.query_params["a"] != first_token
