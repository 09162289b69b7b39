"""Exports of a result: CSV, JSON and a print-ready HTML report. Pure functions, no Streamlit.

Everything user-supplied (the display name) is escaped; the report has no script but Plotly's own."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from typing import Mapping, Sequence

import plotly.graph_objects as go

from scoring.domains import taxonomy
from scoring.estimator import Estimate
from scoring.irt import level_name
from scoring.readiness import CertReadiness, Gap


def levels_rows(estimates: Mapping[str, Estimate]) -> list[dict]:
    rows = []
    for d in taxonomy().domains:
        e = estimates.get(d.id)
        assessed = e is not None and e.assessed
        rows.append({
            "domain": d.id, "name": d.name, "area": d.area,
            "level": round(e.level, 2) if assessed else None,
            "standard_error": round(e.se, 2) if assessed else None,
            "answered": e.n if assessed else 0,
            "status": level_name(e.level) if assessed else "not assessed",
        })
    return rows


def to_csv(estimates: Mapping[str, Estimate]) -> str:
    buf = io.StringIO()
    rows = levels_rows(estimates)
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def _verdict(r: CertReadiness) -> dict:
    v = r.verdict
    return {"certification": r.cert.id, "name": r.cert.name, "verdict": v.outcome.value,
            "p_pass": round(v.p_pass, 3), "sentence": v.sentence(),
            "assessed_share": round(r.assessed_share, 3)}


def to_json(estimates: Mapping[str, Estimate], ranking: Sequence[CertReadiness], target: CertReadiness,
            profile: Mapping | None, when: dt.date) -> str:
    return json.dumps({
        "date": when.isoformat(),
        "profile": {k: v for k, v in (profile or {}).items() if k in ("years", "cloud", "focus", "certs")},
        "target": _verdict(target),
        "levels": levels_rows(estimates),
        "ranking": [{**_verdict(r), "readiness": round(r.readiness, 3), "fit": round(r.fit.total, 3)}
                    for r in ranking],
    }, indent=2)


def to_html(estimates: Mapping[str, Estimate], ranking: Sequence[CertReadiness], target: CertReadiness,
            gap_list: Sequence[Gap], radar: go.Figure, when: dt.date, name: str | None = None) -> str:
    e = html.escape
    who = f" for {e(name)}" if name else ""
    level_rows = "".join(
        f"<tr><td>{e(r['name'])}</td><td>{'' if r['level'] is None else r['level']}</td>"
        f"<td>{'' if r['standard_error'] is None else '± ' + str(r['standard_error'])}</td>"
        f"<td>{r['answered']}</td><td>{e(r['status'])}</td></tr>" for r in levels_rows(estimates))
    cert_name = target.cert.name
    rank_rows = "".join(
        f"<tr><td>{i}</td><td>{e(r.cert.name)}</td><td>{100 * r.readiness:.0f}%</td>"
        f"<td>{e(r.verdict.outcome.value)}</td><td>{100 * r.assessed_share:.0f}%</td>"
        f"<td>{100 * r.fit.total:.0f}%</td></tr>" for i, r in enumerate(ranking, 1))
    gap_items = "".join(
        f"<li><b>{e(g.name)}</b>: level {g.level:.1f} of {g.required_level} required "
        f"(about {g.hours} h of study)" + (f"; missed: {e(', '.join(g.missed_subtopics))}" if g.missed_subtopics else "")
        + "<br>" + " · ".join(f"<a href=\"{e(r.url)}\">{e(r.title)}</a>" for r in g.resources) + "</li>"
        for g in gap_list) or "<li>No gaps among the assessed domains.</li>"
    chart = radar.to_html(full_html=False, include_plotlyjs=True, config={"staticPlot": True})
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CertRadar report</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
h1{{margin-bottom:0}} .muted{{color:#666}} @media print{{a{{color:#000}}}}
</style></head><body>
<h1>CertRadar report{who}</h1>
<p class="muted">{when:%d %B %Y}. Levels on a 0–4 scale (1 foundation, 2 practitioner, 3 professional,
4 expert), each with its standard error. Domains not assessed are marked so, never as zero.</p>
<h2>{e(target.verdict.sentence())}</h2>
<h2>Readiness ranking</h2>
<p class="muted">Ordered by readiness (the chance you would pass now); fit to your profile breaks ties.</p>
<table><tr><th>#</th><th>Certification</th><th>Readiness</th><th>Verdict</th><th>Assessed</th><th>Fit</th></tr>{rank_rows}</table>
<h2>Your levels against {e(cert_name)}</h2>
{chart}
<h2>Largest gaps first ({e(cert_name)})</h2><ol>{gap_items}</ol>
<h2>All domains</h2>
<table><tr><th>Domain</th><th>Level</th><th>Uncertainty</th><th>Answered</th><th>Status</th></tr>{level_rows}</table>
</body></html>"""
