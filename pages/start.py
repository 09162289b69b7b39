"""Start: what CertRadar does, and a short profile."""
import streamlit as st

from scoring.certs import catalogue
from scoring.domains import taxonomy
from scoring.readiness import CLOUDS, FOCUSES
from ui import state, theme

state.sync_with_url(__file__)
if st.session_state.pop("bad_token", False):
    st.warning("That saved attempt could not be found (the link may be mistyped or the data was "
               "removed). You can start afresh below.")

st.title("Which ML certification are you ready for?")
st.markdown(
    "CertRadar measures your skills in math, Python, machine learning and the cloud platforms in a "
    "few minutes of adaptive questions, then shows how close you are to each major ML "
    "certification and what to learn first. No account: your progress is kept in this page's link."
)

prof = state.profile_dict() or {}
cat = catalogue()
CONFIDENCE = {1: "new to it", 2: "some exposure", 3: "use it at work", 4: "strong", 5: "could teach it"}

with st.form("profile_form"):
    st.header("Your profile")
    c1, c2 = st.columns(2)
    with c1:
        years = st.number_input("Years of experience in ML or data work", min_value=0.0,
                                max_value=50.0, step=0.5, format="%.1f",
                                value=float(prof.get("years", 0.0)))
        cloud_ids = list(CLOUDS)
        cloud = st.radio("The cloud you work on", cloud_ids, format_func=CLOUDS.__getitem__,
                         index=cloud_ids.index(prof.get("cloud", "none")), horizontal=True)
        focus_ids = list(FOCUSES)
        focus = st.radio("Your focus", focus_ids, format_func=FOCUSES.__getitem__,
                         index=focus_ids.index(prof.get("focus", "both")), horizontal=True)
        labels = {c.id: c.short + ("" if c.active else f" ({c.status})") for c in cat.certifications}
        certs = st.multiselect("Certifications you are considering", list(labels),
                               default=[c for c in prof.get("certs", []) if c in labels],
                               format_func=labels.__getitem__,
                               help="The first one you pick is used for readiness decisions in quizzes.")
    with c2:
        st.markdown("**How confident do you feel in each area?**")
        st.caption("1 = new to it · 3 = use it at work · 5 = could teach it. This nudges where the "
                   "quiz starts; your answers quickly outweigh it.")
        conf_prev = prof.get("confidence", {})
        confidence = {
            a.id: st.select_slider(a.name, options=list(CONFIDENCE), value=int(conf_prev.get(a.id, 3)),
                                   format_func=lambda v: f"{v} · {CONFIDENCE[v]}", key=f"conf_{a.id}")
            for a in taxonomy().areas
        }
    saved = st.form_submit_button("Save profile and choose a quiz", type=theme.emphasis())

if saved:
    state.save_profile({"years": years, "cloud": cloud, "focus": focus, "certs": certs,
                        "confidence": confidence, "passed": prof.get("passed", {})})
    st.switch_page("pages/quiz.py")

retired = [c for c in cat.certifications if c.id in prof.get("certs", []) and not c.active]
for c in retired:
    succ = f" Its successor is **{cat.get(c.successor).short}**." if c.successor else ""
    st.info(f"**{c.short}** is {c.status} (since {c.retired_on:%d %B %Y}).{succ}")

with st.expander("How it works"):
    st.markdown(
        "1. **Profile**: the cloud you use and your experience shape the ranking, as the brief "
        "advises (align with your employer's cloud).\n"
        "2. **Quiz**: a quick check for one certification, an area (math, Python, ML, platforms), "
        "or the full profile. Questions adapt to your answers; *I don't know* is always allowed.\n"
        "3. **Results**: a level per domain with its uncertainty, a radar against each "
        "certification, a readiness ranking, and the largest gaps first with what to study.\n"
        "4. **Share**: a signed link reproduces your results for anyone, no account needed."
    )
