"""The outbox: writes that could not reach the database, kept on this server's disk and written,
in order and exactly once, when the database is back.

While a database is unreachable (or while writes for an attempt are already waiting), each write
is appended to a small SQLite file on the local disk (``CERTRADAR_OUTBOX_PATH``, by default
``outbox.sqlite3`` beside the local SQLite file, data/ by default), synchronously, before the page goes on. A background
thread retries the oldest waiting writes every few seconds (1 s, then doubling up to 15 s) and
removes each one only once the database has committed it. Replays are exactly once: an attempt is
created under the token the page already shows, and each answer carries its own ``answer_id``
(storage.db), so a write that did reach the database before its reply was lost is not repeated.

What survives what:

- the database down for any time: every write waits here, in order;
- this server process restarted (or killed) while writes wait: the file is on disk, and the next
  process replays it as soon as it opens the database (its first page view);
- this machine's disk lost while writes wait (a container replaced without a volume): those
  writes are lost. Give the app a persistent disk (or keep the database up) where that matters.

A write that the database refuses for good (its attempt no longer exists, a value it rejects) is
not retried forever: it is kept in the file as ``dead`` with the error, and logged.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .db import Store, StoreUnavailable, _default_sqlite_path

_LOG = logging.getLogger("certradar.outbox")

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 15.0


def default_path() -> Path:
    """CERTRADAR_OUTBOX_PATH, else beside the local SQLite database (data/outbox.sqlite3)."""
    env = os.environ.get("CERTRADAR_OUTBOX_PATH")
    return Path(env).expanduser() if env else _default_sqlite_path().parent / "outbox.sqlite3"


def url_key(url: str) -> str:
    """What the outbox file records for a database: a hash, never the URL (it may hold a password)."""
    return hashlib.sha256(url.encode()).hexdigest()[:32]


class Outbox:
    """One per process and file (see ``outbox()``). Thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # on disk before the page goes on
            self.durable = True
        except (OSError, sqlite3.Error) as exc:
            # A read-only disk: keep waiting writes in memory (they survive an outage of the
            # database, not a restart of this process) rather than fail the page.
            _LOG.error("outbox: cannot use %s (%s); waiting writes are kept in memory only",
                       self.path, exc)
            self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self.durable = False
        self._db.execute("""CREATE TABLE IF NOT EXISTS writes (
            id INTEGER PRIMARY KEY AUTOINCREMENT, db TEXT NOT NULL, token TEXT NOT NULL,
            op TEXT NOT NULL, args TEXT NOT NULL, kwargs TEXT NOT NULL, created_at REAL NOT NULL,
            tries INTEGER NOT NULL DEFAULT 0, last_error TEXT, dead INTEGER NOT NULL DEFAULT 0)""")
        self._db.execute("CREATE INDEX IF NOT EXISTS writes_db_token ON writes (db, dead, token)")
        self._lock = threading.RLock()  # the sqlite3 connection, and one flush at a time
        # Writes waiting per database, kept in memory: every page asks whether any wait, and with
        # an empty outbox (nearly always) the answer must not cost a query. The file belongs to
        # this process (one outbox per replica); what an earlier process left is counted here.
        self._waiting: dict[str, int] = dict(self._db.execute(
            "SELECT db, COUNT(*) FROM writes WHERE dead = 0 GROUP BY db").fetchall())
        self._flush_lock = threading.Lock()
        self._openers: dict[str, Callable[[], Store]] = {}
        self._stores: dict[str, Store] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_try = 0.0
        self._delay = FIRST_RETRY_S

    # -- what the pages call -----------------------------------------------------------------
    def attach(self, db: str, store: Store | None = None,
               opener: Callable[[], Store] | None = None) -> None:
        """Tell the outbox how to reach database ``db`` (a url_key): a store that works now,
        and/or how to open one. Starts replaying what waits for it."""
        with self._lock:
            if store is not None:
                self._stores[db] = store
            if opener is not None:
                self._openers[db] = opener
        if self.pending(db):
            self.kick()

    def add(self, db: str, token: str, op: str, args: list | tuple = (),
            kwargs: dict | None = None) -> int:
        """Keep a write for later (on disk when this returns); returns its id."""
        if op not in Store.WRITES:
            raise ValueError(f"unknown write {op!r}")
        a, k = json.dumps(list(args), allow_nan=False), json.dumps(kwargs or {}, allow_nan=False)
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO writes (db, token, op, args, kwargs, created_at) VALUES (?,?,?,?,?,?)",
                (db, token, op, a, k, time.time()))
            wid = cur.lastrowid
            self._waiting[db] = self._waiting.get(db, 0) + 1
        self.kick()
        return wid

    def pending(self, db: str, token: str | None = None) -> int:
        """Writes waiting for database ``db`` (for one attempt when ``token`` is given)."""
        with self._lock:
            if not self._waiting.get(db) or token is None:
                return self._waiting.get(db, 0)
            where, params = _waiting_for(db, token)
            return self._db.execute("SELECT COUNT(*) FROM writes " + where, params).fetchone()[0]

    def waiting_answers(self, db: str, token: str) -> int:
        with self._lock:
            if not self._waiting.get(db):
                return 0
            where, params = _waiting_for(db, token)
            return self._db.execute("SELECT COUNT(*) FROM writes " + where
                                    + " AND op = 'record_answer'", params).fetchone()[0]

    def dead(self, db: str | None = None) -> list[dict[str, Any]]:
        q = "SELECT id, db, token, op, args, last_error FROM writes WHERE dead = 1"
        params: tuple = ()
        if db is not None:
            q += " AND db = ?"
            params = (db,)
        with self._lock:
            rows = self._db.execute(q + " ORDER BY id", params).fetchall()
        return [dict(zip(("id", "db", "token", "op", "args", "error"), r)) for r in rows]

    def kick(self) -> None:
        """Retry soon (a page saw the database again, or a new write came in)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="certradar-outbox",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    # -- replay ------------------------------------------------------------------------------
    def flush(self, db: str, store: Store | None = None, token: str | None = None,
              timeout: float = -1) -> int:
        """Write what waits for ``db`` (only ``token``'s writes if given), oldest first, until
        done or the database fails; returns how many are still waiting. Each write is removed
        only after the database committed it. ``timeout``: how long to wait for a replay
        already under way (-1: as long as it takes)."""
        if not self._flush_lock.acquire(timeout=timeout):
            return self.pending(db, token)
        try:
            return self._flush(db, store, token)
        finally:
            self._flush_lock.release()

    def _flush(self, db: str, store: Store | None, token: str | None) -> int:
        store = store or self._store_for(db)
        if store is None:
            return self.pending(db, token)
        while True:
            where, params = _waiting_for(db, token)
            with self._lock:
                row = self._db.execute("SELECT id, token, op, args, kwargs FROM writes " + where
                                       + " ORDER BY id LIMIT 1", params).fetchone()
            if row is None:
                return 0
            wid, tok, op, args, kwargs = row
            try:
                store.apply(op, tok, json.loads(args), json.loads(kwargs))
            except StoreUnavailable as exc:
                with self._lock:
                    self._db.execute("UPDATE writes SET tries = tries + 1, last_error = ? "
                                     "WHERE id = ?", (str(exc)[:500], wid))
                return self.pending(db, token)
            except Exception as exc:  # noqa: BLE001 - refused for good: set aside, go on
                _LOG.error("outbox: write %s (%s for %s) refused, set aside: %s", wid, op,
                           tok, exc)
                with self._lock:
                    self._db.execute("UPDATE writes SET dead = 1, tries = tries + 1, "
                                     "last_error = ? WHERE id = ?", (repr(exc)[:500], wid))
                    self._waiting[db] -= 1
                continue
            with self._lock:
                self._db.execute("DELETE FROM writes WHERE id = ?", (wid,))
                self._waiting[db] -= 1

    def _store_for(self, db: str) -> Store | None:
        with self._lock:
            store = self._stores.get(db)
            opener = self._openers.get(db)
        if store is None and opener is not None:
            try:
                store = opener()
            except StoreUnavailable:
                return None
            with self._lock:
                self._stores[db] = store
        return store

    def _databases(self) -> list[str]:
        with self._lock:
            return [db for db, n in self._waiting.items() if n]

    def _run(self) -> None:
        """The background replayer: wakes on kick() or after the current delay."""
        while True:
            self._wake.wait(timeout=self._delay)
            self._wake.clear()
            if time.monotonic() < self._next_try:  # at most one try per FIRST_RETRY_S
                time.sleep(self._next_try - time.monotonic())
            self._next_try = time.monotonic() + FIRST_RETRY_S
            waiting = 0
            for db in self._databases():
                try:
                    waiting += self.flush(db)
                except Exception:  # noqa: BLE001 - never let the replayer die
                    _LOG.exception("outbox: replay failed")
                    waiting += 1
            if waiting:
                self._delay = min(MAX_RETRY_S, self._delay * 2)
                _LOG.warning("outbox: %d writes wait for the database; next try in %.0f s",
                             waiting, self._delay)
            else:
                self._delay = FIRST_RETRY_S
                if not self._databases():
                    self._delay = 3600.0  # idle until the next kick()


def _waiting_for(db: str, token: str | None) -> tuple[str, tuple]:
    """The WHERE clause (and its parameters) of the writes waiting for ``db`` (and ``token``)."""
    if token is None:
        return "WHERE db = ? AND dead = 0", (db,)
    return "WHERE db = ? AND dead = 0 AND token = ?", (db, token)


_OUTBOXES: dict[str, Outbox] = {}
_OUTBOXES_LOCK = threading.Lock()


_RESOLVED: dict[str, str] = {}


def outbox(path: Path | None = None) -> Outbox:
    """The process's outbox for ``path`` (default: CERTRADAR_OUTBOX_PATH or data/outbox.sqlite3)."""
    given = str(path or default_path())
    p = _RESOLVED.get(given)
    if p is None:  # resolving walks the file system: once per path, not on every page run
        p = _RESOLVED[given] = str(Path(given).resolve())
    with _OUTBOXES_LOCK:
        if p not in _OUTBOXES:
            _OUTBOXES[p] = Outbox(Path(p))
        return _OUTBOXES[p]
