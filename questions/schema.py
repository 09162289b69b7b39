"""The question schema: one pydantic model per question type.

Each type validates itself (its answer must fit its choices, and so on) and grades a response
itself; the UI only dispatches on ``item.type``. Unknown fields are errors everywhere.

Responses, as the UI hands them over:
- ``single_choice``: the chosen choice id (``"b"``)
- ``multiple_response``: a list of choice ids
- ``numeric``: the text the user typed (parsed here, so a bad number gets a clear message)
- ``code_output``: the chosen choice id when the item has choices, else the typed output
- ``None`` always means "I don't know", which is graded as not correct.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from fractions import Fraction
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    field_validator,
    model_validator,
)

LEVELS: dict[int, str] = {1: "foundation", 2: "practitioner", 3: "professional", 4: "expert"}

#: The date this release of the bank was reviewed as a whole. Platform items must have been
#: checked against the vendors' documentation within a year of it (see tests/test_bank.py).
BANK_DATE = dt.date(2026, 12, 2)
#: How old a platform item's ``reviewed_on`` may be, relative to BANK_DATE.
REVIEW_MAX_AGE_DAYS = 365

ID_PATTERN = r"^[a-z][a-z0-9_]*-\d{3}$"

Response = Union[str, list[str], None]


class InvalidResponse(ValueError):
    """A response the item cannot grade (e.g. "abc" for a numeric item). The message is for users."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Choice(_Strict):
    id: str = Field(pattern=r"^[a-h]$", description="a single letter, a to h")
    text: str = Field(min_length=1)
    rationale: str | None = Field(
        default=None, description="why this choice is right or wrong; shown in feedback"
    )


#: The blind panel's scale: raters place an item on a continuous 0.5–4.5 level scale (steps of 0.5).
PANEL_MIN, PANEL_MAX = 0.5, 4.5
#: Every item needs at least this many independent ratings.
MIN_PANEL = 3
#: Ratings spread this far (max − min) or more mean the panel does not agree on what the item
#: tests: rewrite it and have it rated again, or drop it.
MAX_PANEL_SPREAD = 1.5


def panel_level(mean: float) -> int:
    """The level tag a panel mean implies: the mean rounded half up, within 1–4."""
    return int(min(4, max(1, math.floor(mean + 0.5))))


class QuestionBase(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="stable, unique: '<domain>-<3 digits>'")
    domain: str
    subtopic: str
    level: int = Field(ge=1, le=4)
    stem: str = Field(min_length=10, description="Markdown; fenced code and $LaTeX$ allowed")
    explanation: str = Field(min_length=20)
    references: list[HttpUrl] = Field(default_factory=list)
    panel: list[float] | None = Field(
        default=None,
        description="independent blind ratings of the item's level (0.5–4.5); the level tag is "
                    "their rounded mean and the item's difficulty comes from their mean")
    reviewed_on: dt.date | None = Field(
        default=None, description="when vendor facts in the item were last checked (platform items)")

    @field_validator("panel")
    @classmethod
    def _panel_ratings(cls, v: list[float] | None) -> list[float] | None:
        if v is None:
            return v
        if len(v) < MIN_PANEL:
            raise ValueError(f"a panel needs at least {MIN_PANEL} ratings, got {len(v)}")
        bad = [r for r in v if not PANEL_MIN <= r <= PANEL_MAX]
        if bad:
            raise ValueError(f"ratings must lie between {PANEL_MIN} and {PANEL_MAX}: {bad}")
        if max(v) - min(v) >= MAX_PANEL_SPREAD:
            raise ValueError(f"the panel disagrees (ratings {v} spread {max(v) - min(v):g} ≥ "
                             f"{MAX_PANEL_SPREAD:g}): rewrite the item and have it rated again, or drop it")
        return v

    @model_validator(mode="after")
    def _level_follows_panel(self) -> "QuestionBase":
        if self.panel is not None and self.level != panel_level(self.panel_mean):  # type: ignore[arg-type]
            raise ValueError(f"level {self.level} does not match the panel (mean "
                             f"{self.panel_mean:.2f} → level {panel_level(self.panel_mean)})")  # type: ignore[arg-type]
        return self

    @property
    def panel_mean(self) -> float | None:
        return None if not self.panel else sum(self.panel) / len(self.panel)

    # --- behaviour every type provides -------------------------------------------------
    def grade(self, response: Response) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def answer_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def instructions(self) -> str:
        return ""

    @property
    def guessable(self) -> bool:
        """True when the answer can be picked from a short list (guessing inflates scores)."""
        return False

    def describe_response(self, response: Response) -> str:
        """The response in words, for the review; never HTML."""
        if response is None:
            return "I don't know"
        return str(response)

    def shown_choices(self) -> list[Choice]:
        """The choices in the order they are shown: a fixed shuffle (the same for everyone and
        every visit), so the key's position in the file tells nothing."""
        return sorted(getattr(self, "choices", None) or [],
                      key=lambda c: hashlib.sha256(f"{self.id}:{c.id}".encode()).hexdigest())

    def choice(self, choice_id: str) -> Choice | None:
        for c in getattr(self, "choices", None) or ():
            if c.id == choice_id:
                return c
        return None


def _check_choices(choices: list[Choice]) -> list[Choice]:
    ids = [c.id for c in choices]
    if len(set(ids)) != len(ids):
        raise ValueError(f"choice ids repeat: {ids}")
    texts = [c.text.strip() for c in choices]
    if len(set(texts)) != len(texts):
        raise ValueError("two choices have the same text")
    return choices


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2, max_length=6)
    answer: str = Field(description="the id of the one correct choice")

    _v_choices = field_validator("choices")(_check_choices)

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> "SingleChoice":
        if self.answer not in {c.id for c in self.choices}:
            raise ValueError(f"answer {self.answer!r} is not among the choices")
        return self

    @property
    def guessable(self) -> bool:
        return True

    @property
    def instructions(self) -> str:
        return "Choose one."

    def grade(self, response: Response) -> bool:
        if response is None:
            return False
        if not isinstance(response, str) or self.choice(response) is None:
            raise InvalidResponse("Choose one of the options.")
        return response == self.answer

    def answer_text(self) -> str:
        return self.choice(self.answer).text  # type: ignore[union-attr]

    def describe_response(self, response: Response) -> str:
        if isinstance(response, str) and (c := self.choice(response)):
            return c.text
        return super().describe_response(response)


class MultipleResponse(QuestionBase):
    type: Literal["multiple_response"]
    choices: list[Choice] = Field(min_length=3, max_length=8)
    answer: list[str] = Field(min_length=1, description="the ids of every correct choice")

    _v_choices = field_validator("choices")(_check_choices)

    @model_validator(mode="after")
    def _answers_are_choices(self) -> "MultipleResponse":
        ids = {c.id for c in self.choices}
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("answer lists a choice twice")
        missing = [a for a in self.answer if a not in ids]
        if missing:
            raise ValueError(f"answer {missing} not among the choices")
        if len(self.answer) == len(self.choices):
            raise ValueError("every choice is correct; leave at least one wrong choice")
        return self

    @property
    def instructions(self) -> str:
        return ("Select all that apply. Counted correct only when your selection matches "
                "the correct set exactly.")

    def grade(self, response: Response) -> bool:
        if response is None:
            return False
        if not isinstance(response, list) or not response:
            raise InvalidResponse("Select at least one option, or choose \"I don't know\".")
        ids = {c.id for c in self.choices}
        if any(r not in ids for r in response):
            raise InvalidResponse("Select only the options shown.")
        return set(response) == set(self.answer)

    def answer_text(self) -> str:
        return "; ".join(self.choice(a).text for a in self.answer)  # type: ignore[union-attr]

    def describe_response(self, response: Response) -> str:
        if isinstance(response, list):
            return "; ".join(c.text for c in self.choices if c.id in response) or "(nothing)"
        return super().describe_response(response)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FRACTION = re.compile(r"^[+-]?\d+\s*/\s*\d+$")


def parse_number(text: str) -> float:
    """Parse what a person types as a number: '0.25', '.25', '1e-3', '1/4', '1 000', '2,5'."""
    if text is None:
        raise InvalidResponse("Type a number.")
    s = str(text).strip().replace("\u2212", "-")
    if not s:
        raise InvalidResponse("Type a number, or choose \"I don't know\".")
    s = s.replace(" ", "").replace("_", "")
    if s.count(",") == 1 and "." not in s and not re.search(r",\d{3}$", s):
        s = s.replace(",", ".")  # decimal comma: 2,5
    else:
        s = s.replace(",", "")  # thousands separators: 1,000
    if _NUMBER.match(s):
        value = float(s)
    elif _FRACTION.match(s):
        num, den = s.split("/")
        if int(den) == 0:
            raise InvalidResponse("The denominator is zero.")
        value = float(Fraction(int(num), int(den)))
    else:
        raise InvalidResponse(
            f"“{text}” is not a number. Type digits such as 0.25, 1/4 or 2.5e-3."
        )
    if not math.isfinite(value):
        raise InvalidResponse("Type a finite number.")
    return value


def format_number(x: float) -> str:
    """Numbers as people write them: 2560640, 0.25, 1.5e-07 (never 2.56064e+06)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(ge=0.0, description="absolute tolerance accepted around the answer")
    unit: str | None = None
    check: str | None = Field(
        default=None,
        description="a Python expression (math, numpy as np) that recomputes the answer in CI",
    )

    @model_validator(mode="after")
    def _tolerance_sane(self) -> "Numeric":
        if self.tolerance > max(abs(self.answer), 1.0) * 0.5:
            raise ValueError("tolerance is so wide that the item no longer tests the answer")
        return self

    @property
    def instructions(self) -> str:
        unit = f" in {self.unit}" if self.unit else ""
        tol = format_number(self.tolerance)
        return f"Type a number{unit} (decimals or a fraction such as 1/4; within ±{tol} counts)."

    def grade(self, response: Response) -> bool:
        if response is None:
            return False
        if isinstance(response, list):
            raise InvalidResponse("Type a single number.")
        value = parse_number(response)
        return abs(value - self.answer) <= self.tolerance + 1e-12 * max(1.0, abs(self.answer))

    def answer_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{format_number(self.answer)}{unit}"


def normalise_output(text: str) -> str:
    """Printed output compared leniently: blank edges, runs of spaces and spaces next to
    punctuation are ignored ("[1,2]" matches "[1, 2]"), but a space between two values counts
    ("[1 2]" is not "[12]")."""
    lines = [re.sub(r"\s*([,;:()\[\]{}])\s*", r"\1", re.sub(r"[ \t]+", " ", ln)).strip()
             for ln in str(text).replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


class CodeOutput(QuestionBase):
    type: Literal["code_output"]
    code: str = Field(min_length=5, description="the program; its printed output is the answer")
    language: Literal["python"] = "python"
    runnable: bool = Field(
        default=True, description="False for code CI cannot run here (TensorFlow, PyTorch)"
    )
    answer: str = Field(min_length=1, description="exactly what the code prints")
    choices: list[Choice] | None = Field(
        default=None, description="optional candidate outputs; without them the user types the output"
    )

    @field_validator("choices")
    @classmethod
    def _v_choices(cls, v: list[Choice] | None) -> list[Choice] | None:
        if v is not None:
            if len(v) < 2:
                raise ValueError("give at least two choices, or none to ask for typed output")
            _check_choices(v)
        return v

    @model_validator(mode="after")
    def _answer_among_choices(self) -> "CodeOutput":
        if self.choices is not None:
            hits = [c for c in self.choices if normalise_output(c.text) == normalise_output(self.answer)]
            if len(hits) != 1:
                raise ValueError("exactly one choice's text must equal the answer (the printed output)")
        return self

    @property
    def guessable(self) -> bool:
        return self.choices is not None

    @property
    def correct_choice_id(self) -> str | None:
        for c in self.choices or ():
            if normalise_output(c.text) == normalise_output(self.answer):
                return c.id
        return None

    @property
    def instructions(self) -> str:
        if self.choices:
            return "Choose the printed output."
        return "Type the output as printed (extra spaces are not counted)."

    def grade(self, response: Response) -> bool:
        if response is None:
            return False
        if not isinstance(response, str):
            raise InvalidResponse("Give one answer.")
        if self.choices:
            if self.choice(response) is None:
                raise InvalidResponse("Choose one of the options.")
            return response == self.correct_choice_id
        if not response.strip():
            raise InvalidResponse("Type the output, or choose \"I don't know\".")
        return normalise_output(response) == normalise_output(self.answer)

    def answer_text(self) -> str:
        return self.answer

    def describe_response(self, response: Response) -> str:
        if self.choices and isinstance(response, str) and (c := self.choice(response)):
            return c.text
        return super().describe_response(response)


Question = Annotated[
    Union[SingleChoice, MultipleResponse, Numeric, CodeOutput], Field(discriminator="type")
]
QUESTION_ADAPTER: TypeAdapter[Any] = TypeAdapter(Question)
QUESTION_TYPES = ("single_choice", "multiple_response", "numeric", "code_output")


class BankFile(_Strict):
    """One YAML file: a domain and its items (the loader sets each item's domain)."""

    domain: str
    items: list[dict[str, Any]] = Field(min_length=1)
