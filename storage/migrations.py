"""Table definitions and the ordered list of schema migrations.

``TABLES`` describe the *current* schema and are what the queries in ``db.py`` use. Each migration
brings the database from version ``n - 1`` to ``n``; ``MIGRATIONS[n - 1]`` is version ``n``. Never
edit a migration once released: append a new one (with explicit DDL, not ``TABLES``, so that it
keeps doing the same thing when the tables change later) and update the tables to match.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

attempts = sa.Table(
    "attempts", metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
)

profiles = sa.Table(
    "profiles", metadata,
    sa.Column("token", sa.String(64), sa.ForeignKey("attempts.token", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

answers = sa.Table(
    "answers", metadata,
    sa.Column("token", sa.String(64), sa.ForeignKey("attempts.token", ondelete="CASCADE"),
              nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("item_id", sa.String(200), nullable=False),
    sa.Column("domain", sa.String(100), nullable=False),
    sa.Column("response", sa.JSON, nullable=True),
    sa.Column("correct", sa.Boolean, nullable=True),
    sa.Column("seconds", sa.Float, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The writer's own id for the answer (v2): a write retried after a lost reply, or replayed from
    # the outbox after an outage, finds its answer already there instead of adding it twice.
    sa.Column("answer_id", sa.String(64), nullable=True),
    sa.PrimaryKeyConstraint("token", "seq", name="answers_token_seq"),  # the unique (token, seq)
    sa.Index("answers_answer_id", "answer_id", unique=True),
)

estimates = sa.Table(
    "estimates", metadata,
    sa.Column("token", sa.String(64), sa.ForeignKey("attempts.token", ondelete="CASCADE"),
              nullable=False),
    sa.Column("domain", sa.String(100), nullable=False),
    sa.Column("theta", sa.Float, nullable=False),
    sa.Column("se", sa.Float, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("token", "domain", name="estimates_token_domain"),
)


def _v1_initial(conn: Connection) -> None:
    # The v1 tables, spelled out: ``answers`` has grown since (see _v2_answer_ids).
    v1 = sa.MetaData()
    for table in (attempts, profiles, estimates):
        table.to_metadata(v1)
    sa.Table(
        "answers", v1,
        sa.Column("token", sa.String(64), sa.ForeignKey("attempts.token", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("domain", sa.String(100), nullable=False),
        sa.Column("response", sa.JSON, nullable=True),
        sa.Column("correct", sa.Boolean, nullable=True),
        sa.Column("seconds", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", "seq", name="answers_token_seq"),
    )
    v1.create_all(conn)


def _v2_answer_ids(conn: Connection) -> None:
    """answers.answer_id: an idempotency key, so that no answer is stored twice."""
    conn.execute(sa.text("ALTER TABLE answers ADD COLUMN answer_id VARCHAR(64)"))
    conn.execute(sa.text("CREATE UNIQUE INDEX answers_answer_id ON answers (answer_id)"))


Migration = Callable[[Connection], None]
MIGRATIONS: list[Migration] = [_v1_initial, _v2_answer_ids]

# An arbitrary constant: the PostgreSQL advisory lock that serialises concurrent upgrades.
_PG_LOCK_ID = 7_210_431_977


def current_version(conn: Connection) -> int:
    """The highest applied version, 0 for an empty database."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def upgrade(conn: Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations inside the caller's transaction; returns the versions applied.

    Raises RuntimeError if the database is newer than this code knows.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
    schema_version.create(conn, checkfirst=True)
    have = current_version(conn)
    if have > len(migrations):
        raise RuntimeError(f"the database schema is version {have}, newer than this app "
                           f"(which knows up to version {len(migrations)}); update the app")
    applied = []
    for version, migrate in enumerate(migrations, start=1):
        if version <= have:
            continue
        migrate(conn)
        conn.execute(sa.insert(schema_version).values(version=version,
                                                      applied_at=datetime.now(timezone.utc)))
        applied.append(version)
    return applied
