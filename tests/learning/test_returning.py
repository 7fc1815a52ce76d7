"""Coming back to a course: quiz addresses opened without a form (language switch, signing in
again) lead back to the quiz."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt
from tests.conftest import PASSWORD
from tests.learning.conftest import LEARNER, SAFETY_WRONG, open_quiz

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
