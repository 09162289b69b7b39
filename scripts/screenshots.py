"""Screenshots of every page, wide and phone width, light and dark theme, for a person to look at.

    .venv/bin/python scripts/screenshots.py            # writes test-artifacts/screens/*.png
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import ARTIFACTS, CHROMIUM_ARGS, find_chromium, settle, streamlit_server  # noqa: E402

SIZES = {"wide": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    settle(page)
    # Streamlit draws a skeleton while an element's code (charts, metrics) is still loading.
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=20_000)
    page.wait_for_timeout(600)
    # Streamlit scrolls inside its main container, so full_page alone stops at the viewport: make
    # the viewport as tall as the content for the shot, then put it back.
    size = page.viewport_size
    tall = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
                         "[data-testid=\"stAppViewContainer\"]')].map(e => e.scrollHeight), 0)")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(tall), 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def walk(page, url: str, tag: str) -> None:
    page.goto(url)
    shoot(page, f"{tag}-1-start")
    page.locator('[data-testid="stRadio"]').first.get_by_text("AWS", exact=True).click()
    page.get_by_role("button", name="Save profile and choose a quiz").click()
    page.wait_for_url("**/quiz?a=*")
    shoot(page, f"{tag}-2-quiz-setup")
    page.get_by_text("Area quiz", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Python", exact=True).click()
    settle(page)
    page.get_by_text("Practice", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    shoot(page, f"{tag}-3-question")
    page.get_by_role("button", name="I don't know").click()
    shoot(page, f"{tag}-4-feedback")
    for _ in range(3):
        page.get_by_role("button", name="Next question").click()
        settle(page)
        page.get_by_role("button", name="I don't know").click()
        settle(page)
    page.goto(page.url.split("?")[0].replace("/quiz", "/results") + "?" + page.url.split("?")[1])
    shoot(page, f"{tag}-5-results")
    for n, tab in enumerate(("Ranking", "Gaps and study plan"), 1):
        page.get_by_role("tab", name=tab).click()
        shoot(page, f"{tag}-5{'ab'[n - 1]}-results-{tab.split()[0].lower()}")
    link = page.locator('[data-testid="stCode"]', has_text="/results?s=").first.inner_text().strip()
    for name, path in (("6-certifications", "/certifications"), ("7-about", "/about")):
        page.goto(url + path)
        shoot(page, f"{tag}-{name}")
    page.goto(link)
    shoot(page, f"{tag}-8-shared")
    page.goto(link[:-6] + "AAAAAA")
    shoot(page, f"{tag}-9-bad-link")


def readme_shot(browser, url: str) -> None:
    """The README's picture: a quick check for one certification, answered like a person would."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="light").new_page()
    page.goto(url)
    settle(page)
    page.locator('[data-testid="stRadio"]').first.get_by_text("AWS", exact=True).click()
    page.get_by_label("Years of experience in ML or data work").fill("2")
    page.get_by_role("button", name="Save profile and choose a quiz").click()
    page.wait_for_url("**/quiz?a=*")
    settle(page)
    page.get_by_text("Quick check for one certification", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    settle(page)
    for i in range(40):
        if page.get_by_role("button", name="I don't know").count() == 0:
            break
        radios = page.locator('[data-testid="stForm"] [role="radiogroup"] label')
        if radios.count() and i % 4 != 3:
            radios.nth(i % radios.count()).click()
            page.get_by_role("button", name="Submit answer").click()
        else:
            page.get_by_role("button", name="I don't know").click()
        settle(page)
    page.goto(page.url.replace("/quiz", "/results"))
    settle(page)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 1000})
    for tab in ("Ranking", "Gaps and study plan", "More"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / f"readme-results-{tab.split()[0].lower()}.png"), full_page=True)
    page.context.close()


if __name__ == "__main__":
    OUT = ARTIFACTS / "screens"
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        readme_shot(browser, url)
        for size, viewport in SIZES.items():
            for scheme in ("light", "dark"):
                ctx = browser.new_context(viewport=viewport, color_scheme=scheme,
                                          is_mobile=size == "phone", device_scale_factor=1)
                walk(ctx.new_page(), url, f"{size}-{scheme}")
                ctx.close()
        browser.close()
    print(f"screenshots in {OUT}")
