"""Persistence of attempts, profiles, answers and estimates (SQLite or PostgreSQL)."""
from .db import (DEFAULT_SQLITE_PATH, AnswerRecord, AttemptRecord, ResponseRecord, Store,
                 StoreUnavailable, database_url)

__all__ = ["DEFAULT_SQLITE_PATH", "AnswerRecord", "AttemptRecord", "ResponseRecord", "Store",
           "StoreUnavailable", "database_url"]
