"""Coming back to a course: quiz addresses opened without a form (language switch, signing in
again) lead back to the quiz, and "My learning" resumes where the learner left off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt
from tests.conftest import PASSWORD
from tests.learning.conftest import (
    LEARNER,
    SAFETY_WRONG,
    open_quiz,
    use_courses,
    write_course,
)

QUIZ_URLS = [
    "/courses/library-basics/safety/quiz",
    "/courses/library-basics/safety/quiz/submit",
]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("path", QUIZ_URLS)
def test_quiz_addresses_opened_by_get_lead_back_to_the_quiz(app, learner_client, learner, path):
    response = learner_client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/courses/library-basics/safety#quiz"
    # Nothing is recorded: not even the visit (that happens on the module page itself).
    assert count(app, QuizAttempt) == count(app, Enrolment) == count(app, ModuleProgress) == 0


def test_switching_language_on_the_review_page_returns_to_the_quiz(app, learner_client, learner):
    meta = open_quiz(learner_client, "library-basics", "safety")
    review = learner_client.post(
        "/courses/library-basics/safety/quiz", data={**meta, **SAFETY_WRONG}
    )
    assert review.status_code == 200
    back_to = re.search(r'name="next" value="([^"]+)"', review.get_data(as_text=True))[1]
    response = learner_client.post(
        "/language", data={"lang": "lt", "next": back_to}, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == "/courses/library-basics/safety"
    html = response.get_data(as_text=True)
    assert "Pagalvokite apie evakuaciją" in html  # the quiz, now in Lithuanian
    assert 'name="submission_key"' in html
    assert count(app, QuizAttempt) == 0


def test_signing_in_again_at_the_confirm_step_returns_to_the_quiz(app, client, learner):
    # The session ran out while the review page was open; "Confirm" asks to sign in again.
    meta = {"submission_key": "k" * 32, "attempt_no": "1", "lang": "lv"}
    confirm = client.post("/courses/library-basics/safety/quiz/submit", data=meta)
    assert confirm.status_code == 302
    login_url = confirm.headers["Location"]
    assert "/login" in login_url
    response = client.post(
        login_url, data={"email": LEARNER, "password": PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == "/courses/library-basics/safety"
    assert 'name="submission_key"' in response.get_data(as_text=True)
    assert count(app, QuizAttempt) == 0


# --- "My learning": resume where the learner left off ---------------------------------------


def _continue_link(html: str, start: str, end: str) -> str:
    section = html[html.index(start) : html.index(end) if end in html else len(html)]
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)"', section)
    assert len(links) == 1, links
    return links[0]


@pytest.fixture()
def three_modules(app, courses):
    write_course(courses, "resume", modules=3, quiz_modules=(1, 3))
    use_courses(app, courses)


def _set_viewed(app, learner, **minutes_ago):
    """Give the learner's module visits distinct times (module id -> minutes ago)."""
    now = utcnow()
    with app.app_context():
        for module_id, ago in minutes_ago.items():
            row = db.session.scalar(
                db.select(ModuleProgress).filter_by(user_id=learner, module_id=module_id)
            )
            row.last_viewed_at = now - timedelta(minutes=ago)
        db.session.commit()


def _resume_link(client) -> str:
    html = client.get("/my").get_data(as_text=True)
    return _continue_link(html, 'id="in-progress-title"', 'id="completed-title"')


def test_my_learning_resumes_at_the_module_viewed_last(app, learner_client, learner, three_modules):
    # Modules 1-3 read, module 1's quiz not taken yet; then back to module 2.
    for n in (1, 2, 3, 2):
        learner_client.get(f"/courses/resume/part-{n}")
    _set_viewed(app, learner, **{"part-1": 30, "part-3": 20, "part-2": 10})
    assert _resume_link(learner_client) == "/courses/resume/part-2"
    # The course page still offers the next thing to do in course order.
    course_page = learner_client.get("/courses/resume").get_data(as_text=True)
    assert re.findall(r'<a class="button[^"]*" href="([^"]+)"', course_page)[0] == (
        "/courses/resume/part-1"
    )


def test_my_learning_skips_finished_modules_when_resuming(
    app, learner_client, learner, three_modules
):
    for n in (1, 2, 3):
        learner_client.get(f"/courses/resume/part-{n}")
    learner_client.post("/courses/resume/part-2/read")
    _set_viewed(app, learner, **{"part-1": 30, "part-3": 20, "part-2": 10})
    # Module 2, viewed last, is finished: resume at module 3, viewed before it.
    assert _resume_link(learner_client) == "/courses/resume/part-3"


def test_my_learning_resumes_at_a_failed_quiz_viewed_last(
    app, learner_client, learner, three_modules
):
    learner_client.get("/courses/resume/part-1")
    meta = open_quiz(learner_client, "resume", "part-3")
    learner_client.post("/courses/resume/part-3/quiz", data={**meta, "q-q3": "0"})
    learner_client.post("/courses/resume/part-3/quiz/submit", data={**meta, "q-q3": "0"})
    _set_viewed(app, learner, **{"part-1": 30, "part-3": 10})
    assert _resume_link(learner_client) == "/courses/resume/part-3#quiz"


def test_my_learning_starts_in_course_order_when_nothing_unfinished_was_viewed(
    app, learner_client, learner, three_modules
):
    learner_client.get("/courses/resume/part-2")
    learner_client.post("/courses/resume/part-2/read")
    assert _resume_link(learner_client) == "/courses/resume/part-1"
