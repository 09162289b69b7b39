"""Plotly figures (no Streamlit here, so they can be tested and exported as they are)."""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go

from scoring.certs import Certification
from scoring.domains import taxonomy
from scoring.estimator import Estimate

#: Okabe–Ito, a palette that stays distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
USER_COLOUR = OKABE_ITO[0]  # blue on a light background
USER_COLOUR_DARK = OKABE_ITO[5]  # sky blue keeps its contrast on a dark one
CERT_COLOURS = OKABE_ITO[1:5]
#: Axis labels longer than this wrap onto two lines, so phones do not clip them.
WRAP_AT = 11
DASHES = ["dash", "dot", "dashdot", "longdash", "longdashdot"]
NOT_ASSESSED_MARK = "*"
R_MAX = 4.0


def axis_label(domain: str, assessed: bool) -> str:
    name = taxonomy().domain(domain).name
    if len(name) > WRAP_AT and " " in name:
        mid = len(name) // 2
        cut = min((i for i, ch in enumerate(name) if ch == " "), key=lambda i: abs(i - mid))
        name = name[:cut] + "<br>" + name[cut + 1:]
    return name if assessed else f"{name} {NOT_ASSESSED_MARK}"


def radar_domains(certs: Sequence[Certification], estimates: Mapping[str, Estimate],
                  previous: Sequence[tuple[str, Mapping[str, Estimate]]] = ()) -> list[str]:
    """Axes: every domain a chosen certification requires, plus those assessed now or in an
    earlier result drawn beside; taxonomy order."""
    wanted = {d for c in certs for d in c.required} | {d for d, e in estimates.items() if e.assessed}
    wanted |= {d for _, est in previous for d, e in est.items() if e.assessed}
    if not wanted:
        wanted = set(taxonomy().domain_ids)
    return [d for d in taxonomy().domain_ids if d in wanted]


def _closed(values: list) -> list:
    return values + values[:1]


def radar(estimates: Mapping[str, Estimate], certs: Sequence[Certification] = (),
          previous: Sequence[tuple[str, Mapping[str, Estimate]]] = (),
          domains: Sequence[str] | None = None, dark: bool = False) -> go.Figure:
    """The user's levels (estimate ± one standard error) against certifications' required levels.

    Domains not assessed have no user point (never a zero): the user's line breaks there, their
    axis label carries a star and a hollow grey marker sits on the rim."""
    domains = list(domains or radar_domains(certs, estimates, previous))
    assessed = {d: (e := estimates.get(d)) is not None and e.assessed for d in domains}
    labels = [axis_label(d, assessed[d]) for d in domains]
    fig = go.Figure()

    # Your level: a line through the assessed axes that breaks where a domain is not assessed
    # (never drawn through zero), and at each assessed axis a radial bar from level − SE to
    # level + SE: the uncertainty band.
    user_colour = USER_COLOUR_DARK if dark else USER_COLOUR
    if any(assessed.values()):
        bar_r, bar_t = [], []
        for lab, d in zip(labels, domains):
            if assessed[d]:
                e = estimates[d]
                bar_r += [max(0.0, e.level - e.se), min(R_MAX, e.level + e.se), None]
                bar_t += [lab, lab, None]
        fig.add_trace(go.Scatterpolar(
            r=bar_r, theta=bar_t, mode="lines", name="± uncertainty (one standard error)",
            line=dict(color="rgba(86,180,233,0.45)" if dark else "rgba(0,114,178,0.35)", width=12),
            hoverinfo="skip", connectgaps=False))
        levels = [estimates[d].level if assessed[d] else None for d in domains]
        text = [f"{lab}: {estimates[d].level:.1f} ± {estimates[d].se:.1f} ({estimates[d].n} answered)"
                if assessed[d] else "" for lab, d in zip(labels, domains)]
        fig.add_trace(go.Scatterpolar(
            r=_closed(levels), theta=_closed(labels), mode="lines+markers", name="Your level",
            connectgaps=False, line=dict(color=user_colour, width=3),
            marker=dict(size=8, color=user_colour), text=_closed(text),
            hovertemplate="%{text}<extra></extra>"))

    for i, (label, est) in enumerate(previous):
        prev = [est[d].level if d in est and est[d].assessed else None for d in domains]
        if all(v is None for v in prev):
            continue
        fig.add_trace(go.Scatterpolar(
            r=_closed(prev), theta=_closed(labels), connectgaps=False,
            mode="lines+markers", name=label, line=dict(color="#999999", width=2, dash=DASHES[i % 5]),
            marker=dict(size=5, color="#999999")))

    for i, cert in enumerate(certs):
        req = [cert.required_level(d) for d in domains]
        fig.add_trace(go.Scatterpolar(
            r=_closed(req), theta=_closed(labels), mode="lines",
            name=f"{cert.short} requires", line=dict(color=CERT_COLOURS[i % len(CERT_COLOURS)],
                                                     width=2.5, dash=DASHES[i % len(DASHES)]),
            hovertemplate="%{theta}: level %{r} required<extra>" + cert.short + "</extra>"))

    missing = [lab for lab, d in zip(labels, domains) if not assessed[d]]
    if missing:
        fig.add_trace(go.Scatterpolar(
            r=[R_MAX] * len(missing), theta=missing, mode="markers", name="Not assessed yet",
            marker=dict(symbol="circle-open", size=11, color="#888888", line=dict(width=2)),
            hovertemplate="%{theta}: not assessed yet<extra></extra>"))

    # The level scale sits between the first two axes, not on top of the first one.
    scale_angle = 90 - 180 / max(len(labels), 1)
    fig.update_layout(
        polar=dict(
            bgcolor="rgba(0,0,0,0)",
            radialaxis=dict(range=[0, R_MAX], tickvals=[0, 1, 2, 3, 4], angle=scale_angle,
                            tickangle=scale_angle, tickfont=dict(size=10), showline=False,
                            gridcolor="rgba(128,128,128,0.35)"),
            angularaxis=dict(categoryorder="array", categoryarray=labels, direction="clockwise",
                             tickfont=dict(size=11), gridcolor="rgba(128,128,128,0.35)",
                             linecolor="rgba(128,128,128,0.6)")),
        showlegend=True, legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="center", x=0.5),
        margin=dict(l=80, r=80, t=30, b=30), height=540,
    )
    return fig


def radar_key(estimates: Mapping[str, Estimate]) -> tuple:
    """A hashable, order-free summary of estimates, for caching figures."""
    return tuple(sorted((d, round(e.theta, 4), round(e.se, 4), e.n) for d, e in estimates.items()))
