"""What the results page shows after each attempt: feedback on the chosen options always; the
correct answers and explanations only when the course reveals them (``show_answers``); and,
while they are hidden, the hint of every question answered wrongly, for the next attempt."""

from __future__ import annotations

import re

import pytest

from tests.learning.conftest import SAFETY_RIGHT, SAFETY_WRONG, reload_courses, submit

HINT_LABEL = "Padoms nākamajam mēģinājumam:"
EXIT_HINT = "Padomājiet par evakuāciju."
EXPLANATION = "glābj dzīvības"  # the explanation of exit-route


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def question_texts(html: str) -> dict[int, str]:
    """The visible text of each reviewed question, by its number."""
    review = html[html.index('<ol class="answer-review">') : html.rindex("</ol>")]
    items = review.split('<li class="answer-')[1:]
    return {number: visible(item) for number, item in enumerate(items, start=1)}


@pytest.fixture()
def hints_everywhere(app, courses):
    """Hints on the text, numeric and matching questions of library-basics/safety too."""
    path = courses / "library-basics" / "02-safety.lv.md"
    text = path.read_text(encoding="utf-8")
    for question, hint in (
        ("[[sensorā telpa | multisensorā telpa]]\n", "? Telpa, kas uzrunā maņas.\n"),
        ("[[300 +- 50]]\n", "? Gaisma nedrīkst žilbināt.\n"),
        ("- Aromātu difuzors => Oža\n", "\n? Padomājiet, ar ko katru priekšmetu uztver.\n"),
    ):
        assert question in text
        text = text.replace(question, question + hint)
    path.write_text(text, encoding="utf-8")
    reload_courses(app)


def result(client, answers) -> str:
    response = submit(client, "library-basics", "safety", answers)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_failed_attempt_shows_the_hints_of_wrong_answers(
    app, learner_client, learner, hints_everywhere
):
    # Everything wrong but the short text answer.
    html = result(learner_client, {**SAFETY_WRONG, "q-room-name": "Sensorā telpa"})
    texts = question_texts(html)
    assert f"{HINT_LABEL} {EXIT_HINT}" in texts[1]
    assert HINT_LABEL not in texts[2]  # no hint written for this question
    assert HINT_LABEL not in texts[4]  # answered right
    assert f"{HINT_LABEL} Gaisma nedrīkst žilbināt." in texts[5]  # numeric
    assert f"{HINT_LABEL} Padomājiet, ar ko katru priekšmetu uztver." in texts[6]
    assert html.count(HINT_LABEL) == 3
    # show_answers: after_pass — neither the explanation nor the correct answers yet.
    assert EXPLANATION not in html and "Pareizā atbilde" not in html


def test_a_partly_right_answer_shows_its_hint(app, learner_client, learner, hints_everywhere):
    html = result(learner_client, {**SAFETY_WRONG, "q-senses-0": "1"})  # one pair of three
    assert f"{HINT_LABEL} Padomājiet, ar ko katru priekšmetu uztver." in (question_texts(html)[6])


def test_revealed_answers_come_with_the_explanation_instead_of_the_hint(
    app, learner_client, learner
):
    result(learner_client, SAFETY_WRONG)
    result(learner_client, SAFETY_WRONG)
    last = result(learner_client, SAFETY_WRONG)  # no attempts left: answers revealed
    assert EXPLANATION in last and HINT_LABEL not in last and EXIT_HINT not in last


def test_a_pass_reveals_the_explanation_and_no_hint(app, learner_client, learner):
    html = result(learner_client, {**SAFETY_RIGHT, "q-exit-route": "0"})  # 7 of 8: passed
    assert "✓ Nokārtots" in visible(html)
    assert EXPLANATION in html and HINT_LABEL not in html


def test_answers_never_shown_still_give_the_hint_while_attempts_are_left(
    app, learner_client, learner, courses
):
    course_yml = courses / "library-basics" / "course.yml"
    course_yml.write_text(
        course_yml.read_text(encoding="utf-8").replace(
            "show_answers: after_pass", "show_answers: never"
        ),
        encoding="utf-8",
    )
    reload_courses(app)
    first = result(learner_client, SAFETY_WRONG)
    assert f"{HINT_LABEL}" in first and EXIT_HINT in first and EXPLANATION not in first
    result(learner_client, SAFETY_WRONG)
    last = result(learner_client, SAFETY_WRONG)
    # No attempt left: there is no next attempt to give a hint for, and nothing is revealed.
    assert HINT_LABEL not in last and EXPLANATION not in last


def test_the_hint_is_in_the_language_of_the_attempt(app, client, login_as, factory, courses):
    factory.user(email="lt@example.org", language="lt")
    login_as("lt@example.org")
    html = result(client, {**SAFETY_WRONG, "q-room-name": "biblioteka"})
    assert "Užuomina kitam bandymui:" in html and "Pagalvokite apie evakuaciją." in html
