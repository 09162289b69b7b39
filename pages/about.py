"""About: what the levels mean and how scoring works."""
import streamlit as st

from questions import LEVELS
from scoring.estimator import BORROW, SELF_RATING_SHIFT_PER_STEP
from scoring.irt import DEFAULT_A, LEVEL_B, LEVEL_OFFSET
from scoring.quiz import QUICK_CHECK_BUDGET, STOP_RULES
from scoring.readiness import READINESS_WEIGHT
from scoring.stopping import VERDICT_CONFIDENCE
from ui import state

state.sync_with_url(__file__)
bank = state.bank()

st.title("ℹ️ About CertRadar")
st.markdown(
    "A free tool for one question: *which machine-learning certification am I ready for, and what "
    "do I need to learn first?* It grew from an article on choosing an ML certification; the "
    "advice there (assess yourself honestly first, align with your employer's cloud, combine a "
    "certificate with real projects) is built into the ranking and the study plan."
)

st.subheader("What the levels mean")
st.markdown("\n".join(
    [f"- **{lvl} · {name}**: " + {
        1: "what someone starting the prerequisites knows.",
        2: "a working practitioner: uses it correctly day to day.",
        3: "what a professional-level certification expects.",
        4: "a senior practitioner: edge cases, trade-offs, internals.",
    }[lvl] for lvl, name in LEVELS.items()]
    + ["- **0 · beginner**: below foundation. *Not assessed* is different: no answers yet, so no level."]))

st.subheader("How scoring works")
quick, area = STOP_RULES["quick"], STOP_RULES["area"]
st.markdown(f"""
- **Model.** Item response theory (2PL): the chance of a right answer is
  $P = 1 / (1 + e^{{-a(\\theta - b)}})$, with $\\theta$ your ability in a domain, $b$ the item's
  difficulty and $a$ its discrimination. Until items are calibrated from real answers, $b$ comes from
  the item's level tag ({", ".join(f"level {k}: {v:+.1f}" for k, v in LEVEL_B.items())}) and
  $a = {DEFAULT_A}$.
- **Your level** on the 0–4 scale is $\\theta + {LEVEL_OFFSET}$ (clipped), so a person at level L
  gets a typical level-L item right half the time. The ± is the standard error: the posterior standard
  deviation of an EAP estimate with a normal prior (mean moved by {SELF_RATING_SHIFT_PER_STEP} per step
  of your self-rating away from 3, so at most ±{2 * SELF_RATING_SHIFT_PER_STEP}).
- **Adaptive.** Each question is one of the three most informative at your current estimate (chosen
  at random among them, to spread use of the bank), balancing subtopics and preferring questions you
  have not seen. A domain stops when its standard error is below {area.se_target}, or when the
  readiness verdict is settled, after {area.min_items}–{area.max_items} questions
  ({quick.min_items}–{quick.max_items} in a quick check, which asks at most {QUICK_CHECK_BUDGET} in
  all). Skills correlate, so each domain's starting point moves by {BORROW} × your average
  standing in the other domains you answered.
- **Verdicts.** For each domain an exam needs: *ready* when the chance that you are at its required
  level is at least {VERDICT_CONFIDENCE:.0%}, *not yet* when it is at most {1 - VERDICT_CONFIDENCE:.0%},
  otherwise *not sure yet*; *not assessed* when you have not answered any question there.
- **Ranking.** Score = {READINESS_WEIGHT} × readiness + {1 - READINESS_WEIGHT:.1f} × fit. Readiness
  weights each domain by its share of the exam blueprint; domains you have not answered count at
  your starting point, and the page says how much of each exam was actually assessed (a
  certification is named "closest" only when at least half of it was). Fit: your cloud (or, with
  none yet, market share: AWS, then Azure, then Google Cloud), your deep-learning or classical
  focus, your years against the recommended experience, and whether it is on your list.
  Retired exams are shown with their successor, not ranked.
- **"I don't know"** counts as not correct; it is always better than a guess, because guesses make
  the estimate less certain.
""")

st.subheader("The question bank")
by_domain: dict[str, int] = {}
for q in bank.items:
    by_domain[q.domain] = by_domain.get(q.domain, 0) + 1
st.markdown(f"{len(bank)} original questions in {len(by_domain)} domains. Every code-output question is "
            "executed and every numeric answer recomputed in our automated tests.")
st.subheader("Privacy")
st.markdown("No account and no personal data. Answers are stored under a random token that only your "
            "link knows. A share link holds only levels, uncertainties and your profile's choices "
            "(plus a display name if you add one), signed so it cannot be altered.")
