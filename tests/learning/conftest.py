"""Fixtures of the learning tests: the app pointed at our own fixture courses (copied to a
temporary folder so a test may edit them), learners, a course builder, and helpers that answer
quizzes through the real forms."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.learning import content

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "courses"
LEARNER = "learner@example.org"

# Answers to the quiz of library-basics/safety in Latvian. Matching choices are listed sorted
# by their text (Oža=0, Redze=1, Tauste=2).
SAFETY_RIGHT = {
    "q-exit-route": "1",
    "q-hazards": ["0", "1"],
    "q-blanket": "1",
    "q-room-name": "Sensorā telpa",
    "q-lux": "320,5",
    "q-senses-0": "1",
    "q-senses-1": "2",
    "q-senses-2": "0",
}
SAFETY_WRONG = {
    "q-exit-route": "0",
    "q-hazards": ["2"],
    "q-blanket": "0",
    "q-room-name": "lasītava",
    "q-lux": "1000",
    "q-senses-0": "0",
    "q-senses-1": "0",
    "q-senses-2": "1",
}


def use_courses(flask_app: Flask, folder: Path | str) -> None:
    """Point the app at ``folder`` and drop its course registry."""
    flask_app.config["COURSES_DIR"] = str(folder)
    with flask_app.app_context():
        content.reset_registry()


def reload_courses(flask_app: Flask) -> None:
    with flask_app.app_context():
        content.reload_courses()


@pytest.fixture()
def courses(app, tmp_path) -> Iterator[Path]:
    """A copy of tests/learning/fixtures/courses that the app serves during the test."""
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURES, folder)
    previous = app.config["COURSES_DIR"]
    use_courses(app, folder)
    yield folder
    use_courses(app, previous)


@pytest.fixture()
def learner(factory, courses) -> int:
    return factory.user(email=LEARNER, name="Ilze Bērziņa-Ūdre", language="lv")


@pytest.fixture()
def learner_client(client, login_as, learner):
    return login_as(LEARNER)


# --- building courses -------------------------------------------------------------------------


def write_course(
    root: Path,
    course_id: str,
    modules: int = 2,
    quiz_modules: tuple[int, ...] = (),
    version: int = 1,
    published: bool = True,
    max_attempts: int = 3,
    show_answers: str = "after_pass",
    languages: tuple[str, ...] = ("lv",),
) -> Path:
    """A course with ``modules`` modules (1-based numbers in ``quiz_modules`` get a one-question
    quiz whose right answer is option 1). Rewrites course.yml when the course exists."""
    folder = root / course_id
    folder.mkdir(parents=True, exist_ok=True)
    stems = [f"{n:02d}-part-{n}" for n in range(1, modules + 1)]
    titles = {"lv": "Kurss", "lt": "Kursas", "en": "Course"}
    (folder / "course.yml").write_text(
        textwrap.dedent(
            f"""\
            id: {course_id}
            version: {version}
            published: {"true" if published else "false"}
            default_language: {languages[0]}
            languages: [{", ".join(languages)}]
            title: {{{", ".join(f"{lang}: {titles[lang]} {course_id}" for lang in languages)}}}
            summary: {{{languages[0]}: Apraksts}}
            hours: 1
            modules: [{", ".join(stems)}]
            pass_mark: 80
            max_attempts: {max_attempts}
            show_answers: {show_answers}
            """
        ),
        encoding="utf-8",
    )
    for n, stem in enumerate(stems, start=1):
        for lang in languages:
            quiz = ""
            if n in quiz_modules:
                quiz = textwrap.dedent(
                    f"""
                    ::: quiz {{#q{n}}}
                    Jautājums {n}?

                    - ( ) Nepareizi
                    - (x) Pareizi
                    :::
                    """
                )
            path = folder / f"{stem}.{lang}.md"
            if not path.exists():
                path.write_text(
                    f"---\nid: part-{n}\ntitle: Daļa {n}\nminutes: 5\n---\n# Daļa {n}\n\n"
                    f"Teksts {n}.\n{quiz}",
                    encoding="utf-8",
                )
    return folder


# --- answering through the forms --------------------------------------------------------------

_HIDDEN = re.compile(
    r'<input type="hidden" name="(submission_key|attempt_no|lang)" value="([^"]*)">'
)


def quiz_meta(html: str) -> dict[str, str]:
    """The hidden fields of the quiz form in a module page."""
    found = dict(_HIDDEN.findall(html))
    assert {"submission_key", "attempt_no", "lang"} <= set(found), "no quiz form on the page"
    return found


def open_quiz(client, course_id: str, module_id: str) -> dict[str, str]:
    response = client.get(f"/courses/{course_id}/{module_id}")
    assert response.status_code == 200, response.status_code
    return quiz_meta(response.get_data(as_text=True))


def submit(client, course_id: str, module_id: str, answers: dict, meta: dict | None = None):
    """Answer → review → confirm, as the browser does; returns the confirm response."""
    meta = meta or open_quiz(client, course_id, module_id)
    data = {**meta, **answers}
    review = client.post(f"/courses/{course_id}/{module_id}/quiz", data=data)
    assert review.status_code == 200, review.get_data(as_text=True)[:2000]
    return client.post(f"/courses/{course_id}/{module_id}/quiz/submit", data=data)
