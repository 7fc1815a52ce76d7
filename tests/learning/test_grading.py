"""grade(questions, answers): every question type, partial credit, normalisation, pass mark."""

from __future__ import annotations

import pytest

from app.courses.model import NumericAnswer, Option, Pair, Question
from app.learning.grading import grade, grade_question


def choice(qid: str, kind: str, correct: list[bool], points: int = 1) -> Question:
    return Question(
        id=qid,
        kind=kind,  # type: ignore[arg-type]
        points=points,
        rev=1,
        shuffle=False,
        prompt_html="<p>?</p>",
        options=tuple(Option(i, f"o{i}", c) for i, c in enumerate(correct)),
    )


def text(qid: str, *answers: str) -> Question:
    return Question(qid, "text", 1, 1, False, "<p>?</p>", text_answers=answers)


def numeric(qid: str, low: float, high: float, points: int = 1) -> Question:
    return Question(qid, "numeric", points, 1, False, "<p>?</p>", numeric=NumericAnswer(low, high))


def matching(points: int = 2) -> Question:
    choices = ("Oža", "Redze", "Tauste")
    pairs = (Pair("Difuzors", "Oža", 0), Pair("Kolonna", "Redze", 1), Pair("Sega", "Tauste", 2))
    return Question("pairs", "matching", points, 1, False, "<p>?</p>", pairs=pairs, choices=choices)


def test_single_choice_scores_only_the_correct_option():
    q = choice("s", "single", [False, True, False], points=3)
    assert grade_question(q, 1).points == 3
    assert grade_question(q, 1).outcome == "correct"
    assert grade_question(q, 0).points == 0
    assert grade_question(q, 0).outcome == "incorrect"
    assert grade_question(q, None).points == 0
    assert grade_question(q, 7).points == 0  # not an option


def test_true_false_is_a_two_option_single_choice():
    q = choice("tf", "single", [False, True])
    assert grade([q], {"tf": 1}).score == 1
    assert grade([q], {"tf": 0}).score == 0


@pytest.mark.parametrize(
    ("ticked", "expected"),
    [
        ([0, 1], 2.0),  # both correct ones: full marks
        ([0], 1.0),  # one of two correct: half
        ([0, 2], 0.0),  # one right, one wrong: (1 - 1) / 2
        ([0, 1, 2], 1.0),  # (2 - 1) / 2 of 2 points
        ([2], 0.0),  # (0 - 1) / 2 is floored at 0
        ([2, 3], 0.0),
        ([], 0.0),
    ],
)
def test_multiple_choice_partial_credit(ticked, expected):
    q = choice("m", "multiple", [True, True, False, False], points=2)
    assert grade_question(q, ticked).points == expected


def test_multiple_choice_outcomes_and_thirds():
    q = choice("m", "multiple", [True, True, True, False], points=1)
    result = grade_question(q, [0])
    assert result.points == pytest.approx(0.3333)
    assert result.outcome == "partial"
    assert grade_question(q, [0, 1, 2]).outcome == "correct"
    assert grade_question(q, [0, 1, 2, 3]).outcome == "partial"


def test_multiple_choice_ignores_duplicates_and_unknown_options():
    q = choice("m", "multiple", [True, False], points=1)
    assert grade_question(q, [0, 0, 0]).points == 1
    assert grade_question(q, [0, 9]).points == 1


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("sensorā telpa", True),
        ("  Sensorā   Telpa ", True),  # trimmed, inner spaces collapsed, case folded
        ("SENSORĀ TELPA", True),  # 'Ā' matches 'ā'
        ("sensora\u0304 telpa", True),  # 'a' + combining macron (NFD) equals 'ā' after NFC
        ("multisensorā telpa", True),
        ("sensora telpa", False),  # a missing diacritic is a different word
        ("", False),
        ("   ", False),
    ],
)
def test_text_answers_are_normalised(typed, ok):
    q = text("t", "sensorā telpa", "multisensorā telpa")
    assert grade_question(q, typed).correct is ok


def test_text_answer_with_lithuanian_letters():
    q = text("t", "Šiauliai")
    assert grade_question(q, "ŠIAULIAI").correct
    assert grade_question(q, "šiauliai").correct


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("300", True),
        ("250", True),  # the ends of the tolerance are included
        ("350", True),
        ("349,5", True),  # decimal comma
        ("349.5", True),
        ("350,01", False),
        ("249.99", False),
        ("abc", False),
        ("", False),
    ],
)
def test_numeric_with_tolerance(typed, ok):
    q = numeric("n", 250, 350)
    assert grade_question(q, typed).correct is ok


def test_numeric_range_and_exact_value():
    assert grade_question(numeric("r", 10, 20), "15").correct
    assert grade_question(numeric("r", 10, 20), "10").correct
    assert not grade_question(numeric("r", 10, 20), "21").correct
    assert grade_question(numeric("x", 3.5, 3.5), "3,5").correct
    assert grade_question(numeric("x", 3.5, 3.5), "3.5").correct
    assert not grade_question(numeric("x", 3.5, 3.5), "3,6").correct
    assert grade_question(numeric("neg", -5, -5), "\u22125").correct  # a typographic minus


def test_matching_gives_credit_per_pair():
    q = matching(points=3)
    assert grade_question(q, [0, 1, 2]).points == 3
    assert grade_question(q, [0, 1, 0]).points == 2  # two of three pairs
    assert grade_question(q, [0, None, None]).points == 1
    assert grade_question(q, [2, 0, 1]).points == 0
    assert grade_question(q, "not a list").points == 0
    assert grade_question(q, [0, 1, 2]).outcome == "correct"
    assert grade_question(q, [0, 1, 0]).outcome == "partial"


def test_whole_quiz_score_percent_and_pass_mark():
    questions = [
        choice("s", "single", [True, False]),
        choice("m", "multiple", [True, True, False], points=2),
        text("t", "ā"),
        numeric("n", 1, 1),
        matching(points=2),
    ]
    # An answer to a question that is not in the quiz is ignored; "pairs" is unanswered.
    result = grade(questions, {"s": 0, "m": [0], "t": "Ā", "n": "1,0", "other": 1})
    # s 1 + m 1 (half of 2) + t 1 + n 1 + pairs 0 = 4 of 7
    assert result.score == 4
    assert result.max_score == 7
    assert result.percent == pytest.approx(57.14)
    assert not result.passes(80)
    assert result.passes(57)
    assert [i.question_id for i in result.items] == ["s", "m", "t", "n", "pairs"]


def test_pass_mark_is_inclusive():
    questions = [choice(f"q{i}", "single", [True, False]) for i in range(5)]
    four_of_five = {f"q{i}": 0 for i in range(4)}
    assert grade(questions, four_of_five).percent == 80
    assert grade(questions, four_of_five).passes(80)
    assert not grade(questions, {"q0": 0, "q1": 0, "q2": 0}).passes(80)
