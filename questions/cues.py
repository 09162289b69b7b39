"""Test-wiseness cues that can be found mechanically.

A test-wise candidate can answer some items without the knowledge they test: the key is the longest
option, the only hedged one, the only one without an absolute word, or another item's explanation
states the answer. Each detector returns the ids of the items that show the cue, with a reason; the
tests require none, and ``python -m questions validate`` lists them. What a machine cannot judge
(a throwaway distractor, two distractors that are direct opposites) is for the editor and the panel.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from questions.schema import Numeric, QuestionBase, format_number

#: Words that make a claim absolute. A test-wise reader eliminates options that carry them.
ABSOLUTE = re.compile(r"\b(always|never|must|only|all|none|every|guarantees?|impossible|cannot)\b",
                      re.IGNORECASE)
#: Hedges. An option that alone qualifies its claim looks like the careful, correct one.
HEDGE = re.compile(r"\b([Uu]sually|[Oo]ften|[Tt]ypically|[Gg]enerally|[Tt]ends? to|may|[Mm]ight|[Cc]an|"
                   r"[Cc]ould|[Ll]ikely|[Ii]n most cases|[Mm]ostly|[Ss]ometimes|[Rr]oughly)\b")
#   ("may" only in lower case: "May" is also a month.)
#: Inline code and LaTeX are not prose: their words are not cues.
_NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]*\$")

#: Keys may be at most this many times as long as the average distractor.
KEY_LENGTH_RATIO = 1.4


@dataclass(frozen=True)
class Cue:
    item_id: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.item_id}: {self.kind}: {self.detail}"


def _prose(text: str) -> str:
    return _NOT_PROSE.sub(" ", text)


def _single(items: Iterable[QuestionBase]) -> Iterable[QuestionBase]:
    return (q for q in items if q.type == "single_choice")  # type: ignore[attr-defined]


def long_keys(items: Iterable[QuestionBase]) -> list[Cue]:
    """The key is much longer than the average distractor."""
    out = []
    for q in _single(items):
        key = len(q.choice(q.answer).text)  # type: ignore[attr-defined]
        others = [len(c.text) for c in q.choices if c.id != q.answer]  # type: ignore[attr-defined]
        mean = sum(others) / len(others)
        if key > KEY_LENGTH_RATIO * mean:
            out.append(Cue(q.id, "long key", f"key {key} chars, distractors {mean:.0f} on average"))
    return out


def absolute_only_in_distractors(items: Iterable[QuestionBase]) -> list[Cue]:
    """Two or more distractors make absolute claims and the key makes none: eliminate and win."""
    out = []
    for q in _single(items):
        key = q.choice(q.answer)  # type: ignore[attr-defined]
        marked = [c.id for c in q.choices if c.id != q.answer and ABSOLUTE.search(_prose(c.text))]  # type: ignore[attr-defined]
        if len(marked) >= 2 and not ABSOLUTE.search(_prose(key.text)):
            out.append(Cue(q.id, "absolute words only in distractors",
                           f"choices {', '.join(marked)} say always/never/only…, the key does not"))
    return out


def only_hedged_key(items: Iterable[QuestionBase]) -> list[Cue]:
    """The key is the one option that hedges (usually, can, may…) among three or more."""
    out = []
    for q in _single(items):
        if len(q.choices) < 3:  # type: ignore[attr-defined]
            continue
        hedged = [c.id for c in q.choices if HEDGE.search(_prose(c.text))]  # type: ignore[attr-defined]
        if hedged == [q.answer]:  # type: ignore[attr-defined]
            out.append(Cue(q.id, "only the key hedges", "the key alone says usually/can/may…"))
    return out


def _distinctive_number(x: float) -> str | None:
    """A number specific enough that seeing it in another item's text gives that item away."""
    text = format_number(x)
    digits = re.sub(r"[^0-9]", "", text).lstrip("0")
    if len(digits) < 3 or len(set(digits)) < 2:
        return None  # 0, 1, 2, 10, 100, 0.5 … are everywhere
    return text


def explanation_gives_away(items: Iterable[QuestionBase]) -> list[Cue]:
    """An item's explanation (or stem) states another same-domain item's numeric answer or its key
    text, so a user who sees the first item in practice mode gets the second for free."""
    items = list(items)
    out = []
    by_domain: dict[str, list[QuestionBase]] = {}
    for q in items:
        by_domain.setdefault(q.domain, []).append(q)
    for qs in by_domain.values():
        secrets: list[tuple[QuestionBase, re.Pattern[str], str]] = []
        for q in qs:
            if isinstance(q, Numeric):
                num = _distinctive_number(q.answer)
                if num:
                    secrets.append((q, re.compile(rf"(?<![\d.]){re.escape(num)}(?![\d])"), num))
            elif q.type == "single_choice":  # type: ignore[attr-defined]
                key = q.choice(q.answer).text.strip()  # type: ignore[attr-defined]
                if len(key) >= 40:
                    secrets.append((q, re.compile(re.escape(key), re.IGNORECASE), key[:40] + "…"))
        for other in qs:
            text = other.explanation + "\n" + other.stem
            for q, pat, shown in secrets:
                if q.id != other.id and pat.search(text):
                    out.append(Cue(q.id, "answer stated elsewhere",
                                   f"{other.id} states this item's answer ({shown})"))
    return out


DETECTORS = (long_keys, absolute_only_in_distractors, only_hedged_key, explanation_gives_away)


def find_cues(items: Iterable[QuestionBase]) -> list[Cue]:
    items = list(items)
    return [c for detect in DETECTORS for c in detect(items)]
