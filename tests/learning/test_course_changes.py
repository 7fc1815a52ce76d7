"""Editing, versioning, unpublishing and removing courses never loses a learner's records.

The rule (docs/COURSE_FORMAT_DECISIONS.md): a completed module stays completed when its text or
answer key changes; a module added without raising the course version does not reopen a
completed course; with a raised version it shows as "updated — N new modules" while the first
completion date is kept; removed courses and modules get a friendly 410 page."""

from __future__ import annotations

import re
import shutil

from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress
from app.learning.signals import course_completed
from tests.learning.conftest import (
    SAFETY_RIGHT,
    reload_courses,
    submit,
    use_courses,
    write_course,
)


def enrolment_of(app, user_id) -> Enrolment:
    with app.app_context():
        found = db.session.scalar(db.select(Enrolment).filter_by(user_id=user_id))
        db.session.expunge_all()
        return found


def complete_library_basics(client):
    client.get("/courses/library-basics/welcome")
    client.post("/courses/library-basics/welcome/read")
    assert submit(client, "library-basics", "safety", SAFETY_RIGHT).status_code == 303
    client.get("/courses/library-basics/closing")
    client.post("/courses/library-basics/closing/read")


def set_version(course_dir, version: int) -> None:
    yml = course_dir / "course.yml"
    yml.write_text(re.sub(r"(?m)^version: \d+$", f"version: {version}", yml.read_text()))


def add_module(course_dir, stem: str, module_id: str) -> None:
    yml = course_dir / "course.yml"
    text = yml.read_text()
    text = text.replace("03-closing]", f"03-closing, {stem}]")
    yml.write_text(text)
    (course_dir / f"{stem}.lv.md").write_text(
        f"---\nid: {module_id}\ntitle: Jaunais modulis\nminutes: 5\n---\n# Jaunais modulis\n\nTeksts.\n"
    )


class Signals:
    def __init__(self):
        self.received = []

    def __call__(self, sender, **kwargs):
        self.received.append(kwargs)


def test_changed_text_and_answer_key_keep_completion(app, learner_client, learner, courses):
    complete_library_basics(learner_client)
    course_dir = courses / "library-basics"
    welcome = course_dir / "01-welcome.lv.md"
    welcome.write_text(welcome.read_text().replace("ar smaidu", "ar platu smaidu"))
    safety = course_dir / "02-safety.lv.md"
    safety.write_text(
        safety.read_text().replace("{#lux}", "{#lux rev=2}").replace("300 +- 50", "250 +- 50")
    )
    safety_lt = course_dir / "02-safety.lt.md"
    safety_lt.write_text(
        safety_lt.read_text().replace("{#lux}", "{#lux rev=2}").replace("300 +- 50", "250 +- 50")
    )
    reload_courses(app)

    page = learner_client.get("/courses/library-basics").get_data(as_text=True)
    assert page.count("tag tag-done") == 4  # course + three modules still completed
    with app.app_context():
        before = db.session.scalar(
            db.select(ModuleProgress.content_hash_seen).filter_by(module_id="welcome")
        )
    learner_client.get("/courses/library-basics/welcome")
    with app.app_context():
        after = db.session.scalar(
            db.select(ModuleProgress.content_hash_seen).filter_by(module_id="welcome")
        )
        completed = db.session.scalar(
            db.select(ModuleProgress.completed_at).filter_by(module_id="safety")
        )
    assert before != after  # the new text was seen ...
    assert completed is not None  # ... and nothing was taken away
    # The old attempt keeps its score and says the key changed; the new key is not shown as
    # the answer to the old question.
    result = learner_client.get("/courses/library-basics/safety/attempts/1").get_data(as_text=True)
    assert "250" not in result
    assert result.count("Šis jautājums kopš jūsu mēģinājuma ir mainīts") == 1


def test_added_module_without_version_bump_does_not_reopen(app, learner_client, learner, courses):
    complete_library_basics(learner_client)
    first = enrolment_of(app, learner)
    add_module(courses / "library-basics", "04-extra", "extra")
    reload_courses(app)
    signals = Signals()
    course_completed.connect(signals)
    try:
        page = learner_client.get("/courses/library-basics").get_data(as_text=True)
        dashboard = learner_client.get("/my").get_data(as_text=True)
        learner_client.get("/courses/library-basics/extra")
        learner_client.post("/courses/library-basics/extra/read")
    finally:
        course_completed.disconnect(signals)
    assert 'id="in-progress-title"' not in dashboard
    assert "Bibliotēkas pamati" in dashboard[dashboard.index('id="completed-title"') :]
    assert "tag tag-done" in page.split("<h2", 2)[1]  # the course status is still "completed"
    assert signals.received == []
    assert enrolment_of(app, learner).completed_at == first.completed_at


def test_added_module_with_version_bump_reopens_and_keeps_the_date(
    app, learner_client, learner, courses
):
    complete_library_basics(learner_client)
    first = enrolment_of(app, learner)
    course_dir = courses / "library-basics"
    add_module(course_dir, "04-extra", "extra")
    set_version(course_dir, 2)
    reload_courses(app)

    dashboard = learner_client.get("/my").get_data(as_text=True)
    in_progress = dashboard[dashboard.index('id="in-progress-title"') :]
    assert "Bibliotēkas pamati" in in_progress
    assert 'href="/courses/library-basics/extra"' in in_progress
    page = learner_client.get("/courses/library-basics").get_data(as_text=True)
    assert "Atjaunināts — 1 jauns modulis" in page
    assert "Jums jāapgūst 1 jauns modulis; kursa pabeigšana jums ir saglabāta." in page

    signals = Signals()
    course_completed.connect(signals)
    try:
        learner_client.get("/courses/library-basics/extra")
        learner_client.post("/courses/library-basics/extra/read")
    finally:
        course_completed.disconnect(signals)
    again = enrolment_of(app, learner)
    assert again.completed_at == first.completed_at  # the first completion date stays
    assert again.completed_version == 2
    assert signals.received == [
        {
            "user_id": learner,
            "course_id": "library-basics",
            "course_version": 2,
            "enrolment_id": first.id,
        }
    ]


def test_version_bump_alone_changes_nothing_for_completed_learners(
    app, learner_client, learner, courses
):
    complete_library_basics(learner_client)
    set_version(courses / "library-basics", 2)
    reload_courses(app)
    signals = Signals()
    course_completed.connect(signals)
    try:
        learner_client.get("/courses/library-basics/welcome")
        learner_client.post("/courses/library-basics/welcome/read")
    finally:
        course_completed.disconnect(signals)
    assert signals.received == []
    assert enrolment_of(app, learner).completed_version == 1
    dashboard = learner_client.get("/my").get_data(as_text=True)
    assert 'id="in-progress-title"' not in dashboard


def test_removed_course_keeps_the_records_and_explains(app, learner_client, learner, courses):
    complete_library_basics(learner_client)
    shutil.rmtree(courses / "library-basics")
    reload_courses(app)
    response = learner_client.get("/courses/library-basics")
    assert response.status_code == 410
    assert learner_client.get("/courses/library-basics/welcome").status_code == 410
    assert learner_client.get("/courses/library-basics/safety/attempts/1").status_code == 410
    dashboard = learner_client.get("/my").get_data(as_text=True)
    gone = dashboard[dashboard.index('id="gone-title"') :]
    assert "library-basics" in gone
    assert enrolment_of(app, learner).completed_at is not None


def test_removed_course_is_simply_not_found_for_others(app, client, login_as, factory, courses):
    factory.user(email="new@example.org")
    login_as("new@example.org")
    shutil.rmtree(courses / "library-basics")
    reload_courses(app)
    assert client.get("/courses/library-basics").status_code == 404


def test_unpublished_course_is_no_longer_available_to_learners(
    app, learner_client, learner, courses
):
    learner_client.get("/courses/library-basics/welcome")
    yml = courses / "library-basics" / "course.yml"
    yml.write_text(yml.read_text().replace("published: true", "published: false"))
    reload_courses(app)
    assert learner_client.get("/courses/library-basics").status_code == 410
    assert "Bibliotēkas pamati" not in learner_client.get("/courses").get_data(as_text=True)
    dashboard = learner_client.get("/my").get_data(as_text=True)
    assert "Bibliotēkas pamati" in dashboard[dashboard.index('id="gone-title"') :]


def test_removed_module_gets_410_and_the_course_can_still_be_completed(
    app, learner_client, learner, courses
):
    learner_client.get("/courses/library-basics/welcome")
    learner_client.post("/courses/library-basics/welcome/read")
    assert submit(learner_client, "library-basics", "safety", SAFETY_RIGHT).status_code == 303
    learner_client.get("/courses/library-basics/closing")  # viewed, not completed
    course_dir = courses / "library-basics"
    yml = course_dir / "course.yml"
    yml.write_text(
        yml.read_text().replace(", 03-closing]", "]").replace("retired: []", "retired: [closing]")
    )
    for f in course_dir.glob("03-closing.*.md"):
        f.unlink()
    reload_courses(app)

    assert learner_client.get("/courses/library-basics/closing").status_code == 410
    assert learner_client.get("/courses/library-basics/never-existed").status_code == 404
    page = learner_client.get("/courses/library-basics").get_data(as_text=True)
    assert 'href="/courses/library-basics/safety"' in page  # "finish the course"
    learner_client.get("/courses/library-basics/safety")
    assert enrolment_of(app, learner).completed_at is not None
    with app.app_context():
        kept = db.session.scalar(db.select(ModuleProgress).filter_by(module_id="closing"))
        assert kept is not None  # the record of the removed module is kept


def test_debug_mode_picks_up_edits_and_reload_stamp_in_production(app, client, courses, runner):
    course_dir = courses / "library-basics"
    yml = course_dir / "course.yml"
    assert "Bibliotēkas pamati" in client.get("/courses").get_data(as_text=True)
    yml.write_text(yml.read_text().replace("lv: Bibliotēkas pamati", "lv: Bibliotēkas pamati 2"))
    # Production: nothing changes until `flask courses reload`.
    assert "pamati 2" not in client.get("/courses").get_data(as_text=True)
    result = runner.invoke(args=["courses", "reload"])
    assert result.exit_code == 0, result.output
    assert "pamati 2" in client.get("/courses").get_data(as_text=True)
    # Debug: edits show up on the next request.
    app.debug = True
    try:
        yml.write_text(yml.read_text().replace("pamati 2", "pamati 3"))
        assert "pamati 3" in client.get("/courses").get_data(as_text=True)
    finally:
        app.debug = False


def test_registry_follows_the_apps_courses_dir(app, client, courses, tmp_path):
    other = tmp_path / "other"
    write_course(other, "other-course", modules=1)
    use_courses(app, other)
    page = client.get("/courses").get_data(as_text=True)
    assert "Kurss other-course" in page and "Bibliotēkas pamati" not in page
    use_courses(app, courses)
    assert "Bibliotēkas pamati" in client.get("/courses").get_data(as_text=True)
