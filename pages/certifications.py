"""Certifications: a sortable comparison of all of them, then one at a time with every number's
source and the day it was read, and renewal dates."""
import datetime as dt

import streamlit as st

from scoring.certs import Certification, Fact, catalogue
from scoring.domains import taxonomy
from scoring.readiness import FOCUSES, renew_by
from ui import state
from ui.tables import table

state.sync_with_url(__file__)
cat = catalogue()
tax = taxonomy()
STATUS_ICON = {"active": ":material/check_circle:", "retired": ":material/history:", "closed": ":material/block:"}
CERT_PARAM = "cert"  # ?cert=<id> opens one certification (old ids still resolve)


def day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


@st.cache_resource
def comparison():
    """The comparison table (built once per process; the catalogue does not change while it runs)."""
    rows = []
    for c in cat.ordered():
        f = c.format
        shown = {"price": f.price_usd, "minutes": f.minutes, "questions": f.questions, "validity": c.validity_years}
        marks = []
        for label, fact in shown.items():
            if not fact.is_numeric:
                marks.append(f"{label}: {fact.value}")
            elif fact.low is not None and fact.high is not None:
                marks.append(f"{label} {num(fact.low)}–{num(fact.high)}" + (" ≈" if fact.approx else ""))
            elif fact.approx:
                marks.append(f"{label} ≈")
        status = c.status if c.active else f"{c.status} {c.retired_on.isoformat()}"
        rows.append({
            "Certification": c.short, "Code": c.code, "Vendor": c.vendor, "Tier": c.tier,
            "Focus": FOCUSES[c.focus], "Status": status,
            **{col: (num(fact.numeric) if fact.is_numeric else None)
               for col, fact in (("Price (USD)", f.price_usd), ("Minutes", f.minutes),
                                 ("Questions", f.questions), ("Valid (years)", c.validity_years))},
            "Approximate, ranges, notes": "; ".join(marks), "Checked": c.checked_on.isoformat(),
        })
    return table(rows)


def ref(cert: Certification, key: str) -> str:
    """A short reference to one of the certification's sources (S1, S2… in the Sources list)."""
    return f"S{list(cert.sources).index(key) + 1}"


def src(cert: Certification, fact: Fact) -> str:
    s = cert.sources[fact.source]
    label = f"[{ref(cert, fact.source)}]({s.url})" if s.url else ref(cert, fact.source)
    return f"{label}, read {day(cert.read_on(fact))}"


def show(cert: Certification) -> None:
    st.subheader(cert.name)
    head = (f"{STATUS_ICON[cert.status]} **{cert.status}** · {cert.vendor} · {cert.tier} · exam code "
            f"{cert.code} · :material/event_available: checked on {day(cert.checked_on)}")
    if cert.retired_on:
        head += f" · {cert.status} on {day(cert.retired_on)}"
    st.markdown(head)
    if not cert.active:
        succ = " and ".join(f"**{cat.get(s).name}**" for s in cert.successors)
        label = "Successors" if len(cert.successors) > 1 else "Successor"
        st.info((f"{label}: {succ}. " if succ else "No direct successor. ")
                + f"Not recommended for new candidates. {cert.holders}", icon=":material/swap_horiz:")
    for w in cert.watch:
        when = f"expected {day(w.due_on)}" if w.due_on else "date not announced"
        st.info(f"Announced change ({w.kind.replace('_', ' ')}, {when}): {w.note}", icon=":material/update:")
    if cert.notes:
        st.caption(cert.notes)
    f = cert.format
    rows = [("Questions", f.questions), ("Minutes", f.minutes), ("Price (USD)", f.price_usd),
            ("Passing score", f.passing), ("Valid for (years)", cert.validity_years),
            ("Recommended experience (years)", cert.recommended_experience.years)]
    st.markdown("**Format** (S1, S2… are the sources listed at the end)\n\n" + "\n".join(f"- {label}: **{fact.display()}** · source: {src(cert, fact)}"
                                           for label, fact in rows))
    st.markdown(f"**Renewal:** {cert.renewal}\n\n**Experience:** {cert.recommended_experience.text}")
    st.markdown("**Blueprint sections** (weight in % of the exam)\n\n" + "\n".join(
        f"- {s.name}: **{s.weight.display()}%** · draws on {', '.join(tax.domain(d).name for d in s.domains)}"
        f" · source: {src(cert, s.weight)}" for s in cert.sections))
    st.markdown("**Required level per domain** (CertRadar's reading of the guide, 0–4 scale)")
    st.caption("Weight: the domain's share of the exam, derived from the sections above (each "
               "section's weight split evenly over the domains it draws on; prerequisites the exam "
               "assumes share a small part). See About for how readiness uses it.")
    w = cert.domain_weights()
    st.dataframe(table([{"Domain": tax.domain(d).name, "Level": r.level, "Weight": f"{100 * w[d]:.0f}%",
                         "Why": r.why} for d, r in sorted(cert.required.items(), key=lambda kv: -w[kv[0]])]),
                 hide_index=True, width="stretch")
    if cert.resources:
        st.markdown(":material/school: **Preparation:** " + " · ".join(f"[{x.title}]({x.url})" for x in cert.resources))
    st.markdown("**Sources**\n\n" + "\n".join(
        f"- **{ref(cert, k)}** {f'[{s.name}]({s.url})' if s.url else s.name} · read {day(s.read_on)}"
        for k, s in cert.sources.items()))


st.title(":material/workspace_premium: Certifications")
st.caption(f"Catalogue reviewed on {day(cat.read_on)}. Each number names its source and the day it was "
           "read; ≈ marks values where sources disagree or only third-party sources were found.")

st.header("Compare them all")
st.caption("Click a column to sort. Ranges (e.g. 40–60 questions) sort by their midpoint and are spelt "
           "out in the last columns; the details below give every source.")
rows = comparison()
st.dataframe(rows, hide_index=True, width="stretch", height=36 * (rows.num_rows + 1) + 3, column_config={
    "Certification": st.column_config.TextColumn("Certification", pinned=True),
    "Price (USD)": st.column_config.NumberColumn(format="%d"),
    "Minutes": st.column_config.NumberColumn(format="%d"),
    "Questions": st.column_config.NumberColumn(format="%d"),
    "Valid (years)": st.column_config.NumberColumn(format="%d"),
})

st.header("One certification in detail")
ids = [c.id for c in cat.ordered()]
if "cert_pick" not in st.session_state:
    asked = cat.resolve(st.query_params.get(CERT_PARAM, "") or "")
    st.session_state["cert_pick"] = asked or ids[0]
pick = st.selectbox("Certification", ids, key="cert_pick",
                    format_func=lambda i: (c := cat.get(i)).short + ("" if c.active else f" · {c.status}"),
                    help="Active certifications first, then the retired and closed ones.")
show(cat.get(pick))

st.divider()
st.header("When do I need to renew?")
st.caption("Enter when you passed; the date is kept with your profile, not shared.")
prof = dict(state.profile_dict() or {})
passed = dict(prof.get("passed") or {})
c1, c2 = st.columns(2)
cid = c1.selectbox("Certification", ids, format_func=lambda i: cat.get(i).short, key="renew_cert")
cert = cat.get(cid)
old_keys = [k for k in [cid, *cert.aliases] if k in passed]  # a date saved under an old id still counts
prev = passed.get(old_keys[0]) if old_keys else None
when = c2.date_input("Passed on", value=dt.date.fromisoformat(prev) if prev else None,
                     min_value=dt.date(2015, 1, 1), max_value=dt.date.today(),
                     key=f"renew_date::{cid}")  # one per certification, so each shows its own date
if when:
    if not cert.expires:
        st.success(f"{cert.short}: {cert.validity_years.value}; nothing to renew.", icon=":material/all_inclusive:")
    else:
        due = renew_by(cert, when)
        days = (due - dt.date.today()).days
        left = f" ({days} days left)." if days >= 0 else " (expired)."
        if cert.active:
            msg = f"{cert.short}: valid {cert.validity_years.display()} years → renew by **{day(due)}**{left}"
            (st.warning if days < 90 else st.success)(msg, icon=":material/event:")
        else:
            st.warning(f"{cert.short}: valid {cert.validity_years.display()} years → expires on **{day(due)}**"
                       f"{left} {cert.renewal}", icon=":material/event_busy:")
    if prev != when.isoformat() or old_keys != [cid]:
        for k in old_keys:
            passed.pop(k, None)
        passed[cid] = when.isoformat()
        state.save_profile({**prof, "passed": passed})
