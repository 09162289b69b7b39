"""The Results page's sections: the target certification and its verdict, radar, ranking, gaps
and study plan, calibration, career context, sharing and exports, and the read-only view of a
shared link. Everything on the page is about one target certification, chosen in one place."""
import datetime as dt
from urllib.parse import urlparse

import streamlit as st

from scoring.certs import Certification, catalogue
from scoring.domains import taxonomy
from scoring.estimator import Estimate
from scoring.irt import level_name, level_to_theta
from scoring.readiness import (CLOUDS, FOCUSES, ORDERS, SALARY_BANDS, CertReadiness, Profile,
                               calibration, cert_readiness, gaps, not_assessed, ranking, retired,
                               salary_band, target_certification)
from scoring.quiz import plan, profile_from_dict
from scoring.verdict import Outcome
from sharing import SharedResult, ShareLinkError, decode, encode, share_secret
from ui import charts, icons, report, state, theme
from ui.tables import table

cat = catalogue()
tax = taxonomy()
OUTCOME_BADGE = {
    Outcome.READY: (icons.READY, "green"),
    Outcome.PROBABLY_READY: (icons.PROBABLY, "blue"),
    Outcome.NOT_YET: (icons.NOT_YET, "orange"),
    Outcome.NOT_ENOUGH: (icons.UNKNOWN, "gray"),
}


def levels_table(estimates: dict, certs: list) -> None:
    rows = []
    for d in charts.radar_domains(certs, estimates):
        e = estimates.get(d)
        row = {"Domain": tax.domain(d).name}
        if e is not None and e.assessed:
            # Rounded as a share link stores them (2 decimals) before showing 1, so the shared view
            # shows exactly the owner's figures (2.349 would show 2.3 here but 2.4 from a link).
            lv, se = round(e.level, 2), round(e.se, 2)
            row.update({"Your level": f"{lv:.1f} ± {se:.1f}", "Meaning": level_name(lv),
                        "Answered": e.n})
        else:
            row.update({"Your level": "not assessed yet", "Meaning": "", "Answered": 0})
        for c in certs:
            row[f"{c.short} requires"] = str(c.required_level(d) or "—")
        rows.append(row)
    st.dataframe(table(rows), hide_index=True, width="stretch")


def quick_check_button(cert: Certification, key: str, label: str | None = None, primary: bool = False) -> None:
    """One click: start a quick check for ``cert`` and go to the quiz."""
    if st.button(label or f"Quick check for {cert.name}", key=key, icon=icons.QUIZ,
                 type=theme.emphasis() if primary else "secondary"):
        state.start_quiz(plan("quick", cert=cert.id, seed=state.new_seed()))
        st.switch_page("pages/quiz.py")


def ranking_section(estimates, prof: Profile, interactive: bool = True) -> None:
    st.header("Readiness ranking")
    order = "readiness"
    if interactive:
        order = st.segmented_control("Order by", list(ORDERS), default="readiness", key="rank_order",
                                     format_func=lambda o: {"readiness": "Readiness", "fit": "Fit"}[o]) or "readiness"
    rank = ranked(estimates, prof, order)
    st.caption(f"Active certifications, {ORDERS[order]}. **Readiness**: the chance you would pass "
               "now, from your answers (see About). **Fit**: how well the exam matches your cloud, "
               "focus, experience and list, whatever your level.")
    enough = [r for r in rank if r.enough_evidence]
    thin = [r for r in rank if not r.enough_evidence]
    if enough:
        rows = [{"Certification": r.cert.name, "Readiness": round(100 * r.readiness),
                 "Verdict": r.verdict.outcome.value, "Fit": round(100 * r.fit.total),
                 "Why it fits (or not)": "; ".join(r.fit.reasons),
                 "Assessed": f"{100 * r.assessed_share:.0f}% of the exam"} for r in enough]
        st.dataframe(table(rows), hide_index=True, width="stretch", column_config={
            "Certification": st.column_config.TextColumn("Certification", pinned=True),
            "Readiness": st.column_config.ProgressColumn("Readiness", format="%d%%", min_value=0, max_value=100,
                                                         help="The chance you would pass now"),
            "Fit": st.column_config.ProgressColumn("Fit", format="%d%%", min_value=0, max_value=100,
                                                   help="Cloud, focus, experience and your list"),
        })
    else:
        st.info("No certification has enough of its exam assessed for a verdict yet.")
    if thin:
        st.markdown("**Too little evidence yet** (less than half of the exam answered): a quick "
                    "check asks only what that exam needs.")
        for r in thin:
            c1, c2 = st.columns([3, 1], vertical_alignment="center")
            c1.markdown(f"**{r.cert.name}** · {100 * r.assessed_share:.0f}% of the exam answered · "
                        f"fit {100 * r.fit.total:.0f}%")
            if interactive:
                with c2:
                    quick_check_button(r.cert, key=f"qc_{r.cert.id}", label="Quick check")
    old = retired()
    if old:
        st.markdown("**Retired or closed** (not offered to new candidates):")
        rows = [{"Certification": c.name, "Status": f"{c.status} {c.retired_on:%Y-%m-%d}",
                 "Take instead": " or ".join(cat.get(x).name for x in c.successors) or "no direct successor"}
                for c in old]
        st.dataframe(table(rows), hide_index=True, width="stretch")


@st.cache_resource(max_entries=256, show_spinner=False)
def _ranked(est_key: tuple, prof_key: str, order: str) -> list[CertReadiness]:
    return ranking(_ests(est_key), profile_from_dict(_json(prof_key)), order)


def _ests(key: tuple) -> dict:
    return {d: Estimate(theta=t, se=se, n=n) for d, t, se, n in key}


def _json(text: str):
    import json

    return json.loads(text)


def _prof_key(prof: Profile) -> str:
    import json

    return json.dumps({"years": prof.years, "cloud": prof.cloud, "focus": prof.focus,
                       "certs": list(prof.certs), "confidence": dict(prof.confidence)}, sort_keys=True)


def ranked(estimates, prof: Profile, order: str = "readiness") -> list[CertReadiness]:
    """The ranking, computed once per distinct estimates, profile and order."""
    return _ranked(charts.radar_key(estimates), _prof_key(prof), order)


@st.cache_resource(max_entries=256, show_spinner=False)
def _target_readiness(cert_id: str, est_key: tuple, prof_key: str) -> CertReadiness:
    return cert_readiness(cat.get(cert_id), _ests(est_key), profile_from_dict(_json(prof_key)), project=True)


def target_readiness(cert: Certification, estimates, prof: Profile) -> CertReadiness:
    """Readiness for the target, with the projection of how many questions would settle it."""
    return _target_readiness(cert.id, charts.radar_key(estimates), _prof_key(prof))


@st.cache_resource(max_entries=256, show_spinner=False)
def _target_id(est_key: tuple, prof_key: str, chosen: str | None) -> str:
    return target_certification(profile_from_dict(_json(prof_key)), chosen, _ests(est_key)).id


def target_picker(estimates, prof: Profile, chosen: str | None, interactive: bool = True) -> Certification:
    """The one place where the target certification is chosen; everything else follows it."""
    # Cached: with no target named, choosing one ranks every certification (a verdict each).
    target = cat.get(_target_id(charts.radar_key(estimates), _prof_key(prof), chosen))
    if not interactive:
        return target
    options = [c.id for c in cat.certifications if c.active]
    pick = st.selectbox("Results for", options, index=options.index(target.id),
                        format_func=lambda i: cat.get(i).short, key=f"target_{target.id}",
                        help="The certification the verdict, the radar and the study plan are about (short "
                             "names here; the full name is in the verdict). "
                             "By default: your last quick check, else the first on your list, else "
                             "the best fit for your profile.")
    if pick != target.id:
        state.set_target(pick)
        st.rerun()
    return target


@st.cache_resource(max_entries=256, show_spinner=False)
def _radar(est_key: tuple, cert_ids: tuple, prev_key: tuple, dark: bool):
    """Building a Plotly figure costs tens of milliseconds: build each distinct one once."""
    def ests(k):
        return {d: Estimate(theta=t, se=se, n=n) for d, t, se, n in k}
    return charts.radar(ests(est_key), [cat.get(i) for i in cert_ids],
                        previous=[(label, ests(k)) for label, k in prev_key], dark=dark)


def radar_section(estimates, target: Certification, key: str, previous=()) -> list:
    ids = cat.ids
    chosen = st.multiselect("Certifications on the radar", ids, default=[target.id],
                            format_func=lambda i: cat.get(i).short, key=f"radar_certs_{key}_{target.id}",
                            max_selections=4,
                            help="Your target is drawn first; add up to three more to compare.")
    certs = [cat.get(i) for i in chosen]
    fig = _radar(charts.radar_key(estimates), tuple(chosen),
                 tuple((label, charts.radar_key(e)) for label, e in previous), theme.dark())
    st.plotly_chart(fig, key=f"radar_{key}", config={"displayModeBar": False})
    st.caption(f"Light blue bars: your level ± one standard error (more answers make them shorter). "
               f"{charts.NOT_ASSESSED_MARK} and hollow grey circles: not assessed yet (no level, not zero).")
    levels_table(estimates, certs)
    return certs


def gaps_section(r: CertReadiness, missed, interactive: bool = True) -> None:
    cert = r.cert
    st.header(f"What to learn first for {cert.name}")
    gl = gaps(r, missed)
    if not gl:
        st.success("No gaps among the domains assessed so far.", icon=icons.READY)
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
        st.info(f"Not assessed yet for {cert.name}: {names}.", icon=icons.UNKNOWN)
        if interactive:
            quick_check_button(cert, key="assess_missing", label=f"Assess these now (quick check for {cert.name})")
    if cert.resources:
        st.markdown("Official preparation: " + " · ".join(f"[{x.title}]({x.url})" for x in cert.resources))


def calibration_section(prof, estimates) -> None:
    rows = calibration(prof, estimates)
    if not rows:
        return
    st.header("Your confidence against your measured level")
    for c in rows:
        area = tax.area(c.area).name
        msg = {"over-rated": "you rated yourself higher than you measured",
               "under-rated": "you are stronger than you rated yourself",
               "about right": "your self-rating matches"}[c.verdict]
        st.markdown(f"- **{area}**: self-rating {c.self_rating}/5 (≈ level {c.self_level:.0f}), "
                    f"measured {c.measured:.1f} ± {c.se:.1f}: {msg}.")


def career_section(prof, rank) -> None:
    st.header("Career context")
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


def share_section(estimates, rank, prof_dict, target: CertReadiness, fig_certs) -> None:
    cert = target.cert
    st.header("Share and export")
    name = st.text_input("Display name on the shared results (optional)", max_chars=60,
                         key="share_name", help="Leave empty to share anonymously.")
    secret, generated = share_secret(state.secrets_mapping())
    prof = profile_from_dict(prof_dict)
    result = SharedResult(
        created=dt.date.today(),
        levels={d: (round(e.level, 2), round(e.se, 2), e.n) for d, e in estimates.items() if e.assessed},
        profile={"years": int(round(prof.years)), "cloud": prof.cloud, "focus": prof.focus,
                 "certs": list(prof.certs)[:12], "target": cert.id,
                 "confidence": {k: int(v) for k, v in prof.confidence.items()
                                if k in ("math", "python", "ml", "platforms")}},
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
    c2.download_button("Results (JSON)", report.to_json(estimates, rank, target, prof_dict, today),
                       "certradar-results.json", "application/json")
    c3.download_button(
        "Printable report (HTML)",
        lambda: report.to_html(estimates, rank, target, gaps(target, state.current_missed()),
                               charts.radar(estimates, fig_certs), today, name.strip() or None),
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


def verdict_card(r: CertReadiness, missed, interactive: bool = True) -> None:
    """What the user came for: the verdict on their target certification, in plain words."""
    v = r.verdict
    icon, colour = OUTCOME_BADGE[v.outcome]
    with st.container(border=True):
        st.badge(v.outcome.value.capitalize(), icon=icon, color=colour)
        st.markdown(f"**{v.sentence()}**")
        g = gaps(r, missed)
        c1, c2, c3 = st.columns(3)
        c1.metric("Chance you would pass now", f"{100 * v.p_pass:.0f}%",
                  help="The share of plausible versions of you, given your answers, who are at the "
                       "required level in domains carrying at least 70% of the exam (see About).")
        c2.metric("Of the exam answered", f"{100 * r.assessed_share:.0f}%",
                  help="The blueprint weight of the domains you have answered questions in.")
        with c3:
            st.markdown("**Learn first**")
            if g:
                st.markdown(f"{g[0].name}: about {g[0].hours} h of study")
            else:
                st.markdown("No gap among the domains answered so far.")
        if interactive and v.outcome is not Outcome.READY:
            n = v.more_questions
            label = (f"Answer one more question for {r.cert.name}" if n == 1 else
                     f"Answer about {n} more questions for {r.cert.name}" if n else
                     f"Quick check for {r.cert.name}")
            quick_check_button(r.cert, key="verdict_quick_check", label=label,
                               primary=v.outcome is Outcome.NOT_ENOUGH)


def shared_view(token: str) -> None:
    st.title("Shared CertRadar results")
    secret, _ = share_secret(state.secrets_mapping())
    try:
        res = decode(token, secret)
    except ShareLinkError as exc:
        st.error(f"This share link cannot be opened. {exc}.", icon=icons.ERROR)
        st.page_link("pages/start.py", label="Take the diagnostic yourself", icon=icons.START)
        return
    st.caption(f"Read-only results from {res.created:%d %B %Y}.")
    if res.name:
        st.text(f"Shared by: {res.name}")  # plain text: nothing from a link is rendered as Markdown
    ests = _shared_to_estimates(res)
    p = res.profile
    st.markdown(f"Profile: {p['years']} years · {CLOUDS.get(p['cloud'], p['cloud'])} · "
                f"{FOCUSES.get(p['focus'], p['focus'])}")
    prof = profile_from_dict(p)  # unknown certification ids are dropped, old ones resolved
    target = target_certification(prof, p.get("target"), ests)
    verdict_card(target_readiness(target, ests, prof), {}, interactive=False)
    radar_section(ests, target, key="shared")
    ranking_section(ests, prof, interactive=False)
    st.page_link("pages/start.py", label="Take the diagnostic yourself", icon=icons.START)
