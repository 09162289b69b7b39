"""The maintainer page through Streamlit's AppTest: absent without a token, refused with a wrong one,
the table and plots with the right one (on a small seeded database)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_calibration import seed_answers  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TOKEN = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    db = tmp_path / "app.sqlite3"
    seed_answers(db, n=30)
    monkeypatch.setenv("CERTRADAR_DB_PATH", str(db))
    monkeypatch.setenv("CERTRADAR_SHARE_SECRET", "test-secret-for-apptest")
    monkeypatch.setenv("CERTRADAR_CALIBRATION", str(tmp_path / "calibration.json"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CERTRADAR_BANK_DIR", raising=False)
    monkeypatch.delenv("CERTRADAR_MAINTAINER_TOKEN", raising=False)


def open_maintainer() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    at.switch_page("pages/maintainer.py")
    at.run()
    return at


def shows_no_data(at: AppTest) -> bool:
    return not at.dataframe and not at.get("plotly_chart") and not at.metric


def test_no_token_no_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/maintainer.py")  # not in the navigation at all


def test_wrong_token_is_refused_and_shows_nothing(monkeypatch):
    monkeypatch.setenv("CERTRADAR_MAINTAINER_TOKEN", TOKEN)
    at = open_maintainer()
    assert not at.exception, at.exception
    assert at.text_input(key="maintainer_token").proto.type == at.text_input(key="maintainer_token").proto.PASSWORD
    assert shows_no_data(at)
    at.text_input(key="maintainer_token").input("wrong")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == ["Wrong token."]
    assert shows_no_data(at)


def test_right_token_shows_table_and_plots(monkeypatch):
    monkeypatch.setenv("CERTRADAR_MAINTAINER_TOKEN", TOKEN)
    at = open_maintainer()
    at.text_input(key="maintainer_token").input(TOKEN)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Answers"] == "240"
    table = at.dataframe[0].value
    assert len(table) == 8 and "discrimination" in table.columns
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # facility against b, and one item's observed-vs-model curve
    assert at.selectbox(key="maint_item").value == table["item"].iloc[0]
