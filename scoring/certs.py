"""The certification catalogue (``data/certifications.yaml``) and study resources (``data/study.yaml``).

Every number in the catalogue is a ``Fact`` naming its source. Domain weights are derived from the
blueprint: each section's weight is split evenly over the domains it draws on; the prerequisite
domains (required, but in no section) get PREREQUISITE_SHARE_EACH each (at most
PREREQUISITE_MAX_SHARE together) and the sections share the rest.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.domains import DATA_DIR, taxonomy

#: Share of a certification's weight given to each prerequisite skill it assumes (math, Python…),
#: up to PREREQUISITE_MAX_SHARE in all.
PREREQUISITE_SHARE_EACH = 0.05
PREREQUISITE_MAX_SHARE = 0.15

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

    @property
    def numeric(self) -> float:
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        if isinstance(self.value, (int, float)):
            return float(self.value)
        raise ValueError(f"{self.value!r} is not numeric")

    def display(self) -> str:
        v = self.value
        text = f"{v:g}" if isinstance(v, float) else str(v)
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
    notes: str = ""
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
        if self.status != "active" and self.retired_on is None:
            raise ValueError(f"{self.id}: a {self.status} certification needs retired_on")
        return self

    def facts(self) -> list[Fact]:
        f = self.format
        return [f.questions, f.minutes, f.price_usd, f.passing, self.validity_years,
                self.recommended_experience.years] + [s.weight for s in self.sections]

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
