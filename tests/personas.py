"""Fixed answer sets for three kinds of user, built deterministically from the bank: in each
domain listed, the first eight items (by id) are answered, correctly up to the given level."""
from __future__ import annotations

from questions import Bank

PERSONAS = {
    "strong_math_aws": {
        "profile": {"years": 3.0, "cloud": "aws", "focus": "classical", "certs": ["aws_mls_c01"],
                    "confidence": {"math": 5, "python": 4, "ml": 3, "platforms": 3}},
        "levels": {"linear_algebra": 4, "calculus": 4, "probability": 4, "statistics": 4,
                   "python_core": 3, "numpy_pandas": 3, "scikit_learn": 3, "classical_ml": 3,
                   "data_engineering": 2, "mlops": 1, "aws_ml": 1, "responsible_ai": 2,
                   "generative_ai": 1},
    },
    "deep_learning_no_cloud": {
        "profile": {"years": 2.0, "cloud": "none", "focus": "deep_learning", "certs": [],
                    "confidence": {"math": 3, "python": 4, "ml": 4, "platforms": 1}},
        "levels": {"deep_learning": 4, "deep_learning_frameworks": 4, "computer_vision": 3, "nlp": 3,
                   "python_core": 3, "numpy_pandas": 3, "linear_algebra": 3, "calculus": 3,
                   "generative_ai": 2, "classical_ml": 2, "mlops": 1},
    },
    "beginner": {
        "profile": {"years": 0.0, "cloud": "none", "focus": "both", "certs": [],
                    "confidence": {"math": 2, "python": 2, "ml": 1, "platforms": 1}},
        "levels": {"linear_algebra": 1, "probability": 1, "python_core": 1, "classical_ml": 1,
                   "generative_ai": 1, "deep_learning": 0, "responsible_ai": 1},
    },
}


def answers(bank: Bank, levels: dict[str, int], per_domain: int = 8) -> list[dict]:
    out = []
    for domain, up_to in levels.items():
        for q in sorted(bank.in_domain(domain), key=lambda q: q.id)[:per_domain]:
            out.append({"item_id": q.id, "domain": domain, "response": None,
                        "correct": q.level <= up_to, "seconds": None})
    return out
