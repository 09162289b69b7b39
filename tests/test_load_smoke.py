"""bench/load.py keeps working (issue 15): a handful of simulated users for a few seconds against
a real `streamlit run` server. A smoke test, not a timed benchmark: it checks that users get
through the setup and answer without errors, and that the server was measured."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("psutil", reason="psutil is in requirements-dev.txt")


def test_load_bench_smoke(tmp_path):
    from bench import load

    out = tmp_path / "load.jsonl"
    md = tmp_path / "bench.md"
    assert load.main(["--smoke", "--json", str(out), "--markdown", str(md)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    quiz = next(r for r in rows if r.get("app") == "quiz")
    assert quiz["errors"] == 0 and quiz["answers"] >= 3
    assert quiz["server_cpu_ms_per_answer"] > 0 and quiz["rss_peak_mib"] > 50
    assert "<!-- load:start -->" in md.read_text()


def test_load_bench_refuses_other_hosts():
    from bench import load

    with pytest.raises(SystemExit, match="loopback"):
        load.check_loopback("http://10.0.0.1:8501")
    with pytest.raises(SystemExit, match="loopback"):
        load.check_loopback("http://example.org")
    load.check_loopback("http://127.0.0.1:8501")
    load.check_loopback("http://localhost:8501")
    load.check_loopback("http://[::1]:8501")
