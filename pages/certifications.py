"""Certifications: the catalogue, every number with its source, and renewal dates."""
import datetime as dt

import streamlit as st

from scoring.certs import Certification, Fact, catalogue
from scoring.domains import taxonomy
from scoring.readiness import renew_by
from ui import state
from ui.tables import table

state.sync_with_url(__file__)
cat = catalogue()
tax = taxonomy()
STATUS = {"active": "🟢 active", "retired": "🟠 retired", "closed": "⚫ closed"}

st.title("📜 Certifications")
st.caption(f"Facts read on {cat.read_on:%d %B %Y}. ≈ marks values where sources disagree or only one "
           "third-party source was found. Each number names its source.")


def src(cert: Certification, fact: Fact) -> str:
    s = cert.sources[fact.source]
    return f"[{s.name}]({s.url})" if s.url else s.name


def fact_row(cert: Certification, label: str, fact: Fact, unit: str = "") -> dict:
    return {"Fact": label, "Value": fact.display() + unit, "Source": src(cert, fact)}


def show(cert: Certification) -> None:
    head = f"{STATUS[cert.status]} · {cert.vendor} · {cert.tier}"
    if cert.retired_on:
        head += f" · {cert.status} on {cert.retired_on:%d %B %Y}"
    st.markdown(head)
    if cert.successor:
        st.info(f"Successor: **{cat.get(cert.successor).name}**. Not recommended for new candidates.")
    if cert.notes:
        st.caption(cert.notes)
    f = cert.format
    rows = [fact_row(cert, "Questions", f.questions), fact_row(cert, "Minutes", f.minutes),
            fact_row(cert, "Price (USD)", f.price_usd), fact_row(cert, "Passing score", f.passing),
            fact_row(cert, "Valid for (years)", cert.validity_years),
            fact_row(cert, "Recommended experience (years)", cert.recommended_experience.years)]
    st.markdown("**Format**")
    for r in rows:
        st.markdown(f"- {r['Fact']}: **{r['Value']}** · source: {r['Source']}")
    st.markdown(f"Renewal: {cert.renewal} Experience: {cert.recommended_experience.text}")
    st.markdown("**Blueprint sections** (weight in % of the exam)")
    for s in cert.sections:
        doms = ", ".join(tax.domain(d).name for d in s.domains)
        st.markdown(f"- {s.name}: **{s.weight.display()}%** · draws on {doms} · source: {src(cert, s.weight)}")
    st.markdown("**Required level per domain** (CertRadar's reading of the guide, 0–4 scale)")
    st.caption("Weight: the domain's share of the exam, derived from the sections above (each "
               "section's weight split evenly over the domains it draws on; prerequisites the exam "
               "assumes share a small part). See About for how readiness uses it.")
    w = cert.domain_weights()
    st.dataframe(table([{"Domain": tax.domain(d).name, "Level": r.level, "Weight": f"{100 * w[d]:.0f}%",
                         "Why": r.why} for d, r in sorted(cert.required.items(), key=lambda kv: -w[kv[0]])]),
                 hide_index=True, width="stretch")
    if cert.resources:
        st.markdown("Preparation: " + " · ".join(f"[{x.title}]({x.url})" for x in cert.resources))


tabs = st.tabs([c.short for c in cat.certifications])
for tab, cert in zip(tabs, cat.certifications):
    with tab:
        st.subheader(cert.name)
        show(cert)

st.divider()
st.subheader("When do I need to renew?")
st.caption("Enter when you passed; the date is kept with your profile, not shared.")
prof = dict(state.profile_dict() or {})
passed = dict(prof.get("passed") or {})
c1, c2 = st.columns(2)
cid = c1.selectbox("Certification", cat.ids, format_func=lambda i: cat.get(i).short, key="renew_cert")
prev = passed.get(cid)
when = c2.date_input("Passed on", value=dt.date.fromisoformat(prev) if prev else None,
                     min_value=dt.date(2015, 1, 1), max_value=dt.date.today(), key="renew_date")
if when:
    cert = cat.get(cid)
    due = renew_by(cert, when)
    days = (due - dt.date.today()).days
    msg = f"{cert.short}: valid {cert.validity_years.display()} years → renew by **{due:%d %B %Y}**"
    (st.warning if days < 90 else st.success)(msg + (f" ({days} days left)." if days >= 0 else " (expired)."))
    if prev != when.isoformat():
        passed[cid] = when.isoformat()
        state.save_profile({**prof, "passed": passed})
