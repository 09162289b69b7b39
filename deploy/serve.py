"""`streamlit run app.py`, with the app's modules, question bank and catalogue loaded as soon as
the server listens, so that the first visitor after a (re)start does not wait for them.

    python -m deploy.serve [streamlit options, e.g. --server.port 8600]     # what `make run` runs

Without this, the first page view of a fresh process pays for importing the app (SQLAlchemy,
pydantic, the scoring code), parsing the question bank and catalogue: about 1.5-2 s of CPU on the
project's 2-core machine (docs/benchmarks.md, "Cold start"). The loading starts once the server
listens, not before: it would only delay the health check (one interpreter lock), while a
browser spends the next second or two fetching and starting Streamlit's frontend before it asks
for the first page. Plain `streamlit run app.py` works the same way, with that wait on the first
page.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wait_until_serving(timeout: float = 60) -> None:
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.05)


def prewarm(wait: bool = True) -> None:
    """Load once, in this process, what every page needs (the same caches the pages use)."""
    try:
        if wait:
            _wait_until_serving()
        from questions.loader import bank_dir
        from scoring.certs import catalogue
        from scoring.domains import taxonomy
        from ui import charts, quiz_view, render, report, results_view, state, tables  # noqa: F401

        catalogue()
        taxonomy()
        folder = str(bank_dir())
        state._load_bank(folder)
        state._cat_items(folder)
    except Exception:  # noqa: BLE001 - the first page loads them itself and shows what is wrong
        logging.getLogger("certradar").exception("prewarm failed; pages will load on first use")


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    threading.Thread(target=prewarm, name="certradar-prewarm", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
