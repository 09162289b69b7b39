"""The skill taxonomy (areas, domains, subtopics), read once from ``data/domains.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Domain:
    id: str
    area: str
    name: str
    description: str
    subtopics: dict[str, str]  # subtopic id -> human name


@dataclass(frozen=True)
class Taxonomy:
    areas: tuple[Area, ...]
    domains: tuple[Domain, ...]

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.domains)

    def in_area(self, area_id: str) -> tuple[Domain, ...]:
        return tuple(d for d in self.domains if d.area == area_id)

    def area(self, area_id: str) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    raw = yaml.safe_load((DATA_DIR / "domains.yaml").read_text(encoding="utf-8"))
    areas = tuple(Area(**a) for a in raw["areas"])
    domains = tuple(
        Domain(id=d["id"], area=d["area"], name=d["name"], description=d["description"],
               subtopics=dict(d["subtopics"]))
        for d in raw["domains"]
    )
    area_ids = {a.id for a in areas}
    for d in domains:
        if d.area not in area_ids:
            raise ValueError(f"domains.yaml: domain {d.id!r} names unknown area {d.area!r}")
    return Taxonomy(areas=areas, domains=domains)
