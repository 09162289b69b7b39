"""Rerun latency of each page, as a ratio to a trivial one-line Streamlit page in the same process.

Every page is run through AppTest many times and the median kept; the baseline is measured in the
same process, just before and after, so machine speed cancels out; of three such rounds the
median ratio is reported. Targets: a quiz interaction ≤ 3× the
trivial page, the Results page ≤ 10×.

    .venv/bin/python bench/rerun_latency.py [--runs 30] [--markdown docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.report import write_section  # noqa: E402

APP = str(ROOT / "app.py")
TRIVIAL = "import streamlit as st\nst.write('hello')\n"


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def trivial(runs: int) -> float:
    at = AppTest.from_string(TRIVIAL, default_timeout=60)
    at.run()
    return timed(at.run, runs)


def page_app(page: str, answers: int = 0) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if answers:
        at.switch_page("pages/quiz.py")
        at.run()
        at.radio(key="setup_mode").set_value("full")
        at.run()
        at.button(key="start_quiz").click()
        at.run()
        for _ in range(answers):
            next(b for b in at.button if b.label == "I don't know").click()
            at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def quiz_interaction(runs: int) -> float:
    """One answer: click "I don't know", the page records it and reruns to the next question."""
    at = page_app("quiz", answers=1)
    samples = []
    for _ in range(runs):
        btn = next(b for b in at.button if b.label == "I don't know")
        t0 = time.perf_counter()
        btn.click()
        at.run()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CERTRADAR_DB_PATH"] = str(Path(tmp) / "bench.sqlite3")
        os.environ.setdefault("CERTRADAR_SHARE_SECRET", "bench")
        cases = {
            "Start": lambda: timed(page_app("start").run, args.runs),
            "Quiz (a question on screen, rerun)": lambda: timed(page_app("quiz", answers=2).run, args.runs),
            "Quiz interaction (answer → next question)": lambda: quiz_interaction(args.runs),
            "Results (20 answers)": lambda: timed(page_app("results", answers=20).run, args.runs),
            "Certifications": lambda: timed(page_app("certifications").run, args.runs),
            "About": lambda: timed(page_app("about").run, args.runs),
        }
        targets = {"Quiz interaction (answer → next question)": 3.0, "Results (20 answers)": 10.0}
        trivial(5)  # warm-up
        rows = []
        for name, fn in cases.items():
            # Three rounds, each page timing between two baseline timings; the median round counts.
            rounds = []
            for _ in range(3):
                before = trivial(args.runs)
                t = fn()
                base = statistics.mean([before, trivial(args.runs)])
                rounds.append((t / base, t, base))
            ratio, t, base = sorted(rounds)[1]
            rows.append((name, t, base, ratio, targets.get(name)))
    lines = ["| page | median rerun | trivial page | ratio | target |", "|---|---|---|---|---|"]
    for name, t, base, ratio, target in rows:
        tgt = f"≤ {target:g}× {'MET' if ratio <= target else 'NOT MET'}" if target else ""
        lines.append(f"| {name} | {1000 * t:.1f} ms | {1000 * base:.1f} ms | {ratio:.1f}× | {tgt} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        write_section(args.markdown, "rerun_latency", table)


if __name__ == "__main__":
    main()
