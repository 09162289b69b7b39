"""The certification catalogue (``data/certifications.yaml``) and study resources (``data/study.yaml``).

Every number in the catalogue is a ``Fact`` naming its source, and every source carries the date it
was read (a fact read on another day says so itself). Domain weights are derived from the
blueprint: each section's weight is split evenly over the domains it draws on; the prerequisite
domains (required, but in no section) get PREREQUISITE_SHARE_EACH each (at most
PREREQUISITE_MAX_SHARE together) and the sections share the rest.

Staying current: ``python -m scoring.certs check [--days N]`` lists the facts read more than N days
ago and the entries whose status could have changed (announced retirements, beta exams, new
versions), so an editor knows what to re-read.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.domains import DATA_DIR, taxonomy

#: Share of a certification's weight given to each prerequisite skill it assumes (math, Python…),
#: up to PREREQUISITE_MAX_SHARE in all.
PREREQUISITE_SHARE_EACH = 0.05
PREREQUISITE_MAX_SHARE = 0.15
#: An active certification whose entry was not re-checked for this many days is out of date (a test
#: fails); ``check`` lists facts older than its --days (default 180).
RECHECK_WITHIN_DAYS = 365
STALE_FACT_DAYS = 180

Platform = Literal["gcp", "aws", "azure", "databricks", "none"]
ItemType = Literal["single_choice", "multiple_response", "numeric", "code_output"]
ITEM_TYPES: tuple[str, ...] = ("single_choice", "multiple_response", "numeric", "code_output")
Focus = Literal["deep_learning", "classical", "both"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_M):
    value: int | float | str
    source: str
    approx: bool = False
    low: float | None = None
    high: float | None = None
    #: A qualifier shown after the value, e.g. "50 scored" for a question count.
    note: str = ""
    #: When this value was read, if not on its source's read date (e.g. kept from an older reading).
    read_on: dt.date | None = None

    @property
    def numeric(self) -> float:
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        if isinstance(self.value, (int, float)):
            return float(self.value)
        raise ValueError(f"{self.value!r} is not numeric")

    @property
    def is_numeric(self) -> bool:
        return (self.low is not None and self.high is not None) or isinstance(self.value, (int, float))

    def display(self) -> str:
        v = self.value
        text = f"{v:g}" if isinstance(v, float) else str(v)
        if self.note:
            text += f" ({self.note})"
        return f"≈ {text}" if self.approx else text


class Section(_M):
    name: str
    weight: Fact
    domains: list[str] = Field(min_length=1)


class Requirement(_M):
    level: int = Field(ge=1, le=4)
    why: str = Field(min_length=10)


class Source(_M):
    name: str
    url: str | None = None
    #: The day this source was (last) read for the catalogue.
    read_on: dt.date


class Watch(_M):
    """Something announced that may change an entry: a retirement, a new exam version, a beta or
    registration that is not open yet. ``check`` lists it, and flags it once ``due_on`` has passed."""

    kind: Literal["retirement", "new_version", "beta", "registration", "rename"]
    #: When the change is expected (None: not announced). (Not ``on``: YAML reads that as a boolean.)
    due_on: dt.date | None = None
    note: str = Field(min_length=10)
    source: str


class Resource(_M):
    title: str
    url: str


class Experience(_M):
    years: Fact
    text: str


class Format(_M):
    questions: Fact
    minutes: Fact
    price_usd: Fact
    passing: Fact


class ItemStyle(_M):
    """Which question types suit the exam's style, and caps on the share of a quick check each
    type may take (e.g. an exam for people who use AI but do not build it asks no code)."""

    types: list[ItemType] = Field(default_factory=lambda: list(ITEM_TYPES), min_length=1)
    caps: dict[ItemType, float] = Field(default_factory=dict)
    why: str = ""

    @model_validator(mode="after")
    def _caps_for_allowed_types(self) -> "ItemStyle":
        for t, share in self.caps.items():
            if t not in self.types:
                raise ValueError(f"cap for {t!r}, which is not among the allowed types")
            if not 0 < share <= 1:
                raise ValueError(f"cap for {t!r} must be a share in (0, 1]")
        return self


class Certification(_M):
    id: str
    name: str
    short: str
    #: The exam code in force (e.g. "MLA-C02"); an entry keeps its id across exam versions.
    code: str
    vendor: str
    platform: Platform
    focus: Focus
    tier: Literal["foundational", "associate", "specialty", "professional"]
    status: Literal["active", "retired", "closed"]
    retired_on: dt.date | None = None
    #: The certifications that replace it, the main one first (for a retired or closed exam).
    successors: list[str] = Field(default_factory=list)
    #: Ids this entry was known by before (old share links and saved profiles still resolve).
    aliases: list[str] = Field(default_factory=list)
    item_style: ItemStyle = Field(default_factory=ItemStyle)
    #: The day the entry as a whole was last checked against its sources.
    checked_on: dt.date
    #: Announced changes to re-check (see ``check``).
    watch: list[Watch] = Field(default_factory=list)
    notes: str = ""
    #: For a retired or closed certification: what holders can still do.
    holders: str = ""
    format: Format
    validity_years: Fact
    renewal: str
    recommended_experience: Experience
    sections: list[Section] = Field(min_length=1)
    required: dict[str, Requirement]
    sources: dict[str, Source]
    resources: list[Resource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Certification":
        known = set(taxonomy().domain_ids)
        for d in self.required:
            if d not in known:
                raise ValueError(f"{self.id}: unknown domain {d!r} in required")
        for s in self.sections:
            for d in s.domains:
                if d not in self.required:
                    raise ValueError(f"{self.id}: section {s.name!r} draws on {d!r}, which has no required level")
        for fact in self.facts():
            if fact.source not in self.sources:
                raise ValueError(f"{self.id}: a fact names unknown source {fact.source!r}")
        for w in self.watch:
            if w.source not in self.sources:
                raise ValueError(f"{self.id}: a watch names unknown source {w.source!r}")
        if self.status != "active" and self.retired_on is None:
            raise ValueError(f"{self.id}: a {self.status} certification needs retired_on")
        if self.status != "active" and not self.holders:
            raise ValueError(f"{self.id}: say what holders of a {self.status} certification can still do")
        if self.id in self.successors:
            raise ValueError(f"{self.id}: an entry cannot succeed itself")
        return self

    def labelled_facts(self) -> list[tuple[str, Fact]]:
        """Every fact with a short label saying what it is."""
        f = self.format
        return [("questions", f.questions), ("minutes", f.minutes), ("price (USD)", f.price_usd),
                ("passing score", f.passing), ("validity (years)", self.validity_years),
                ("recommended experience (years)", self.recommended_experience.years)] + [
            (f"weight: {s.name}", s.weight) for s in self.sections]

    def facts(self) -> list[Fact]:
        return [fact for _, fact in self.labelled_facts()]

    def read_on(self, fact: Fact) -> dt.date:
        """The day ``fact`` was read: its own date, else its source's."""
        return fact.read_on or self.sources[fact.source].read_on

    @property
    def oldest_read(self) -> dt.date:
        return min(self.read_on(f) for f in self.facts())

    @property
    def expires(self) -> bool:
        """False for credentials that do not expire (the validity is then a phrase, not a number)."""
        return isinstance(self.validity_years.value, (int, float))

    @property
    def successor(self) -> str | None:
        """The main successor, if any."""
        return self.successors[0] if self.successors else None

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def section_domains(self) -> set[str]:
        return {d for s in self.sections for d in s.domains}

    @property
    def prerequisites(self) -> list[str]:
        return [d for d in self.required if d not in self.section_domains]

    def domain_weights(self) -> dict[str, float]:
        """Weight of each required domain (sums to 1)."""
        total = sum(s.weight.numeric for s in self.sections)
        prereq = self.prerequisites
        prereq_share = min(PREREQUISITE_MAX_SHARE, PREREQUISITE_SHARE_EACH * len(prereq))
        blueprint_share = 1.0 - prereq_share
        w = {d: 0.0 for d in self.required}
        for s in self.sections:
            for d in s.domains:
                w[d] += blueprint_share * s.weight.numeric / total / len(s.domains)
        for d in prereq:
            w[d] += prereq_share / len(prereq)
        return w

    def required_level(self, domain: str) -> int:
        r = self.required.get(domain)
        return r.level if r else 0


class Catalogue(_M):
    read_on: dt.date
    certifications: list[Certification]

    @model_validator(mode="after")
    def _successors_exist(self) -> "Catalogue":
        ids = [c.id for c in self.certifications] + [a for c in self.certifications for a in c.aliases]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate certification ids or aliases")
        for c in self.certifications:
            for s in c.successors:
                if s not in ids:
                    raise ValueError(f"{c.id}: successor {s!r} is not in the catalogue")
        return self

    def ordered(self) -> list[Certification]:
        """Active certifications first, then the retired and closed ones (each in catalogue order)."""
        return [c for c in self.certifications if c.active] + [c for c in self.certifications if not c.active]

    def resolve(self, cert_id: str) -> str | None:
        """The current id for ``cert_id`` (which may be an old alias), or None if unknown."""
        for c in self.certifications:
            if c.id == cert_id or cert_id in c.aliases:
                return c.id
        return None

    def get(self, cert_id: str) -> Certification:
        """The certification by id or by a former id (alias)."""
        for c in self.certifications:
            if c.id == cert_id or cert_id in c.aliases:
                return c
        raise KeyError(cert_id)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.certifications]


class StudyDomain(_M):
    hours_per_level: float = Field(gt=0)
    resources: list[Resource]


class StudyGuide(_M):
    domains: dict[str, StudyDomain]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    raw = yaml.safe_load((DATA_DIR / "certifications.yaml").read_text(encoding="utf-8"))
    return Catalogue.model_validate(raw)


@lru_cache(maxsize=1)
def study_guide() -> StudyGuide:
    raw = yaml.safe_load((DATA_DIR / "study.yaml").read_text(encoding="utf-8"))
    guide = StudyGuide.model_validate(raw)
    missing = set(taxonomy().domain_ids) - set(guide.domains)
    if missing:
        raise ValueError(f"study.yaml lacks domains: {sorted(missing)}")
    return guide


# --- staying current -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaleFact:
    cert: str
    label: str
    source: str
    read_on: dt.date
    age_days: int


@dataclass(frozen=True)
class StatusFlag:
    cert: str
    reason: str
    #: True when a date has passed (or a re-check is overdue): the status may already have changed.
    due: bool


def stale_facts(cat: Catalogue, today: dt.date, days: int = STALE_FACT_DAYS) -> list[StaleFact]:
    """Facts read more than ``days`` days before ``today``, oldest first."""
    out = []
    for c in cat.certifications:
        for label, fact in c.labelled_facts():
            read = c.read_on(fact)
            age = (today - read).days
            if age > days:
                out.append(StaleFact(c.id, label, fact.source, read, age))
    return sorted(out, key=lambda s: (s.read_on, s.cert, s.label))


def status_flags(cat: Catalogue, today: dt.date) -> list[StatusFlag]:
    """Entries whose status could have changed since they were checked: announced retirements, new
    versions, betas and unopened registrations (due once their date has passed), and active entries
    not re-checked within RECHECK_WITHIN_DAYS."""
    out = []
    for c in cat.certifications:
        for w in c.watch:
            when = f" on {w.due_on.isoformat()}" if w.due_on else " (date not announced)"
            due = w.due_on is not None and w.due_on <= today
            out.append(StatusFlag(c.id, f"{w.kind}{when}: {w.note}", due))
        if c.active and (today - c.checked_on).days > RECHECK_WITHIN_DAYS:
            out.append(StatusFlag(c.id, f"not re-checked since {c.checked_on.isoformat()}", True))
    return sorted(out, key=lambda f: (not f.due, f.cert))


def _check(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m scoring.certs check",
                                 description="What in the certification catalogue needs re-reading.")
    ap.add_argument("--days", type=int, default=STALE_FACT_DAYS,
                    help=f"list facts read more than this many days ago (default {STALE_FACT_DAYS})")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                    help="the date to check against (YYYY-MM-DD; default: today)")
    ap.add_argument("--strict", action="store_true",
                    help="exit with status 1 if anything is stale or due")
    args = ap.parse_args(argv)
    cat = catalogue()
    facts = stale_facts(cat, args.today, args.days)
    flags = status_flags(cat, args.today)
    print(f"Catalogue of {len(cat.certifications)} certifications, checked against {args.today.isoformat()}.")
    print(f"\nFacts read more than {args.days} days ago: {len(facts)}")
    for s in facts:
        print(f"  read {s.read_on.isoformat()} ({s.age_days:>4} days)  {s.cert}: {s.label}  [{s.source}]")
    print(f"\nEntries whose status could have changed: {len(flags)}")
    for f in flags:
        print(f"  {'DUE  ' if f.due else 'watch'}  {f.cert}: {f.reason}")
    return 1 if args.strict and (facts or any(f.due for f in flags)) else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "check":
        print("usage: python -m scoring.certs check [--days N] [--today YYYY-MM-DD] [--strict]")
        return 2
    return _check(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
