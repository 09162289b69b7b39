"""The question bank: YAML files (one per domain), their schema, loader and validator."""
from questions.loader import BANK_DIR, Bank, BankError, Problem, load_bank
from questions.schema import (
    LEVELS,
    CodeOutput,
    InvalidResponse,
    MultipleResponse,
    Numeric,
    QuestionBase,
    SingleChoice,
)

__all__ = [
    "BANK_DIR", "Bank", "BankError", "Problem", "load_bank", "LEVELS", "CodeOutput",
    "InvalidResponse", "MultipleResponse", "Numeric", "QuestionBase", "SingleChoice",
]
