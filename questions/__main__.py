"""Command line: ``python -m questions validate [--run] [--domain D]`` and ``python -m questions stats``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from questions.loader import BankError, coverage, load_bank
from questions.schema import LEVELS
from scoring.domains import taxonomy

MIN_ITEMS = 30
MIN_PER_SUBTOPIC = 2
MIN_PER_LEVEL = 5
MIN_NON_GUESSABLE = 1 / 3


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.bank, args.domain)
    except BankError as exc:
        print(f"{len(exc.problems)} problem(s) in the question bank:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"OK: {len(bank)} items in {len({q.domain for q in bank.items})} domains")
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


def flags_for(cov: dict) -> list[str]:
    flags = []
    if cov["total"] < MIN_ITEMS:
        flags.append(f"{cov['total']} items (< {MIN_ITEMS})")
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
        for f in flags_for(c):
            any_flag = True
            print(f"    ! {f}")
    print(f"\n{len(bank)} items in all")
    return 1 if (any_flag and args.strict) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m questions")
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="check every file; exit 1 listing each problem")
    v.add_argument("--run", action="store_true", help="also run code items and numeric checks")
    s = sub.add_parser("stats", help="items per domain, level, type and subtopic; flags gaps")
    s.add_argument("--subtopics", action="store_true", help="list counts per subtopic")
    s.add_argument("--strict", action="store_true", help="exit 1 when any domain is flagged")
    for p in (v, s):
        p.add_argument("--bank", type=Path, default=None, help="folder of YAML files")
        p.add_argument("--domain", action="append", help="limit to a domain (repeatable)")
    args = parser.parse_args(argv)
    return {"validate": cmd_validate, "stats": cmd_stats}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
