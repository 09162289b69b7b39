"""`streamlit run app.py`, with the app's modules, question bank and catalogue loaded before the
server answers, so that `/_stcore/health` means ready: a load balancer (deploy/haproxy.cfg, a
Kubernetes readiness probe) sends no visitor to a replica that would make them wait.

    python -m deploy.serve [streamlit options, e.g. --server.port 8600]     # what `make run` runs

Without this, the first Quiz page of a fresh process pays for importing the app and loading the
question bank and catalogue: `/_stcore/health` answers about 1 s later with this than with plain
`streamlit run app.py` (docs/benchmarks.md, "Cold start"). Plain `streamlit run app.py` still
works, with that wait on the first visitor instead.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prewarm() -> float:
    """Load once, in this process, what every page needs (the same caches the pages use);
    returns the seconds it took."""
    t0 = time.monotonic()
    try:
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
    return time.monotonic() - t0


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    took = prewarm()
    print(f"CertRadar loaded in {took:.1f} s; starting the server.", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
