"""Command line: ``python -m questions validate [--run] [--domain D]`` and ``python -m questions stats``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from questions.loader import BankError, coverage, load_bank
from questions.schema import LEVELS
from scoring.domains import taxonomy

MIN_ITEMS = 40
#: Where the certifications now are, the bank goes deeper.
MIN_ITEMS_FOR = {"generative_ai": 60, "google_cloud_ml": 45, "aws_ml": 45, "azure_ai": 45,
                 "databricks_ml": 45}
MIN_PER_SUBTOPIC = 2
MIN_PER_LEVEL = 8
MIN_NON_GUESSABLE = 1 / 3


def min_items(domain: str) -> int:
    return MIN_ITEMS_FOR.get(domain, MIN_ITEMS)


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.bank, args.domain)
    except BankError as exc:
        print(f"{len(exc.problems)} problem(s) in the question bank:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"OK: {len(bank)} items in {len({q.domain for q in bank.items})} domains")
    from questions.cues import find_cues

    cues = find_cues(bank.items)
    for c in cues:
        print(f"  cue: {c}")
    unrated = [q.id for q in bank.items if q.panel is None]
    if unrated:
        print(f"  {len(unrated)} item(s) not rated by the blind panel yet")
    stale = stale_reviews(bank)
    for item_id, when in stale:
        print(f"  stale: {item_id} last reviewed {when or 'never'}")
    if args.strict and (cues or unrated or stale):
        return 1
    if args.run:
        from questions.checks import check_items

        items = list(bank.items)
        results = check_items(items)
        failed = [r for r in results if not r.ok]
        for r in failed:
            print(f"  FAILED {r.item_id}: {r.detail}", file=sys.stderr)
        print(f"checks: {len(results) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0
    return 0


def stale_reviews(bank) -> list[tuple[str, object]]:
    """Platform items whose vendor facts were last checked more than a year before BANK_DATE."""
    from questions.schema import BANK_DATE, REVIEW_MAX_AGE_DAYS

    platforms = {d.id for d in taxonomy().in_area("platforms")}
    return [(q.id, q.reviewed_on) for q in bank.items if q.domain in platforms
            and (q.reviewed_on is None or (BANK_DATE - q.reviewed_on).days > REVIEW_MAX_AGE_DAYS)]


def flags_for(cov: dict, domain: str = "") -> list[str]:
    flags = []
    if cov["total"] < min_items(domain):
        flags.append(f"{cov['total']} items (< {min_items(domain)})")
    for lvl, n in cov["levels"].items():
        if n < MIN_PER_LEVEL:
            flags.append(f"level {lvl}: {n} (< {MIN_PER_LEVEL})")
    thin = [s for s, n in cov["subtopics"].items() if n < MIN_PER_SUBTOPIC]
    if thin:
        flags.append(f"subtopics under {MIN_PER_SUBTOPIC}: {', '.join(thin)}")
    if cov["total"] and cov["non_guessable"] / cov["total"] < MIN_NON_GUESSABLE:
        flags.append(f"non-guessable {cov['non_guessable']}/{cov['total']} (< 1/3)")
    return flags


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.bank, args.domain)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    covs = coverage(bank)
    types = ("single_choice", "multiple_response", "numeric", "code_output")
    head = (f"{'domain':<26}{'items':>6} " + " ".join(f"L{l}".rjust(4) for l in LEVELS)
            + "  " + " ".join(t[:6].rjust(7) for t in types) + "  nonguess  refs")
    print(head)
    print("-" * len(head))
    any_flag = False
    for d in taxonomy().domains:
        if args.domain and d.id not in args.domain:
            continue
        c = covs[d.id]
        print(f"{d.id:<26}{c['total']:>6} " + " ".join(f"{c['levels'][l]:>4}" for l in LEVELS)
              + "  " + " ".join(f"{c['types'].get(t, 0):>7}" for t in types)
              + f"  {c['non_guessable']:>8}  {c['with_reference']:>4}")
        if args.subtopics:
            for s, n in c["subtopics"].items():
                print(f"    {s:<30}{n:>4}")
        for f in flags_for(c, d.id):
            any_flag = True
            print(f"    ! {f}")
    print(f"\n{len(bank)} items in all")
    return 1 if (any_flag and args.strict) else 0


def cmd_panel(args: argparse.Namespace) -> int:
    """The blind panel's workflow (see questions/panel.py and AUTHORING.md)."""
    from questions import panel

    bank = load_bank(args.bank)
    if args.action == "batches":
        items = list(bank.items)
        if args.ids:
            wanted = set(Path(args.ids).read_text().split())
            items = [q for q in items if q.id in wanted]
        elif args.unrated:
            items = [q for q in items if q.panel is None]
        batches = panel.make_batches(items, args.passes, args.size, args.seed, args.round)
        panel.write_batches(batches, args.dir)
        print(f"{len(batches)} batches of {len(items)} items × {args.passes} passes in {args.dir}")
    elif args.action == "collect":
        got = panel.collect(args.dir, args.round)
        old = [r for r in panel.read_ratings() if r.round != args.round or
               r.item_id not in {g.item_id for g in got}]
        panel.write_ratings(old + got)
        print(f"{len(got)} ratings of round {args.round} kept in {panel.RATINGS_FILE}")
    elif args.action == "apply":
        panels = {i: r for i, r in panel.current_panels(panel.read_ratings()).items()
                  if i in bank.by_id and i not in panel.disagreements({i: r})}
        changed = panel.apply_panels(panels, args.bank)
        moved = {i: ov for i, ov in changed.items() if ov[0] != ov[1]}
        print(f"panels written for {len(changed)} items; {len(moved)} changed level")
    elif args.action == "report":
        panels = {i: r for i, r in panel.current_panels(panel.read_ratings()).items() if i in bank.by_id}
        print(panel.agreement(panels))
        for i, r in sorted(panel.disagreements(panels).items()):
            print(f"  disagree: {i} {r}")
    return 0


def cmd_exposure(args: argparse.Namespace) -> int:
    """Sympson–Hetter exposure parameters by simulation (scoring/exposure.py)."""
    from scoring import exposure
    from scoring.cat import cat_items

    items = cat_items(load_bank(args.bank).items)
    if args.domain:
        items = [it for it in items if it.domain in args.domain]
    k = exposure.fit(items, args.ceiling, args.iterations, args.examinees, args.workers)
    capped = sum(v < 1 for v in k.values())
    print(f"{len(k)} items, {capped} with k < 1 (ceiling {args.ceiling})")
    if args.write:
        if args.domain:  # keep the other domains' parameters
            k = {**exposure.exposure_parameters(), **k}
        exposure.EXPOSURE_FILE.write_text(exposure.to_json(k, args.ceiling, args.iterations, args.examinees))
        print(f"written to {exposure.EXPOSURE_FILE}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m questions")
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="check every file; exit 1 listing each problem")
    v.add_argument("--run", action="store_true", help="also run code items and numeric checks")
    v.add_argument("--strict", action="store_true",
                   help="exit 1 on cues, items without a panel, or platform items not reviewed for a year")
    s = sub.add_parser("stats", help="items per domain, level, type and subtopic; flags gaps")
    s.add_argument("--subtopics", action="store_true", help="list counts per subtopic")
    s.add_argument("--strict", action="store_true", help="exit 1 when any domain is flagged")
    for p in (v, s):
        p.add_argument("--bank", type=Path, default=None, help="folder of YAML files")
        p.add_argument("--domain", action="append", help="limit to a domain (repeatable)")
    pn = sub.add_parser("panel", help="the blind difficulty panel: batches, collect, apply, report")
    pn.add_argument("action", choices=["batches", "collect", "apply", "report"])
    pn.add_argument("--dir", type=Path, default=Path("panel-work"), help="where batches and ratings live")
    pn.add_argument("--round", default="r1", help="name of the rating round")
    pn.add_argument("--passes", type=int, default=3, help="independent ratings per item")
    pn.add_argument("--size", type=int, default=80, help="items per batch")
    pn.add_argument("--seed", type=int, default=2026)
    pn.add_argument("--ids", help="a file of item ids to rate (default: every item)")
    pn.add_argument("--unrated", action="store_true", help="only items without a panel")
    pn.add_argument("--bank", type=Path, default=None, help="folder of YAML files")
    ex = sub.add_parser("exposure", help="Sympson–Hetter exposure parameters by simulation")
    ex.add_argument("--ceiling", type=float, default=None, help="target exposure (default scoring.exposure.CEILING)")
    ex.add_argument("--iterations", type=int, default=12)
    ex.add_argument("--examinees", type=int, default=500)
    ex.add_argument("--workers", type=int, default=2)
    ex.add_argument("--write", action="store_true", help="write scoring/data/exposure.json")
    ex.add_argument("--domain", action="append")
    ex.add_argument("--bank", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.cmd == "exposure" and args.ceiling is None:
        from scoring.exposure import CEILING

        args.ceiling = CEILING
    return {"validate": cmd_validate, "stats": cmd_stats, "panel": cmd_panel,
            "exposure": cmd_exposure}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
