"""Accessibility in a real Chromium: axe-core finds no serious or critical violation on any page or
state a user meets, in the light and the dark theme; and a quiz can be taken with the keyboard alone."""
from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, chromium, settle, streamlit_server

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is in requirements-dev.txt")
AXE = axe_api.Axe()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("a11y")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def new_page(browser, scheme: str = "light", width: int = 1300):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    return ctx.new_page()


def serious(page, label: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    settle(page)
    page.wait_for_timeout(400)  # let transitions (tabs, expanders) finish
    found = AXE.run(page).response["violations"]
    out = []
    for v in found:
        if v["impact"] in ("serious", "critical"):
            for n in v["nodes"][:5]:
                out.append(f"{label}: {v['id']} ({v['impact']}) at {n['target']}: "
                           f"{(n.get('failureSummary') or '').splitlines()[-1:]}")
    return out


def click_button(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    settle(page)


def question_kind(page) -> str | None:
    """The type of the question on screen, or None once the quiz has ended."""
    page.locator('[data-testid="stForm"], [data-testid="stButton"]:has-text("Take another quiz")'
                 ).first.wait_for(timeout=30_000)
    form = page.locator('[data-testid="stForm"]')
    if not form.count():
        return None
    if form.locator('[data-testid="stCheckbox"]').count():
        return "multiple_response"
    if form.locator('[data-testid="stTextArea"]').count():
        return "code_output"
    if form.locator('[data-testid="stTextInput"]').count():
        return "numeric"
    return "single_choice"


def start_quiz(page, server: str, area: str, practice: bool = False) -> None:
    page.goto(f"{server}/quiz")
    settle(page)
    page.get_by_text("Area quiz", exact=True).click()
    settle(page)
    click_button(page, area)
    if practice:
        page.get_by_text("Practice", exact=True).click()
        settle(page)
    click_button(page, "Start")
    page.locator('[data-testid="stForm"]').wait_for(timeout=30_000)  # the first question
    settle(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violation_anywhere_a_user_goes(browser, server, scheme):
    page = new_page(browser, scheme)
    problems: list[str] = []
    page.goto(server)
    problems += serious(page, "Start")
    # A chosen certification shows as a chip (filled with the theme's primary colour).
    from tests.test_browser import pick_in_multiselect
    pick_in_multiselect(page, "AWS ML Engineer")
    assert page.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]').count() == 1
    problems += serious(page, "Start, a certification chosen")
    page.goto(f"{server}/quiz")
    problems += serious(page, "Quiz setup")
    # A question of each type: skip with "I don't know" until each has been on screen.
    seen: set[str] = set()
    for area in ("Math", "Python", "Machine learning", "Platforms"):
        if seen >= {"single_choice", "multiple_response", "numeric", "code_output"}:
            break
        start_quiz(page, server, area)
        for _ in range(45):
            kind = question_kind(page)
            if kind is None or seen >= {"single_choice", "multiple_response", "numeric", "code_output"}:
                break
            if kind not in seen:
                seen.add(kind)
                problems += serious(page, f"question ({kind})")
            click_button(page, "I don't know")
        stop = page.get_by_role("button", name="Stop here and see results")
        if stop.count():  # else the quiz already ended by itself
            stop.click()
            settle(page)
        page.get_by_role("button", name="Take another quiz").click()
        settle(page)
    assert seen == {"single_choice", "multiple_response", "numeric", "code_output"}, seen
    # The end-of-quiz review, with an answer opened.
    page.goto(f"{server}/quiz")
    start_quiz(page, server, "Platforms")
    click_button(page, "I don't know")
    page.get_by_role("button", name="Stop here and see results").click()
    settle(page)
    page.locator('[data-testid="stExpander"] summary').first.click()
    problems += serious(page, "review")
    # Practice feedback.
    page.get_by_role("button", name="Take another quiz").click()
    settle(page)
    start_quiz(page, server, "Machine learning", practice=True)
    click_button(page, "I don't know")
    problems += serious(page, "practice feedback")
    # Each tab of Results, and the shared view of its link.
    page.goto(page.url.replace("/quiz", "/results"))
    problems += serious(page, "Results (radar)")
    for tab in ("Ranking", "Gaps and study plan", "More"):
        page.get_by_role("tab", name=tab).click()
        problems += serious(page, f"Results ({tab})")
    link = page.locator('[data-testid="stCode"]', has_text="/results?s=").first.inner_text().strip()
    page.goto(link)
    problems += serious(page, "shared view")
    page.goto(f"{server}/certifications")
    problems += serious(page, "Certifications")
    page.goto(f"{server}/about")
    problems += serious(page, "About")
    page.context.close()
    assert not problems, "\n".join(problems)


def focused(page) -> tuple[str, str]:
    """The focused element's tag (or ARIA role) and its text."""
    return tuple(page.evaluate(
        "() => { const e = document.activeElement; if (!e) return ['', '']; "
        "return [e.getAttribute('role') || e.tagName, "
        "e.innerText || e.getAttribute('aria-label') || e.value || '']; }"))


def tab_to(page, text: str, kind: str = "BUTTON", limit: int = 80) -> None:
    """Press Tab until a ``kind`` element (BUTTON, A, tab…) whose text is ``text`` (icon names
    aside) has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        tag, label = focused(page)
        if tag == kind and text.lower() in (w.strip().lower() for w in label.split("\n")):
            return
    raise AssertionError(f"Tab never reached the {kind} {text!r}; focus is on {focused(page)!r}")


def press(page, key: str) -> None:
    """A key pressed as a person does (held ~80 ms): Streamlit's buttons act on the press, and a
    zero-length press can land its key-up on the next page's widget."""
    page.keyboard.press(key, delay=80)


def tab_until_radio(page, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.type === 'radio'"):
            return
    raise AssertionError("Tab never reached an answer option")


def test_a_keyboard_alone_takes_a_quiz_and_reaches_the_radar(browser, server):
    page = new_page(browser)
    page.goto(f"{server}/quiz")
    settle(page)
    # The default is a quick check for the best-fitting certification: go straight to Start
    # (the button, not the sidebar's "Start" page link).
    tab_to(page, "Start")
    press(page, "Enter")
    page.locator('[data-testid="stForm"]').wait_for(timeout=30_000)
    settle(page)
    answered = 0
    for i in range(4):
        before = page.locator('[data-testid="stProgress"]').inner_text()
        if question_kind(page) == "single_choice" and i % 2 == 0:
            tab_until_radio(page)  # into the form's options
            press(page, "Space")  # choose the focused one
            tab_to(page, "Submit answer")
        else:
            tab_to(page, "I don't know")
        press(page, "Enter")
        page.wait_for_function("(t) => { const p = document.querySelector('[data-testid=\"stProgress\"]');"
                               " return p && p.innerText !== t; }", arg=before, timeout=30_000)
        settle(page)
        answered += 1
    tab_to(page, "Stop here and see results")
    press(page, "Enter")
    settle(page)
    tab_to(page, "See your results and gaps", kind="A")
    press(page, "Enter")
    settle(page)
    page.wait_for_url(re.compile(r"/results"))
    page.wait_for_function("() => { const f = document.querySelector('.js-plotly-plot'); return f && f.data; }",
                           timeout=30_000)
    tab_to(page, "Radar", kind="tab")  # the radar's tab is reachable and selected
    assert page.get_by_role("tab", name="Radar").get_attribute("aria-selected") == "true"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-results.png"), full_page=True)
    page.context.close()
    assert answered == 4
