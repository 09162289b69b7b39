"""Exports: CSV, JSON and the printable HTML report."""
import csv
import datetime as dt
import io
import json
from html import escape as html_escape

from scoring.certs import catalogue
from scoring.estimator import Estimate
from scoring.readiness import Profile, gaps, ranking
from ui import charts, report

EST = {"statistics": Estimate(0.5, 0.4, 6), "aws_ml": Estimate(-1.0, 0.5, 5)}


def test_csv_lists_every_domain_and_leaves_unassessed_blank():
    rows = list(csv.DictReader(io.StringIO(report.to_csv(EST))))
    assert len(rows) == 20
    stats = next(r for r in rows if r["domain"] == "statistics")
    assert stats["level"] == "3.0" and stats["standard_error"] == "0.4" and stats["answered"] == "6"
    nlp = next(r for r in rows if r["domain"] == "nlp")
    assert nlp["level"] == "" and nlp["status"] == "not assessed"  # never a zero


def test_json_holds_levels_ranking_and_only_the_profile_choices():
    rank = ranking(EST, Profile(cloud="aws"))
    mla = next(r for r in rank if r.cert.id == "aws_mla")
    data = json.loads(report.to_json(EST, rank, mla, {"cloud": "aws", "years": 2, "name": "x", "passed": {}},
                                     dt.date(2026, 11, 26)))
    assert data["target"]["certification"] == "aws_mla"
    assert data["target"]["sentence"] == mla.verdict.sentence()
    assert data["date"] == "2026-11-26"
    assert set(data["profile"]) == {"cloud", "years"}
    assert [r["certification"] for r in data["ranking"]] == [r.cert.id for r in rank]
    assert next(lv for lv in data["levels"] if lv["domain"] == "aws_ml")["level"] == 1.5


def test_html_report_escapes_the_name_and_carries_the_radar():
    rank = ranking(EST, Profile(cloud="aws"))
    mla = next(r for r in rank if r.cert.id == "aws_mla")
    html = report.to_html(EST, rank, mla, gaps(mla), charts.radar(EST, [catalogue().get("aws_mla")]),
                          dt.date(2026, 11, 26), name="<img src=x onerror=alert(1)>")
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "Plotly.newPlot" in html  # the radar, drawn offline with the bundled plotly.js
    assert "AWS ML</b>: level 1.5 of 3 required" in html
    assert f"<h2>{html_escape(mla.verdict.sentence())}</h2>" in html  # the verdict heads the report
