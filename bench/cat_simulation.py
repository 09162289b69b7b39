"""How well does the adaptive engine measure, and how often is its certification verdict right?

Simulated examinees with known abilities answer from the 2PL model (the engine's own item
parameters, so the model is right by construction: these figures are what the engine can do, not
what a real bank of uncalibrated items gives). Seeds are fixed: the run is repeatable.

1. **Precision and exposure**, one domain at a time (θ ~ N(0, 1)), on a synthetic bank (30 items
   per domain, a ~ lognormal with median 1.2, b ~ N(0, 1)) and on the real bank's parameters (the
   blind panel's difficulties), for three item selectors: maximum information randomised among the
   top 3 (*uncontrolled*), the same with Sympson–Hetter exposure control (*exposure-controlled*,
   the engine's default once ``scoring/data/exposure.json`` exists), and a random order. RMSE and
   bias of θ after 5, 10 and 15 items; mean items to reach SE < 0.5; the share of the bank used and
   the most-used item's rate in the first 10 items; the number of distinct difficulties.
2. **Certification verdicts in a quick check**: examinees whose domain abilities correlate at
   about 0.5 take the real quick check (the engine's stop rules, the exam's question style, at most
   30 questions) for several certifications; their true pass status follows the verdict model's
   own definition (at the required level in domains carrying PASS_BAR of the blueprint). Reported:
   the share that gets a verdict (ready / probably ready / not ready yet), the share of those
   verdicts that is right, and the questions asked.

    .venv/bin/python bench/cat_simulation.py [--examinees 300] [--markdown docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_section  # noqa: E402
from questions import load_bank  # noqa: E402
from scoring.cat import AdaptiveSession, cat_items  # noqa: E402
from scoring.certs import catalogue  # noqa: E402
from scoring.exposure import exposure_parameters  # noqa: E402
from scoring.irt import level_to_theta  # noqa: E402
from scoring.quiz import build_session, plan  # noqa: E402
from scoring.readiness import Profile  # noqa: E402
from scoring.selection import CatItem, RandomesqueMaxInfo, RandomOrder, SympsonHetter  # noqa: E402
from scoring.stopping import StopRule  # noqa: E402
from scoring.verdict import PASS_BAR, Outcome, cert_verdict  # noqa: E402

CERTS = ["aws_aif_c01", "gcp_pmle", "aws_mla", "azure_ai_103", "databricks_ml_associate", "nvidia_nca_genl"]
SE_TARGET = 0.5


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


def selector(name: str, k: dict[str, float]):
    return {"uncontrolled": RandomesqueMaxInfo(), "exposure-controlled": SympsonHetter(k=k),
            "random": RandomOrder()}[name]


def one_domain(args: tuple) -> dict:
    """Fixed-length runs of 15 items in one domain; the step at which SE first drops below 0.5."""
    pool, sel_name, k, n, seed = args
    sel = selector(sel_name, k)
    domain = pool[0].domain
    rng = np.random.default_rng(seed)
    errs: dict[int, list[float]] = {5: [], 10: [], 15: []}
    to_target, used = [], Counter()
    for j, theta in enumerate(rng.normal(0, 1, n)):
        s = AdaptiveSession(pool, [domain], stop=StopRule(1, len(pool), 0.0, False), selector=sel,
                            seed=seed * 100_003 + j)
        hit = None
        for step in range(1, min(len(pool), 25) + 1):
            it = s.next_item()
            s.record(it.id, answer(rng, it, theta))
            if step <= 10:
                used[it.id] += 1
            est = s.estimate(domain)
            if step in errs:
                errs[step].append(est.theta - theta)
            if hit is None and est.se < SE_TARGET:
                hit = step
            if step >= 15 and hit is not None:
                break
        to_target.append(hit if hit is not None else float("nan"))
    return {"errs": errs, "to_target": to_target, "used": used, "n": n, "size": len(pool)}


def precision(items: list[CatItem], domains: list[str], sel_name: str, k: dict[str, float], n: int,
              workers: int) -> dict:
    """Pooled over domains: RMSE/bias, items to SE < 0.5, bank use and the worst exposure."""
    pools = [[it for it in items if it.domain == d] for d in domains]
    args = [(pool, sel_name, k, n, 1 + i) for i, pool in enumerate(pools) if len(pool) >= 15]
    with ProcessPoolExecutor(max_workers=workers) as ex:
        res = list(ex.map(one_domain, args))
    out: dict = {}
    for step in (5, 10, 15):
        e = np.concatenate([r["errs"][step] for r in res])
        out[f"rmse@{step}"] = float(np.sqrt(np.mean(e ** 2)))
        out[f"bias@{step}"] = float(np.mean(e))
    hits = np.concatenate([r["to_target"] for r in res])
    out["items_to_se"] = float(np.nanmean(hits))
    out["reach_se"] = float(np.mean(~np.isnan(hits)))
    out["bank_used"] = float(np.mean([len(r["used"]) / r["size"] for r in res]))
    out["max_exposure"] = float(max(max(r["used"].values()) / r["n"] for r in res))
    out["max_by_domain"] = {pool[0].domain: max(r["used"].values()) / r["n"]
                            for pool, r in zip((a[0] for a in args), res)}
    out["p95_exposure"] = float(np.percentile([c / r["n"] for r in res for c in r["used"].values()], 95))
    out["distinct_b"] = len({round(it.b, 3) for it in items if it.domain in domains})
    return out


def quick_check(cert_id: str, n: int, seed: int, items: list[CatItem]) -> dict:
    cert = catalogue().get(cert_id)
    w = cert.domain_weights()
    cuts = {d: level_to_theta(r.level) for d, r in cert.required.items()}
    rng = np.random.default_rng(seed)
    outcomes, right, lengths, right_by = Counter(), 0, [], Counter()
    prof = Profile()
    priors = {d: prof.prior(d) for d in cert.required}
    for j in range(n):
        g = rng.normal()  # skills correlate: a general factor plus a domain-specific part (r ≈ 0.5)
        true = {d: 0.7 * g + 0.7 * rng.normal() for d in cert.required}
        passes = sum(w[d] for d in cert.required if true[d] >= cuts[d]) >= PASS_BAR - 1e-9
        s = build_session(plan("quick", cert=cert_id, seed=seed * 7919 + j), items, prof)
        while (it := s.next_item()) is not None:
            s.record(it.id, answer(rng, it, true[it.domain]))
        lengths.append(len(s.answers))
        v = cert_verdict(cert, s.own_estimates(), priors, project=False)
        outcomes[v.outcome] += 1
        if v.decided:
            ok = (v.outcome in (Outcome.READY, Outcome.PROBABLY_READY)) == passes
            right += ok
            right_by[v.outcome] += ok
    decided = n - outcomes[Outcome.NOT_ENOUGH]
    return {"cert": cert.short, "n": n, "decided": decided / n, "right": right / max(1, decided),
            "questions": float(np.mean(lengths)), "outcomes": outcomes, "right_by": right_by}


def _qc(args: tuple) -> dict:
    return quick_check(*args)


def run(examinees: int, workers: int, qc_examinees: int = 300) -> tuple[list, list]:
    bank_items = cat_items(load_bank().items)
    domains = sorted({it.domain for it in bank_items})
    k = exposure_parameters()
    synth = synthetic_bank(domains[:6])
    syn_k = {}  # the synthetic bank has no simulated exposure parameters: fit them here, quickly
    if examinees:
        from scoring.exposure import fit

        syn_k = fit(synth, iterations=8, examinees=300, workers=workers)
    rows = []
    for bank_name, items, kk, doms in (("synthetic (30 per domain, 6 domains)", synth, syn_k, domains[:6]),
                                       ("real bank (panel difficulties, 20 domains)", bank_items, k, domains)):
        for sel_name in ("uncontrolled", "exposure-controlled", "random"):
            t0 = time.perf_counter()
            rows.append((bank_name, sel_name, precision(items, doms, sel_name, kk, examinees, workers)))
            print(f"  {bank_name} / {sel_name}: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as ex:
        certs = list(ex.map(_qc, [(c, qc_examinees, 2 + i, bank_items) for i, c in enumerate(CERTS)]))
    print(f"  quick checks: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return rows, certs


def tables(rows, certs) -> str:
    head = ("| bank | selection | RMSE@5 | RMSE@10 | RMSE@15 | bias@10 | items to SE<0.5 | reach SE<0.5 "
            "| bank used (10 items) | max exposure | 95th pct exposure | distinct b |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for bank, sel, r in rows:
        lines.append(f"| {bank} | {sel} | {r['rmse@5']:.2f} | {r['rmse@10']:.2f} | {r['rmse@15']:.2f} "
                     f"| {r['bias@10']:+.2f} | {r['items_to_se']:.1f} | {100 * r['reach_se']:.0f}% "
                     f"| {100 * r['bank_used']:.0f}% | {100 * r['max_exposure']:.0f}% "
                     f"| {100 * r['p95_exposure']:.0f}% | {r['distinct_b']} |")
    lines += ["", "| quick check for | examinees | got a verdict | verdicts right | questions asked "
                  "| ready / probably / not yet / not enough |", "|---|---|---|---|---|---|"]
    for c in certs:
        o = c["outcomes"]
        lines.append(f"| {c['cert']} | {c['n']} | {100 * c['decided']:.0f}% | {100 * c['right']:.1f}% "
                     f"| {c['questions']:.1f} | {o[Outcome.READY]} / {o[Outcome.PROBABLY_READY]} / "
                     f"{o[Outcome.NOT_YET]} / {o[Outcome.NOT_ENOUGH]} |")
    n = sum(c["n"] for c in certs)
    dec = sum(c["decided"] * c["n"] for c in certs)
    ok = sum(c["right"] * c["decided"] * c["n"] for c in certs)
    lines.append(f"| **all** | {n} | {100 * dec / n:.0f}% | {100 * ok / max(dec, 1):.1f}% "
                 f"| {np.mean([c['questions'] for c in certs]):.1f} | |")
    # Which verdicts are wrong: each outcome's share right, over every certification.
    parts = []
    for o in (Outcome.READY, Outcome.PROBABLY_READY, Outcome.NOT_YET):
        given = sum(c["outcomes"][o] for c in certs)
        good = sum(c["right_by"][o] for c in certs)
        parts.append(f"{o.value} {100 * good / max(1, given):.1f}% of {given}")
    lines += ["", "Verdicts right, by outcome: " + "; ".join(parts) + "."]
    return "\n".join(lines)


def targets(rows, certs) -> list[str]:
    get = {(b.split(" ")[0], s): r for b, s, r in rows}
    out = []
    for bank in ("synthetic", "real"):
        ratio = get[(bank, "uncontrolled")]["items_to_se"] / get[(bank, "random")]["items_to_se"]
        goal = 0.65 if bank == "real" else 0.60
        out.append(f"{bank} bank: items to SE<0.5, adaptive / random = {ratio:.3f} (target ≤ {goal:.2f}) "
                   f"{'MET' if ratio <= goal else 'NOT MET'}")
    real_u, real_x = get[("real", "uncontrolled")], get[("real", "exposure-controlled")]
    d = real_x["rmse@10"] - real_u["rmse@10"]
    ok = real_x["max_exposure"] <= 0.25 and d <= 0.03
    out.append(f"exposure control (real bank): max exposure {100 * real_u['max_exposure']:.0f}% → "
               f"{100 * real_x['max_exposure']:.0f}%, RMSE@10 {real_u['rmse@10']:.2f} → "
               f"{real_x['rmse@10']:.2f} (+{d:.2f}) (target ≤ 25% within +0.03) {'MET' if ok else 'NOT MET'}")
    by = real_x["max_by_domain"]
    over = ", ".join(f"{dom} {100 * v:.0f}%" for dom, v in sorted(by.items(), key=lambda t: -t[1]) if v > 0.25)
    out.append(f"exposure control (real bank), most-used item per domain: {100 * min(by.values()):.0f}–"
               f"{100 * max(by.values()):.0f}%; above 25%: {over or 'none'}")
    n = sum(c["n"] for c in certs)
    dec = sum(c["decided"] * c["n"] for c in certs) / n
    right = sum(c["right"] * c["decided"] * c["n"] for c in certs) / max(1e-9, dec * n)
    out.append(f"certification verdict in a quick check: {100 * dec:.0f}% of examinees get one, "
               f"{100 * right:.1f}% of those are right (target ≥ 80%, ≥ 95%) "
               f"{'MET' if dec >= 0.8 and right >= 0.95 else 'NOT MET'}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examinees", type=int, default=1000,
                    help="per domain (exposure rates need many: an item's rate from 300 examinees is ±0.025)")
    ap.add_argument("--qc-examinees", type=int, default=300, help="per certification in the quick checks")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--markdown", type=Path, help="also write the tables to this file's marked section")
    args = ap.parse_args()
    rows, certs = run(args.examinees, args.workers, args.qc_examinees)
    text = tables(rows, certs) + "\n\n" + "\n".join(f"- {t}" for t in targets(rows, certs))
    print(text)
    if args.markdown:
        write_section(args.markdown, "cat_simulation", text)


if __name__ == "__main__":
    main()
