"""The learner's journey through the test client: catalogue, course page, modules, quizzes,
completion, the course_completed signal and the dashboard."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt
from app.learning.signals import course_completed
from tests.learning.conftest import (
    LEARNER,
    SAFETY_RIGHT,
    SAFETY_WRONG,
    open_quiz,
    submit,
)


def text_of(response) -> str:
    """The visible text of <main>, whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#34;", '"')


def rows(app, model, **where):
    with app.app_context():
        found = list(db.session.scalars(db.select(model).filter_by(**where)))
        db.session.expunge_all()
        return found


def test_catalogue_lists_published_courses_with_facts_and_status(app, learner_client):
    response = learner_client.get("/courses")
    assert response.status_code == 200
    page = text_of(response)
    assert "Bibliotēkas pamati" in page
    assert "Īss kurss par drošu" in page
    assert "Melnraksta kurss" not in page  # a draft is never shown to learners
    assert "/courses/library-basics" in response.get_data(as_text=True)


def test_drafts_are_shown_to_trainers_marked_as_draft(app, client, login_as, factory, courses):
    factory.user(email="trainer@example.org", role="trainer")
    login_as("trainer@example.org")
    page = client.get("/courses")
    assert "Melnraksta kurss" in text_of(page)
    assert 'class="tag tag-muted"' in page.get_data(as_text=True)
    assert client.get("/courses/draft-course").status_code == 200


def test_drafts_do_not_exist_for_learners(app, learner_client):
    assert learner_client.get("/courses/draft-course").status_code == 404
    assert learner_client.get("/courses/draft-course/only").status_code == 404
    assert learner_client.get("/courses/draft-course/media/x.png").status_code == 404


def test_anonymous_visitors_see_the_catalogue_but_must_sign_in_to_learn(app, client, courses):
    assert client.get("/courses").status_code == 200
    assert client.get("/courses/library-basics").status_code == 200
    response = client.get("/courses/library-basics/welcome")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/my").status_code == 302


def test_first_module_view_enrols_and_records_progress(app, learner_client, learner):
    course_page = text_of(learner_client.get("/courses/library-basics"))
    assert "Nav sākts" in course_page
    assert rows(app, Enrolment) == []

    response = learner_client.get("/courses/library-basics/welcome")
    assert response.status_code == 200
    [enrolment] = rows(app, Enrolment, user_id=learner)
    assert enrolment.course_id == "library-basics"
    assert enrolment.language == "lv"
    [progress] = rows(app, ModuleProgress, user_id=learner)
    assert progress.module_id == "welcome"
    assert progress.first_viewed_at is not None
    assert len(progress.content_hash_seen) == 64
    first = progress.first_viewed_at

    learner_client.get("/courses/library-basics/welcome")
    [again] = rows(app, ModuleProgress, user_id=learner)
    assert again.first_viewed_at == first
    assert again.last_viewed_at >= first
    assert len(rows(app, Enrolment)) == 1  # viewing again never enrols twice


def test_module_page_has_contents_minutes_navigation_and_mark_read(app, learner_client):
    response = learner_client.get("/courses/library-basics/welcome")
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1  # the module's own leading heading is not repeated
    assert 'href="#sveiciens"' in html and 'href="#atvadas"' in html  # table of contents
    assert 'src="/courses/library-basics/media/room.png"' in html
    assert 'action="/courses/library-basics/welcome/read"' in html
    assert 'href="/courses/library-basics/safety"' in html  # next module
    assert 'name="q-' not in html  # no quiz in this module


def test_mark_as_read_completes_the_module_and_moves_on(app, learner_client, learner):
    learner_client.get("/courses/library-basics/welcome")
    response = learner_client.post("/courses/library-basics/welcome/read")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/courses/library-basics/safety")
    [progress] = rows(app, ModuleProgress, user_id=learner, module_id="welcome")
    assert progress.read_at is not None and progress.completed_at is not None
    # Marking again changes nothing.
    learner_client.post("/courses/library-basics/welcome/read")
    [same] = rows(app, ModuleProgress, user_id=learner, module_id="welcome")
    assert same.completed_at == progress.completed_at


def test_mark_as_read_is_refused_for_a_module_with_a_quiz(app, learner_client, learner):
    response = learner_client.post("/courses/library-basics/safety/read")
    assert response.status_code == 409
    assert "Šo moduli pabeidz, nokārtojot tā testu" in text_of(response)
    assert all(p.completed_at is None for p in rows(app, ModuleProgress, user_id=learner))


def test_fallback_module_is_marked_with_its_language(app, client, login_as, factory, courses):
    factory.user(email="lt@example.org", language="lt")
    login_as("lt@example.org")
    html = client.get("/courses/library-basics/closing").get_data(as_text=True)
    assert '<html lang="lt"' in html
    assert '<div class="module-content" lang="lv">' in html
    assert '<h1 lang="lv">Noslēgums</h1>' in html
    assert 'class="notice"' in html
    # A translated module carries no notice and no foreign lang attribute.
    html = client.get("/courses/library-basics/welcome").get_data(as_text=True)
    assert '<div class="module-content">' in html
    assert "Sveiki atvykę" in html


def test_quiz_form_never_contains_the_key_feedback_or_explanation(app, learner_client):
    html = learner_client.get("/courses/library-basics/safety").get_data(as_text=True)
    assert 'name="q-exit-route"' in html
    for secret in (
        "Tieši tā",  # feedback of the right option
        "Mūzika nav drošības jautājums",  # feedback of a wrong option
        "glābj dzīvības",  # explanation
        "multisensorā telpa",  # accepted text answer
        "300",  # numeric key
        "correct",
    ):
        assert secret not in html, secret
    assert 'inputmode="decimal"' in html
    # Every option and every input has a label; questions are fieldsets with a legend.
    assert html.count("<fieldset") == 6 and html.count("<legend") >= 6
    for input_id in re.findall(r'<(?:input|select)[^>]*\bid="(q-[^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_review_shows_answers_and_keeps_them_when_going_back(app, learner_client, learner):
    meta = open_quiz(learner_client, "library-basics", "safety")
    data = {**meta, **SAFETY_RIGHT}
    review = learner_client.post("/courses/library-basics/safety/quiz", data=data)
    assert review.status_code == 200
    page = text_of(review)
    assert "Brīvs ceļš līdz izejai" in page and "Sensorā telpa" in page and "320,5" in page
    assert "Burbuļu kolonna → Redze" in page
    html = review.get_data(as_text=True)
    assert f'name="submission_key" value="{meta["submission_key"]}"' in html
    assert 'name="q-lux" value="320,5"' in html  # carried in the form, not only the session
    assert rows(app, QuizAttempt) == []  # nothing recorded by reviewing

    back = learner_client.post(
        "/courses/library-basics/safety/quiz", data={**data, "action": "change"}
    )
    assert back.status_code == 200
    html = back.get_data(as_text=True)
    assert 'value="320,5"' in html
    assert re.search(r'id="q-exit-route-1"[^>]*checked', html)
    assert re.search(r'<option value="2"[^>]*selected>Tauste', html)
    assert f'value="{meta["submission_key"]}"' in html  # the same attempt form
    assert rows(app, QuizAttempt) == []


def test_unanswered_questions_are_listed_in_an_error_summary(app, learner_client, learner):
    meta = open_quiz(learner_client, "library-basics", "safety")
    partial = {k: v for k, v in SAFETY_RIGHT.items() if k not in ("q-blanket", "q-lux")}
    response = learner_client.post(
        "/courses/library-basics/safety/quiz", data={**meta, **partial, "q-room-name": " "}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#q-blanket-0"' in html and 'href="#q-lux"' in html
    assert 'href="#q-room-name"' in html
    assert "<title>Kļūda:" in html
    assert "Izvēlieties atbildi uz 3. jautājumu." in html
    assert "Ierakstiet skaitli kā atbildi uz 5. jautājumu." in html
    assert 'value="320,5"' not in html and re.search(r'id="q-exit-route-1"[^>]*checked', html)
    assert rows(app, QuizAttempt) == []


def test_a_number_must_be_a_number(app, learner_client, learner):
    meta = open_quiz(learner_client, "library-basics", "safety")
    response = learner_client.post(
        "/courses/library-basics/safety/quiz", data={**meta, **SAFETY_RIGHT, "q-lux": "daudz"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_failed_attempt_then_pass_records_everything(app, learner_client, learner):
    failed = submit(learner_client, "library-basics", "safety", SAFETY_WRONG)
    assert failed.status_code == 303
    assert failed.headers["Location"].endswith("/courses/library-basics/safety/attempts/1")
    result = learner_client.get(failed.headers["Location"])
    page = text_of(result)
    assert "✗ Nav nokārtots" in page
    assert "Jums ir atlikuši 2 mēģinājumi." in page
    assert "Jūsu rezultāts: 0% (punkti: 0 no 8)." in page
    html = result.get_data(as_text=True)
    assert "Mūzika nav drošības jautājums" in html  # feedback on the chosen option
    # show_answers: after_pass — no correct answers or explanation after a failed attempt
    assert "glābj dzīvības" not in html and "Brīvs ceļš līdz izejai" not in html

    [attempt] = rows(app, QuizAttempt, user_id=learner)
    assert (attempt.attempt_no, attempt.passed, attempt.score, attempt.max_score) == (
        1,
        False,
        0,
        8,
    )
    assert attempt.key_revision == "exit-route:1,hazards:1,blanket:1,room-name:1,lux:1,senses:1"
    assert attempt.language == "lv"
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        responses = {a.question_id: a.response for a in stored.answers}
    assert responses == {
        "exit-route": 0,
        "hazards": [2],
        "blanket": 0,
        "room-name": "lasītava",
        "lux": "1000",
        "senses": [0, 0, 1],
    }
    module_page = text_of(learner_client.get("/courses/library-basics/safety"))
    assert "Mēģinājums 1" in module_page

    passed = submit(learner_client, "library-basics", "safety", SAFETY_RIGHT)
    assert passed.headers["Location"].endswith("/attempts/2")
    html = learner_client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "glābj dzīvības" in html  # explanation revealed once passed
    [progress] = rows(app, ModuleProgress, user_id=learner, module_id="safety")
    assert progress.completed_at is not None and progress.read_at is not None
    # The first attempt is unchanged.
    first, second = sorted(rows(app, QuizAttempt, user_id=learner), key=lambda a: a.attempt_no)
    assert (first.passed, first.score, second.passed, second.score) == (False, 0, True, 8)


def test_partial_credit_reaches_the_pass_mark(app, learner_client, learner):
    answers = {**SAFETY_RIGHT, "q-hazards": ["0"]}  # half of 2 points: 7 of 8 = 87.5 %
    location = submit(learner_client, "library-basics", "safety", answers).headers["Location"]
    [attempt] = rows(app, QuizAttempt, user_id=learner)
    assert attempt.score == 7 and attempt.percent == 87.5 and attempt.passed
    assert "◐" in text_of(learner_client.get(location))  # "partly correct" is marked


def test_course_completion_is_recorded_and_signalled_before_commit(app, learner_client, learner):
    received = []

    def receiver(sender, **kwargs):
        # Inside the transaction: the completion is visible, not yet committed.
        enrolment = db.session.get(Enrolment, kwargs["enrolment_id"])
        received.append((sender, kwargs, enrolment.completed_at is not None, db.session.new))

    course_completed.connect(receiver)
    try:
        learner_client.get("/courses/library-basics/welcome")
        learner_client.post("/courses/library-basics/welcome/read")
        submit(learner_client, "library-basics", "safety", SAFETY_RIGHT)
        assert received == []
        learner_client.get("/courses/library-basics/closing")
        response = learner_client.post("/courses/library-basics/closing/read")
    finally:
        course_completed.disconnect(receiver)
    assert response.status_code == 303
    [(sender, kwargs, visible, _new)] = received
    assert sender is app
    [enrolment] = rows(app, Enrolment, user_id=learner)
    assert kwargs == {
        "user_id": learner,
        "course_id": "library-basics",
        "course_version": 1,
        "enrolment_id": enrolment.id,
    }
    assert visible
    assert enrolment.completed_at is not None and enrolment.completed_version == 1
    page = text_of(learner_client.get("/courses/library-basics"))
    assert "Moduļi pabeigti: 3 no 3." in page
    assert "Jūs pabeidzāt šo kursu" in page


def test_a_failing_receiver_rolls_the_completion_back(app, learner_client, learner):
    def broken(sender, **kwargs):
        raise RuntimeError("certificate could not be issued")

    learner_client.get("/courses/library-basics/welcome")
    learner_client.post("/courses/library-basics/welcome/read")
    submit(learner_client, "library-basics", "safety", SAFETY_RIGHT)
    course_completed.connect(broken)
    try:
        response = learner_client.post("/courses/library-basics/closing/read")
    finally:
        course_completed.disconnect(broken)
    assert response.status_code == 500
    [enrolment] = rows(app, Enrolment, user_id=learner)
    assert enrolment.completed_at is None
    assert rows(app, ModuleProgress, user_id=learner, module_id="closing") == []


def test_course_page_says_what_remains(app, learner_client, learner):
    learner_client.get("/courses/library-basics/welcome")
    learner_client.post("/courses/library-basics/welcome/read")
    submit(learner_client, "library-basics", "safety", SAFETY_WRONG)
    response = learner_client.get("/courses/library-basics")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "Moduļi pabeigti: 1 no 3. Vēl nav nokārtots tests modulī 2." in page
    # The continue button leads back to the quiz that is not passed yet.
    assert 'href="/courses/library-basics/safety#quiz"' in html


def test_dashboard_lists_in_progress_and_completed_courses(app, learner_client, learner, courses):
    from tests.learning.conftest import write_course

    write_course(courses, "second-course", modules=1)
    from tests.learning.conftest import use_courses

    use_courses(app, courses)
    learner_client.get("/courses/library-basics/welcome")
    learner_client.get("/courses/second-course/part-1")
    learner_client.post("/courses/second-course/part-1/read")
    response = learner_client.get("/my")
    html = response.get_data(as_text=True)
    in_progress = html[html.index('id="in-progress-title"') : html.index('id="completed-title"')]
    completed = html[html.index('id="completed-title"') :]
    assert "Bibliotēkas pamati" in in_progress
    assert 'href="/courses/library-basics/welcome"' in in_progress  # resume link
    assert "Kurss second-course" in completed


@pytest.mark.parametrize("path", ["/my", "/courses", "/courses/library-basics"])
def test_pages_show_only_the_learners_own_records(app, client, login_as, factory, courses, path):
    factory.user(email="other@example.org", name="Cits Lietotājs")
    login_as("other@example.org")
    submit(client, "library-basics", "safety", SAFETY_RIGHT)
    client.post("/logout")
    factory.user(email=LEARNER)
    login_as(LEARNER)
    page = text_of(client.get(path))
    assert "✓" not in page  # nothing completed by this learner
    # Another learner's result is not reachable: the attempt number is looked up for the
    # signed-in learner only.
    assert client.get("/courses/library-basics/safety/attempts/1").status_code == 404


def test_forms_carry_the_csrf_token_through_review_and_submit(app, learner_client, learner):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        html = learner_client.get("/courses/library-basics/safety").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        meta = dict(re.findall(r'name="(submission_key|attempt_no|lang)" value="([^"]*)"', html))
        data = {**meta, **SAFETY_RIGHT}
        refused = learner_client.post("/courses/library-basics/safety/quiz/submit", data=data)
        assert refused.status_code == 400
        review = learner_client.post(
            "/courses/library-basics/safety/quiz", data={**data, "csrf_token": token}
        )
        assert review.status_code == 200
        carried = re.findall(r'name="csrf_token" value="([^"]+)"', review.get_data(as_text=True))
        confirmed = learner_client.post(
            "/courses/library-basics/safety/quiz/submit", data={**data, "csrf_token": carried[-1]}
        )
        assert confirmed.status_code == 303
        page = learner_client.get("/courses/library-basics/welcome").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert learner_client.post("/courses/library-basics/welcome/read").status_code == 400
        read = learner_client.post(
            "/courses/library-basics/welcome/read", data={"csrf_token": token}
        )
        assert read.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(rows(app, QuizAttempt, user_id=learner)) == 1
