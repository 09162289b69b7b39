"""The attempt store: SQLite locally, PostgreSQL when DATABASE_URL says so (SQLAlchemy Core)."""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from secrets import token_urlsafe
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from . import migrations
from .migrations import answers, attempts, profiles
from .migrations import estimates as estimates_table

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_sqlite_path() -> Path:
    env = os.environ.get("CERTRADAR_DB_PATH")
    return Path(env).expanduser() if env else REPO_ROOT / "data" / "certradar.sqlite3"


DEFAULT_SQLITE_PATH: Path = _default_sqlite_path()

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SQLITE_BUSY_SECONDS = 30


def database_url(secrets: Mapping[str, Any] | None = None) -> str:
    """env DATABASE_URL, then secrets["DATABASE_URL"], else the local SQLite file.

    ``CERTRADAR_DB_PATH`` is read at call time, so it may be set after import.
    """
    url = os.environ.get("DATABASE_URL") or _from_secrets(secrets, "DATABASE_URL")
    if not url:
        return f"sqlite:///{_default_sqlite_path()}"
    url = str(url).strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _from_secrets(secrets: Mapping[str, Any] | None, key: str) -> Any:
    """secrets.get(key), tolerating st.secrets' error when there is no secrets.toml at all."""
    if secrets is None:
        return None
    try:
        return secrets.get(key)
    except Exception:  # noqa: BLE001 - e.g. StreamlitSecretNotFoundError
        return None


class StoreUnavailable(Exception):
    """The database could not be reached or used. ``str(e)`` is fit to show to users."""


@dataclass(frozen=True)
class AnswerRecord:
    seq: int
    item_id: str
    domain: str
    response: Any
    correct: bool | None
    seconds: float | None
    created_at: datetime


@dataclass(frozen=True)
class ResponseRecord:
    """One stored answer, as item statistics and calibration read them (``scoring.itemstats``,
    ``scoring.calibration``): which attempt, which item, and how it went."""

    token: str
    seq: int
    item_id: str
    domain: str
    dont_know: bool  # "I don't know" (no response given)
    correct: bool  # as graded; False for "I don't know"
    seconds: float | None
    created_at: datetime


@dataclass(frozen=True)
class AttemptRecord:
    token: str
    created_at: datetime
    updated_at: datetime
    profile: dict
    config: dict
    status: str  # "open" or "finished"
    answers: list[AnswerRecord]  # by seq
    estimates: dict[str, dict]  # domain -> {"theta": float, "se": float, "n": int}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_on_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against app crashes, far fewer fsyncs
    cur.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_SECONDS * 1000}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so read-then-write transactions (the next seq)
    # queue on the busy timeout instead of failing with SQLITE_BUSY halfway through.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u, connect_args={"timeout": _SQLITE_BUSY_SECONDS})
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    connect_args = {"connect_timeout": 10} if u.get_backend_name() == "postgresql" else {}
    return sa.create_engine(u, pool_pre_ping=True, connect_args=connect_args)


def _short(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return (text[0] if text else type(inner).__name__)[:200]


class Store:
    """All reads and writes of attempts. Thread-safe; share one instance per process."""

    def __init__(self, url: str | None = None) -> None:
        raw = url or database_url()
        try:
            self._display_url = make_url(raw).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - an unparsable URL must not leak into messages
            raise StoreUnavailable("The database address (DATABASE_URL) is not a valid URL.") from None
        try:
            self._engine = _make_engine(raw)
        except (SQLAlchemyError, OSError, ImportError) as e:
            raise StoreUnavailable(f"Cannot open the database at {self._display_url}: {_short(e)}") from e
        try:
            with self._tx() as conn:
                migrations.upgrade(conn)
        except RuntimeError as e:
            self._engine.dispose()
            raise StoreUnavailable(str(e)) from e
        except StoreUnavailable:
            self._engine.dispose()
            raise

    @property
    def url(self) -> str:
        """The database URL with any password masked, for display."""
        return self._display_url

    def dispose(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except SQLAlchemyError as e:
            raise StoreUnavailable(
                f"The database at {self._display_url} is not available right now ({_short(e)})."
            ) from e

    # -- writes ----------------------------------------------------------------------------
    def create_attempt(self, profile: dict, config: dict, token: str | None = None) -> str:
        """A new attempt; returns its token. With ``token`` (chosen by the caller, e.g. while the
        database was down), creating it again is a no-op: a retried write adds nothing."""
        _check_json(profile, config)
        if token is not None and not _valid(token):
            raise ValueError(f"malformed token {token!r}")
        token = token or new_token()
        now = _now()
        with self._tx() as conn:
            if conn.execute(sa.select(attempts.c.token).where(attempts.c.token == token)).first():
                return token
            conn.execute(sa.insert(attempts).values(token=token, created_at=now, updated_at=now,
                                                    config=config, status="open"))
            conn.execute(sa.insert(profiles).values(token=token, data=profile, updated_at=now))
        return token

    def update_profile(self, token: str, profile: dict) -> None:
        _check_json(profile)
        with self._tx() as conn:
            now = self._lock(conn, token)
            conn.execute(sa.update(profiles).where(profiles.c.token == token)
                         .values(data=profile, updated_at=now))

    def update_config(self, token: str, config: dict) -> None:
        _check_json(config)
        with self._tx() as conn:
            now = self._lock(conn, token)
            conn.execute(sa.update(attempts).where(attempts.c.token == token)
                         .values(config=config, updated_at=now))

    def record_answer(self, token: str, item_id: str, domain: str, response: Any,
                      correct: bool | None, seconds: float | None,
                      answer_id: str | None = None) -> int:
        """Append an answer; returns its seq (1, 2, ...) within the attempt. With ``answer_id``
        (the writer's unique id for this answer), writing it again returns the seq it already
        has and adds nothing: retries and replays are exactly once."""
        _check_json(response)
        with self._tx() as conn:
            now = self._lock(conn, token)
            last, existing = conn.execute(sa.select(
                sa.select(sa.func.max(answers.c.seq)).where(answers.c.token == token).scalar_subquery(),
                sa.select(answers.c.seq).where(answers.c.answer_id == answer_id).scalar_subquery()
                if answer_id is not None else sa.null(),
            )).one()
            if existing is not None:
                return existing
            seq = (last or 0) + 1
            conn.execute(sa.insert(answers).values(
                token=token, seq=seq, item_id=item_id, domain=domain, response=response,
                correct=correct, seconds=None if seconds is None else float(seconds), created_at=now,
                answer_id=answer_id))
        return seq

    def save_estimates(self, token: str, estimates: dict[str, dict]) -> None:
        """Insert or replace the estimate of each domain given; other domains are kept."""
        rows = {domain: {"theta": float(e["theta"]), "se": float(e["se"]), "n": int(e["n"])}
                for domain, e in estimates.items()}
        t = estimates_table
        with self._tx() as conn:
            now = self._lock(conn, token)
            for domain, values in rows.items():
                done = conn.execute(sa.update(t).where(t.c.token == token, t.c.domain == domain)
                                    .values(**values, updated_at=now))
                if done.rowcount == 0:
                    conn.execute(sa.insert(t).values(token=token, domain=domain, **values,
                                                     updated_at=now))

    def finish_attempt(self, token: str) -> None:
        with self._tx() as conn:
            now = self._lock(conn, token)
            conn.execute(sa.update(attempts).where(attempts.c.token == token)
                         .values(status="finished", updated_at=now))

    def _lock(self, conn: Connection, token: str) -> datetime:
        """Touch the attempt's updated_at, which also locks its row (PostgreSQL; SQLite holds the
        write lock already), and return the timestamp to use. KeyError if there is no such
        attempt. One statement: this runs on every answer."""
        now = _now()
        done = _valid(token) and conn.execute(
            sa.update(attempts).where(attempts.c.token == token).values(updated_at=now)).rowcount
        if not done:
            raise KeyError(f"no attempt with token {token!r}")
        return now

    #: The writes the outbox may replay (storage.outbox), by name.
    WRITES = ("create_attempt", "update_profile", "update_config", "record_answer",
              "save_estimates", "finish_attempt")

    def apply(self, op: str, token: str, args: list | tuple = (), kwargs: dict | None = None) -> Any:
        """Run one of WRITES for ``token``, as the outbox stored it."""
        if op not in self.WRITES:
            raise ValueError(f"unknown write {op!r}")
        if op == "create_attempt":
            return self.create_attempt(*args, token=token, **(kwargs or {}))
        return getattr(self, op)(token, *args, **(kwargs or {}))

    # -- reads -----------------------------------------------------------------------------
    def load_attempt(self, token: str) -> AttemptRecord | None:
        """The attempt, or None if the token is unknown or malformed."""
        found = self.attempts([token])
        return found[0] if found else None

    def attempts(self, tokens: list[str]) -> list[AttemptRecord]:
        """Those of ``tokens`` that exist, oldest first; unknown or malformed tokens are skipped."""
        wanted = sorted({t for t in tokens if _valid(t)})
        if not wanted:
            return []
        with self._tx() as conn:
            heads = conn.execute(
                sa.select(attempts, profiles.c.data.label("profile"))
                .select_from(attempts.outerjoin(profiles, profiles.c.token == attempts.c.token))
                .where(attempts.c.token.in_(wanted))
                .order_by(attempts.c.created_at, attempts.c.token)
            ).all()
            answer_rows = conn.execute(sa.select(answers).where(answers.c.token.in_(wanted))
                                       .order_by(answers.c.token, answers.c.seq)).all()
            t = estimates_table
            estimate_rows = conn.execute(sa.select(t).where(t.c.token.in_(wanted))
                                         .order_by(t.c.token, t.c.domain)).all()
        by_token: dict[str, list[AnswerRecord]] = {}
        for r in answer_rows:
            by_token.setdefault(r.token, []).append(AnswerRecord(
                seq=r.seq, item_id=r.item_id, domain=r.domain, response=r.response,
                correct=r.correct, seconds=r.seconds, created_at=_utc(r.created_at)))
        est: dict[str, dict[str, dict]] = {}
        for r in estimate_rows:
            est.setdefault(r.token, {})[r.domain] = {"theta": r.theta, "se": r.se, "n": r.n}
        return [AttemptRecord(token=h.token, created_at=_utc(h.created_at),
                              updated_at=_utc(h.updated_at), profile=h.profile or {},
                              config=h.config, status=h.status,
                              answers=by_token.get(h.token, []), estimates=est.get(h.token, {}))
                for h in heads]


    def responses(self, domains: list[str] | None = None) -> list[ResponseRecord]:
        """Every stored answer (of ``domains`` only, if given), by attempt and seq: what item
        statistics and calibration learn from. Reads in one query; the answer log of a free
        app stays far below what fits in memory."""
        q = sa.select(answers.c.token, answers.c.seq, answers.c.item_id, answers.c.domain,
                      (answers.c.response.is_(None) | (sa.cast(answers.c.response, sa.String) == "null"))
                      .label("dont_know"),
                      answers.c.correct, answers.c.seconds, answers.c.created_at)
        if domains:
            q = q.where(answers.c.domain.in_(list(domains)))
        with self._tx() as conn:
            rows = conn.execute(q.order_by(answers.c.token, answers.c.seq)).all()
        return [ResponseRecord(token=r.token, seq=r.seq, item_id=r.item_id, domain=r.domain,
                               dont_know=bool(r.dont_know), correct=bool(r.correct) and not r.dont_know,
                               seconds=r.seconds, created_at=_utc(r.created_at)) for r in rows]


def new_token() -> str:
    """An unguessable attempt token (22 URL-safe characters)."""
    return token_urlsafe(16)


def _valid(token: object) -> bool:
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None


def _check_json(*values: Any) -> None:
    """Fail early (TypeError/ValueError, not StoreUnavailable) on values the JSON columns refuse."""
    for v in values:
        json.dumps(v, allow_nan=False)
