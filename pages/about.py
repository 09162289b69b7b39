"""About: what the levels mean and how scoring works."""
import streamlit as st

from questions import LEVELS
from scoring.estimator import SELF_RATING_SHIFT_PER_STEP
from scoring.irt import DEFAULT_A, LEVEL_OFFSET
from scoring.joint import DEFAULT_RHO
from scoring.quiz import QUICK_CHECK_BUDGET, STOP_RULES
from scoring.readiness import FIT_WEIGHTS
from scoring.stopping import VERDICT_CONFIDENCE
from scoring.verdict import (DRAWS, MIN_ASSESSED, NOT_YET_P, PASS_BAR, PROBABLY_P, READY_P,
                             STOP_CONFIDENCE)
from ui import state

state.sync_with_url(__file__)
bank = state.bank()

st.title("About CertRadar")
st.markdown(
    "A free tool for one question: *which machine-learning certification am I ready for, and what "
    "do I need to learn first?* It grew from an article on choosing an ML certification; the "
    "advice there (assess yourself honestly first, align with your employer's cloud, combine a "
    "certificate with real projects) is built into the ranking and the study plan."
)

st.header("What the levels mean")
st.markdown("\n".join(
    [f"- **{lvl} · {name}**: " + {
        1: "what someone starting the prerequisites knows.",
        2: "a working practitioner: uses it correctly day to day.",
        3: "what a professional-level certification expects.",
        4: "a senior practitioner: edge cases, trade-offs, internals.",
    }[lvl] for lvl, name in LEVELS.items()]
    + ["- **0 · beginner**: below foundation. *Not assessed* is different: no answers yet, so no level."]))

st.header("How scoring works")
quick, area = STOP_RULES["quick"], STOP_RULES["area"]
st.markdown(f"""
- **Model.** Item response theory (2PL): the chance of a right answer is
  $P = 1 / (1 + e^{{-a(\\theta - b)}})$, with $\\theta$ your ability in a domain, $b$ the item's
  difficulty and $a$ its discrimination. Each item's difficulty comes from a blind panel: at least
  three independent raters placed it on the level scale without seeing its tag, and
  $b$ = their mean − {LEVEL_OFFSET}; $a = {DEFAULT_A}$. Once enough people have answered an item,
  parameters calibrated from their answers take over.
- **Your level** on the 0–4 scale is $\\theta + {LEVEL_OFFSET}$ (clipped), so a person at level L
  gets an item rated L right half the time. The ± is the standard error: the posterior standard
  deviation of an EAP estimate with a normal prior (mean moved by {SELF_RATING_SHIFT_PER_STEP} per
  step of your self-rating away from 3, so at most ±{2 * SELF_RATING_SHIFT_PER_STEP}).
- **Skills correlate.** Abilities in different domains are modelled jointly, with a correlation of
  {DEFAULT_RHO} between any two (until it is estimated from stored answers): your answers in one
  domain move the starting point, and narrow the uncertainty, of the others. A domain you have not
  answered is never shown as a level, but it is not ignored when judging an exam either.
- **Adaptive.** Each question is one of the most informative at your current estimate, balancing
  subtopics and preferring questions you have not seen. Area quizzes stop a domain when its standard
  error is below {area.se_target} or its own verdict is settled ({area.min_items}–{area.max_items}
  questions). A quick check asks only what its exam needs, at most {QUICK_CHECK_BUDGET} questions, one
  per domain first, then where your side of the exam's required level is least certain, and stops
  as soon as the verdict on the certification is {STOP_CONFIDENCE:.0%} sure.
""")

st.header("How the verdict on a certification is reached")
st.markdown(f"""
- **Passing** means being at or above the exam's required level in domains that carry at least
  **{PASS_BAR:.0%} of its blueprint** (real exams are scored as a whole, so a weak section can be
  made up elsewhere, but not most of them).
- **Chance you would pass now**: {DRAWS:,} plausible versions of you are drawn from the joint model
  (every domain's answers, your self-ratings and the correlation between skills); the chance is the
  share of them that pass. The same answers always give the same figure.
- **Four outcomes**: *ready* at {READY_P:.0%} or more, *probably ready* at {PROBABLY_P:.0%} or more,
  *not ready yet* at {NOT_YET_P:.0%} or less, otherwise *not enough evidence*; and always *not enough
  evidence* while your answers cover less than {MIN_ASSESSED:.0%} of the exam's weight. "About 85%
  sure" is the chance behind the verdict (for *not ready yet*, the chance of not passing).
- **"About N more questions would settle this"**: projected from where you stand now, assuming
  further answers agree with your current estimates; questions go where the exam's weight times
  your uncertainty is largest.
- **How often it is right**: in a simulation of 1,800 quick checks (docs/benchmarks.md), 75% of
  people got a verdict within 30 questions and 93.5% of those verdicts matched their true status
  (*ready* 97%, *not ready yet* 94%, *probably ready* 85%). That simulation assumes the item
  difficulties are right; until real answers calibrate them they are a panel's judgement, so treat
  a verdict near a threshold as a prompt to study, not a promise.
- **Per domain**, a domain is *ready* when the chance you are at its required level is at least
  {VERDICT_CONFIDENCE:.0%}, *not yet* at {1 - VERDICT_CONFIDENCE:.0%} or less, otherwise *not sure yet*.

**The ranking** shows two things side by side and never blends them: *readiness* (the chance you
would pass now, as above) and *fit* (how well the exam matches you, whatever your level: your
cloud {FIT_WEIGHTS['cloud']:.0%}, your deep-learning or classical focus {FIT_WEIGHTS['focus']:.0%},
your years against the recommended experience {FIT_WEIGHTS['experience']:.0%}, whether it is on your
list {FIT_WEIGHTS['interest']:.0%}; with no cloud yet, market share: AWS, then Azure, then Google
Cloud). It is ordered by readiness, fit breaking ties (or by fit, if you choose). Certifications
with less than half their exam answered are listed apart, each with a one-click quick check;
retired exams keep a line with their successors.

**The target certification** (the one the results are about) is your last quick check, else the
first one on your profile's list, else the best fit for your profile; you can change it at the top
of Results, and the verdict, the radar, the gaps and the study plan follow.
""")

st.header("The question bank")
by_domain: dict[str, int] = {}
for q in bank.items:
    by_domain[q.domain] = by_domain.get(q.domain, 0) + 1
st.markdown(f"{len(bank)} original questions in {len(by_domain)} domains. Every code-output question is "
            "executed and every numeric answer recomputed in our automated tests.")
st.header("Privacy")
st.markdown("No account and no personal data. Answers are stored under a random token that only your "
            "link knows. A share link holds only levels, uncertainties and your profile's choices "
            "(plus a display name if you add one), signed so it cannot be altered.")
