"""The Results page's sections: headline, radar, ranking, gaps and study plan, calibration,
career context, sharing and exports, and the read-only view of a shared link."""
import datetime as dt
from urllib.parse import urlparse

import streamlit as st

from scoring.certs import catalogue
from scoring.domains import taxonomy
from scoring.estimator import Estimate
from scoring.irt import level_name, level_to_theta
from scoring.readiness import (CLOUDS, FOCUSES, SALARY_BANDS, Verdict, calibration, gaps,
                               not_assessed, ranking, retired, salary_band)
from scoring.quiz import plan, profile_from_dict
from sharing import SharedResult, ShareLinkError, decode, encode, share_secret
from ui import charts, report, state
from ui.tables import table

cat = catalogue()
tax = taxonomy()
VERDICT_ICON = {Verdict.READY: "✅ ready", Verdict.NOT_YET: "❌ not yet",
                Verdict.UNSURE: "❔ not sure yet", Verdict.NOT_ASSESSED: "◌ not assessed"}


def levels_table(estimates: dict, certs: list) -> None:
    rows = []
    for d in charts.radar_domains(certs, estimates):
        e = estimates.get(d)
        row = {"Domain": tax.domain(d).name}
        if e is not None and e.assessed:
            row.update({"Your level": f"{e.level:.1f} ± {e.se:.1f}", "Meaning": level_name(e.level),
                        "Answered": e.n})
        else:
            row.update({"Your level": "not assessed yet", "Meaning": "", "Answered": 0})
        for c in certs:
            row[f"{c.short} requires"] = str(c.required_level(d) or "—")
        rows.append(row)
    st.dataframe(table(rows), hide_index=True, width="stretch")


def ranking_section(rank, prof_dict) -> None:
    st.subheader("Readiness ranking")
    st.caption("Readiness: the blueprint-weighted chance that you are at each exam's required level "
               "(domains not yet assessed count at your starting estimate). The score also weighs "
               "fit: your cloud, your focus and your experience.")
    rows = []
    for i, r in enumerate(rank, 1):
        rows.append({
            "#": i, "Certification": r.cert.name,
            "Readiness": round(100 * r.readiness),
            "Assessed": f"{100 * r.assessed_share:.0f}% of the exam",
            "Ready / not yet / unsure / not assessed": " / ".join(
                str(r.count(v)) for v in (Verdict.READY, Verdict.NOT_YET, Verdict.UNSURE, Verdict.NOT_ASSESSED)),
            "Fit": " ".join(r.fit.reasons) or "Good fit.",
            "Score": round(100 * r.score),
        })
    st.dataframe(table(rows), hide_index=True, width="stretch", column_config={
        "Readiness": st.column_config.ProgressColumn("Readiness", format="%d%%", min_value=0, max_value=100),
        "Score": st.column_config.NumberColumn("Score", help="0.6 × readiness + 0.4 × fit, out of 100"),
    })
    old = retired()
    if old:
        notes = []
        for c in old:
            succ = f" → take **{cat.get(c.successor).short}** instead" if c.successor else " (no direct successor)"
            notes.append(f"{c.short}: {c.status} {c.retired_on:%Y-%m-%d}{succ}")
        st.caption("Not recommended for new candidates: " + "; ".join(notes) + ".")


@st.cache_resource(max_entries=256, show_spinner=False)
def _radar(est_key: tuple, cert_ids: tuple, prev_key: tuple, dark: bool):
    """Building a Plotly figure costs tens of milliseconds: build each distinct one once."""
    def ests(k):
        return {d: Estimate(theta=t, se=se, n=n) for d, t, se, n in k}
    return charts.radar(ests(est_key), [cat.get(i) for i in cert_ids],
                        previous=[(label, ests(k)) for label, k in prev_key], dark=dark)


def dark_theme() -> bool:
    try:
        return (st.context.theme or {}).get("type") == "dark"
    except Exception:  # no browser context (AppTest): the light theme
        return False


def radar_section(estimates, rank, key: str, previous=()) -> list:
    ids = cat.ids
    default = [rank[0].cert.id] if rank else ids[:1]
    chosen = st.multiselect("Compare with", ids, default=default, format_func=lambda i: cat.get(i).short,
                            key=f"radar_certs_{key}", max_selections=4)
    certs = [cat.get(i) for i in chosen]
    fig = _radar(charts.radar_key(estimates), tuple(chosen),
                 tuple((label, charts.radar_key(e)) for label, e in previous), dark_theme())
    st.plotly_chart(fig, key=f"radar_{key}", config={"displayModeBar": False})
    st.caption(f"Light blue bars: your level ± one standard error (more answers make them shorter). "
               f"{charts.NOT_ASSESSED_MARK} and hollow grey circles: not assessed yet (no level, not zero).")
    levels_table(estimates, certs)
    return certs


def gaps_section(r, missed) -> None:
    cert = r.cert
    st.subheader(f"What to learn first for {cert.short}")
    gl = gaps(r, missed)
    if not gl:
        st.success("No gaps among the domains assessed so far.")
    for i, g in enumerate(gl, 1):
        with st.container(border=True):
            st.markdown(f"**{i}. {g.name}**: you are at {g.level:.1f} ± {g.se:.1f}, the exam needs "
                        f"{g.required_level} · {100 * g.weight:.0f}% of the exam · about **{g.hours} h** of study")
            if g.missed_subtopics:
                st.markdown("Missed in the quiz: " + ", ".join(g.missed_subtopics))
            st.markdown(" · ".join(f"[{res.title}]({res.url})" for res in g.resources))
    todo = not_assessed(r)
    if todo:
        names = ", ".join(tax.domain(d.domain).name for d in todo)
        st.info(f"Not assessed yet for {cert.short}: {names}.")
        if st.button(f"Assess these now (quick check for {cert.short})", key="assess_missing"):
            cfg = plan("quick", cert=cert.id, feedback="diagnostic", seed=state.new_seed())
            state.start_quiz(cfg)
            st.switch_page("pages/quiz.py")
    if cert.resources:
        st.markdown("Official preparation: " + " · ".join(f"[{x.title}]({x.url})" for x in cert.resources))


def calibration_section(prof, estimates) -> None:
    rows = calibration(prof, estimates)
    if not rows:
        return
    st.subheader("Your confidence against your measured level")
    for c in rows:
        area = tax.area(c.area).name
        msg = {"over-rated": "you rated yourself higher than you measured",
               "under-rated": "you are stronger than you rated yourself",
               "about right": "your self-rating matches"}[c.verdict]
        st.markdown(f"- **{area}**: self-rating {c.self_rating}/5 (≈ level {c.self_level:.0f}), "
                    f"measured {c.measured:.1f} ± {c.se:.1f}: {msg}.")


def career_section(prof, rank) -> None:
    st.subheader("Career context")
    band = salary_band(prof.years)
    st.markdown("Salary figures from the brief (United States, base salary unless stated):")
    st.dataframe(table([{"Stage": s, "Experience": e, "Pay": p, "You": "◀" if i == band else ""}
                        for i, (s, e, p) in enumerate(SALARY_BANDS)]), hide_index=True)
    rows = [{"Certification": r.cert.short,
             "Recommended experience": r.cert.recommended_experience.text,
             "Yours": f"{prof.years:g} years"} for r in rank[:3]]
    st.dataframe(table(rows), hide_index=True, width="stretch")
    st.markdown("A certificate proves what you know; projects show what you can do. For the gaps "
                "above, build something real: a Kaggle competition, or a small project in a field you "
                "care about, written up on GitHub.")


def share_url(token: str) -> str:
    try:
        u = urlparse(st.context.url or "")
        base = f"{u.scheme}://{u.netloc}" if u.netloc else ""
    except Exception:
        base = ""
    return f"{base}/results?{state.SHARE_PARAM}={token}"


def share_section(estimates, rank, prof_dict, cert, fig_certs) -> None:
    st.subheader("Share and export")
    name = st.text_input("Display name on the shared results (optional)", max_chars=60,
                         key="share_name", help="Leave empty to share anonymously.")
    secret, generated = share_secret(state.secrets_mapping())
    prof = profile_from_dict(prof_dict)
    result = SharedResult(
        created=dt.date.today(),
        levels={d: (round(e.level, 2), round(e.se, 2), e.n) for d, e in estimates.items() if e.assessed},
        profile={"years": int(round(prof.years)), "cloud": prof.cloud, "focus": prof.focus,
                 "certs": list(prof.certs)[:12]},
        name=name.strip() or None)
    try:
        token = encode(result, secret)
    except ValueError as exc:
        st.error(f"Could not make a share link: {exc}")
    else:
        st.markdown("Anyone with this link sees these results (read-only), no account needed:")
        st.code(share_url(token), language=None, wrap_lines=True)
        if generated:
            st.caption("Links are signed with a secret generated on this server; set "
                       "CERTRADAR_SHARE_SECRET so they stay valid across deployments.")
    today = dt.date.today()
    c1, c2, c3 = st.columns(3)
    c1.download_button("Levels (CSV)", report.to_csv(estimates), "certradar-levels.csv", "text/csv")
    c2.download_button("Results (JSON)", report.to_json(estimates, rank, prof_dict, today),
                       "certradar-results.json", "application/json")
    c3.download_button(
        "Printable report (HTML)",
        lambda: report.to_html(estimates, rank, gaps(next(r for r in rank if r.cert.id == cert.id)
                                                     if any(r.cert.id == cert.id for r in rank) else rank[0],
                                                     state.current_missed()),
                               cert.short, charts.radar(estimates, fig_certs), today, name.strip() or None),
        "certradar-report.html", "text/html")


def _shared_to_estimates(res: SharedResult) -> dict:
    return {d: Estimate(theta=level_to_theta(lv), se=se, n=n) for d, (lv, se, n) in res.levels.items()}


def history_section(estimates) -> list:
    """Earlier results to draw beside today's: this browser's earlier attempts (through the
    attempt chain in the store) and any share links pasted here. At most the last three."""
    prev = tuple(state.attempt()["previous"])
    cache = st.session_state.setdefault("_history", {})
    if prev not in cache:
        out = []
        s = state.store()
        try:
            recs = s.attempts(list(prev)) if (prev and s is not None) else []
        except Exception:  # the store warns elsewhere; history is a nicety
            recs = []
        for rec in recs:
            ests = {d: Estimate(theta=v["theta"], se=v["se"], n=int(v["n"])) for d, v in rec.estimates.items()}
            if ests:
                out.append((f"Earlier attempt ({rec.created_at:%d %b %Y})", ests))
        cache[prev] = out
    pasted = [(f"Shared result ({res.created:%d %b %Y})", _shared_to_estimates(res))
              for res in st.session_state.get("compare_links", [])]
    return (cache[prev] + pasted)[-3:]


def compare_with_link() -> None:
    """Paste a share link (yours from before, or someone else's) to draw it on the radar."""
    with st.expander("Compare with an earlier result (paste a share link)"):
        with st.form("compare_form", border=False):
            text = st.text_input("Share link", placeholder="https://…/results?s=…", key="compare_link")
            added = st.form_submit_button("Add to the radar")
        if added and text.strip():
            token = text.strip().split("s=", 1)[-1].split("&", 1)[0]
            secret, _ = share_secret(state.secrets_mapping())
            try:
                res = decode(token, secret)
            except ShareLinkError as exc:
                st.error(f"That link cannot be used: {exc}.")
            else:
                st.session_state.setdefault("compare_links", []).append(res)
                st.rerun()


#: A certification is named "closest" only when at least this share of its exam was assessed.
MIN_EVIDENCE = 0.5


def headline(rank) -> None:
    """Which one, and what next: the best-ranked certification with enough evidence behind it."""
    top = next((r for r in rank if r.assessed_share >= MIN_EVIDENCE), None)
    if top is None:
        lead = rank[0]
        st.info(f"Not enough evidence yet to name your closest certification: your answers cover "
                f"{100 * lead.assessed_share:.0f}% of **{lead.cert.short}** (the best fit so far). "
                "A quick check measures the rest.")
        if st.button(f"Quick check for {lead.cert.short}", type="primary", key="quick_for_top"):
            state.start_quiz(plan("quick", cert=lead.cert.id, seed=state.new_seed()))
            st.switch_page("pages/quiz.py")
        return
    g_top = gaps(top, state.current_missed())
    c1, c2, c3 = st.columns([5, 3, 3])
    c1.metric("Closest certification", top.cert.short, f"{100 * top.readiness:.0f}% ready",
              delta_color="off", delta_arrow="off")
    c2.metric("Evidence behind it", f"{100 * top.assessed_share:.0f}%", "of the exam assessed",
              delta_color="off", delta_arrow="off")
    c3.metric("Learn first", g_top[0].name if g_top else "no gap found",
              f"about {g_top[0].hours} h of study" if g_top else "among the assessed domains",
              delta_color="off", delta_arrow="off")


def shared_view(token: str) -> None:
    st.title("🎯 Shared CertRadar results")
    secret, _ = share_secret(state.secrets_mapping())
    try:
        res = decode(token, secret)
    except ShareLinkError as exc:
        st.error(f"This share link cannot be opened. {exc}.")
        st.page_link("pages/start.py", label="Take the diagnostic yourself", icon="👋")
        return
    st.caption(f"Read-only results from {res.created:%d %B %Y}.")
    if res.name:
        st.text(f"Shared by: {res.name}")  # plain text: nothing from a link is rendered as Markdown
    ests = _shared_to_estimates(res)
    p = res.profile
    st.markdown(f"Profile: {p['years']} years · {CLOUDS.get(p['cloud'], p['cloud'])} · "
                f"{FOCUSES.get(p['focus'], p['focus'])}")
    prof = profile_from_dict(p)  # unknown certification ids are dropped, old ones resolved
    rank = ranking(ests, prof)
    top = next((r for r in rank if r.assessed_share >= MIN_EVIDENCE), None)
    if top:
        st.metric("Closest certification", top.cert.short, f"{100 * top.readiness:.0f}% ready",
                  delta_color="off", delta_arrow="off")
    radar_section(ests, rank, key="shared")
    ranking_section(rank, p)
    st.page_link("pages/start.py", label="Take the diagnostic yourself", icon="👋")
