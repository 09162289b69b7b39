"""Command line: ``python -m questions validate [--run] [--domain D]``, ``python -m questions stats
[--responses [--csv FILE]]`` and ``python -m questions calibrate [--simulate N]``."""
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


def _open_store():
    from storage import Store, StoreUnavailable, database_url

    try:
        return Store(database_url())
    except StoreUnavailable as exc:
        print(f"cannot read answers: {exc}", file=sys.stderr)
        return None


def cmd_response_stats(args: argparse.Namespace, bank) -> int:
    """Item statistics from the stored answers (DATABASE_URL, else the local SQLite file)."""
    import csv

    from scoring.itemstats import COLUMNS, bank_params, fmt, item_statistics

    store = _open_store()
    if store is None:
        return 1
    try:
        rows = store.responses(args.domain)
    finally:
        store.dispose()
    params, domains = bank_params(bank.items)
    stats = item_statistics(rows, params, domains)
    print(f"{len(rows)} answers in {len({r.token for r in rows})} attempts ({store.url})\n")
    head = (f"{'item':<28}{'a':>5}{'b':>6}{'shown':>7}{'facil':>7}{'exp':>6}{'idk':>6}"
            f"{'discr':>7}{'n':>5}{'med s':>7}  flags")
    print(head)
    print("-" * len(head))
    for s in stats:
        if not s.shown and not args.all:
            continue
        print(f"{s.item_id:<28}{s.a:>5.2f}{s.b:>6.2f}{s.shown:>7}{fmt(s.facility):>7}"
              f"{fmt(s.expected_facility):>6}{fmt(s.dont_know_rate):>6}{fmt(s.discrimination):>7}"
              f"{s.discrimination_n:>5}{fmt(s.median_seconds, '.0f'):>7}  {'; '.join(s.flags)}")
    flagged = [s for s in stats if s.flags]
    print(f"\n{sum(1 for s in stats if s.shown)} of {len(stats)} items shown; {len(flagged)} flagged")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
            w.writeheader()
            for s in stats:
                w.writerow(s.row())
        print(f"wrote {args.csv}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.bank, args.domain)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.responses:
        return cmd_response_stats(args, bank)
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
        ratings = panel.read_ratings()
        before = {f"tags at {ref}": panel.tags_at(ref) for ref in args.before or ()}
        text = panel.markdown_report(bank, ratings, before)
        print(text)
        if args.markdown:
            from bench.report import write_section

            write_section(args.markdown, "panel", text)
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


#: Real-bank domains the parameter-recovery simulation runs on by default (a math, a Python, an ML
#: and a platform domain).
SIMULATE_DOMAINS = ["statistics", "python_core", "mlops", "aws_ml"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from scoring import calibration as cal

    if args.domain and not args.simulate:
        print("calibrate covers every domain at once (the correlation needs them all); "
              "--domain is for --simulate", file=sys.stderr)
        return 2
    try:
        bank = load_bank(args.bank, args.domain if not args.simulate else None)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.simulate:
        from scoring.recovery import recover

        domains = args.domain or SIMULATE_DOMAINS
        priors = {d: [cal.item_prior(q) for q in bank.in_domain(d)] for d in domains}
        print(f"Parameter recovery: {args.simulate} simulated examinees per domain answer through "
              f"the adaptive engine in {', '.join(domains)}"
              + (f", {args.random_share:.0%} of items chosen at random" if args.random_share else "")
              + "; calibrated, compared with the true parameters.")
        r = recover(priors, args.simulate, seed=args.seed, random_share=args.random_share)
        print(f"{r.items} items, {r.with_data} with answers ({r.answers_per_item:.0f} each on "
              f"average), {r.used} with n ≥ {cal.MIN_ANSWERS} (their RMSE b {r.rmse_b_used:.2f}, "
              f"a {r.rmse_a_used:.2f}); before calibration RMSE b {r.rmse_b_prior:.2f}, "
              f"a {r.rmse_a_default:.2f}; {r.seconds:.0f} s")
        print(f"b: correlation {r.corr_b:.3f}, RMSE {r.rmse_b:.3f}")
        print(f"a: correlation {r.corr_a:.3f}, RMSE {r.rmse_a:.3f}")
        return 0
    store = _open_store()
    if store is None:
        return 1
    try:
        rows = store.responses()
    finally:
        store.dispose()
    out = args.out or cal.calibration_path()
    previous = cal.Calibration.from_dict(json.loads(out.read_text())) if out.exists() else None
    result = cal.calibrate(rows, bank.items, date=dt.date.today().isoformat(), previous=previous)
    result.write(out)
    used = sum(1 for c in result.items.values() if c.n >= result.min_answers)
    print(f"{result.answers} answers in {result.attempts} attempts: {len(result.items)} items calibrated, "
          f"{used} with n ≥ {result.min_answers} (the engine uses those)")
    for d, link in sorted(result.linking.items()):
        print(f"  {d:<26} linked by {link.method} (A {link.A:.2f}, B {link.B:+.2f}, anchors {link.anchors})")
    if result.rho is not None:
        state = "used" if result.usable_rho is not None else f"not used: fewer than {cal.MIN_RHO_ATTEMPTS} attempts"
        print(f"between-domain correlation {result.rho.rho:.2f} ± {result.rho.se:.2f} "
              f"from {result.rho.n} attempts ({state})")
    else:
        print("between-domain correlation: no attempt answered in two domains")
    print(f"wrote {out}")
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
    s.add_argument("--responses", action="store_true",
                   help="item statistics from the stored answers (DATABASE_URL, else local SQLite)")
    s.add_argument("--csv", type=Path, help="with --responses: also write the table to this CSV file")
    s.add_argument("--all", action="store_true", help="with --responses: list items never shown too")
    c = sub.add_parser("calibrate", help="calibrate 2PL parameters and the between-domain correlation "
                                         "from stored answers; write scoring/data/calibration.json")
    c.add_argument("--out", type=Path, default=None, help="calibration file (default: the engine's)")
    c.add_argument("--simulate", type=int, metavar="N", default=0,
                   help="instead: parameter recovery with N simulated examinees per domain")
    c.add_argument("--random-share", type=float, default=0.0,
                   help="with --simulate: share of items chosen at random instead of adaptively")
    c.add_argument("--seed", type=int, default=1, help="with --simulate: random seed")
    for p in (v, s, c):
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
    pn.add_argument("--before", action="append", help="report: git revisions whose level tags to compare")
    pn.add_argument("--markdown", type=Path, help="report: write it into this file's 'panel' section")
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
            "exposure": cmd_exposure, "calibrate": cmd_calibrate}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
