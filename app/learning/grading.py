"""Grading a quiz attempt: a pure function of (questions, answers). No Flask, no database.

``grade(questions, answers)`` takes the questions of the language variant the learner was shown
(``ModuleView.questions``; text alternatives and matching texts are language-specific, the key is
the same in every language) and the parsed answers (``app.learning.forms.parse_quiz_answers``),
keyed by question id:

=========  ======================================  ==============================================
kind       answer                                  points
=========  ======================================  ==============================================
single     option index (int)                      all points when the ticked option is correct.
           (true/false is a single choice with     Otherwise 0.
           two options)
multiple   option indices (list of int)            points × max(0, (correct ticked − wrong ticked)
                                                   / number of correct options). Ticking every box
                                                   therefore earns nothing when there are as many
                                                   wrong options as right ones.
text       the typed text (str)                    all points when it equals one of the accepted
                                                   alternatives after trimming, collapsing inner
                                                   spaces, NFC normalisation and Unicode case
                                                   folding ("Ā" matches "ā"); otherwise 0.
numeric    the typed number (str)                  all points when the number lies within the
                                                   tolerance or the range (ends included);
                                                   "3,5" and "3.5" are the same number.
matching   chosen choice index per left item       points × (pairs matched correctly / pairs).
           (list, position = pair; None = none)    A wrong choice costs nothing beyond the pair.
=========  ======================================  ==============================================

A missing or malformed answer earns 0 (the forms refuse such submissions before they get here).
Scores are rounded to 4 decimal places and percentages to 2, so 2/3 of a point stays 0.6667 and
never shows as 0.66666666. An attempt passes when its percentage reaches the course's pass mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.courses.model import Question, parse_number

Outcome = Literal["correct", "partial", "incorrect"]
# One answer as stored in QuizAnswer.response: int | list[int] | str | list[int | None] | None
Response = Any

_EPSILON = 1e-9


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    rev: int
    kind: str
    response: Response
    points: float
    max_points: float

    @property
    def correct(self) -> bool:
        """Full marks."""
        return self.points >= self.max_points - _EPSILON and self.max_points > 0

    @property
    def outcome(self) -> Outcome:
        if self.correct:
            return "correct"
        return "partial" if self.points > _EPSILON else "incorrect"


@dataclass(frozen=True)
class QuizResult:
    items: tuple[QuestionResult, ...]
    score: float
    max_score: float

    @property
    def percent(self) -> float:
        if self.max_score <= 0:
            return 0.0
        return round(self.score / self.max_score * 100, 2)

    def passes(self, pass_mark: float) -> bool:
        """True when the percentage reaches ``pass_mark`` (a percent, e.g. 80)."""
        return self.max_score > 0 and self.percent + _EPSILON >= pass_mark

    def item(self, question_id: str) -> QuestionResult | None:
        return next((i for i in self.items if i.question_id == question_id), None)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _fraction_single(q: Question, response: Response) -> float:
    chosen = _as_int(response)
    return 1.0 if chosen is not None and chosen in q.correct_indices else 0.0


def _fraction_multiple(q: Question, response: Response) -> float:
    if not isinstance(response, list | tuple):
        return 0.0
    chosen = {i for i in (_as_int(v) for v in response) if i is not None}
    valid = {o.index for o in q.options}
    correct = set(q.correct_indices)
    if not correct:
        return 0.0
    right = len(chosen & correct)
    wrong = len((chosen & valid) - correct)
    return max(0.0, (right - wrong) / len(correct))


def _fraction_text(q: Question, response: Response) -> float:
    return 1.0 if isinstance(response, str) and q.accepts_text(response) else 0.0


def _fraction_numeric(q: Question, response: Response) -> float:
    if isinstance(response, int | float) and not isinstance(response, bool):
        number: float | None = float(response)
    elif isinstance(response, str):
        number = parse_number(response)
    else:
        number = None
    return (
        1.0 if number is not None and q.numeric is not None and q.numeric.accepts(number) else 0.0
    )


def _fraction_matching(q: Question, response: Response) -> float:
    if not q.pairs or not isinstance(response, list | tuple):
        return 0.0
    matched = sum(
        1
        for pair, chosen in zip(q.pairs, response, strict=False)
        if _as_int(chosen) is not None and _as_int(chosen) == pair.choice
    )
    return matched / len(q.pairs)


_FRACTIONS = {
    "single": _fraction_single,
    "multiple": _fraction_multiple,
    "text": _fraction_text,
    "numeric": _fraction_numeric,
    "matching": _fraction_matching,
}


def grade_question(q: Question, response: Response) -> QuestionResult:
    """Points for one answer (see the module docstring for the formula of each kind)."""
    fraction = _FRACTIONS[q.kind](q, response) if response is not None else 0.0
    return QuestionResult(
        question_id=q.id,
        rev=q.rev,
        kind=q.kind,
        response=response,
        points=round(q.points * fraction, 4),
        max_points=float(q.points),
    )


def grade(questions: Iterable[Question], answers: Mapping[str, Response]) -> QuizResult:
    """Grade a whole quiz: every question of ``questions`` gets a result, answered or not."""
    items = tuple(grade_question(q, answers.get(q.id)) for q in questions)
    return QuizResult(
        items=items,
        score=round(sum(i.points for i in items), 4),
        max_score=float(sum(i.max_points for i in items)),
    )
