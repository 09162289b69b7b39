"""The Quiz page's parts: the setup form, a question, practice feedback, the end-of-quiz review.
Each question type grades itself; this module only draws and dispatches (see ui/render.py)."""
import streamlit as st

from questions import InvalidResponse
from scoring.certs import catalogue
from scoring.domains import taxonomy
from scoring.irt import level_name
from scoring.quiz import plan
from scoring.readiness import target_certification
from ui import icons, render, state, theme
from ui.tables import table

MODES = {
    "quick": ("Quick check for one certification",
              "Only the domains that exam needs; each stops as soon as the verdict is clear."),
    "area": ("Area quiz", "Math, Python, ML or platforms: a level for each domain in the area."),
    "full": ("Full profile", "All twenty domains; the longest, about 5–8 questions each."),
}
FEEDBACK = {
    "diagnostic": ("Diagnostic", "No feedback until the end, then a full review."),
    "practice": ("Practice", "See if you were right, and why, after each question."),
}


def setup() -> None:
    st.title("Take a diagnostic")
    prof = state.profile()
    if state.profile_dict() is None:
        st.info("Fill in your profile first for a better starting point and ranking.")
        st.page_link("pages/start.py", label="Go to your profile", icon=icons.START)
    cat = catalogue()
    mode = st.radio("What would you like to take?", list(MODES), format_func=lambda m: MODES[m][0],
                    captions=[MODES[m][1] for m in MODES], key="setup_mode")
    cert = None
    areas: list[str] = []
    if mode == "quick":
        active = [c for c in cat.certifications if c.active]
        ids = [c.id for c in active]
        # The certification the results are about (last chosen, else on the profile's list, else
        # the closest or best-fitting one): the same default everywhere.
        preferred = target_certification(prof, state.chosen_target(), state.current_estimates()).id
        cert = st.selectbox("Certification", ids, index=ids.index(preferred) if preferred else 0,
                            format_func=lambda i: cat.get(i).name, key="setup_cert")
        st.caption("Retired exams are not offered for new candidates; their successors are.")
    elif mode == "area":
        areas = st.pills("Areas", [a.id for a in taxonomy().areas], selection_mode="multi",
                         format_func=lambda a: taxonomy().area(a).name, key="setup_areas") or []
    feedback = st.radio("Feedback", list(FEEDBACK), format_func=lambda f: FEEDBACK[f][0],
                        captions=[FEEDBACK[f][1] for f in FEEDBACK], horizontal=True,
                        key="setup_feedback")
    if mode == "area" and not areas:
        st.caption("Choose at least one area to start.")
        return
    config = plan(mode, cert=cert, areas=areas, feedback=feedback, seed=state.new_seed())
    left = state.session_for(config, keep=False).questions_left()
    st.caption(f"About {left} questions; you can stop any time and still get results.")
    if st.button("Start", type=theme.emphasis(), key="start_quiz"):
        state.start_quiz(config)
        st.rerun()


def show_feedback(item_id: str) -> None:
    item = state.bank().by_id[item_id]
    ans = next(a for a in reversed(state.attempt()["answers"]) if a["item_id"] == item_id)
    render.question_header(item, answered=True)
    render.stem(item)
    render.feedback(item, ans["response"], bool(ans["correct"]))
    st.button("Next question", type=theme.emphasis(), key="next_question",
              on_click=lambda: st.session_state.pop("feedback_for", None))


def finished(config, session, stopped_early: bool) -> None:
    state.save_estimates(state.current_estimates())
    st.success("You stopped the quiz early: results use what you answered." if stopped_early
               else "Quiz complete.")
    rows = []
    for d in config.domains:
        est = session.estimate(d)
        name = taxonomy().domain(d).name
        if est.assessed:
            rows.append({"Domain": name, "Level": f"{est.level:.1f} ± {est.se:.1f}",
                         "Meaning": level_name(est.level), "Answered": est.n})
        else:
            rows.append({"Domain": name, "Level": "not assessed yet", "Meaning": "", "Answered": 0})
    st.dataframe(table(rows), hide_index=True, width="stretch")
    c1, c2 = st.columns(2)
    c1.page_link("pages/results.py", label="See your results and gaps", icon=icons.RESULTS)
    if c2.button("Take another quiz", key="another"):
        state.attempt()["config"] = None
        st.rerun()
    answers = [a for a in state.attempt()["answers"]
               if a["domain"] in config.domains and a["item_id"] in state.bank().by_id]
    if answers:
        st.header("Review")
        only_wrong = st.toggle("Only the ones I missed", key="review_wrong")
        for n, a in enumerate(answers, 1):
            if only_wrong and a["correct"]:
                continue
            item = state.bank().by_id[a["item_id"]]
            mark = icons.CORRECT if a["correct"] else (icons.DONT_KNOW if a["response"] is None else icons.WRONG)
            outcome = "right" if a["correct"] else ("I don't know" if a["response"] is None else "wrong")
            with st.expander(f"{n}. {taxonomy().domain(item.domain).name} ({outcome}): "
                             f"{item.stem.strip().splitlines()[0][:90]}", icon=mark):
                render.question_header(item, answered=True)
                render.stem(item)
                render.feedback(item, a["response"], bool(a["correct"]))


def submit(item_id: str, dont_know: bool) -> None:
    """Form callback: grade and record before the page reruns, so the next question shows at once.
    A response the item cannot grade leaves everything as typed, with a message."""
    item = state.bank().by_id[item_id]
    response = None if dont_know else render.read_response(item)
    if not dont_know and response in (None, "", []):
        st.session_state["quiz_error"] = "Choose or type an answer first, or press **I don't know**."
        return
    try:
        correct = item.grade(response)
    except InvalidResponse as exc:
        st.session_state["quiz_error"] = str(exc)
        return
    state.record_answer(item, response, correct, state.seconds_since_shown(item.id))
    cfg = state.quiz_config()
    if cfg and cfg.feedback == "practice":
        st.session_state["feedback_for"] = item.id


def run(config) -> None:
    st.title(config.title)
    session = state.session_for(config)
    fb = st.session_state.get("feedback_for")
    if fb and fb in state.bank().by_id:
        show_feedback(fb)
        return
    ended = state.quiz_ended()
    item_ref = None if ended else session.next_item()
    if item_ref is None:
        finished(config, session, stopped_early=ended)
        return
    item = state.bank().by_id[item_ref.id]
    answered = sum(1 for a in state.attempt()["answers"] if a["domain"] in config.domains)
    left = session.questions_left()
    st.progress(answered / max(1, answered + left),
                text=f"Question {answered + 1} · about {left} more to go")
    state.mark_shown(item.id)
    with st.form(f"q::{item.id}"):
        render.question_header(item)
        render.stem(item)
        render.inputs(item)
        c1, c2 = st.columns([1, 1])
        c1.form_submit_button("Submit answer", type=theme.emphasis(), width="stretch",
                              on_click=submit, args=(item.id, False))
        c2.form_submit_button("I don't know", width="stretch", on_click=submit, args=(item.id, True))
    error = st.session_state.pop("quiz_error", None)
    if error:
        st.error(error)
    st.divider()
    st.button("Stop here and see results", key="stop_quiz", on_click=state.end_quiz,
              help="Your answers so far are kept; unfinished domains show their uncertainty.")
