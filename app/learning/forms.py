"""The quiz form: field names, and parsing a submitted form into answers for ``grading.grade``.

A quiz is built from the module's questions, so its fields are not known in advance; instead of
a WTForms class per quiz, ``parse_quiz_answers`` reads the posted data against the questions the
learner was shown. Two kinds of problem are told apart:

- what a learner can fix (a question left unanswered, a number that is not a number) becomes a
  message per question, shown in the error summary and next to the question;
- what no honest form can contain (an option that does not exist, a field of another quiz, two
  answers to a single-choice question, a malformed attempt number or key) raises
  ``TamperedFormError``: the request is refused with 400 and nothing is recorded.

Field names: ``q-<question id>`` (single, true/false, multiple, text, numeric) and
``q-<question id>-<n>`` for the n-th left-hand item of a matching question (0-based, file
order). Numbers accept a decimal comma or point ("3,5" and "3.5").
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from app.courses.model import Question, parse_number
from app.i18n import _
from app.learning.grading import Response

PREFIX = "q-"
MAX_TEXT = 500
# The highest attempt number a quiz form or a result address can carry (the database column is
# a 32-bit INTEGER; no course allows anywhere near this many attempts).
MAX_ATTEMPT_NO = 9999
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class TamperedFormError(Exception):
    """The posted data cannot come from the quiz form we showed."""


def field_name(question_id: str) -> str:
    return f"{PREFIX}{question_id}"


def pair_field_name(question_id: str, index: int) -> str:
    return f"{PREFIX}{question_id}-{index}"


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class QuizAnswers:
    answers: dict[str, Response] = field(default_factory=dict)  # question id -> parsed answer
    values: dict[str, list[str]] = field(default_factory=dict)  # field name -> as typed/chosen
    errors: dict[str, str] = field(default_factory=dict)  # question id -> message

    @property
    def complete(self) -> bool:
        return not self.errors

    def value(self, name: str) -> str:
        got = self.values.get(name)
        return got[0] if got else ""

    def chosen(self, name: str) -> list[str]:
        return self.values.get(name, [])


@dataclass(frozen=True)
class QuizMeta:
    submission_key: str
    attempt_no: int
    lang: str


def parse_quiz_meta(formdata: MultiDict, languages: Sequence[str]) -> QuizMeta:
    """The hidden fields every quiz form carries."""
    key = formdata.get("submission_key", "")
    number = formdata.get("attempt_no", "")
    lang = formdata.get("lang", "")
    if not _KEY_RE.match(key) or not number.isdigit() or not 0 < int(number) <= MAX_ATTEMPT_NO:
        raise TamperedFormError("submission key or attempt number")
    if lang not in languages:
        raise TamperedFormError("language")
    return QuizMeta(key, int(number), lang)


def _option_index(q: Question, raw: str) -> int:
    if not raw.isdigit() or int(raw) not in {o.index for o in q.options}:
        raise TamperedFormError(f"unknown option for {q.id}")
    return int(raw)


def parse_quiz_answers(questions: Sequence[Question], formdata: MultiDict) -> QuizAnswers:
    """Read the answers to ``questions`` from ``formdata`` (see the module docstring)."""
    result = QuizAnswers()
    expected: set[str] = set()
    for number, q in enumerate(questions, start=1):
        name = field_name(q.id)
        if q.kind == "matching":
            names = [pair_field_name(q.id, i) for i in range(len(q.pairs))]
            expected.update(names)
            chosen: list[int | None] = []
            for pair_name in names:
                raw_values = formdata.getlist(pair_name)
                if len(raw_values) > 1:
                    raise TamperedFormError(f"two choices for {pair_name}")
                raw = raw_values[0].strip() if raw_values else ""
                result.values[pair_name] = [raw]
                if raw == "":
                    chosen.append(None)
                elif raw.isdigit() and int(raw) < len(q.choices):
                    chosen.append(int(raw))
                else:
                    raise TamperedFormError(f"unknown choice for {pair_name}")
            if any(c is None for c in chosen):
                result.errors[q.id] = _(
                    "Choose a match for every item in question %(number)s.", number=number
                )
            else:
                result.answers[q.id] = chosen
            continue

        expected.add(name)
        raw_values = [v.strip() for v in formdata.getlist(name)]
        result.values[name] = raw_values
        if q.kind == "multiple":
            picked = [_option_index(q, v) for v in raw_values]
            if len(set(picked)) != len(picked):
                raise TamperedFormError(f"an option ticked twice in {q.id}")
            if picked:
                result.answers[q.id] = sorted(picked)
            else:
                result.errors[q.id] = _(
                    "Tick at least one answer to question %(number)s.", number=number
                )
            continue
        if len(raw_values) > 1:
            raise TamperedFormError(f"two answers for {q.id}")
        raw = raw_values[0] if raw_values else ""
        if q.kind == "single":
            if raw == "":
                result.errors[q.id] = _("Choose an answer to question %(number)s.", number=number)
            else:
                result.answers[q.id] = _option_index(q, raw)
        elif q.kind == "text":
            if raw == "":
                result.errors[q.id] = _("Type your answer to question %(number)s.", number=number)
            elif len(raw) > MAX_TEXT:
                result.errors[q.id] = _(
                    "The answer to question %(number)s is too long: at most %(max)s characters.",
                    number=number,
                    max=MAX_TEXT,
                )
            else:
                result.answers[q.id] = raw
        elif q.kind == "numeric":
            if raw == "":
                result.errors[q.id] = _(
                    "Type a number as the answer to question %(number)s.", number=number
                )
            elif parse_number(raw) is None or len(raw) > 50:
                result.errors[q.id] = _(
                    "The answer to question %(number)s must be a number, for example 3,5.",
                    number=number,
                )
            else:
                result.answers[q.id] = raw

    unknown = {k for k in formdata if k.startswith(PREFIX)} - expected
    if unknown:
        raise TamperedFormError(f"fields of another quiz: {sorted(unknown)}")
    return result
