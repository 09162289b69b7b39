"""Machine checks of answer keys: run code-output items, recompute numeric items.

Used by the test suite and by ``python -m questions validate --run``. The code and expressions
checked here are the bank's own (reviewed, committed files), never user input.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

from questions.schema import CodeOutput, Numeric, QuestionBase, normalise_output

TIMEOUT_S = 60


@dataclass(frozen=True)
class CheckResult:
    item_id: str
    ok: bool
    detail: str


def run_code(code: str, hash_seed: str = "0", timeout: float = TIMEOUT_S) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONHASHSEED=hash_seed, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True,
        timeout=timeout, env=env, cwd=os.path.expanduser("~") if os.path.isdir(os.path.expanduser("~")) else None,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _exact(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"))


def check_code_item(item: CodeOutput) -> CheckResult:
    if not item.runnable:
        return CheckResult(item.id, True, "not runnable here (read, not run)")
    try:
        rc, out, err = run_code(item.code)
    except subprocess.TimeoutExpired:
        return CheckResult(item.id, False, f"timed out after {TIMEOUT_S}s")
    if rc != 0:
        return CheckResult(item.id, False, f"exit {rc}: {err.strip().splitlines()[-1:]}")
    if _exact(out) != _exact(item.answer):
        # The key is shown to users as the correct output: it must be exactly what is printed
        # (trailing spaces and newlines aside), even though typed answers are compared leniently.
        return CheckResult(item.id, False, f"prints {out!r}, key says {item.answer!r}")
    # Output that depends on string hashing (set order) is not a fair question.
    if "{" in item.code or "set" in item.code or "hash" in item.code:
        _, out2, _ = run_code(item.code, hash_seed="4242")
        if normalise_output(out2) != normalise_output(out):
            return CheckResult(item.id, False, "output changes with the hash seed (set order?)")
    return CheckResult(item.id, True, "output matches")


def evaluate_check(expr: str) -> float:
    import numpy as np  # local: numpy is only needed when checks run

    ns = {"np": np, "math": math, "Fraction": Fraction, "comb": math.comb,
          "factorial": math.factorial, "sqrt": math.sqrt, "exp": math.exp, "log": math.log}
    value = eval(compile(expr, "<check>", "eval"), ns)  # noqa: S307 - bank data, not user input
    return float(value)


def check_numeric_item(item: Numeric) -> CheckResult:
    if item.check is None:
        return CheckResult(item.id, True, "no check expression")
    try:
        value = evaluate_check(item.check)
    except Exception as exc:  # report any failure of the expression as a failed check
        return CheckResult(item.id, False, f"check expression fails: {type(exc).__name__}: {exc}")
    if not math.isfinite(value) or abs(value - item.answer) > item.tolerance + 1e-9:
        return CheckResult(item.id, False, f"check gives {value!r}, key says {item.answer!r} ± {item.tolerance}")
    return CheckResult(item.id, True, f"check gives {value:g}")


def check_items(items: list[QuestionBase] | tuple[QuestionBase, ...], workers: int = 2) -> list[CheckResult]:
    numeric = [check_numeric_item(q) for q in items if isinstance(q, Numeric)]
    code = [q for q in items if isinstance(q, CodeOutput)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        code_results = list(pool.map(check_code_item, code))
    return numeric + code_results
