"""The flows that matter, in a real Chromium against a real `streamlit run` server.

`make test` makes sure a Chromium is there; without one these tests fail with a clear message
rather than skip."""
from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, chromium, settle, streamlit_server

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]


def close_dropdown(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)


def pick_in_multiselect(page, text: str) -> None:
    """Type into the page's first multiselect and take the first match, as a person would: once
    the match is listed, and until its chip shows (a keystroke that lands during a rerun is lost)."""
    box = page.locator('[data-testid="stMultiSelect"]').first
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.wait_for(timeout=10_000)
    page.keyboard.press("Enter")
    box.locator("[data-tag]", has_text=text).first.wait_for(timeout=10_000)
    close_dropdown(page)


def fill_profile(page, server: str) -> None:
    page.goto(server)
    settle(page)
    page.locator('[data-testid="stRadio"]').first.wait_for()
    page.get_by_label("Years of experience in ML or data work").fill("3")
    page.locator('[data-testid="stRadio"]').first.get_by_text("AWS", exact=True).click()
    pick_in_multiselect(page, "AWS ML Engineer")
    page.get_by_role("button", name="Save profile and choose a quiz").click()
    settle(page)
    page.wait_for_url(re.compile(r"/quiz\?a="))
    no_exception(page)


def start_area_quiz(page, area: str = "Math") -> None:
    page.get_by_text("Area quiz", exact=True).click()
    settle(page)
    page.get_by_role("button", name=area, exact=True).click()
    settle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    settle(page)
    no_exception(page)


def answer_then_open_results(page, server, area: str, answers: int) -> None:
    """A new user: profile, an area quiz with a few answers, then the Results page."""
    fill_profile(page, server)
    start_area_quiz(page, area)
    for i in range(answers):
        answer_somehow(page, i)
    page.goto(page.url.replace("/quiz", "/results"))
    settle(page)


def progress_text(page) -> str:
    return page.locator('[data-testid="stProgress"]').inner_text()


def answer_somehow(page, i: int) -> None:
    """Answer the question on screen like a person: pick an option, type a number, or pass."""
    radios = page.locator('[data-testid="stForm"] [role="radiogroup"] label')
    if radios.count() and i % 3 == 0:
        radios.first.click()
        page.get_by_role("button", name="Submit answer").click()
    else:
        page.get_by_role("button", name="I don't know").click()
    settle(page)
    no_exception(page)


def user_levels(page) -> list:
    """The user's level trace from the Plotly figure on the page."""
    page.wait_for_function("() => { const f = document.querySelector('.js-plotly-plot'); return f && f.data; }",
                           timeout=30_000)
    return page.evaluate("""() => {
        const fig = document.querySelector('.js-plotly-plot');
        const t = fig.data.find(d => d.name === 'Your level');
        return t ? [t.theta.map(s => s.replace('<br>', ' ')), t.r] : null;
    }""")


CERT_TRACES_JS = """() => { const f = document.querySelector('.js-plotly-plot');
    return f && f.data ? Array.from(f.data).map(d => d.name).filter(n => n && n.endsWith('requires')) : null; }"""


def cert_traces(page, expect: int) -> list[str]:
    """The certification overlays on the radar, once there are `expect` of them (or after 30 s)."""
    try:
        page.wait_for_function(f"() => {{ const t = ({CERT_TRACES_JS})(); return t && t.length === {expect}; }}",
                               timeout=30_000)
    except playwright_api.TimeoutError:
        pass
    return page.evaluate(CERT_TRACES_JS) or []


def test_profile_quiz_results_radar(page, server):
    fill_profile(page, server)
    start_area_quiz(page, "Math")
    for i in range(6):
        answer_somehow(page, i)
    page.get_by_role("button", name="Stop here and see results").click()
    settle(page)
    page.get_by_role("link", name="See your results and gaps").click()
    settle(page)
    page.wait_for_url(re.compile(r"/results"))
    no_exception(page)
    theta, r = user_levels(page)
    drawn = {t: x for t, x in zip(theta, r) if x is not None}
    assert drawn and all(0 <= x <= 4 for x in drawn.values())
    assert set(drawn) <= {"Linear algebra", "Calculus", "Probability", "Statistics"}
    # Domains not assessed have no point at all (null breaks the line), never a zero.
    missing = [t for t, x in zip(theta, r) if x is None]
    assert missing and all(t.endswith("*") for t in missing)
    assert page.get_by_text("Readiness ranking").count() + page.get_by_text("Not enough evidence").count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-flow.png"), full_page=True)


def test_two_certifications_overlay_on_the_radar(page, server):
    answer_then_open_results(page, server, "Platforms", 4)
    before = cert_traces(page, 1)
    assert len(before) == 1
    pick_in_multiselect(page, "Databricks ML Associate")
    settle(page)
    after = cert_traces(page, 2)
    assert len(after) == 2 and "Databricks ML Associate requires" in after
    no_exception(page)


def test_reload_mid_quiz_keeps_every_answer(page, server):
    fill_profile(page, server)
    start_area_quiz(page, "Python")
    for i in range(3):
        answer_somehow(page, i)
    assert progress_text(page).startswith("Question 4")
    stem = page.locator('[data-testid="stForm"]').inner_text()
    url = page.url
    assert "a=" in url
    page.reload()
    settle(page)
    no_exception(page)
    assert progress_text(page).startswith("Question 4")
    assert page.locator('[data-testid="stForm"]').inner_text() == stem
    # Opening the link later, in another browser context, continues the same attempt too.
    other = page.context.browser.new_context().new_page()
    other.goto(url)
    settle(other)
    assert progress_text(other).startswith("Question 4")
    other.context.close()


def test_share_link_in_a_fresh_browser_shows_the_same_levels(page, server, browser):
    answer_then_open_results(page, server, "Math", 5)
    mine = user_levels(page)
    link = page.locator('[data-testid="stCode"]', has_text="/results?s=").first.inner_text().strip()
    assert link.startswith("http://127.0.0.1") and len(link) < 2000
    fresh = browser.new_context().new_page()
    fresh.goto(link)
    settle(fresh)
    no_exception(fresh)
    assert fresh.get_by_text("Shared CertRadar results").count() == 1
    theirs = user_levels(fresh)
    assert theirs[0] == mine[0]  # the same domains, in the same order
    assert [None if x is None else round(x, 2) for x in theirs[1]] == \
        [None if x is None else round(x, 2) for x in mine[1]]  # 2 decimals in links
    # A damaged link explains itself instead of failing.
    fresh.goto(link[:-5] + "xxxxx")
    settle(fresh)
    no_exception(fresh)
    assert "cannot be opened" in fresh.inner_text("body")
    fresh.context.close()


def test_every_area_and_every_certification_without_an_error(page, server):
    """As a new user would try it: a quiz in each area, then the radar against each certification."""
    from scoring.certs import catalogue

    fill_profile(page, server)
    for n, area in enumerate(["Math", "Python", "Machine learning", "Platforms"]):
        if n:
            page.get_by_role("button", name="Take another quiz").click()
            settle(page)
        start_area_quiz(page, area)
        for i in range(2):
            answer_somehow(page, i)
        page.get_by_role("button", name="Stop here and see results").click()
        settle(page)
        no_exception(page)
        assert page.get_by_text("You stopped the quiz early").count() == 1
    results_url = page.url.replace("/quiz", "/results")
    for cert in catalogue().certifications:
        page.goto(results_url)
        settle(page)
        if f"{cert.short} requires" not in cert_traces(page, 1):
            pick_in_multiselect(page, cert.short)
            settle(page)
        assert f"{cert.short} requires" in cert_traces(page, 2), cert.short
        no_exception(page)


def test_first_request_to_a_fresh_server_is_a_share_link(browser, tmp_path):
    """The first visitor after a (re)start may arrive on a share link, not on the start page:
    the page must come with the app's own navigation and the link's query parameters intact."""
    import datetime as dt

    from sharing import SharedResult, encode

    res = SharedResult(created=dt.date(2026, 11, 1), levels={"statistics": (2.75, 0.4, 7)},
                       profile={"years": 2, "cloud": "aws", "focus": "both", "certs": []})
    token = encode(res, b"browser-test-secret")
    with streamlit_server(tmp_path) as url:
        pg = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
        pg.goto(f"{url}/results?s={token}")
        settle(pg)
        nav = pg.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Certifications" in nav and "certifications" not in nav  # titles, not file names
        assert pg.get_by_text("Shared CertRadar results").count() == 1
        theta, r = user_levels(pg)
        assert dict(zip(theta, r))["Statistics"] == 2.75
        pg.context.close()
