"""Does calibration from stored answers work? Parameter recovery and the estimated correlation.

1. **Recovery**: simulated examinees (θ ~ N(0, 1)) take one domain's adaptive test through the
   real engine (area-quiz and full-profile stop rules, alternately), answering from true parameters
   that differ from the engine's prior ones by the prior's own error (tag: SD 0.75, panel: SD 0.5;
   true a lognormal around 1.2, SD 0.3 on log a). Each domain is calibrated (``scoring.calibration``)
   and the recovered parameters of *every* item (those never given keep their prior) are compared
   with the truth, at 200, 500 and 2,000 examinees per domain, on four real domains' item sets;
   and at 500 with 10% of the items chosen at random (range restriction). Also: how far the
   calibrated b and a are from the truth by the number of answers an item had (the minimum n).
2. **Between-domain correlation**: full profiles over five synthetic domains with a true
   correlation; ρ estimated from them; then new examinees who answered four domains start the
   fifth from a prior moved by the others' answers, with ρ = 0.5 (today) or the estimate.

    .venv/bin/python bench/calibration.py [--quick] [--markdown docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_section  # noqa: E402
from questions import load_bank  # noqa: E402
from scoring.calibration import MIN_ANSWERS, PANEL_SD, ItemPrior, item_prior  # noqa: E402
from scoring.recovery import (AFTER_ITEMS, TRUE_LOG_A_SD, rho_gain, score, simulate_and_fit,  # noqa: E402
                              synthetic_domains)

DOMAINS = ["statistics", "python_core", "mlops", "aws_ml"]
SIZES = (200, 500, 2000)
N_BINS = ((1, 50), (50, 100), (100, 200), (200, 10**9))


def scenarios() -> dict[str, dict[str, list[ItemPrior]]]:
    bank = load_bank()
    today = {d: [item_prior(q) for q in bank.in_domain(d)] for d in DOMAINS}
    panel = {d: [ItemPrior(p.id, p.domain, p.b, PANEL_SD) for p in ps] for d, ps in today.items()}
    rated = sum(1 for ps in today.values() for p in ps if p.b_sd == PANEL_SD)
    total = sum(len(ps) for ps in today.values())
    out = {f"today's priors ({rated}/{total} items rated by the panel)": today}
    if rated < total:  # what the panel would give, while some items still lack one
        out["every item rated by the panel (SD 0.5)"] = panel
    return out


def recovery_rows(sizes, shares) -> tuple[list[dict], list[dict]]:
    rows, by_n = [], []
    for name, pri in scenarios().items():
        for n, share in [(n, 0.0) for n in sizes] + [(500, s) for s in shares]:
            t0 = time.perf_counter()
            cal, true, allp = simulate_and_fit(pri, n, seed=1, random_share=share)
            r = score(cal, true, allp, n, MIN_ANSWERS)
            rows.append({"priors": name, "n": n, "share": share, "r": r, "s": time.perf_counter() - t0})
            print(f"  {name} / {n} / {share:.0%}: {rows[-1]['s']:.0f}s", file=sys.stderr)
            if share == 0.0 and n in (500, 2000):
                prior = {p.id: p for p in allp}
                for lo, hi in N_BINS:
                    ids = [i for i, c in cal.items() if lo <= c.n < hi]
                    if not ids:
                        continue
                    e = lambda f: float(np.sqrt(np.mean([f(i) ** 2 for i in ids])))  # noqa: E731
                    by_n.append({"priors": name, "N": n, "bin": f"{lo}–{hi - 1}" if hi < 10**9 else f"≥ {lo}",
                                 "items": len(ids),
                                 "b_cal": e(lambda i: cal[i].b - true[i].b),
                                 "b_prior": e(lambda i: prior[i].b - true[i].b),
                                 "a_cal": e(lambda i: cal[i].a - true[i].a),
                                 "a_prior": e(lambda i: prior[i].a - true[i].a)})
    return rows, by_n


def recovery_table(rows) -> str:
    head = ("| priors | examinees per domain | random items | items with answers | answers per item "
            "| corr(b) | RMSE(b) | corr(a) | RMSE(a) | before calibration RMSE(b) / RMSE(a) "
            f"| items with n ≥ {MIN_ANSWERS}: RMSE(b) / RMSE(a) |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for x in rows:
        r = x["r"]
        out.append(f"| {x['priors']} | {x['n']:,} | {x['share']:.0%} | {r.with_data}/{r.items} "
                   f"| {r.answers_per_item:.0f} | {r.corr_b:.3f} | {r.rmse_b:.2f} | {r.corr_a:.2f} "
                   f"| {r.rmse_a:.2f} | {r.rmse_b_prior:.2f} / {r.rmse_a_default:.2f} "
                   f"| {r.used} items: {r.rmse_b_used:.2f} / {r.rmse_a_used:.2f} |")
    return "\n".join(out)


def by_n_table(by_n) -> str:
    head = ("| priors | examinees per domain | answers to the item | items | RMSE(b) calibrated | RMSE(b) prior "
            "| RMSE(a) calibrated | RMSE(a) = 1.2 |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for x in by_n:
        out.append(f"| {x['priors']} | {x['N']:,} | {x['bin']} | {x['items']} | {x['b_cal']:.2f} "
                   f"| {x['b_prior']:.2f} | {x['a_cal']:.2f} | {x['a_prior']:.2f} |")
    return "\n".join(out)


def rho_rows(n_cal: int, n_eval: int, rhos) -> list:
    doms = synthetic_domains(5, 30)
    out = []
    for rho in rhos:
        t0 = time.perf_counter()
        out.append(rho_gain(doms, rho, n_cal, n_eval, seed=3))
        print(f"  rho {rho}: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return out


def rho_table(rows) -> str:
    head = ("| true ρ | estimated ρ ± SE (attempts) | new domain's starting point RMSE: ρ = 0 / 0.5 / estimated "
            f"| after {AFTER_ITEMS} items there: ρ = 0.5 / estimated |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for g in rows:
        out.append(f"| {g.true_rho:.2f} | {g.estimated:.2f} ± {g.se:.2f} ({g.attempts}) "
                   f"| {g.start_rmse_none:.2f} / {g.start_rmse_default:.2f} / {g.start_rmse_estimated:.2f} "
                   f"| {g.after_rmse_default:.2f} / {g.after_rmse_estimated:.2f} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="200 and 500 only, fewer examinees for ρ")
    ap.add_argument("--markdown", type=Path, help="also write the tables to this file's marked section")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows, by_n = recovery_rows((200, 500) if args.quick else SIZES, (0.1,))
    rho = rho_rows(200 if args.quick else 500, 150 if args.quick else 400, (0.3, 0.75))
    body = "\n\n".join([
        f"Parameter recovery through the real adaptive engine, {len(DOMAINS)} real domains' item sets "
        f"({', '.join(DOMAINS)}); true a lognormal around 1.2 (SD {TRUE_LOG_A_SD} on log a):",
        recovery_table(rows),
        "Error by the number of answers an item had (the engine uses calibrated parameters from "
        f"n ≥ {MIN_ANSWERS}):",
        by_n_table(by_n),
        "Between-domain correlation, five synthetic domains of 30 items, full profiles "
        "(3–8 items per domain):",
        rho_table(rho),
        f"_{time.perf_counter() - t0:.0f} s on a 2-core machine shared with other work._",
    ])
    print(body)
    if args.markdown:
        write_section(args.markdown, "calibration", body)


if __name__ == "__main__":
    main()
