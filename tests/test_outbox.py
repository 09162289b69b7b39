"""No answer lost while the database is down (issue 15): idempotent writes, the outbox, and the
whole path in a real Chromium against a real server and a real PostgreSQL that is stopped and
restarted mid-quiz, then with the server killed while answers wait."""
from __future__ import annotations

import itertools
import re
import signal
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from storage import Store, StoreUnavailable, migrations, new_token
from storage.outbox import Outbox

_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'outbox-test.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return server.create_database(f"outbox_{next(_names)}")


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def _answers(url: str, token: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(
                "SELECT seq, item_id, answer_id FROM answers WHERE token = :t ORDER BY seq"),
                {"t": token}))
    finally:
        engine.dispose()


# --- idempotent writes -------------------------------------------------------------------------
def test_a_v1_database_upgrades_and_keeps_its_answers(db_url):
    engine = sa.create_engine(db_url)
    then = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with engine.begin() as conn:  # a database as the previous release left it
        migrations.upgrade(conn, migrations.MIGRATIONS[:1])
        conn.execute(sa.text("INSERT INTO attempts (token, created_at, updated_at, config, status) "
                             "VALUES ('old', :n, :n, '{}', 'open')"), {"n": then})
        conn.execute(sa.text("INSERT INTO answers (token, seq, item_id, domain, created_at) "
                             "VALUES ('old', 1, 'x-001', 'statistics', :n)"), {"n": then})
    engine.dispose()
    s = Store(db_url)
    try:
        rec = s.load_attempt("old")
        assert [a.item_id for a in rec.answers] == ["x-001"]
        assert s.record_answer("old", "x-002", "statistics", None, False, 1.0, answer_id="a2") == 2
        assert s.record_answer("old", "x-002", "statistics", None, False, 1.0, answer_id="a2") == 2
        assert [a[1] for a in _answers(db_url, "old")] == ["x-001", "x-002"]
    finally:
        s.dispose()


def test_creating_an_attempt_twice_under_one_token_is_a_no_op(store):
    token = new_token()
    assert store.create_attempt({"years": 1}, {"a": 1}, token=token) == token
    assert store.create_attempt({"years": 9}, {"a": 9}, token=token) == token  # a retry
    rec = store.load_attempt(token)
    assert rec.profile == {"years": 1} and rec.config == {"a": 1}
    with pytest.raises(ValueError):
        store.create_attempt({}, {}, token="not a token!")


def test_an_answer_written_twice_is_stored_once(store, db_url):
    token = store.create_attempt({}, {})
    assert store.record_answer(token, "i1", "mlops", "a", True, 1.0, answer_id="id-1") == 1
    assert store.record_answer(token, "i2", "mlops", None, False, 2.0, answer_id="id-2") == 2
    assert store.record_answer(token, "i1", "mlops", "a", True, 1.0, answer_id="id-1") == 1
    assert store.record_answer(token, "i3", "mlops", "b", False, 3.0) == 3  # no id: appends
    assert [(seq, item) for seq, item, _ in _answers(db_url, token)] == [(1, "i1"), (2, "i2"), (3, "i3")]


# --- the outbox ----------------------------------------------------------------------------------
class Flaky:
    """A store that is down for the first ``down`` writes, and whose ``lost_reply``-th write
    reaches the database but fails on the way back (the case a retry must not duplicate)."""

    def __init__(self, store: Store, down: int = 0, lost_reply: int | None = None) -> None:
        self.store, self.down, self.lost_reply, self.calls = store, down, lost_reply, 0

    def apply(self, op, token, args=(), kwargs=None):
        self.calls += 1
        if self.calls <= self.down:
            raise StoreUnavailable("down")
        result = self.store.apply(op, token, args, kwargs)
        if self.calls == self.lost_reply:
            raise StoreUnavailable("reply lost")
        return result


def _quiz_writes(box: Outbox, token: str, n: int) -> None:
    box.add("db", token, "create_attempt", [{"years": 2}, {"quiz": {"mode": "full"}}])
    for i in range(1, n + 1):
        box.add("db", token, "record_answer", [f"item-{i}", "statistics", None, False, float(i)],
                {"answer_id": f"{token}-{i}"})
    box.add("db", token, "update_config", [{"quiz": {"mode": "full", "ended": True}}])


def test_outbox_replays_in_order_exactly_once_through_failures(store, db_url, tmp_path):
    box = Outbox(tmp_path / "outbox.sqlite3")
    token = new_token()
    _quiz_writes(box, token, 5)
    assert box.pending("db", token) == 7 and box.waiting_answers("db", token) == 5
    flaky = Flaky(store, down=2, lost_reply=5)  # 2 failed tries, then answer 2's reply is lost
    assert box.flush("db", flaky) == 7
    assert box.flush("db", flaky) == 7
    assert box.flush("db", flaky) == 5  # created, answer 1; answer 2 is stored but not confirmed
    assert box.flush("db", flaky) == 0
    rows = _answers(db_url, token)
    assert [(seq, item) for seq, item, _ in rows] == [(i, f"item-{i}") for i in range(1, 6)]
    assert len({a for _, _, a in rows}) == 5
    assert store.load_attempt(token).config["quiz"]["ended"] is True


def test_outbox_survives_a_process_restart(store, db_url, tmp_path):
    path = tmp_path / "outbox.sqlite3"
    token = new_token()
    _quiz_writes(Outbox(path), token, 3)  # written by a process that is then gone
    again = Outbox(path)
    assert again.pending("db") == 5
    again.attach("db", store)  # the new process opens the database: replay in the background
    deadline = time.monotonic() + 20
    while again.pending("db") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert again.pending("db") == 0
    assert [item for _, item, _ in _answers(db_url, token)] == ["item-1", "item-2", "item-3"]


def test_a_write_refused_for_good_is_set_aside_and_the_rest_goes_on(store, tmp_path):
    box = Outbox(tmp_path / "outbox.sqlite3")
    box.add("db", "no-such-attempt", "record_answer", ["i", "d", None, False, 1.0], {"answer_id": "x"})
    token = new_token()
    _quiz_writes(box, token, 1)
    assert box.flush("db", store) == 0
    dead = box.dead("db")
    assert [d["token"] for d in dead] == ["no-such-attempt"] and "no attempt" in dead[0]["error"]
    assert len(store.load_attempt(token).answers) == 1
    # Nothing waits any more (the set-aside write is not waiting), for this database or others.
    assert box.pending("db") == 0 and box.pending("db", token) == 0 and box.pending("other") == 0
    assert Outbox(tmp_path / "outbox.sqlite3").pending("db") == 0  # and a new process agrees


def test_an_unwritable_outbox_file_falls_back_to_memory(store, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    box = Outbox(blocker / "outbox.sqlite3")  # its folder cannot be created
    assert not box.durable
    token = new_token()
    _quiz_writes(box, token, 2)
    assert box.flush("db", store) == 0 and len(store.load_attempt(token).answers) == 2


# --- the whole path: a real server, a real PostgreSQL, a real Chromium --------------------------
def _pg_stop(server) -> None:
    server._run("pg_ctl", "stop", "-D", str(server.data_dir), "-m", "fast", "-w")


@pytest.mark.browser
def test_postgres_outage_and_server_restart_lose_no_answer(postgres_server, tmp_path):
    pw = pytest.importorskip("playwright.sync_api")
    from deploy.cluster import free_port, start_streamlit
    from tests.browser import CHROMIUM_ARGS, find_chromium, settle
    from tests.test_browser import fill_profile, progress_text, start_area_quiz

    chromium = find_chromium()
    if not chromium:
        pytest.fail("No Chromium for the browser tests: run `make test`.", pytrace=False)
    url = postgres_server.create_database("outbox_browser")
    port = free_port()
    env = {"DATABASE_URL": url, "CERTRADAR_SHARE_SECRET": "outbox-test",
           "CERTRADAR_OUTBOX_PATH": str(tmp_path / "outbox.sqlite3")}
    server = start_streamlit(port=port, env=env, log=tmp_path / "streamlit.log")
    engine = sa.create_engine(url, pool_pre_ping=True)

    def stored(token: str) -> list[tuple]:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT seq, item_id, answer_id FROM answers "
                                             "WHERE token = :t ORDER BY seq"), {"t": token}))

    def wait_stored(token: str, n: int, timeout: float = 60) -> list[tuple]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                rows = stored(token)
                if len(rows) >= n:
                    return rows
            except sa.exc.OperationalError:
                pass
            assert time.monotonic() < deadline, f"only {len(rows)} of {n} answers stored"
            time.sleep(0.5)

    def answer(page) -> None:
        page.get_by_role("button", name="I don't know").click()
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0

    try:
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
            fill_profile(page, server.url)
            start_area_quiz(page, "Python")
            token = re.search(r"[?&]a=([\w-]+)", page.url).group(1)
            for _ in range(2):
                answer(page)
            assert len(stored(token)) == 2

            # 1. PostgreSQL stops mid-quiz: the quiz goes on, the page says answers wait.
            _pg_stop(postgres_server)
            for _ in range(3):
                answer(page)
            assert progress_text(page).startswith("Question 6")
            body = page.inner_text("body")
            assert "cannot be saved right now" in body and "Your last 3 answers are kept" in body, body[:1500]

            # ... and comes back: the outbox writes them, in order, exactly once.
            postgres_server.start()
            rows = wait_stored(token, 5)
            answer(page)
            assert "The database is back" in page.inner_text("body")
            rows = wait_stored(token, 6)
            assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
            assert len({r[1] for r in rows}) == 6 and all(r[2] for r in rows[2:])

            # 2. PostgreSQL down again, 2 answers wait, and the server is killed (no goodbye).
            _pg_stop(postgres_server)
            for _ in range(2):
                answer(page)
            assert "Your last 2 answers are kept" in page.inner_text("body")
            stem = page.locator('[data-testid="stForm"]').inner_text()
            server.stop(signal.SIGKILL)
            postgres_server.start()
            server = start_streamlit(port=port, env=env, log=tmp_path / "streamlit-2.log")
            # The tab reconnects by itself and reruns; the new server replays the outbox it finds
            # on disk before it loads the attempt, so the quiz resumes after the 8th answer.
            rows = wait_stored(token, 8, timeout=90)
            assert [r[0] for r in rows] == list(range(1, 9)) and len({r[2] for r in rows[2:]}) == 6
            settle(page, timeout=60_000)
            assert progress_text(page).startswith("Question 9")
            assert page.locator('[data-testid="stForm"]').inner_text() == stem
            answer(page)
            assert progress_text(page).startswith("Question 10")
            assert len(stored(token)) == 9
            browser.close()
    finally:
        engine.dispose()
        server.stop()
        try:
            postgres_server.start()  # leave it running for the other tests
        except RuntimeError:
            pass
