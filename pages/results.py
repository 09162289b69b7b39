"""Results: the verdict on one target certification, then the radar, the ranking and the study
plan, all about that certification (chosen in one place at the top)."""
import streamlit as st

from ui import icons
from ui import results_view as view
from ui import state

state.sync_with_url(__file__)

shared = st.query_params.get(state.SHARE_PARAM)
if shared is not None:
    view.shared_view(shared)
    st.stop()

state.bank()  # a malformed bank stops here with a page naming file, item and field
state.show_store_warning()
st.title("Your results")
estimates = state.current_estimates()
state.save_estimates(estimates)
prof_dict = state.profile_dict()
prof = state.profile()
if not estimates:
    st.info("No answers yet, so there is nothing to show: every domain is *not assessed*. "
            "Take a quick check or an area quiz first.", icon=icons.UNKNOWN)
    st.page_link("pages/quiz.py", label="Go to the quiz", icon=icons.QUIZ)
    st.stop()

target = view.target_picker(estimates, prof, state.chosen_target())
missed = state.current_missed()
target_r = view.target_readiness(target, estimates, prof)
view.verdict_card(target_r, missed)

tab_radar, tab_rank, tab_gaps, tab_more = st.tabs(["Radar", "Ranking", "Gaps and study plan", "More"])
with tab_radar:
    certs = view.radar_section(estimates, target, key="main", previous=view.history_section(estimates))
    view.compare_with_link()
with tab_rank:
    view.ranking_section(estimates, prof)
with tab_gaps:
    view.gaps_section(target_r, missed)
with tab_more:
    view.calibration_section(prof, estimates)
    view.career_section(prof, view.ranked(estimates, prof))
view.share_section(estimates, view.ranked(estimates, prof), prof_dict, target_r, certs or [target])
c1, c2 = st.columns(2)
c1.page_link("pages/quiz.py", label="Answer more questions to narrow the bands", icon=icons.QUIZ)
if c2.button("Start a new attempt (keeps this one for before/after)", key="new_attempt"):
    state.new_attempt()
    st.switch_page("pages/start.py")
