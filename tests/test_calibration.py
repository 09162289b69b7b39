"""Learning from stored answers: reading them, item statistics, calibration, the correlation."""
from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from questions import load_bank
from questions.__main__ import main as cli
from scoring import calibration as cal
from scoring.calibration import (Calibration, ItemCalibration, ItemPrior, RhoEstimate, estimate_rho,
                                 fit_domain)
from scoring.irt import DEFAULT_A, ItemParams, LEVEL_B, params_for
from scoring.itemstats import (FLAG_DONT_KNOW, FLAG_FACILITY, FLAG_NEGATIVE, FLAG_SLOW,
                               item_statistics)
from scoring.joint import DEFAULT_RHO, Likelihood
from scoring.recovery import SimAnswer, recover, synthetic_priors
from storage import Store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'answers.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database(
            f"cal_{request.node.name[:20]}".lower().replace("[", "_").replace("]", "").replace("-", "_"))
    s = Store(url)
    yield s
    s.dispose()


def test_store_reads_every_answer_with_dont_know(store):
    t1 = store.create_attempt({}, {})
    t2 = store.create_attempt({}, {})
    store.record_answer(t1, "stats-001", "statistics", "b", True, 12.5)
    store.record_answer(t1, "stats-002", "statistics", None, False, 3.0)  # "I don't know"
    store.record_answer(t2, "py-001", "python_core", ["a", "c"], False, None)
    rows = store.responses()
    assert [(r.token, r.seq, r.item_id, r.dont_know, r.correct) for r in rows] == sorted([
        (t1, 1, "stats-001", False, True), (t1, 2, "stats-002", True, False),
        (t2, 1, "py-001", False, False)])
    assert {r.seconds for r in rows} == {12.5, 3.0, None}
    assert [r.item_id for r in store.responses(["python_core"])] == ["py-001"]


# --- item statistics ------------------------------------------------------------------------------
def _rows_for_stats():
    """60 attempts: θ from -3 to 3; three anchor items answered by the model; "bad" answered
    right only by the weakest; "idk" mostly "I don't know"; "slow" takes long."""
    rng = np.random.default_rng(0)
    rows = []
    for k, theta in enumerate(np.linspace(-3, 3, 60)):
        tok = f"t{k}"
        for j in range(3):
            ok = rng.random() < 1 / (1 + math.exp(-2.0 * (theta - (j - 1))))
            rows.append(SimAnswer(tok, f"d-00{j}", "d", bool(ok), seconds=20.0))
        rows.append(SimAnswer(tok, "d-bad", "d", bool(theta < -1.5), seconds=20.0))
        idk = k % 3 != 0
        rows.append(SimAnswer(tok, "d-idk", "d", False if idk else bool(theta > 0), dont_know=idk))
        rows.append(SimAnswer(tok, "d-slow", "d", bool(theta > 0), seconds=200.0))
    return rows


def test_item_statistics_figures_and_flags():
    ids = ["d-000", "d-001", "d-002", "d-bad", "d-idk", "d-slow", "d-never"]
    params = {i: ItemParams(2.0, 0.0) for i in ids}
    params.update({"d-000": ItemParams(2.0, -1.0), "d-002": ItemParams(2.0, 1.0),
                   "d-bad": ItemParams(2.0, -2.0)})
    rows = _rows_for_stats()
    rows.append(rows[0])  # a duplicate answer counts once
    stats = {s.item_id: s for s in item_statistics(rows, params, {i: "d" for i in ids})}
    assert stats["d-000"].shown == 60 and stats["d-never"].shown == 0
    assert stats["d-never"].facility is None and stats["d-never"].flags == []
    bad, idk, slow = stats["d-bad"], stats["d-idk"], stats["d-slow"]
    assert bad.facility == pytest.approx(sum(t < -1.5 for t in np.linspace(-3, 3, 60)) / 60)
    assert bad.discrimination < 0 and FLAG_NEGATIVE in bad.flags
    assert FLAG_FACILITY in bad.flags  # b = -2 predicts most right; a quarter are
    assert idk.dont_know_rate == pytest.approx(40 / 60) and idk.answered == 20
    assert FLAG_DONT_KNOW in idk.flags
    assert slow.median_seconds == 200.0 and FLAG_SLOW in slow.flags
    good = stats["d-001"]
    assert good.discrimination > 0.4 and good.flags == []
    assert abs(good.facility - good.expected_facility) < 0.15
    # Bands: the observed share rises with ability for a good item.
    obs = [b.observed for b in good.bands]
    assert obs[0] < obs[-1] and sum(b.n for b in good.bands) == good.discrimination_n


# --- calibration ----------------------------------------------------------------------------------
def test_recovery_through_the_adaptive_engine_small():
    """A small, fast version of the benchmark: 16 items, 400 examinees through the real engine."""
    r = recover(synthetic_priors(1, 16, seed=5), 400, seed=2, min_answers=50)
    assert r.with_data == r.items
    assert r.corr_b >= 0.95
    assert r.rmse_b < 0.6 * r.rmse_b_prior  # far better than the panel's own error
    assert r.rmse_b_used <= 0.3


def test_few_answers_cannot_swing_an_item():
    priors = [ItemPrior(f"x-{i}", "x", b, cal.PANEL_SD) for i, b in enumerate([-1.0, 0.0, 1.0, 0.5])]
    rng = np.random.default_rng(1)
    rows = []
    for k in range(150):  # the first three items are well answered, from their prior parameters
        theta = rng.normal()
        for p in priors[:3]:
            rows.append(SimAnswer(f"t{k}", p.id, "x", bool(rng.random() < 1 / (1 + math.exp(-DEFAULT_A * (theta - p.b))))))
    for k in range(3):  # three people answer the hard item wrong: it must not become very hard
        rows.append(SimAnswer(f"t{k}", "x-3", "x", False))
    got, link = fit_domain(rows, priors)
    assert got["x-3"].n == 3
    assert abs(got["x-3"].b - 0.5) < 0.5
    assert got["x-3"].se_b > 0.35  # still about as uncertain as the panel
    assert got["x-1"].n == 150 and got["x-1"].se_b < 0.3
    assert link.method == "panel" and link.A == 1.0


def test_calibrating_again_keeps_the_scale():
    pri = synthetic_priors(1, 12, seed=9)["s0"]
    from scoring.recovery import simulate_domain, true_parameters

    rows = simulate_domain(pri, true_parameters(pri, 4), 300, seed=4)
    first, link1 = fit_domain(rows, pri)
    anchors = {i: c for i, c in first.items() if c.n >= 50}
    assert len(anchors) >= cal.MIN_ANCHORS
    again, link2 = fit_domain(rows, pri, anchors)
    assert link2.method == "anchors" and link2.anchors == len(anchors)
    for i in anchors:
        assert again[i].b == pytest.approx(first[i].b, abs=0.1)


def test_estimate_rho_recovers_the_correlation():
    rng = np.random.default_rng(3)
    attempts = []
    for _ in range(600):
        g = rng.normal()
        theta = math.sqrt(0.7) * g + math.sqrt(0.3) * rng.normal(size=4)
        doms = rng.choice(4, size=rng.integers(1, 5), replace=False)
        attempts.append({f"d{j}": Likelihood(mean=float(theta[j] + rng.normal(0, 0.5)), precision=4.0)
                         for j in doms})
    est = estimate_rho(attempts)
    assert est is not None and est.n == sum(len(a) >= 2 for a in attempts)
    assert abs(est.rho - 0.7) < 0.1 and 0 < est.se < 0.1
    assert estimate_rho([{"d0": Likelihood(0.0, 1.0)}]) is None


# --- the file and the engine ----------------------------------------------------------------------
def _write_cal(path, items, rho_n=0):
    c = Calibration(date="2026-12-01", attempts=500, answers=4000, items=items,
                    rho=RhoEstimate(rho=0.71, se=0.04, sigma=1.0, n=rho_n) if rho_n else None)
    c.write(path)
    return c


def test_engine_uses_calibrated_parameters_only_from_the_minimum(tmp_path, monkeypatch):
    path = tmp_path / "calibration.json"
    monkeypatch.setenv("CERTRADAR_CALIBRATION", str(path))
    assert params_for(3, None, "any-001") == ItemParams(DEFAULT_A, LEVEL_B[3])  # no file yet
    _write_cal(path, {"x-001": ItemCalibration(1.7, 0.9, 0.2, 0.15, cal.MIN_ANSWERS),
                      "x-002": ItemCalibration(0.6, -2.0, 0.5, 0.4, cal.MIN_ANSWERS - 1)},
               rho_n=cal.MIN_RHO_ATTEMPTS - 1)
    cal._load.cache_clear()  # the same path was read (absent) above: the engine reads it once
    assert params_for(3, 3.0, "x-001") == ItemParams(1.7, 0.9)
    assert params_for(3, 3.0, "x-002") == ItemParams(DEFAULT_A, 0.5)  # too few answers: panel
    assert params_for(2, None, "x-002") == ItemParams(DEFAULT_A, LEVEL_B[2])  # ... else tag
    assert cal.current_rho() == DEFAULT_RHO  # too few attempts for the estimate
    loaded = json.loads(path.read_text())
    assert loaded["items"]["x-001"] == {"a": 1.7, "b": 0.9, "se_a": 0.2, "se_b": 0.15, "n": cal.MIN_ANSWERS}
    assert loaded["data"] == {"attempts": 500, "answers": 4000} and loaded["date"] == "2026-12-01"
    path2 = tmp_path / "cal2.json"
    _write_cal(path2, {}, rho_n=cal.MIN_RHO_ATTEMPTS)
    monkeypatch.setenv("CERTRADAR_CALIBRATION", str(path2))
    assert cal.current_rho() == 0.71
    from scoring.quiz import build_session, plan
    from scoring.readiness import Profile

    s = build_session(plan("area", areas=["math"]), load_bank().items, Profile())
    assert s.rho == 0.71


# --- the command line -----------------------------------------------------------------------------
def seed_answers(path, n=40, domain="statistics", k=8):
    """Answers of ``n`` attempts to ``k`` items of ``domain``, from the items' prior parameters
    (every tenth attempt says "I don't know" to the first item); written in one transaction."""
    import datetime as dt

    import sqlalchemy as sa

    from storage import migrations as m

    items = load_bank(domains=[domain]).in_domain(domain)[:k]
    Store(f"sqlite:///{path}").dispose()  # the schema
    rng = np.random.default_rng(0)
    now = dt.datetime.now(dt.timezone.utc)
    attempts, answers = [], []
    for a in range(n):
        tok = f"seed{a:04d}"
        attempts.append({"token": tok, "created_at": now, "updated_at": now, "config": {}, "status": "open"})
        theta = rng.normal()
        for seq, q in enumerate(items, start=1):
            p = params_for(q.level, q.panel_mean)
            dk = a % 10 == 0 and q is items[0]
            ok = not dk and bool(rng.random() < 1 / (1 + math.exp(-p.a * (theta - p.b))))
            answers.append({"token": tok, "seq": seq, "item_id": q.id, "domain": q.domain,
                            "response": None if dk else "x", "correct": ok,
                            "seconds": 5.0 if dk else float(rng.integers(10, 60)), "created_at": now})
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.insert(m.attempts), attempts)
        conn.execute(sa.insert(m.answers), answers)
    engine.dispose()
    return items


def one_domain_bank(tmp_path):
    """A bank folder with the statistics file only (loading all twenty takes seconds)."""
    import shutil

    from questions.loader import BANK_DIR

    folder = tmp_path / "bank"
    folder.mkdir()
    shutil.copy(BANK_DIR / "statistics.yaml", folder)
    return folder


def test_cli_stats_responses_prints_and_writes_csv(tmp_path, monkeypatch, capsys):
    db = tmp_path / "a.sqlite3"
    items = seed_answers(db)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CERTRADAR_DB_PATH", str(db))
    monkeypatch.setenv("CERTRADAR_CALIBRATION", str(tmp_path / "none.json"))
    out_csv = tmp_path / "stats.csv"
    assert cli(["stats", "--responses", "--csv", str(out_csv), "--bank", str(one_domain_bank(tmp_path))]) == 0
    text = capsys.readouterr().out
    assert "320 answers in 40 attempts" in text and items[0].id in text
    rows = list(csv.DictReader(out_csv.open()))
    first = next(r for r in rows if r["item_id"] == items[0].id)
    assert first["shown"] == "40" and float(first["dont_know_rate"]) == pytest.approx(0.1)
    assert len(rows) == len(load_bank(domains=["statistics"]).items)


def test_cli_calibrate_writes_the_file_the_engine_reads(tmp_path, monkeypatch, capsys):
    db = tmp_path / "a.sqlite3"
    items = seed_answers(db, n=60)
    out = tmp_path / "calibration.json"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CERTRADAR_DB_PATH", str(db))
    monkeypatch.setenv("CERTRADAR_CALIBRATION", str(out))
    assert cli(["calibrate", "--bank", str(one_domain_bank(tmp_path))]) == 0
    assert "480 answers in 60 attempts: 8 items calibrated" in capsys.readouterr().out
    data = json.loads(out.read_text())
    assert set(data["items"]) == {q.id for q in items}
    assert all(c["n"] == 60 and c["se_b"] > 0 for c in data["items"].values())
    assert data["linking"]["statistics"]["method"] == "panel" and data["rho"] is None
    assert data["library"].startswith("mirt ")
