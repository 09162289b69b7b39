"""The blind difficulty panel: batches for raters, and their ratings written back to the bank.

``python -m questions panel batches`` writes Markdown batches that show each item as a candidate
sees it, plus its key, under a random code: no id, no level tag, no explanation, no other rating.
Items are shuffled across domains and levels, and each of the ``passes`` puts every item in a
different batch, so that three raters who each rate one batch rate every item independently.
The code → item map is written apart, for ``apply``.

``python -m questions panel apply RATINGS.csv`` writes each item's ratings into its bank file as
``panel: [...]`` and sets its level tag to the rounded panel mean (text edits: the files' layout
and comments are kept). The ratings file keeps every rating with its rater, round and note: the
panel's data stays with the bank (``questions/panel/ratings.csv``).
"""
from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from questions.loader import Bank, bank_dir
from questions.schema import (MAX_PANEL_SPREAD, MIN_PANEL, PANEL_MAX, PANEL_MIN, CodeOutput,
                              MultipleResponse, Numeric, QuestionBase, SingleChoice, format_number,
                              panel_level)
from scoring.domains import taxonomy

RATINGS_FILE = Path(__file__).parent / "panel" / "ratings.csv"
FIELDS = ("item_id", "round", "rater", "rating", "note")
TYPE_NAMES = {"single_choice": "single choice", "multiple_response": "multiple response (select all that apply)",
              "numeric": "numeric entry", "code_output": "what does this code print?"}


@dataclass(frozen=True)
class Rating:
    item_id: str
    round: str
    rater: str
    rating: float
    note: str = ""


def as_candidate_sees_it(item: QuestionBase, code: str) -> str:
    """One item for a rater: what a candidate sees, and the key. Never its id, level or explanation."""
    dom = taxonomy().domain(item.domain)
    # The candidate sees the domain, not the subtopic (which could name the answer).
    lines = [f"### Item {code}", "", f"*{dom.name} · {TYPE_NAMES[item.type]}*", "",  # type: ignore[attr-defined]
             item.stem.strip(), ""]
    if isinstance(item, CodeOutput):
        lines += ["```python", item.code.rstrip(), "```", ""]
    choices = item.shown_choices()
    letter = {c.id: chr(ord("A") + n) for n, c in enumerate(choices)}
    if choices:
        lines += ["Options:"] + [f"- **{letter[c.id]}.** {c.text.strip()}" for c in choices] + [""]
    if isinstance(item, SingleChoice):
        key = f"**{letter[item.answer]}**"
    elif isinstance(item, MultipleResponse):
        key = ", ".join(f"**{letter[a]}**" for a in sorted(item.answer, key=lambda a: letter[a])) + \
            " (only this exact set counts)"
    elif isinstance(item, Numeric):
        unit = f" {item.unit}" if item.unit else ""
        key = f"**{format_number(item.answer)}{unit}** (accepted within ±{format_number(item.tolerance)})"
    elif isinstance(item, CodeOutput) and item.choices:
        key = f"**{letter[item.correct_choice_id]}**"  # type: ignore[index]
    else:
        key = "the candidate types the printed output:\n\n```\n" + item.answer.rstrip() + "\n```"
    lines += [f"Key: {key}", ""]
    return "\n".join(lines)


def make_batches(items: Sequence[QuestionBase], passes: int, size: int, seed: int,
                 prefix: str) -> list[tuple[str, list[tuple[str, QuestionBase]]]]:
    """``passes`` shuffles of ``items``, cut into batches of about ``size``; every item gets a fresh
    random code in each batch it appears in. Returns [(batch name, [(code, item)])]."""
    rng = random.Random(seed)
    used: set[str] = set()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

    def code() -> str:
        while True:
            c = "".join(rng.choice(alphabet) for _ in range(5))
            if c not in used:
                used.add(c)
                return c

    out = []
    for p in range(passes):
        order = list(items)
        rng.shuffle(order)
        n = max(1, round(len(order) / size))
        for b in range(n):
            chunk = order[b::n]
            out.append((f"{prefix}-p{p + 1}-b{b + 1:02d}", [(code(), it) for it in chunk]))
    return out


def write_batches(batches, out: Path) -> None:
    (out / "batches").mkdir(parents=True, exist_ok=True)
    (out / "keys").mkdir(parents=True, exist_ok=True)
    for name, entries in batches:
        text = [f"# Rating batch {name}: {len(entries)} items", ""]
        text += [as_candidate_sees_it(it, c) for c, it in entries]
        (out / "batches" / f"{name}.md").write_text("\n".join(text), encoding="utf-8")
        (out / "keys" / f"{name}.json").write_text(json.dumps({c: it.id for c, it in entries}, indent=1))


def read_ratings(path: Path = RATINGS_FILE) -> list[Rating]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [Rating(r["item_id"], r["round"], r["rater"], float(r["rating"]), r.get("note", ""))
                for r in csv.DictReader(f)]


def write_ratings(ratings: Iterable[Rating], path: Path = RATINGS_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(ratings, key=lambda r: (r.item_id, r.round, r.rater))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([r.item_id, r.round, r.rater, f"{r.rating:g}", r.note])


def collect(batch_dir: Path, round_name: str) -> list[Rating]:
    """Ratings returned by raters as ``ratings/<batch>.json`` ({code: {rating, note}}), mapped back
    to item ids through ``keys/<batch>.json``; the rater is named after the batch."""
    out = []
    for keyfile in sorted((batch_dir / "keys").glob("*.json")):
        name = keyfile.stem
        rfile = batch_dir / "ratings" / f"{name}.json"
        if not rfile.exists():
            continue
        codes = json.loads(keyfile.read_text())
        got = json.loads(rfile.read_text())
        for code, item_id in codes.items():
            r = got.get(code)
            if r is None:
                continue
            value = float(r["rating"] if isinstance(r, dict) else r)
            if not PANEL_MIN <= value <= PANEL_MAX:
                raise ValueError(f"{name}: rating {value} for {code} outside {PANEL_MIN}–{PANEL_MAX}")
            note = (r.get("note") or "").strip().replace("\n", " ") if isinstance(r, dict) else ""
            out.append(Rating(item_id, round_name, name, value, note))
    return out


def current_panels(ratings: Iterable[Rating]) -> dict[str, list[float]]:
    """Each item's panel: the ratings of its latest round (a rewritten item is rated afresh)."""
    by_item: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in ratings:
        by_item[r.item_id][r.round].append(r.rating)
    return {i: rounds[max(rounds)] for i, rounds in by_item.items()}


_ITEM_START = re.compile(r"^  - id: (\S+)\s*$", re.M)


def apply_panels(panels: dict[str, list[float]], folder: Path | None = None) -> dict[str, tuple[int, int]]:
    """Write ``panel: [...]`` and the implied level into the bank files, by text edits.
    Returns {item id: (old level, new level)} for the items written."""
    folder = folder or bank_dir()
    changed: dict[str, tuple[int, int]] = {}
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        starts = [(m.start(), m.group(1)) for m in _ITEM_START.finditer(text)]
        if not starts:
            continue
        pieces = [text[:starts[0][0]]]
        for n, (pos, item_id) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
            block = text[pos:end]
            ratings = panels.get(item_id)
            if ratings and len(ratings) >= MIN_PANEL:
                mean = sum(ratings) / len(ratings)
                old = int(re.search(r"^    level: (\d)\s*$", block, re.M).group(1))  # type: ignore[union-attr]
                new = panel_level(mean)
                block = re.sub(r"^    level: \d\s*$", f"    level: {new}", block, count=1, flags=re.M)
                block = re.sub(r"^    panel: \[.*\]\s*\n", "", block, flags=re.M)
                line = "    panel: [" + ", ".join(f"{r:g}" for r in ratings) + "]\n"
                block = re.sub(r"(^    level: \d\n)", r"\1" + line.replace("\\", "\\\\"), block, count=1, flags=re.M)
                changed[item_id] = (old, new)
            pieces.append(block)
        path.write_text("".join(pieces), encoding="utf-8")
    return changed


def disagreements(panels: dict[str, list[float]]) -> dict[str, list[float]]:
    return {i: r for i, r in panels.items() if max(r) - min(r) >= MAX_PANEL_SPREAD}


def agreement(panels: dict[str, list[float]]) -> dict[str, float]:
    """Agreement figures: the one-way random-effects ICC(1) and ICC(1,k) over items with k ratings
    (k = the most common panel size), the mean spread, and the share within one level."""
    import numpy as np

    ks = [len(r) for r in panels.values()]
    if not ks:
        return {}
    k = max(set(ks), key=ks.count)
    x = np.array([r[:k] for r in panels.values() if len(r) >= k])
    n = len(x)
    grand = x.mean()
    msb = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msw = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (n * (k - 1))
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icck = (msb - msw) / msb
    spread = x.max(axis=1) - x.min(axis=1)
    return {"items": n, "raters_per_item": k, "icc1": float(icc1), "icc1k": float(icck),
            "mean_spread": float(spread.mean()), "within_one_level": float((spread <= 1.0).mean())}


def level_table(bank: Bank, levels: dict[str, int] | None = None) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for q in bank.items:
        lvl = (levels or {}).get(q.id, q.level)
        out.setdefault(q.domain, {1: 0, 2: 0, 3: 0, 4: 0})[lvl] += 1
    return out


def tags_at(ref: str, folder: str = "questions/bank") -> dict[str, int]:
    """Level tags of the bank as it was at git revision ``ref`` (for the before/after report)."""
    import subprocess

    import yaml

    names = subprocess.run(["git", "ls-tree", "--name-only", f"{ref}:{folder}"], capture_output=True,
                           text=True, check=True).stdout.split()
    out: dict[str, int] = {}
    for name in names:
        if not name.endswith(".yaml"):
            continue
        raw = yaml.safe_load(subprocess.run(["git", "show", f"{ref}:{folder}/{name}"], capture_output=True,
                                            text=True, check=True).stdout)
        for it in raw.get("items", []):
            out[it["id"]] = int(it["level"])
    return out


def markdown_report(bank: Bank, ratings: list[Rating], before: dict[str, dict[str, int]]) -> str:
    """Agreement, and the level distribution per domain before (each named set of tags) and after."""
    panels = {i: r for i, r in current_panels(ratings).items() if i in bank.by_id}
    ag = agreement(panels)
    now = {q.id: q.level for q in bank.items}
    lines = [f"- Items rated: {len(panels)} of {len(bank)}; ratings kept: {len(ratings)} "
             f"({ag.get('raters_per_item', 0)} independent raters per item).",
             f"- Agreement: ICC(1) {ag.get('icc1', float('nan')):.2f} for one rater, ICC(1,k) "
             f"{ag.get('icc1k', float('nan')):.2f} for the panel's mean; mean spread "
             f"{ag.get('mean_spread', float('nan')):.2f} of a level; "
             f"{100 * ag.get('within_one_level', 0):.0f}% of items rated within one level.",
             f"- Spread of {MAX_PANEL_SPREAD:g} levels or more (rewrite and re-rate, or drop): "
             f"{len(disagreements(panels))} items.", ""]
    for name, tags in before.items():
        common = [i for i in tags if i in now and i in panels]
        down = sum(now[i] < tags[i] for i in common)
        up = sum(now[i] > tags[i] for i in common)
        lines.append(f"- From {name} to the panel: {len(common)} items compared, {down} moved down "
                     f"({100 * down / max(1, len(common)):.0f}%), {up} up ({100 * up / max(1, len(common)):.0f}%), "
                     f"{len(common) - down - up} unchanged.")
    lines += ["", "| domain | " + " | ".join(f"{n} (L1/L2/L3/L4)" for n in before) + " | panel (L1/L2/L3/L4) | items |",
              "|---|" + "---|" * (len(before) + 2)]
    for d in taxonomy().domains:
        cells = []
        for tags in before.values():
            c = [sum(1 for i, lv in tags.items() if i.startswith(d.id + "-") and lv == L) for L in (1, 2, 3, 4)]
            cells.append("/".join(map(str, c)))
        qs = bank.in_domain(d.id)
        c = [sum(q.level == L for q in qs) for L in (1, 2, 3, 4)]
        lines.append(f"| {d.id} | " + " | ".join(cells) + f" | {'/'.join(map(str, c))} | {len(qs)} |")
    distinct = len({round(q.panel_mean, 3) for q in bank.items if q.panel_mean is not None})
    lines += ["", f"Distinct difficulties (panel means): {distinct}."]
    return "\n".join(lines)
