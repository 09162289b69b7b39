"""The maintainer page's parts: the token gate, the item-statistics table and its plots.

The page exists only when a maintainer token is configured (``CERTRADAR_MAINTAINER_TOKEN`` in the
environment or the Streamlit secrets); it asks for the token and shows nothing before it matches
(compared in constant time).
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from scoring.calibration import MIN_ANSWERS, MIN_RHO_ATTEMPTS, calibration, current_rho
from scoring.domains import taxonomy
from scoring.irt import p_correct
from scoring.itemstats import COLUMNS, ItemStats, bank_params, item_statistics
from storage import StoreUnavailable
from ui import icons
from ui import state
from ui.charts import OKABE_ITO
from ui.tables import table

TOKEN_KEY = "CERTRADAR_MAINTAINER_TOKEN"
_UNLOCKED = "_maintainer_unlocked"


def configured_token() -> str | None:
    """The maintainer token from the environment, else the Streamlit secrets; None when unset."""
    tok = os.environ.get(TOKEN_KEY)
    if not tok:
        try:
            tok = st.secrets.get(TOKEN_KEY)
        except Exception:  # noqa: BLE001 - no secrets.toml at all
            tok = None
    tok = str(tok).strip() if tok else ""
    return tok or None


def _digest(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def unlocked() -> bool:
    """The gate: a password field until the configured token is given. Nothing else is drawn
    before that; a wrong token is refused."""
    token = configured_token()
    if token is None:  # no token: the page does not exist (app.py does not list it either)
        st.error("This page is not available.", icon=icons.ERROR)
        return False
    if st.session_state.get(_UNLOCKED) == _digest(token):
        return True
    st.title("Maintainer")
    with st.form("maintainer_login"):
        given = st.text_input("Maintainer token", type="password", key="maintainer_token")
        sent = st.form_submit_button("Open", icon=icons.KEY)
    if sent:
        if hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
            st.session_state[_UNLOCKED] = _digest(token)
            st.rerun()
        st.error("Wrong token.", icon=icons.ERROR)
    return False


# --- data -------------------------------------------------------------------------------------
def load_stats() -> tuple[list[ItemStats], int, int] | None:
    """Item statistics from the store (None, with a message, when it cannot be read)."""
    s = state.store()
    if s is None:
        st.error("The database cannot be reached, so there are no answers to show.", icon=icons.ERROR)
        return None
    try:
        rows = s.responses()
    except StoreUnavailable as exc:
        st.error(str(exc), icon=icons.ERROR)
        return None
    params, domains = bank_params(state.bank().items)
    return item_statistics(rows, params, domains), len(rows), len({r.token for r in rows})


def csv_text(stats: Sequence[ItemStats]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
    w.writeheader()
    for s in stats:
        w.writerow(s.row())
    return buf.getvalue()


# --- figures (pure) ---------------------------------------------------------------------------
def facility_figure(stats: Sequence[ItemStats]) -> go.Figure:
    """Facility against b, one point per item shown, with the facility b predicts for the same
    people as a hollow marker; flagged items in orange."""
    shown = [s for s in stats if s.facility is not None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[s.b for s in shown], y=[s.expected_facility for s in shown], mode="markers",
        name="predicted by b", marker={"symbol": "circle-open", "size": 9, "color": OKABE_ITO[0]},
        text=[s.item_id for s in shown], hovertemplate="%{text}: predicted %{y:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[s.b for s in shown], y=[s.facility for s in shown], mode="markers", name="observed",
        marker={"size": 8, "color": [OKABE_ITO[3] if s.flags else OKABE_ITO[2] for s in shown]},
        text=[f"{s.item_id} (n {s.answered}){' · ' + '; '.join(s.flags) if s.flags else ''}" for s in shown],
        hovertemplate="%{text}<br>b %{x:.2f}, facility %{y:.2f}<extra></extra>"))
    fig.update_layout(xaxis_title="difficulty b (logits)", yaxis_title="facility (share right)",
                      yaxis_range=[-0.02, 1.02], height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      legend={"orientation": "h", "y": 1.08})
    return fig


def curve_figure(s: ItemStats) -> go.Figure:
    """Observed share right by ability band (θ from the person's other answers) against the item's
    model curve."""
    grid = np.linspace(-3.5, 3.5, 141)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=grid, y=p_correct(grid, s.a, s.b), mode="lines", name="model",
                             line={"color": OKABE_ITO[0]}))
    fig.add_trace(go.Scatter(
        x=[b.theta for b in s.bands], y=[b.observed for b in s.bands], mode="markers+text",
        name="observed", text=[f"n {b.n}" for b in s.bands], textposition="top center",
        marker={"size": [8 + min(16, b.n ** 0.5) for b in s.bands], "color": OKABE_ITO[1]},
        hovertemplate="θ %{x:.2f}: %{y:.2f}<extra></extra>"))
    fig.update_layout(xaxis_title="ability θ from the other answers (logits)",
                      yaxis_title="share right", yaxis_range=[-0.02, 1.08], height=360,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": 1.1})
    return fig


# --- sections ---------------------------------------------------------------------------------
def calibration_summary() -> None:
    cal = calibration()
    if cal is None:
        st.caption(f"No calibration yet: items use the panel's difficulty (or their level tag) and "
                   f"a = 1.2; between-domain correlation {current_rho():.2f}. Run "
                   f"`python -m questions calibrate`.")
        return
    used = sum(1 for c in cal.items.values() if c.n >= cal.min_answers)
    rho = ("none estimated" if cal.rho is None else
           f"{cal.rho.rho:.2f} ± {cal.rho.se:.2f} from {cal.rho.n} attempts")
    st.caption(f"Calibration of {cal.date} ({cal.library}): {cal.answers} answers, {cal.attempts} "
               f"attempts; {used} of {len(cal.items)} items have n ≥ {MIN_ANSWERS} and are in use. "
               f"Between-domain correlation {rho} (used from {MIN_RHO_ATTEMPTS} attempts; now "
               f"{current_rho():.2f}).")


def show() -> None:
    st.title("Maintainer: item statistics")
    calibration_summary()
    got = load_stats()
    if got is None:
        return
    stats, n_answers, n_attempts = got
    shown = [s for s in stats if s.shown]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Answers", n_answers)
    c2.metric("Attempts", n_attempts)
    c3.metric("Items shown", f"{len(shown)} / {len(stats)}")
    c4.metric("Flagged", sum(1 for s in stats if s.flags))
    if not shown:
        st.info("No answers stored yet.", icon=icons.UNKNOWN)
        return
    names = {d.id: d.name for d in taxonomy().domains}
    doms = [d for d in taxonomy().domain_ids if any(s.domain == d for s in shown)]
    domain = st.selectbox("Domain", doms, format_func=lambda d: names.get(d, d), key="maint_domain")
    in_dom = [s for s in shown if s.domain == domain]
    only_flagged = st.toggle("Flagged items only", key="maint_flagged")
    rows = [{"item": s.item_id, "a": round(s.a, 2), "b": round(s.b, 2), "shown": s.shown,
             "facility": _r(s.facility), "predicted": _r(s.expected_facility),
             "I don't know": _r(s.dont_know_rate), "discrimination": _r(s.discrimination),
             "n (rest θ)": s.discrimination_n, "median s": _r(s.median_seconds, 0),
             "flags": "; ".join(s.flags)}
            for s in in_dom if s.flags or not only_flagged]
    st.dataframe(table(rows), hide_index=True, width="stretch")
    st.download_button("Download all items (CSV)", csv_text(stats), file_name="item_statistics.csv",
                       mime="text/csv", icon=":material/download:")
    st.subheader("Facility against difficulty")
    st.plotly_chart(facility_figure(in_dom), key="maint_facility", config={"displayModeBar": False})
    st.subheader("Observed against the model, by ability band")
    with_bands = [s for s in in_dom if s.bands]
    if not with_bands:
        st.caption("No item here has answers with other answers in the same attempt yet.")
        return
    pick = st.selectbox("Item", [s.item_id for s in with_bands], key="maint_item")
    item = next(s for s in with_bands if s.item_id == pick)
    st.plotly_chart(curve_figure(item), key="maint_curve", config={"displayModeBar": False})


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)
