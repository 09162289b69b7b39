"""Shared pytest fixtures. Keep each group self-contained."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


# --- PostgreSQL (used by tests/test_storage.py) ------------------------------------------------
# A throwaway server from the installed binaries (see tests/pg.py). Missing binaries skip the
# PostgreSQL tests locally, but fail them when CI is set: CI must never silently skip them.

def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    tests_dir = str(Path(__file__).parent)
    if tests_dir not in sys.path:  # whatever pytest's import mode, tests/pg.py is importable
        sys.path.insert(0, tests_dir)
    from pg import PostgresMissing, start_postgres

    try:
        server = start_postgres()
    except PostgresMissing as e:
        missing = str(e)
    else:
        missing = None
    if missing is not None:
        if _in_ci():
            pytest.fail(f"PostgreSQL tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {missing}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server) -> str:
    """postgresql+psycopg://postgres@127.0.0.1:PORT/certradar_test on the throwaway server."""
    return postgres_server.create_database("certradar_test")
# --- end PostgreSQL ----------------------------------------------------------------------------
