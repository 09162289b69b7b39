"""Load the YAML question bank, collecting every problem with its file, item and field."""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questions.schema import QUESTION_ADAPTER, QuestionBase
from scoring.domains import taxonomy

BANK_DIR = Path(__file__).parent / "bank"
#: libyaml's safe loader where installed (about eight times faster than PyYAML's own: see the cold
#: start in docs/benchmarks.md), else PyYAML's own.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bank_dir() -> Path:
    """The bank folder: ``CERTRADAR_BANK_DIR`` when set (tests, previews), else questions/bank."""
    return Path(os.environ.get("CERTRADAR_BANK_DIR") or BANK_DIR)


@dataclass(frozen=True)
class Problem:
    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.item:
            where += f" · item {self.item}"
        if self.field:
            where += f" · field {self.field}"
        return f"{where}: {self.message}"


class BankError(Exception):
    """The bank has problems; ``problems`` lists each with its file, item and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Bank:
    items: tuple[QuestionBase, ...]
    by_id: dict[str, QuestionBase] = field(repr=False)

    def in_domain(self, domain: str) -> tuple[QuestionBase, ...]:
        return tuple(q for q in self.items if q.domain == domain)

    def __len__(self) -> int:
        return len(self.items)


def _field_from_loc(loc: tuple[Any, ...]) -> str:
    # Discriminated unions put the type tag first: ('single_choice', 'choices', 0, 'text').
    parts = list(loc)
    if parts and parts[0] in ("single_choice", "multiple_response", "numeric", "code_output"):
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(item)"


def _item_problems(fname: str, item_id: str | None, exc: ValidationError) -> list[Problem]:
    probs = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        probs.append(Problem(fname, item_id, _field_from_loc(err["loc"]), msg))
    return probs


def load_file(path: Path) -> tuple[list[QuestionBase], list[Problem]]:
    """Parse one bank file. Returns the valid items and the problems found (never raises)."""
    fname = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return [], [Problem(fname, None, None, f"not valid YAML: {line}{exc.problem}")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [Problem(fname, None, None, f"cannot be read: {exc}")]
    if not isinstance(raw, dict):
        return [], [Problem(fname, None, None, "must be a mapping with 'domain' and 'items'")]
    problems: list[Problem] = []
    unknown = set(raw) - {"domain", "items"}
    for key in sorted(unknown):
        problems.append(Problem(fname, None, key, "unknown top-level field"))
    domain = raw.get("domain")
    tax = taxonomy()
    if domain not in tax.domain_ids:
        problems.append(Problem(fname, None, "domain", f"unknown domain {domain!r}"))
        return [], problems
    if path.stem != domain:
        problems.append(Problem(fname, None, "domain", f"file should be named {domain}.yaml"))
    entries = raw.get("items")
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(fname, None, "items", "must be a non-empty list of questions"))
        return [], problems
    subtopics = tax.domain(domain).subtopics
    items: list[QuestionBase] = []
    for idx, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(Problem(fname, f"#{idx + 1}", None, "each item must be a mapping"))
            continue
        item_id = entry.get("id") if isinstance(entry.get("id"), str) else f"#{idx + 1}"
        if "domain" in entry:
            problems.append(Problem(fname, item_id, "domain",
                                    "set once at the top of the file, not per item"))
            continue
        if "type" not in entry:
            problems.append(Problem(fname, item_id, "type",
                                    "missing; one of single_choice, multiple_response, numeric, code_output"))
            continue
        try:
            item = QUESTION_ADAPTER.validate_python({**entry, "domain": domain})
        except ValidationError as exc:
            problems.extend(_item_problems(fname, item_id, exc))
            continue
        if not re.match(rf"^{re.escape(domain)}-\d{{3}}$", item.id):
            problems.append(Problem(fname, item.id, "id", f"must look like {domain}-001"))
        if item.subtopic not in subtopics:
            problems.append(Problem(fname, item.id, "subtopic",
                                    f"unknown subtopic {item.subtopic!r}; one of {', '.join(subtopics)}"))
        items.append(item)
    return items, problems


def load_bank(folder: Path | str | None = None, domains: list[str] | None = None) -> Bank:
    """Load and validate every ``*.yaml`` under ``bank_dir`` (or only ``domains``' files);
    raise BankError listing all problems."""
    folder = Path(folder) if folder else bank_dir()
    files = sorted(p for p in folder.glob("*.yaml") if not domains or p.stem in domains)
    problems: list[Problem] = []
    if not files:
        problems.append(Problem(str(folder), None, None, "no question files (*.yaml) found"))
    items: list[QuestionBase] = []
    where: dict[str, str] = {}
    for path in files:
        file_items, file_problems = load_file(path)
        problems.extend(file_problems)
        for it in file_items:
            if it.id in where:
                problems.append(Problem(path.name, it.id, "id",
                                        f"duplicate id (also in {where[it.id]})"))
                continue
            where[it.id] = path.name
            items.append(it)
    if problems:
        raise BankError(problems)
    return Bank(items=tuple(items), by_id={q.id: q for q in items})


def coverage(bank: Bank) -> dict[str, dict[str, Any]]:
    """Counts per domain: total, per level, per type, per subtopic, non-guessable share."""
    tax = taxonomy()
    out: dict[str, dict[str, Any]] = {}
    for d in tax.domains:
        qs = bank.in_domain(d.id)
        out[d.id] = {
            "total": len(qs),
            "levels": {lvl: sum(q.level == lvl for q in qs) for lvl in (1, 2, 3, 4)},
            "types": dict(Counter(q.type for q in qs)),  # type: ignore[attr-defined]
            "subtopics": {s: sum(q.subtopic == s for q in qs) for s in d.subtopics},
            "non_guessable": sum(not q.guessable for q in qs),
            "with_reference": sum(bool(q.references) for q in qs),
        }
    return out
