"""Sweep rows for the learner's pages: catalogue, course, module with its quiz (empty, with
errors, the review step and the result), results, dashboard."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from app.courses.model import Question
from app.extensions import db
from app.learning.models import QuizAnswer, QuizAttempt
from tests.a11y.sweep import EMPTY, FILLED, Row, State, Visit, in_app
from tests.conftest import Factory

COURSE = "sensory-reading-room"
QUIZ_MODULE = "equipment"  # radio buttons, checkboxes and a matching question
DONE_MODULE = "purpose-and-principles"


def right_answer(q: Question):
    """The correct response to a question, in the form the quiz form produces."""
    if q.kind == "single":
        return str(q.correct_indices[0])
    if q.kind == "multiple":
        return [str(i) for i in q.correct_indices]
    if q.kind == "text":
        return q.text_answers[0]
    if q.kind == "numeric":
        return str(q.numeric.low)
    return [str(pair.choice) for pair in q.pairs]  # matching


def complete_course(user_id: int, course_id: str, lang: str = "lv") -> None:
    """Pass every quiz (or mark every module read): the course is complete and its certificate
    is issued, exactly as after the last quiz in the browser."""
    from app.learning import content, services

    course = content.catalog().get(course_id)
    for module in course.modules:
        view = module.view(lang)
        if module.has_quiz:
            answers = {q.id: right_answer(q) for q in view.questions}
            services.submit_attempt(user_id, course, view, answers, secrets.token_hex(8), 1)
        else:
            services.mark_read(user_id, course, view)


def learners(data: dict) -> dict | None:
    """A learner who has started the course, one who has completed it (with a certificate), and
    one who has not started anything."""
    from app.learning import content, services

    if "graduate_id" in data:  # already set up (another feature's setup asked for it first)
        return None
    factory = Factory(current_app._get_current_object())
    library = data["Ozolnieku bibliotēka"]
    graduate = factory.user(
        email="graduate@example.org", name="Ģirts Ķēniņš-Žūriņa", library_id=library, language=None
    )
    newcomer = factory.user(
        email="newcomer@example.org",
        name="Aušra Čėsnaitė-Šųrienė",
        library_id=data["Joniškėlio biblioteka"],
        language=None,
    )
    course = content.catalog().get(COURSE)
    first = course.modules[0].view("lv")
    services.record_module_view(data["learner_id"], course, first)
    complete_course(graduate, COURSE)
    return {
        "graduate_id": graduate,
        "graduate_email": "graduate@example.org",
        "newcomer_id": newcomer,
        "newcomer_email": "newcomer@example.org",
    }


def answer_everything(v: Visit) -> None:
    """Answer every question of the quiz on the page (not necessarily right)."""
    quiz = v.page.locator("form.quiz-form")
    for fieldset in quiz.locator("fieldset.question").all():
        choices = fieldset.locator("input[type=radio], input[type=checkbox]")
        if choices.count():
            choices.first.check()
        for field in fieldset.locator("input[type=text]").all():
            field.fill("3,5" if field.get_attribute("inputmode") == "decimal" else "Snoezelen")
        for select in fieldset.locator("select").all():
            select.select_option(index=1)


def _press(v: Visit, action: str) -> None:
    with v.page.expect_navigation(wait_until="load"):
        v.page.locator(f"main button[name=action][value={action}]").click()


def check_answers(v: Visit) -> None:
    _press(v, "review")


def review(v: Visit) -> None:
    answer_everything(v)
    check_answers(v)


def submit_and_see_result(v: Visit) -> None:
    review(v)
    _press(v, "submit")


def _forget_attempts(data: dict) -> None:
    """The learner's attempts at the sweep's quiz are removed, so every language starts afresh."""
    ids = sa.select(QuizAttempt.id).where(
        QuizAttempt.user_id == data["learner_id"], QuizAttempt.module_id == QUIZ_MODULE
    )
    db.session.execute(sa.delete(QuizAnswer).where(QuizAnswer.attempt_id.in_(ids)))
    db.session.execute(sa.delete(QuizAttempt).where(QuizAttempt.id.in_(ids)))


QUIZ = f"/courses/{COURSE}/{QUIZ_MODULE}"

ROWS = [
    Row("learning.catalogue", "/courses"),
    Row("learning.catalogue", "/courses", role="learner", setup=learners),
    Row("learning.course", f"/courses/{COURSE}"),
    Row("learning.course", f"/courses/{COURSE}", role="learner", setup=learners),
    Row("learning.course", f"/courses/{COURSE}", role="graduate", setup=learners),
    Row(None, "/courses/no-such-course", states=(State("not found", status=404, errors=True),)),
    Row("learning.dashboard", "/my", role="newcomer", setup=learners),
    Row("learning.dashboard", "/my", role="learner", setup=learners, states=(FILLED,)),
    Row("learning.dashboard", "/my", role="graduate", setup=learners, states=(FILLED,)),
    Row(
        "learning.module",
        QUIZ,
        role="learner",
        states=(
            EMPTY,
            State("error", act=check_answers, status=400, errors=True),
            State("review", act=review),
            State("result", act=submit_and_see_result, reset=in_app(_forget_attempts)),
        ),
    ),
    Row(
        "learning.module",
        f"/courses/{COURSE}/{DONE_MODULE}",
        role="graduate",
        setup=learners,
        states=(FILLED,),
    ),
    Row(
        "learning.attempt",
        f"/courses/{COURSE}/{DONE_MODULE}/attempts/1",
        role="graduate",
        setup=learners,
        states=(State("passed"),),
    ),
    Row(
        "learning.attempt",
        f"/courses/{COURSE}/{QUIZ_MODULE}/attempts/9",
        role="learner",
        states=(State("not found", status=404, errors=True),),
    ),
]

EXEMPT = {
    "learning.media": "course images and other files, not HTML pages",
    "learning.back_to_quiz": "a redirect (303) to the module's quiz, not a page",
}
