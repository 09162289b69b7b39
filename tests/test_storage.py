"""storage.Store against SQLite and a throwaway PostgreSQL (see conftest.py)."""
from __future__ import annotations

import itertools
import threading
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

import storage
from storage import (AnswerRecord, AttemptRecord, Store, StoreUnavailable, database_url,
                     migrations)

_db_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database per test on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'certradar.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return server.create_database(f"t{next(_db_names)}_{request.node.name[:30]}".lower()
                                  .replace("[", "_").replace("]", "").replace("-", "_"))


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def _versions(url: str) -> list[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version"))
                        .scalars())
    finally:
        engine.dispose()


# --- URLs -------------------------------------------------------------------------------------

def test_database_url_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CERTRADAR_DB_PATH", str(tmp_path / "x.sqlite3"))
    assert database_url() == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert database_url({}) == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert database_url({"DATABASE_URL": "postgres://u:p@h/db"}) == "postgresql+psycopg://u:p@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://e@h:5433/db")
    assert database_url({"DATABASE_URL": "postgres://u:p@h/db"}) == "postgresql+psycopg://e@h:5433/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://e@h/db")
    assert database_url() == "postgresql+psycopg://e@h/db"


def test_default_sqlite_path_is_under_repo_data_or_env():
    import os
    if "CERTRADAR_DB_PATH" not in os.environ:
        assert storage.DEFAULT_SQLITE_PATH.parts[-2:] == ("data", "certradar.sqlite3")


def test_url_masks_password(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert s.url.startswith("sqlite:///")
    s.dispose()
    with pytest.raises(StoreUnavailable) as e:
        Store("postgresql+psycopg://user:hunter2@127.0.0.1:1/x")
    assert "hunter2" not in str(e.value) and "***" in str(e.value)


def test_postgres_url_fixture(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    s = Store(postgres_url)
    try:
        assert s.load_attempt(s.create_attempt({}, {})) is not None
    finally:
        s.dispose()


# --- schema -----------------------------------------------------------------------------------

def test_schema_created_and_version_recorded(store, db_url):
    names = set(sa.inspect(store._engine).get_table_names())
    assert {"schema_version", "attempts", "profiles", "answers", "estimates"} <= names
    assert _versions(db_url) == list(range(1, len(migrations.MIGRATIONS) + 1))


def test_reopen_keeps_data_and_does_not_rerun_migrations(store, db_url, monkeypatch):
    token = store.create_attempt({"years": 3}, {"mode": "full"})
    store.record_answer(token, "la-001", "linear_algebra", "b", True, 12.5)
    store.dispose()

    def must_not_run(conn):
        raise AssertionError("migration re-run on an up-to-date database")

    monkeypatch.setattr(migrations, "MIGRATIONS", [must_not_run] * len(migrations.MIGRATIONS))
    reopened = Store(db_url)
    try:
        rec = reopened.load_attempt(token)
        assert rec is not None and rec.profile == {"years": 3} and len(rec.answers) == 1
        assert _versions(db_url) == list(range(1, len(migrations.MIGRATIONS) + 1))
    finally:
        reopened.dispose()


def test_reopen_applies_only_new_migrations(store, db_url, monkeypatch):
    token = store.create_attempt({}, {})
    store.dispose()
    ran = []

    n = len(migrations.MIGRATIONS)

    def v2(conn):
        ran.append(2)
        conn.execute(sa.text("CREATE TABLE extra_v2 (id INTEGER PRIMARY KEY)"))

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, v2])
    reopened = Store(db_url)
    reopened.dispose()
    reopened = Store(db_url)  # third open: nothing left to apply
    try:
        assert ran == [2]
        assert _versions(db_url) == list(range(1, n + 2))
        assert reopened.load_attempt(token) is not None
    finally:
        reopened.dispose()


def test_newer_schema_than_code_is_refused(store, db_url, monkeypatch):
    store.dispose()
    monkeypatch.setattr(migrations, "MIGRATIONS", [])
    with pytest.raises(StoreUnavailable, match="newer than this app"):
        Store(db_url)


# --- round trips ------------------------------------------------------------------------------

def test_create_load_round_trip(store):
    profile = {"years": 4, "cloud": "aws", "certs": ["aws_mla"], "note": "ünïcode ✓"}
    config = {"mode": "quick", "domains": ["statistics", "mlops"], "max_items": 12}
    before = datetime.now(timezone.utc)
    token = store.create_attempt(profile, config)
    assert len(token) >= 22
    rec = store.load_attempt(token)
    assert isinstance(rec, AttemptRecord)
    assert (rec.token, rec.profile, rec.config, rec.status) == (token, profile, config, "open")
    assert rec.answers == [] and rec.estimates == {}
    assert rec.created_at.tzinfo is not None and before <= rec.created_at <= rec.updated_at

    store.update_profile(token, {"years": 5})
    store.update_config(token, {"mode": "full"})
    store.finish_attempt(token)
    rec2 = store.load_attempt(token)
    assert (rec2.profile, rec2.config, rec2.status) == ({"years": 5}, {"mode": "full"}, "finished")
    assert rec2.updated_at >= rec.updated_at and rec2.created_at == rec.created_at


def test_tokens_are_unguessable_and_distinct(store):
    tokens = {store.create_attempt({}, {}) for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) == 22 for t in tokens)


def test_record_answer_seq_order(store):
    token = store.create_attempt({}, {})
    other = store.create_attempt({}, {})
    responses = ["a", ["b", "c"], {"value": 3.5}, None, 42]
    seqs = [store.record_answer(token, f"item-{i}", "statistics", r, i % 2 == 0, i + 0.5)
            for i, r in enumerate(responses)]
    assert seqs == [1, 2, 3, 4, 5]
    assert store.record_answer(other, "x", "mlops", "a", None, None) == 1
    rec = store.load_attempt(token)
    assert [a.seq for a in rec.answers] == [1, 2, 3, 4, 5]
    assert [a.response for a in rec.answers] == responses
    assert [a.item_id for a in rec.answers] == [f"item-{i}" for i in range(5)]
    first = rec.answers[0]
    assert isinstance(first, AnswerRecord)
    assert (first.domain, first.correct, first.seconds) == ("statistics", True, 0.5)
    assert first.created_at.tzinfo is not None
    assert store.load_attempt(other).answers[0].correct is None


def test_estimates_upsert(store):
    token = store.create_attempt({}, {})
    store.save_estimates(token, {"statistics": {"theta": 0.5, "se": 0.8, "n": 3},
                                 "mlops": {"theta": -1.0, "se": 0.9, "n": 2}})
    store.save_estimates(token, {"statistics": {"theta": 0.75, "se": 0.6, "n": 5}})
    assert store.load_attempt(token).estimates == {
        "statistics": {"theta": 0.75, "se": 0.6, "n": 5},
        "mlops": {"theta": -1.0, "se": 0.9, "n": 2},
    }


def test_attempts_existing_oldest_first(store):
    tokens = []
    for i in range(3):
        tokens.append(store.create_attempt({"i": i}, {}))
        time.sleep(0.002)
    found = store.attempts([tokens[2], "unknown-token", tokens[0], tokens[1], tokens[0], "bad/token"])
    assert [a.token for a in found] == tokens
    assert [a.profile["i"] for a in found] == [0, 1, 2]
    assert store.attempts([]) == []


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, "../etc/passwd", "a' OR '1'='1", None, 5])
def test_unknown_or_malformed_token_loads_none(store, token):
    assert store.load_attempt(token) is None


def test_writes_to_unknown_token_raise_keyerror(store):
    with pytest.raises(KeyError):
        store.record_answer("nope", "i", "d", "a", True, 1.0)
    with pytest.raises(KeyError):
        store.update_profile("bad/token", {})
    with pytest.raises(KeyError):
        store.finish_attempt("nope")


def test_non_json_values_are_refused_before_writing(store):
    token = store.create_attempt({}, {})
    with pytest.raises(TypeError):
        store.record_answer(token, "i", "d", object(), True, 1.0)
    with pytest.raises(ValueError):
        store.update_config(token, {"x": float("nan")})
    assert store.load_attempt(token).answers == []


# --- failures ---------------------------------------------------------------------------------

def test_unreachable_postgres_raises_store_unavailable_quickly():
    start = time.monotonic()
    with pytest.raises(StoreUnavailable) as e:
        Store("postgresql+psycopg://x@127.0.0.1:1/x")
    assert time.monotonic() - start < 10
    assert "127.0.0.1" in str(e.value)


def test_unusable_sqlite_path_raises_store_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{blocker / 'db.sqlite3'}")


def test_bad_url_raises_store_unavailable():
    with pytest.raises(StoreUnavailable):
        Store("not a url at all")
    with pytest.raises(StoreUnavailable):
        Store("nosuchdialect://x/y")


def test_database_gone_after_start_raises_store_unavailable(postgres_server):
    url = postgres_server.create_database("gone_later")
    s = Store(url)
    try:
        token = s.create_attempt({}, {})
        import psycopg
        with psycopg.connect(postgres_server.url().replace("+psycopg", ""), autocommit=True) as c:
            c.execute('DROP DATABASE "gone_later" WITH (FORCE)')
        for call in (lambda: s.load_attempt(token), lambda: s.record_answer(token, "i", "d", 1, True, 1.0),
                     lambda: s.create_attempt({}, {})):
            with pytest.raises(StoreUnavailable):
                call()
    finally:
        s.dispose()


# --- concurrency ------------------------------------------------------------------------------

THREADS, PER_THREAD = 8, 25


def _run_threads(target) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def wrapped(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


@pytest.mark.parametrize("shared", [True, False], ids=["one_store", "store_per_thread"])
def test_concurrent_answers_same_attempt(db_url, shared):
    main = Store(db_url)
    token = main.create_attempt({}, {})
    returned: list[int] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        s = main if shared else Store(db_url)
        try:
            for j in range(PER_THREAD):
                seq = s.record_answer(token, f"t{i}-{j}", "statistics", {"t": i, "j": j}, True, 1.0)
                with lock:
                    returned.append(seq)
        finally:
            if not shared:
                s.dispose()

    try:
        _run_threads(work)
        rec = main.load_attempt(token)
        total = THREADS * PER_THREAD
        assert sorted(returned) == list(range(1, total + 1))
        assert [a.seq for a in rec.answers] == list(range(1, total + 1))
        assert {a.item_id for a in rec.answers} == {f"t{i}-{j}" for i in range(THREADS)
                                                    for j in range(PER_THREAD)}
        for i in range(THREADS):  # each thread's own answers keep their order
            mine = [a.response["j"] for a in rec.answers if a.response["t"] == i]
            assert mine == list(range(PER_THREAD))
    finally:
        main.dispose()


def test_concurrent_answers_separate_attempts(store):
    tokens = [store.create_attempt({"thread": i}, {}) for i in range(THREADS)]
    results: dict[int, list[int]] = {}

    def work(i: int) -> None:
        results[i] = [store.record_answer(tokens[i], f"q{j}", "mlops", j, j % 3 == 0, 0.1 * j)
                      for j in range(PER_THREAD)]
        store.save_estimates(tokens[i], {"mlops": {"theta": i / 10, "se": 0.5, "n": PER_THREAD}})

    _run_threads(work)
    for i, rec in enumerate(store.attempts(tokens)):
        assert rec.token == tokens[i]
        assert results[i] == list(range(1, PER_THREAD + 1))
        assert [a.seq for a in rec.answers] == list(range(1, PER_THREAD + 1))
        assert [a.response for a in rec.answers] == list(range(PER_THREAD))
        assert rec.estimates == {"mlops": {"theta": i / 10, "se": 0.5, "n": PER_THREAD}}
