"""Session state, persistence and the URL: the glue between the pages and the core.

The attempt lives in ``st.session_state["attempt"]`` and, when the database is reachable, in the
store under an unguessable token that is kept in the URL (``?a=…``). A page refresh, or opening the
link later, reloads it from the store. Without a database the quiz goes on in memory, with a warning.
"""
from __future__ import annotations

import functools
import secrets as pysecrets
import time
from pathlib import Path
from typing import Any

import streamlit as st

from questions import Bank, BankError, QuestionBase, load_bank
from questions.loader import bank_dir
from scoring.calibration import calibration_path
from scoring.cat import cat_items
from scoring.certs import catalogue
from scoring.quiz import (QuizConfig, build_session, estimate_domains, missed_subtopics,
                          profile_from_dict)
from scoring.readiness import Profile
from storage import Store, StoreUnavailable, database_url, new_token, outbox, url_key

TOKEN_PARAM = "a"
SHARE_PARAM = "s"


# --- resources loaded once per server process ---------------------------------------------
@functools.lru_cache(maxsize=4)
def _load_bank(folder: str) -> Bank:
    """Parsed once per server process (a plain cache: it is read on every rerun, and a failed
    load is not cached, so a fixed file is picked up on the next run)."""
    return load_bank(folder)


def bank() -> Bank:
    """The question bank; on a malformed bank, a page naming file, item and field, then stop."""
    try:
        return _load_bank(str(bank_dir()))
    except BankError as exc:
        st.error("The question bank has problems, so quizzes are unavailable until they are fixed.")
        st.markdown("Each line names the file, the item and the field:")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        st.stop()
        raise  # unreachable; st.stop() raises


def secrets_mapping() -> dict[str, Any]:
    """st.secrets as a plain dict (empty without a secrets.toml), read once per session."""
    if "_secrets" not in st.session_state:
        try:
            st.session_state["_secrets"] = {k: st.secrets[k] for k in st.secrets.keys()}
        except Exception:  # no secrets.toml: st.secrets raises on access
            st.session_state["_secrets"] = {}
    return st.session_state["_secrets"]


#: After a failed connection, wait this long before trying the database again.
STORE_RETRY_SECONDS = 30.0
_STORE_FAILURES: dict[str, tuple[float, str]] = {}


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    return Store(url)  # a failure raises, and is not cached


def store() -> Store | None:
    """The database, or None while it cannot be reached (retried every STORE_RETRY_SECONDS)."""
    url = database_url(secrets_mapping())
    failed = _STORE_FAILURES.get(url)
    if failed and time.monotonic() - failed[0] < STORE_RETRY_SECONDS:
        warn_store(failed[1])
        return None
    try:
        s = _open_store(url)
    except StoreUnavailable as exc:
        _STORE_FAILURES[url] = (time.monotonic(), str(exc))
        warn_store(str(exc))
        outbox().attach(url_key(url), opener=lambda: Store(url))  # it retries on its own
        return None
    _STORE_FAILURES.pop(url, None)
    outbox().attach(url_key(url), s)
    return s


def warn_store(message: str) -> None:
    st.session_state["store_warning"] = message


#: How often the database notice refreshes itself while answers wait, and otherwise.
OUTBOX_REFRESH_S = 5
IDLE_REFRESH_S = 300


def show_store_warning() -> None:
    """The database's state for this tab, as a fragment that refreshes itself: the page says
    when waiting answers are saved without a click. Its timer also makes a tab whose server went
    away rerun as soon as it reconnects (to another replica, or to the restarted server), which
    resumes the quiz from the database; without a timer on the page, Streamlit's frontend
    reconnects silently and drops the next click."""
    token = attempt()["token"]
    waiting = bool(token) and outbox().pending(_outbox_db(), token) > 0
    st.session_state["_outbox_fast"] = waiting
    st.fragment(_store_notice, run_every=OUTBOX_REFRESH_S if waiting else IDLE_REFRESH_S)()


def _store_notice() -> None:
    msg = st.session_state.get("store_warning")
    token = attempt()["token"]
    waiting = outbox().pending(_outbox_db(), token) if token else 0
    if waiting:
        n = outbox().waiting_answers(_outbox_db(), token)
        what = f"Your last {n} answer{'s are' if n != 1 else ' is'}" if n else "Your progress is"
        st.warning(
            "Your answers cannot be saved right now: the database cannot be reached. "
            f"{what} kept on this server and will be saved, in order, as soon as it is back. "
            "Go on with the quiz; just don't reload this page until then."
            + (f" ({msg})" if msg else ""), icon="⚠️")
        st.session_state["outbox_waited"] = True
    elif st.session_state.get("_outbox_fast") and st.session_state.get("outbox_waited"):
        st.session_state["_outbox_fast"] = False
        st.rerun()  # the whole page: it says so below, and the notice slows down again
    elif st.session_state.pop("outbox_waited", False):
        st.session_state.pop("store_warning", None)
        st.success("The database is back: every answer you gave is saved.", icon="✅")
    elif msg:
        st.warning(
            "Results cannot be saved right now, so a page refresh would lose them; the quiz goes on "
            f"in this browser tab. ({msg})", icon="⚠️")


# --- the attempt ---------------------------------------------------------------------------
def _empty_attempt() -> dict[str, Any]:
    # "target": the certification the results are about, once the user chose one (a quick check,
    # or a pick on the Results page).
    return {"token": None, "config": None, "answers": [], "previous": [], "target": None}


def _config_blob(att: dict[str, Any]) -> dict[str, Any]:
    """What the store keeps as the attempt's configuration."""
    return {"quiz": att["config"], "previous": att["previous"], "target": att.get("target")}


def attempt() -> dict[str, Any]:
    if "attempt" not in st.session_state:
        st.session_state["attempt"] = _empty_attempt()
    return st.session_state["attempt"]


def profile_dict() -> dict[str, Any] | None:
    return st.session_state.get("profile")


def profile() -> Profile:
    return profile_from_dict(profile_dict())


def _leave_pages_folder_fallback(page_file: str | None) -> None:
    """Run pages through app.py's st.navigation, also on a server's very first request.

    Streamlit treats an app with a ``pages/`` folder as an old-style multipage app until some
    session has called ``st.navigation`` (a process-wide flag): a first visitor who opens /quiz or
    a share link gets the page run on its own, with a navigation of file names. On a session's
    first run (nothing typed or clicked yet, so nothing is lost) we clear the flag and switch to
    the same page with the same query parameters, which goes through app.py. See
    streamlit/streamlit#10276 on this mix of a pages folder and st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    first_run = "_page_runs" not in st.session_state
    st.session_state["_page_runs"] = True
    if first_run and page_file and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        page = Path(page_file).resolve().relative_to(Path(__file__).resolve().parent.parent)
        st.switch_page(str(page), query_params=st.query_params.to_dict())


def sync_with_url(page_file: str | None = None) -> None:
    """Start of every page: load the attempt named in the URL (after a refresh) and keep the URL
    naming ours. ``page_file`` is the page's ``__file__``."""
    _leave_pages_folder_fallback(page_file)
    att = attempt()
    token = st.query_params.get(TOKEN_PARAM)
    if token and token != att["token"]:
        s = store()
        rec = None
        if s is not None:
            try:
                if outbox().pending(_outbox_db(), token):  # its writes first (e.g. after a restart)
                    outbox().flush(_outbox_db(), s, token=token, timeout=5)
                rec = s.load_attempt(token)
            except StoreUnavailable as exc:
                warn_store(str(exc))
        if rec is not None:
            st.session_state["attempt"] = {
                "token": rec.token,
                "config": rec.config.get("quiz"),
                "previous": list(rec.config.get("previous", [])),
                "target": rec.config.get("target"),
                "answers": [{"item_id": a.item_id, "domain": a.domain, "response": a.response,
                             "correct": a.correct, "seconds": a.seconds} for a in rec.answers],
            }
            st.session_state["profile"] = rec.profile or None
            st.session_state.pop("feedback_for", None)
            st.session_state.pop("seen_before", None)
        elif s is not None and not outbox().pending(_outbox_db(), token):
            st.session_state["bad_token"] = True
            del st.query_params[TOKEN_PARAM]
    elif att["token"] and not token:
        st.query_params[TOKEN_PARAM] = att["token"]


# --- the outbox: no write lost while the database is down (storage/outbox.py) -------------
def _outbox_db() -> str:
    return url_key(database_url(secrets_mapping()))


def _write(fn_name: str, token: str, *args: Any, **kwargs: Any) -> None:
    """Write to the database now or, when it cannot be reached (or this attempt's earlier
    writes still wait), keep the write in the outbox on this server's disk; the outbox writes
    it, in order and exactly once, when the database is back."""
    box, db = outbox(), _outbox_db()
    s = store()
    if s is not None and not box.pending(db, token):
        try:
            s.apply(fn_name, token, args, kwargs)
        except StoreUnavailable as exc:
            warn_store(str(exc))
        else:
            st.session_state.pop("store_warning", None)
            return
    box.add(db, token, fn_name, args, kwargs)


def _persist(fn_name: str, *args: Any, **kwargs: Any) -> None:
    att = attempt()
    if att["token"]:
        _write(fn_name, att["token"], *args, **kwargs)


def _ensure_token() -> None:
    """The attempt's token, chosen here so that it can go into the URL (and its writes into the
    outbox) even while the database is down."""
    att = attempt()
    if att["token"]:
        return
    att["token"] = new_token()
    _write("create_attempt", att["token"], profile_dict() or {}, _config_blob(att))
    st.query_params[TOKEN_PARAM] = att["token"]


def save_profile(data: dict[str, Any]) -> None:
    st.session_state["profile"] = data
    _ensure_token()
    _persist("update_profile", data)


def start_quiz(config: QuizConfig) -> None:
    att = attempt()
    att["config"] = config.to_dict()
    if config.mode == "quick" and config.cert:
        att["target"] = config.cert  # the results will be about the exam just checked
    st.session_state.pop("feedback_for", None)
    st.session_state.pop("shown", None)
    _ensure_token()
    _persist("update_config", _config_blob(att))


def end_quiz() -> None:
    att = attempt()
    if att["config"]:
        att["config"] = {**att["config"], "ended": True}
        _persist("update_config", _config_blob(att))


def chosen_target() -> str | None:
    """The certification the user last chose (a quick check or a pick on Results), if any."""
    return attempt().get("target")


def set_target(cert_id: str) -> None:
    att = attempt()
    if att.get("target") != cert_id:
        att["target"] = cert_id
        _ensure_token()
        _persist("update_config", _config_blob(att))


def new_attempt() -> None:
    """Start afresh, keeping a link to the attempts before (for the before/after radar)."""
    old = attempt()
    previous = old["previous"] + ([old["token"]] if old["token"] else [])
    st.session_state["attempt"] = {**_empty_attempt(), "previous": previous, "target": old.get("target")}
    st.session_state.pop("feedback_for", None)
    st.session_state.pop("seen_before", None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]


def quiz_config() -> QuizConfig | None:
    cfg = attempt()["config"]
    return QuizConfig.from_dict(cfg) if cfg else None


def quiz_ended() -> bool:
    return bool((attempt()["config"] or {}).get("ended"))


@functools.lru_cache(maxsize=4)
def _cat_items(folder: str, calibration: str = "") -> list:
    """The engine's view of the bank (item parameters: calibrated where the calibration file has
    enough answers for them, else panel or tag), once per bank folder and calibration file."""
    return cat_items(_load_bank(folder).items)


def session_for(config: QuizConfig, keep: bool = True):
    """The adaptive session for the current quiz, with this attempt's answers in its domains.
    ``keep=False`` builds a throwaway one (the setup form's length estimate) without replacing the
    session kept for the quiz in progress."""
    b = bank()
    prof = profile()
    domains = set(config.domains)
    answers = [(a["item_id"], bool(a["correct"])) for a in attempt()["answers"]
               if a["domain"] in domains and a["item_id"] in b.by_id]
    if "seen_before" not in st.session_state:
        st.session_state["seen_before"] = seen_before()
    target = next((c for c in prof.certs if catalogue().get(c).active), None)
    # Reuse this browser session's engine while only new answers came in (the usual rerun).
    key = (repr(config), repr(prof), target, len(st.session_state["seen_before"]))
    cached = st.session_state.get("_session")
    if keep and cached is not None and cached[0] == key and answers[:len(cached[1].answers)] == cached[1].answers:
        session = cached[1]
        for item_id, correct in answers[len(session.answers):]:
            session.record(item_id, correct)
        return session
    items = _cat_items(str(bank_dir()), str(calibration_path()))
    session = build_session(config, items, prof, answers, st.session_state["seen_before"],
                            target_cert=target)
    if keep:
        st.session_state["_session"] = (key, session)
    return session


def record_answer(item: QuestionBase, response: Any, correct: bool, seconds: float | None) -> None:
    att = attempt()
    att["answers"].append({"item_id": item.id, "domain": item.domain, "response": response,
                           "correct": correct, "seconds": seconds})
    _persist("record_answer", item.id, item.domain, response, correct, seconds,
             answer_id=pysecrets.token_hex(16))  # written exactly once, however often retried


def save_estimates(estimates: dict) -> None:
    """Keep the estimates with the attempt (for the before/after radar), once per new answer.
    The answers themselves are written as they are given; estimates can always be recomputed."""
    att = attempt()
    n = len(att["answers"])
    if not att["token"] or att.get("estimates_saved_at") == n:
        return
    _persist("save_estimates", {d: {"theta": e.theta, "se": e.se, "n": e.n} for d, e in estimates.items()})
    att["estimates_saved_at"] = n


def answered_pairs() -> list[tuple[QuestionBase, bool]]:
    b = bank()
    return [(b.by_id[a["item_id"]], bool(a["correct"])) for a in attempt()["answers"]
            if a["item_id"] in b.by_id]


def current_estimates() -> dict:
    return estimate_domains(answered_pairs(), profile())


def current_missed() -> dict[str, list[str]]:
    return missed_subtopics(answered_pairs())


def seen_before() -> set[str]:
    """Items answered in this browser's earlier attempts (preferred less in selection)."""
    prev = attempt()["previous"]
    s = store()
    if not prev or s is None:
        return set()
    try:
        return {a.item_id for rec in s.attempts(prev) for a in rec.answers}
    except StoreUnavailable:
        return set()


def mark_shown(item_id: str) -> None:
    shown = st.session_state.setdefault("shown", {})
    shown.setdefault(item_id, time.time())


def seconds_since_shown(item_id: str) -> float | None:
    t = st.session_state.get("shown", {}).get(item_id)
    return round(time.time() - t, 1) if t else None


def new_seed() -> int:
    return pysecrets.randbelow(2**31)
