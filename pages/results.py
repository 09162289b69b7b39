"""Results: which certification you are closest to, your levels with their uncertainty, the gaps."""
import streamlit as st

from scoring.certs import catalogue
from scoring.readiness import ranking
from ui import results_view as view
from ui import state

state.sync_with_url(__file__)
cat = catalogue()

shared = st.query_params.get(state.SHARE_PARAM)
if shared is not None:
    view.shared_view(shared)
    st.stop()

state.bank()  # a malformed bank stops here with a page naming file, item and field
state.show_store_warning()
st.title("🎯 Your results")
estimates = state.current_estimates()
state.save_estimates(estimates)
prof_dict = state.profile_dict()
prof = state.profile()
if not estimates:
    st.info("No answers yet, so there is nothing to show: every domain is *not assessed*. "
            "Take a quick check or an area quiz first.")
    st.page_link("pages/quiz.py", label="Go to the quiz", icon="📝")
    st.stop()

rank = ranking(estimates, prof)
view.headline(rank)

tab_radar, tab_rank, tab_gaps, tab_more = st.tabs(["Radar", "Ranking", "Gaps and study plan", "More"])
with tab_radar:
    certs = view.radar_section(estimates, rank, key="main", previous=view.history_section(estimates))
    view.compare_with_link()
with tab_rank:
    view.ranking_section(rank, prof_dict)
with tab_gaps:
    ids = [r.cert.id for r in rank]
    pick = st.selectbox("Certification", ids, format_func=lambda i: cat.get(i).short, key="gap_cert")
    view.gaps_section(next(r for r in rank if r.cert.id == pick), state.current_missed())
with tab_more:
    view.calibration_section(prof, estimates)
    view.career_section(prof, rank)
view.share_section(estimates, rank, prof_dict, certs[0] if certs else rank[0].cert,
                   certs or [rank[0].cert])
c1, c2 = st.columns(2)
c1.page_link("pages/quiz.py", label="Answer more questions to narrow the bands", icon="📝")
if c2.button("Start a new attempt (keeps this one for before/after)", key="new_attempt"):
    state.new_attempt()
    st.switch_page("pages/start.py")
