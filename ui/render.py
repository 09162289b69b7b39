"""Drawing questions. Each question type knows how to grade itself; this module only dispatches on
``item.type`` to draw the right input and read the response back. Bank text is Markdown (our own,
reviewed); user text is only ever shown as plain text or code, never as Markdown or HTML."""
from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from questions import LEVELS, QuestionBase
from scoring.domains import taxonomy
from ui import icons


def shown_choices(item: QuestionBase) -> list:
    """The item's choices in their fixed, shuffled display order (see QuestionBase.shown_choices)."""
    return item.shown_choices()


def _key(item: QuestionBase, suffix: str = "") -> str:
    return f"resp::{item.id}{suffix}"


def question_header(item: QuestionBase, answered: bool = False) -> None:
    """The domain; after the answer also the subtopic and the level. Before it, a subtopic such as
    "Microsoft Foundry" could name the answer, and a level hints at how hard to think."""
    dom = taxonomy().domain(item.domain)
    if not answered:
        st.caption(dom.name)
        return
    st.caption(f"{dom.name} · {dom.subtopics.get(item.subtopic, item.subtopic)} · "
               f"level {item.level} ({LEVELS[item.level]})")


# Code as a keyboard-scrollable block. Code lines run to about 110 characters and scroll sideways
# on a phone; a scrolling region must take keyboard focus to be scrolled without a mouse (axe:
# scrollable-region-focusable), and st.code cannot be given a tabindex. Plain, not
# syntax-coloured: Streamlit's token colours fall under the 4.5:1 contrast small text needs. Only
# bank text (ours, reviewed) comes here, and it is escaped; user text is never drawn as HTML.
_CODE_STYLE = ("margin:0; padding:0.9rem 1rem; border-radius:0.5rem; overflow-x:auto; "
               "white-space:pre; background:rgba(128,128,128,0.14); color:inherit; "
               "font-family:'Source Code Pro',ui-monospace,monospace; font-size:0.875rem; "
               "line-height:1.5")


def code_block(text: str, label: str = "Code") -> None:
    st.html(f'<pre tabindex="0" role="region" aria-label="{html.escape(label)}" '
            f'data-testid="crCode" style="{_CODE_STYLE}"><code>{html.escape(text.rstrip())}</code></pre>')


_FENCE = re.compile(r"^```[^\n`]*\n(.*?)\n```[ \t]*$", re.S | re.M)


def markdown(text: str) -> None:
    """Bank Markdown, with its fenced code blocks drawn by ``code_block`` (plain and keyboard-
    scrollable) instead of Streamlit's highlighted blocks."""
    pos = 0
    for m in _FENCE.finditer(text):
        if text[pos:m.start()].strip():
            st.markdown(text[pos:m.start()])
        code_block(m.group(1))
        pos = m.end()
    if text[pos:].strip():
        st.markdown(text[pos:])


def stem(item: QuestionBase) -> None:
    markdown(item.stem)
    code = getattr(item, "code", None)
    if code:
        code_block(code, "Code of the question")
    if item.instructions:
        st.caption(item.instructions)


def inputs(item: QuestionBase) -> None:
    """Draw the response widgets (inside the caller's form). Nothing is preselected."""
    t = item.type  # type: ignore[attr-defined]
    choices = shown_choices(item)
    # Options are lettered in the order shown: a reference for the user, and a text name for
    # options that are all formula (screen readers and axe get no name from KaTeX's output).
    letters = {c.id: f"{chr(ord('A') + n)}." for n, c in enumerate(choices)}
    if t == "multiple_response":
        for c in choices:
            st.checkbox(f"{letters[c.id]} {c.text}", key=_key(item, f"::{c.id}"))
    elif choices:  # single_choice, or code_output with candidate outputs
        ids = [c.id for c in choices]
        texts = {c.id: c.text for c in choices}
        if t == "code_output":
            st.radio("Output", ids, index=None, key=_key(item),
                     format_func=lambda i: f"{letters[i]} {texts[i]}".replace("\n", " ↵ "),
                     label_visibility="collapsed")
        else:
            st.radio("Answer", ids, index=None, key=_key(item),
                     format_func=lambda i: f"{letters[i]} {texts[i]}", label_visibility="collapsed")
    elif t == "numeric":
        st.text_input("Your answer" + (f" ({item.unit})" if getattr(item, "unit", None) else ""),
                      key=_key(item), placeholder="e.g. 0.25")
    elif t == "code_output":
        st.text_area("Printed output", key=_key(item), height=90,
                     placeholder="Type exactly what the program prints")
    else:  # pragma: no cover - the schema admits only the four types
        st.error(f"Unknown question type {t!r}")


def read_response(item: QuestionBase) -> Any:
    """The response as the item's ``grade`` expects it (see questions/schema.py)."""
    if item.type == "multiple_response":  # type: ignore[attr-defined]
        return [c.id for c in item.choices if st.session_state.get(_key(item, f"::{c.id}"))]  # type: ignore[attr-defined]
    return st.session_state.get(_key(item))


def feedback(item: QuestionBase, response: Any, correct: bool) -> None:
    """Practice-mode feedback and the review: verdict, the key, the explanation, rationales."""
    if response is None:
        st.info("You chose **I don't know**: that is fine, it keeps the estimate honest.")
    elif correct:
        st.success("Correct.")
    else:
        st.error("Not quite.")
        st.markdown("**Your answer:**")
        st.text(item.describe_response(response))
    if not correct:
        st.markdown("**Correct answer:**")
        if item.type == "code_output":  # type: ignore[attr-defined]
            code_block(item.answer_text(), "Printed output")
        else:
            st.markdown(item.answer_text())
    st.markdown("**Why:** " + item.explanation)
    choices = shown_choices(item)
    if choices and any(c.rationale for c in choices):
        picked = set(response) if isinstance(response, list) else {response}
        with st.expander("Each option explained", expanded=not correct):
            for c in choices:
                if c.rationale:
                    mark = icons.KEY if _is_key(item, c.id) else icons.NOT_KEY
                    you = " *(your choice)*" if c.id in picked else ""
                    st.markdown(f"{mark} **{c.text}**{you}: {c.rationale}")
    refs = [str(u) for u in item.references]
    if refs:
        st.markdown("Read more: " + " · ".join(f"[{_host(u)}]({u})" for u in refs))


def _is_key(item: QuestionBase, choice_id: str) -> bool:
    ans = getattr(item, "answer", None)
    if item.type == "code_output":  # type: ignore[attr-defined]
        return choice_id == item.correct_choice_id  # type: ignore[attr-defined]
    return choice_id in ans if isinstance(ans, list) else choice_id == ans


def _host(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc.removeprefix("www.") or url
