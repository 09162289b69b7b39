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


def target(at: AppTest) -> str:
    """The certification the page is about: the value of its one picker."""
    return next(sb.value for sb in at.selectbox if sb.key and sb.key.startswith("target_"))


def verdict_sentence(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**") and ": " in m.value
                and m.value.endswith("**") and "(" in m.value).strip("*")


def gap_names(at: AppTest) -> list[str]:
    out = []
    for m in at.markdown:
        text = m.value
        if text.startswith("**") and ". " in text[:8] and "the exam needs" in text:
            out.append(text.split(". ", 1)[1].split("**", 1)[0])
    return out


def radar_certs(at: AppTest) -> list[str]:
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [t["name"] for t in fig["data"] if t.get("name", "").endswith(" requires")]


def test_strong_math_aws_user():
    at = results_for("strong_math_aws")
    mla = catalogue().get("aws_mla")
    # They named the retired ML Specialty: the page is about its main successor, everywhere.
    assert target(at) == "aws_mla"
    # Right at the bar: every domain of the exam answered, and still honestly undecided.
    sentence = verdict_sentence(at)
    assert sentence.startswith(f"{mla.name}: not enough evidence yet (about ")
    assert sentence.endswith("more questions would settle this.")
    assert radar_certs(at) == [f"{mla.short} requires"]
    assert any(h.value == f"What to learn first for {mla.name}" for h in at.header)
    assert gap_names(at)[0] == "AWS ML"  # the platform itself is the gap to close first
    table = ranking_table(at)
    assert not any("MLS-C01" in c for c in table["Certification"])  # retired: not ranked
    row = table[table["Certification"] == mla.name].iloc[0]
    assert "successor of one on your list" in row["Why it fits (or not)"]
    assert row["Assessed"] == "100% of the exam"
    retired = next(df.value for df in at.dataframe if "Take instead" in df.value.columns)
    spec = retired[retired["Certification"].str.contains("MLS-C01")].iloc[0]
    assert mla.name in spec["Take instead"] and "AIP-C01" in spec["Take instead"]


def test_cloud_agnostic_deep_learning_user():
    at = results_for("deep_learning_no_cloud")
    table = ranking_table(at)
    assert "TensorFlow Developer Certificate" not in list(table["Certification"])  # closed
    # Nothing on their list: the page is about the exam they are closest to (the ranking's first).
    first = catalogue().get(target(at))
    assert first.id == "nvidia_nca_genl" and table.iloc[0]["Certification"] == first.name
    assert verdict_sentence(at) == (f"{first.name}: ready (over 99% sure). Every domain assessed is at "
                                    "or above what the exam expects.")
    assert radar_certs(at) == [f"{first.short} requires"]
    readiness = list(table["Readiness"])
    assert readiness == sorted(readiness, reverse=True)  # ordered by readiness, as the caption says
    assert any("ordered by readiness; fit breaks ties" in c.value for c in at.caption)


def test_beginner():
    at = results_for("beginner")
    cert = catalogue().get(target(at))
    assert cert.id == "gcp_genai_leader" and cert.tier == "foundational"
    assert verdict_sentence(at).startswith(f"{cert.name}: not ready yet (about 9")
    assert verdict_sentence(at).endswith("Generative AI is furthest below what the exam expects.")
    table = ranking_table(at)
    foundational = {c.name for c in catalogue().certifications if c.tier == "foundational"}
    # Honest: no associate or professional exam is close yet.
    assert all(r < 50 for c, r in zip(table["Certification"], table["Readiness"]) if c not in foundational)
    assert gap_names(at)[0] == "Generative AI"
    # What the gap list says to study comes with links and hours.
    gaps_md = "\n".join(m.value for m in at.markdown)
    assert "about **" in gaps_md and "](https://" in gaps_md
    # Too little evidence for most exams: listed apart, each with a one-click quick check.
    assert [b for b in at.button if b.key and b.key.startswith("qc_")]


def test_a_quick_check_for_one_certification_is_what_results_are_about():
    """The new user of the issue: defaults everywhere, a quick check for AWS AI Practitioner,
    "I don't know" to every question. Results must be about that certification everywhere."""
    from sharing import decode
    from tests.test_app import finish_quiz, goto, start_quiz

    aif = catalogue().get("aws_aif_c01")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    start_quiz(at, "quick", cert=aif.id)
    answered = finish_quiz(at, lambda item: None)
    assert 0 < len(answered) <= 30
    goto(at, "results")
    assert target(at) == aif.id
    sentence = verdict_sentence(at)
    assert sentence.startswith(f"{aif.name}: not ready yet (")
    # the exam's biggest domain leads what is furthest below (every answer was "I don't know")
    assert sentence.split("). ", 1)[1].startswith("Generative AI")
    assert sentence.endswith("furthest below what the exam expects.")
    assert radar_certs(at) == [f"{aif.short} requires"]
    assert any(h.value == f"What to learn first for {aif.name}" for h in at.header)
    row = ranking_table(at)
    row = row[row["Certification"] == aif.name].iloc[0]
    assert row["Assessed"] == "100% of the exam" and row["Verdict"] == "not ready yet"
    link = next(c.value for c in at.code if "/results?s=" in c.value)
    shared = decode(link.split("s=", 1)[1], SECRET.encode())
    assert shared.profile["target"] == aif.id
    # Choosing another certification in the one picker moves everything with it.
    pmle = catalogue().get("gcp_pmle")
    at.selectbox(key=f"target_{aif.id}").set_value(pmle.id)
    at.run()
    assert target(at) == pmle.id and verdict_sentence(at).startswith(f"{pmle.name}: ")
    assert radar_certs(at) == [f"{pmle.short} requires"]
    assert any(h.value == f"What to learn first for {pmle.name}" for h in at.header)


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
