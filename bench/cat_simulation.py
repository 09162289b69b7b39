"""How much does the adaptive engine save? Simulated examinees with known abilities answer from the
2PL model; the adaptive engine and a random order of the same items are compared on

- RMSE and bias of θ after 5, 10 and 15 items,
- mean items to reach SE < 0.5 (and the share that ever does),
- readiness verdicts in a quick check for one certification (overall, and within 0.5 of the cut),
  with the questions such a check takes,
- exposure: the share of the bank ever used, and the most-used item's rate.

Banks: a synthetic one (30 items per domain, a ~ lognormal with median 1.2, b ~ N(0, 1)) and the
real bank's parameters (from level tags until calibrated). Seeds are fixed: the run is repeatable.

    .venv/bin/python bench/cat_simulation.py [--examinees 400] [--markdown docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_section  # noqa: E402
from questions import load_bank  # noqa: E402
from scoring.cat import AdaptiveSession, cat_items  # noqa: E402
from scoring.certs import catalogue  # noqa: E402
from scoring.irt import level_to_theta  # noqa: E402
from scoring.quiz import QUICK_CHECK_BUDGET, STOP_RULES  # noqa: E402
from scoring.stopping import Verdict, verdict  # noqa: E402
from scoring.selection import CatItem, RandomesqueMaxInfo, RandomOrder  # noqa: E402
from scoring.stopping import StopRule  # noqa: E402

CERT = "gcp_pmle"
SELECTORS = {"adaptive": RandomesqueMaxInfo(), "random": RandomOrder()}


def synthetic_bank(domains: list[str], per_domain: int = 30, seed: int = 11) -> list[CatItem]:
    rng = np.random.default_rng(seed)
    items = []
    for d in domains:
        a = np.exp(rng.normal(math.log(1.2), 0.3, per_domain))
        b = rng.normal(0.0, 1.0, per_domain)
        items += [CatItem(f"{d}-{i:03d}", d, f"s{i % 6}", float(a[i]), float(b[i])) for i in range(per_domain)]
    return items


def answer(rng: np.random.Generator, item: CatItem, theta: float) -> bool:
    return bool(rng.random() < 1.0 / (1.0 + math.exp(-item.a * (theta - item.b))))


def single_domain(items: list[CatItem], domain: str, selector, n: int, seed: int) -> dict:
    """Fixed-length runs of 15 items (no stopping) and runs until SE < 0.5."""
    rng = np.random.default_rng(seed)
    thetas = rng.normal(0, 1, n)
    errs = {5: [], 10: [], 15: []}
    to_target, reached, used = [], 0, Counter()
    pool = [it for it in items if it.domain == domain]
    for k, theta in enumerate(thetas):
        s = AdaptiveSession(pool, [domain], stop=StopRule(min_items=1, max_items=len(pool), se_target=0.0,
                                                          use_verdict=False),
                            selector=selector, seed=seed * 100003 + k)
        hit = None
        for step in range(1, len(pool) + 1):
            it = s.next_item()
            s.record(it.id, answer(rng, it, theta))
            used[it.id] += 1 if step <= 10 else 0
            est = s.estimate(domain)
            if step in errs:
                errs[step].append(est.theta - theta)
            if hit is None and est.se < 0.5:
                hit = step
            if step >= 15 and hit is not None:
                break
        if hit is not None:
            reached += 1
            to_target.append(hit)
    out = {f"rmse@{k}": float(np.sqrt(np.mean(np.square(v)))) for k, v in errs.items()}
    out.update({f"bias@{k}": float(np.mean(v)) for k, v in errs.items()})
    out["items_to_se0.5"] = float(np.mean(to_target)) if to_target else float("nan")
    out["reach_se0.5"] = reached / n
    out["bank_used"] = len(used) / len(pool)
    out["max_exposure"] = max(used.values()) / n if used else 0.0
    return out


def quick_check(items: list[CatItem], selector, n: int, seed: int) -> dict:
    cert = catalogue().get(CERT)
    domains = list(cert.required)
    cuts = {d: level_to_theta(r.level) for d, r in cert.required.items()}
    weights = {d: 0.5 + w * len(domains) for d, w in cert.domain_weights().items()}
    rng = np.random.default_rng(seed)
    correct = near_correct = near_total = total = settled = settled_ok = 0
    lengths = []
    for k in range(n):
        # Skills correlate: a general factor plus a domain-specific part (r ≈ 0.5).
        g = rng.normal()
        true = {d: 0.7 * g + 0.7 * rng.normal() for d in domains}
        s = AdaptiveSession(items, domains, stop=STOP_RULES["quick"], cuts=cuts, weights=weights,
                            selector=selector, seed=seed * 7919 + k, max_total=QUICK_CHECK_BUDGET)
        while (it := s.next_item()) is not None:
            s.record(it.id, answer(rng, it, true[it.domain]))
        lengths.append(len(s.answers))
        for d in domains:
            est = s.estimate(d)
            ok = (est.theta >= cuts[d]) == (true[d] >= cuts[d])
            correct += ok
            v = verdict(est, cuts[d])
            if v in (Verdict.READY, Verdict.NOT_YET):
                settled += 1
                settled_ok += (v is Verdict.READY) == (true[d] >= cuts[d])
            total += 1
            if abs(true[d] - cuts[d]) <= 0.5:
                near_correct += ok
                near_total += 1
    return {"verdict_accuracy": settled_ok / max(1, settled), "settled_share": settled / total,
            "best_guess_accuracy": correct / total,
            "near_cut_accuracy": near_correct / max(1, near_total),
            "questions": float(np.mean(lengths)), "domains": len(domains)}


def run(examinees: int) -> list[tuple[str, str, dict, dict]]:
    cert = catalogue().get(CERT)
    domains = list(cert.required)
    banks = {"synthetic (30 per domain)": synthetic_bank(domains),
             "real bank (level-derived parameters)": cat_items(load_bank().items)}
    rows = []
    for bank_name, items in banks.items():
        dom = "mlops"
        for sel_name, sel in SELECTORS.items():
            t0 = time.perf_counter()
            one = single_domain(items, dom, sel, examinees, seed=1)
            qc = quick_check(items, sel, max(100, examinees // 2), seed=2)
            rows.append((bank_name, sel_name, one, qc))
            print(f"  {bank_name} / {sel_name}: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return rows


def table(rows) -> str:
    head = ("| bank | order | RMSE@5 | RMSE@10 | RMSE@15 | bias@10 | items to SE<0.5 | reach SE<0.5 "
            "| quick check: verdicts given | verdicts correct | best guess correct (all) "
            "| best guess within 0.5 of cut | questions per quick check "
            "| bank used (10 items) | max exposure |")
    lines = [head, "|" + "---|" * head.count("|")[:-1] if False else "|" + "---|" * (head.count("|") - 1)]
    for bank, sel, one, qc in rows:
        lines.append(
            f"| {bank} | {sel} | {one['rmse@5']:.2f} | {one['rmse@10']:.2f} | {one['rmse@15']:.2f} "
            f"| {one['bias@10']:+.2f} | {one['items_to_se0.5']:.1f} | {100 * one['reach_se0.5']:.0f}% "
            f"| {100 * qc['settled_share']:.0f}% | {100 * qc['verdict_accuracy']:.1f}% "
            f"| {100 * qc['best_guess_accuracy']:.1f}% | {100 * qc['near_cut_accuracy']:.1f}% "
            f"| {qc['questions']:.1f} ({qc['domains']} domains) | {100 * one['bank_used']:.0f}% "
            f"| {100 * one['max_exposure']:.0f}% |")
    return "\n".join(lines)


def targets(rows) -> list[str]:
    syn = {sel: (one, qc) for bank, sel, one, qc in rows if bank.startswith("synthetic")}
    ad, rnd = syn["adaptive"], syn["random"]
    ratio = ad[0]["items_to_se0.5"] / rnd[0]["items_to_se0.5"]
    return [
        f"items to SE<0.5, adaptive / random: {ratio:.2f} (target ≤ 0.60) "
        f"{'MET' if ratio <= 0.6 else 'NOT MET'}",
        f"RMSE after 10 items, adaptive: {ad[0]['rmse@10']:.2f} (target ≤ 0.45) "
        f"{'MET' if ad[0]['rmse@10'] <= 0.45 else 'NOT MET'}",
        f"quick-check verdicts (ready / not yet) correct: {100 * ad[1]['verdict_accuracy']:.1f}% in "
        f"{ad[1]['questions']:.1f} questions (target ≥ 90% in ≤ 30) "
        f"{'MET' if ad[1]['verdict_accuracy'] >= 0.9 and ad[1]['questions'] <= 30 else 'NOT MET'}; "
        f"{100 * ad[1]['settled_share']:.0f}% of domains got a verdict, the rest 'not sure yet' "
        f"(best guess there included, {100 * ad[1]['best_guess_accuracy']:.1f}% of all domains right)",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examinees", type=int, default=1000)
    ap.add_argument("--markdown", type=Path, help="also write the table to this file's marked section")
    args = ap.parse_args()
    rows = run(args.examinees)
    tab = table(rows)
    print(tab)
    print()
    for t in targets(rows):
        print(t)
    if args.markdown:
        write_section(args.markdown, "cat_simulation",
                      tab + "\n\n" + "\n".join(f"- {t}" for t in targets(rows)))


if __name__ == "__main__":
    main()
