"""The real question bank: valid, covered, and with machine-checked answer keys."""
import re
from collections import defaultdict

import pytest

from questions import load_bank
from questions.__main__ import MIN_NON_GUESSABLE, MIN_PER_LEVEL, MIN_PER_SUBTOPIC, main, min_items
from questions import cues
from questions.__main__ import stale_reviews
from questions.checks import check_items
from questions.loader import coverage
from questions.schema import BANK_DATE, REVIEW_MAX_AGE_DAYS, CodeOutput, Numeric
from scoring.domains import taxonomy

BANK = load_bank()
PLATFORMS = [d.id for d in taxonomy().in_area("platforms")]


def test_validate_command_passes(capsys):
    assert main(["validate"]) == 0
    assert "OK:" in capsys.readouterr().out


@pytest.fixture(scope="module")
def check_results():
    items = [q for q in BANK.items if isinstance(q, (CodeOutput, Numeric))]
    return {r.item_id: r for r in check_items(items, workers=2)}


@pytest.mark.slow
@pytest.mark.parametrize("item_id", [q.id for q in BANK.items if isinstance(q, CodeOutput) and q.runnable])
def test_code_output_key_is_what_the_code_prints(item_id, check_results):
    r = check_results[item_id]
    assert r.ok, r.detail


@pytest.mark.parametrize("item_id", [q.id for q in BANK.items if isinstance(q, Numeric)])
def test_numeric_key_is_recomputed(item_id, check_results):
    q = BANK.by_id[item_id]
    assert q.check, "every numeric item carries a check expression"
    r = check_results[item_id]
    assert r.ok, r.detail


@pytest.mark.parametrize("domain", taxonomy().domain_ids)
def test_domain_coverage(domain):
    c = coverage(BANK)[domain]
    assert c["total"] >= min_items(domain)
    assert all(n >= MIN_PER_LEVEL for n in c["levels"].values()), c["levels"]
    thin = [s for s, n in c["subtopics"].items() if n < MIN_PER_SUBTOPIC]
    assert not thin, f"subtopics with fewer than {MIN_PER_SUBTOPIC} items: {thin}"
    assert c["non_guessable"] / c["total"] >= MIN_NON_GUESSABLE


@pytest.mark.parametrize("domain", PLATFORMS)
def test_platform_items_cite_vendor_documentation(domain):
    missing = [q.id for q in BANK.in_domain(domain) if not q.references]
    assert not missing, f"platform items without a reference URL: {missing}"


def test_references_are_https():
    bad = [(q.id, str(u)) for q in BANK.items for u in q.references if not str(u).startswith("https://")]
    assert not bad


def test_every_choice_explains_itself():
    missing = [(q.id, c.id) for q in BANK.items if q.type in ("single_choice", "multiple_response")
               for c in q.choices if not c.rationale]
    assert not missing, f"choices without a rationale: {missing[:20]}"


def test_dollar_signs_pair_up_as_latex():
    # A lone "$5" would start LaTeX in Streamlit's Markdown and swallow the text after it;
    # money is written "USD 5". Every unescaped $ must have a partner.
    bad = [q.id for q in BANK.items for text in (q.stem, q.explanation)
           if len(re.findall(r"(?<!\\)\$", text)) % 2]
    assert not bad, bad


def _normalise(text: str) -> str:
    text = text.lower()
    text = re.sub(r"\d+(\.\d+)?", "#", text)
    text = re.sub(r"`[^`]*`", "`x`", text)
    text = re.sub(r"\b[a-z_][a-z0-9_]*\s*=", "v=", text)  # variable names in code
    return re.sub(r"\W+", " ", text).strip()


def test_no_near_duplicate_items():
    seen = defaultdict(list)
    for q in BANK.items:
        key = _normalise(q.stem + "\n" + (getattr(q, "code", "") or ""))
        seen[key].append(q.id)
    dups = [ids for ids in seen.values() if len(ids) > 1]
    assert not dups, f"near-duplicate items (same stem after normalising): {dups}"
    # Within a domain, stems sharing almost all their words are near-duplicates too.
    by_domain = defaultdict(list)
    for q in BANK.items:
        by_domain[q.domain].append((q.id, set(_normalise(q.stem + (getattr(q, "code", "") or "")).split())))
    close = []
    for items in by_domain.values():
        for i, (a, wa) in enumerate(items):
            for b, wb in items[i + 1:]:
                if len(wa) > 8 and len(wa & wb) / len(wa | wb) > 0.9:
                    close.append((a, b))
    assert not close, f"near-duplicate items: {close}"


@pytest.mark.parametrize("detector", cues.DETECTORS, ids=lambda d: d.__name__)
def test_no_test_wiseness_cues(detector):
    # A test-wise user picks the longest or only hedged option, eliminates the ones that say
    # "always", and remembers numbers from earlier explanations. See questions/AUTHORING.md.
    found = detector(BANK.items)
    assert not found, "\n".join(str(c) for c in found)


def test_every_item_has_a_blind_panel():
    unrated = [q.id for q in BANK.items if q.panel is None]
    assert not unrated, f"{len(unrated)} items without panel ratings: {unrated[:30]}"


@pytest.mark.parametrize("domain", PLATFORMS)
def test_platform_items_were_reviewed_within_a_year(domain):
    stale = [(i, str(d)) for i, d in stale_reviews(BANK) if i.startswith(domain + "-")]
    assert not stale, f"platform items not reviewed within {REVIEW_MAX_AGE_DAYS} days of {BANK_DATE}: {stale}"


def test_bank_date_is_not_in_the_future():
    import datetime as dt

    assert BANK_DATE <= dt.date.today()


def test_every_code_fence_in_a_stem_is_drawn_as_a_plain_code_block():
    """Stems' fenced code goes through ui.render.code_block (plain, keyboard-scrollable); a fence
    the renderer does not recognise would fall back to Streamlit's highlighted, unfocusable block."""
    from ui.render import _FENCE

    missed = [q.id for q in BANK.items if q.stem.count("```") != 2 * len(_FENCE.findall(q.stem))]
    assert not missed
    assert sum(len(_FENCE.findall(q.stem)) for q in BANK.items) > 0


def test_markdown_splits_text_and_code_in_order(monkeypatch):
    from ui import render

    drawn = []
    monkeypatch.setattr(render.st, "markdown", lambda t: drawn.append(("md", t.strip())))
    monkeypatch.setattr(render, "code_block", lambda t, label="Code": drawn.append(("code", t)))
    render.markdown("Before:\n\n```python\nx = 1\n  y = 2\n```\n\nAfter `z`.")
    assert drawn == [("md", "Before:"), ("code", "x = 1\n  y = 2"), ("md", "After `z`.")]
