"""Attempts are immutable, limited and never doubled: tampered forms, the attempt limit,
resubmissions, two tabs and truly concurrent submissions (threads with their own clients, on
the SQLite file and on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.learning.models import (
    Enrolment,
    ImmutableRecordError,
    ModuleProgress,
    QuizAnswer,
    QuizAttempt,
)
from tests.conftest import login
from tests.learning.conftest import LEARNER, SAFETY_RIGHT, SAFETY_WRONG, open_quiz, submit


def count(app, model, **where) -> int:
    with app.app_context():
        return len(list(db.session.scalars(db.select(model).filter_by(**where))))


def confirm(client, meta, answers, module="safety"):
    return client.post(f"/courses/library-basics/{module}/quiz/submit", data={**meta, **answers})


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"q-exit-route": "7"}, "an option that does not exist"),
        ({"q-exit-route": "x"}, "not an option number"),
        ({"q-hazards": ["0", "0"]}, "the same box ticked twice"),
        ({"q-hazards": ["0", "9"]}, "a box that does not exist"),
        ({"q-senses-1": "5"}, "a matching choice that does not exist"),
        ({"q-exit-route": ["0", "1"]}, "two answers to a single choice"),
        ({"q-room-purpose": "1"}, "an answer to another quiz's question"),
        ({"q-lux": None}, "a missing answer at the confirm step"),
        ({"attempt_no": "0"}, "a bad attempt number"),
        ({"attempt_no": "5"}, "an attempt number from the future"),
        ({"submission_key": "short"}, "a malformed submission key"),
        ({"lang": "de"}, "a language the module does not have"),
    ],
)
def test_tampered_forms_are_refused_and_nothing_is_recorded(app, learner_client, change, why):
    meta = open_quiz(learner_client, "library-basics", "safety")
    data = {**meta, **SAFETY_RIGHT, **change}
    data = {k: v for k, v in data.items() if v is not None}
    response = confirm(learner_client, {}, data)
    assert response.status_code == 400, why
    page = response.get_data(as_text=True)
    assert "error-code" in page and "400" in page
    assert count(app, QuizAttempt) == 0, why
    assert count(app, QuizAnswer) == 0, why
    with app.app_context():
        assert all(p.completed_at is None for p in db.session.scalars(db.select(ModuleProgress)))


def test_unknown_course_module_and_attempt_give_404(app, learner_client):
    meta = open_quiz(learner_client, "library-basics", "safety")
    data = {**meta, **SAFETY_RIGHT}
    assert learner_client.get("/courses/no-such-course").status_code == 404
    assert learner_client.get("/courses/library-basics/no-such-module").status_code == 404
    assert (
        learner_client.post("/courses/library-basics/nope/quiz/submit", data=data).status_code
        == 404
    )
    assert learner_client.post("/courses/nope/safety/quiz/submit", data=data).status_code == 404
    assert learner_client.get("/courses/library-basics/safety/attempts/1").status_code == 404
    # A module without a quiz has nothing to submit.
    assert (
        learner_client.post("/courses/library-basics/welcome/quiz/submit", data=data).status_code
        == 404
    )
    assert count(app, QuizAttempt) == 0


def test_the_attempt_limit_is_enforced(app, learner_client, learner):
    for _ in range(3):
        assert submit(learner_client, "library-basics", "safety", SAFETY_WRONG).status_code == 303
    page = learner_client.get("/courses/library-basics/safety").get_data(as_text=True)
    assert 'name="submission_key"' not in page  # no quiz form once the attempts are used
    meta = {"submission_key": "k" * 32, "attempt_no": "4", "lang": "lv"}
    review = learner_client.post(
        "/courses/library-basics/safety/quiz", data={**meta, **SAFETY_RIGHT}
    )
    assert review.status_code == 409
    response = confirm(learner_client, meta, SAFETY_RIGHT)
    assert response.status_code == 409
    assert count(app, QuizAttempt, user_id=learner) == 3
    # Out of attempts: after_pass now reveals the answers on the results page.
    html = learner_client.get("/courses/library-basics/safety/attempts/3").get_data(as_text=True)
    assert "glābj dzīvības" in html


def test_a_resubmitted_form_shows_the_existing_attempt(app, learner_client, learner):
    meta = open_quiz(learner_client, "library-basics", "safety")
    first = confirm(learner_client, meta, SAFETY_WRONG)
    again = confirm(learner_client, meta, SAFETY_WRONG)  # back button + resend, or a double click
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(app, QuizAttempt, user_id=learner) == 1


def test_a_second_tab_cannot_add_an_attempt(app, learner_client, learner):
    tab_one = open_quiz(learner_client, "library-basics", "safety")
    tab_two = open_quiz(learner_client, "library-basics", "safety")
    assert tab_one["submission_key"] != tab_two["submission_key"]
    assert confirm(learner_client, tab_one, SAFETY_WRONG).status_code == 303
    response = confirm(learner_client, tab_two, SAFETY_RIGHT)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/attempts/1")
    assert count(app, QuizAttempt, user_id=learner) == 1
    with app.app_context():
        assert db.session.scalar(db.select(QuizAttempt.passed)) is False  # the first one stands
    followed = learner_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-info"' in followed


def test_a_submission_key_of_another_learner_is_refused(app, client, login_as, factory, courses):
    factory.user(email="a@example.org")
    factory.user(email="b@example.org")
    login_as("a@example.org")
    meta = open_quiz(client, "library-basics", "safety")
    assert confirm(client, meta, SAFETY_WRONG).status_code == 303
    client.post("/logout")
    login_as("b@example.org")
    response = confirm(client, meta, SAFETY_RIGHT)
    assert response.status_code == 400
    assert count(app, QuizAttempt) == 1


def _concurrent_posts(app, make_data, threads: int = 4):
    """Sign ``threads`` clients in as the learner, then send their forms at the same moment."""
    clients = []
    for _ in range(threads):
        c = app.test_client()
        assert login(c, LEARNER).status_code == 302
        clients.append(c)
    datas = [make_data(c, i) for i, c in enumerate(clients)]
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def run(i):
        barrier.wait()
        try:
            response = clients[i].post("/courses/library-basics/safety/quiz/submit", data=datas[i])
            results[i] = (response.status_code, response.headers.get("Location"))
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    return results


def test_concurrent_double_submit_creates_one_attempt(app, learner, courses):
    first = app.test_client()
    assert login(first, LEARNER).status_code == 302
    meta = open_quiz(first, "library-basics", "safety")
    results = _concurrent_posts(app, lambda c, i: {**meta, **SAFETY_WRONG})
    assert all(isinstance(r, tuple) for r in results), results
    assert {r[0] for r in results} == {303}, results
    assert len({r[1] for r in results}) == 1, results
    assert count(app, QuizAttempt) == 1
    assert count(app, QuizAnswer) == 6


def test_concurrent_tabs_never_exceed_the_limit(app, learner, courses):
    first = app.test_client()
    assert login(first, LEARNER).status_code == 302
    for _ in range(2):
        submit(first, "library-basics", "safety", SAFETY_WRONG)
    # Four tabs, each with its own form for attempt 3 (the last one allowed).
    metas = [open_quiz(first, "library-basics", "safety") for _ in range(4)]
    assert len({m["submission_key"] for m in metas}) == 4
    results = _concurrent_posts(app, lambda c, i: {**metas[i], **SAFETY_RIGHT})
    assert all(isinstance(r, tuple) for r in results), results
    assert all(r[0] in (303, 409) for r in results), results
    locations = {r[1] for r in results if r[0] == 303}
    assert locations == {"/courses/library-basics/safety/attempts/3"}, results
    assert count(app, QuizAttempt) == 3
    assert count(app, Enrolment) == 1


def test_concurrent_first_visits_enrol_once(app, learner, courses):
    clients = []
    for _ in range(4):
        c = app.test_client()
        login(c, LEARNER)
        clients.append(c)
    barrier = threading.Barrier(4)
    codes: list = [None] * 4

    def run(i):
        barrier.wait()
        codes[i] = clients[i].get("/courses/library-basics/welcome").status_code

    workers = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert codes == [200] * 4
    assert count(app, Enrolment) == 1
    assert count(app, ModuleProgress) == 1


def test_a_lost_race_on_the_attempt_number_shows_the_winner(
    app, learner_client, learner, monkeypatch
):
    """The database constraint is the last line: even when a request counted the attempts
    before another one committed (simulated here by a stale count), the UNIQUE attempt number
    makes it fail; the learner sees the attempt that won, and nothing extra is stored."""
    from app.learning import services

    tab_one = open_quiz(learner_client, "library-basics", "safety")
    tab_two = open_quiz(learner_client, "library-basics", "safety")
    assert confirm(learner_client, tab_one, SAFETY_WRONG).status_code == 303
    monkeypatch.setattr(services, "_attempts_used", lambda *args: 0)
    response = confirm(learner_client, tab_two, SAFETY_RIGHT)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/attempts/1")
    assert count(app, QuizAttempt) == 1
    assert count(app, QuizAnswer) == 6
    with app.app_context():
        assert db.session.scalar(db.select(ModuleProgress.completed_at)) is None


@pytest.mark.parametrize(
    "number",
    [
        "10000",  # one more than a quiz form can carry (forms.parse_quiz_meta)
        "3000000000",  # past PostgreSQL's INTEGER
        "99999999999999999999",  # past SQLite's 64-bit integers
    ],
)
def test_an_attempt_number_out_of_range_is_not_found(app, learner_client, learner, number):
    submit(learner_client, "library-basics", "safety", SAFETY_WRONG)
    response = learner_client.get(f"/courses/library-basics/safety/attempts/{number}")
    assert response.status_code == 404
    assert learner_client.get("/courses/library-basics/safety/attempts/1").status_code == 200


# --- submitted attempts are immutable -------------------------------------------------------


def _stored(app):
    with app.app_context():
        attempt = db.session.scalar(db.select(QuizAttempt))
        result = (attempt.passed, attempt.score, [a.response for a in attempt.answers])
        db.session.rollback()
        return result


@pytest.mark.parametrize(
    "change",
    [
        lambda attempt: setattr(attempt, "passed", True),
        lambda attempt: setattr(attempt, "score", 8.0),
        lambda attempt: setattr(attempt.answers[0], "response", 1),
        lambda attempt: setattr(attempt.answers[0], "points", 1.0),
    ],
    ids=["passed", "score", "answer", "points"],
)
def test_a_submitted_attempt_cannot_be_changed(app, learner_client, learner, change):
    submit(learner_client, "library-basics", "safety", SAFETY_WRONG)
    before = _stored(app)
    assert before[:2] == (False, 0)
    with app.app_context():
        change(db.session.scalar(db.select(QuizAttempt)))
        with pytest.raises(ImmutableRecordError):
            db.session.commit()
        db.session.rollback()
    assert _stored(app) == before
    page = learner_client.get("/courses/library-basics/safety/attempts/1")
    assert "Nav nokārtots" in page.get_data(as_text=True)


def test_erasure_still_clears_the_typed_answers_of_loaded_attempts(
    app, learner_client, learner, factory
):
    """GDPR erasure blanks the answers with a bulk UPDATE, which the guard does not see: it
    works even when the attempts are loaded in the same session."""
    from app.accounts.models import Role, User
    from app.admin.services import erase_user

    submit(learner_client, "library-basics", "safety", SAFETY_WRONG)
    admin = factory.user(email="admin@example.org", role=Role.ADMIN.value)
    with app.app_context():
        attempt = db.session.scalar(db.select(QuizAttempt))
        assert attempt.answers[0].response == 0  # loaded into the session
        erase_user(db.session.get(User, learner), actor=db.session.get(User, admin))
        db.session.commit()
    passed, score, responses = _stored(app)
    assert (passed, score) == (False, 0)
    assert responses == [None] * 6
