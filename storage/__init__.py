"""Persistence of attempts, profiles, answers and estimates (SQLite or PostgreSQL)."""
from .db import (DEFAULT_SQLITE_PATH, AnswerRecord, AttemptRecord, ResponseRecord, Store,
                 StoreUnavailable, database_url, new_token)
from .outbox import Outbox, outbox, url_key

__all__ = ["DEFAULT_SQLITE_PATH", "AnswerRecord", "AttemptRecord", "Outbox", "ResponseRecord", "Store",
           "StoreUnavailable", "database_url", "new_token", "outbox", "url_key"]
