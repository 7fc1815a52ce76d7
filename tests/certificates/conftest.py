"""Fixtures for the certificate flows: a small course in a temporary COURSES_DIR (so tests may
edit it), and a helper that completes it through the learning services, which sends
``course_completed`` exactly as the quiz pages do."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db

FIXTURE_COURSES = Path(__file__).resolve().parent / "fixtures" / "courses"
COURSE_ID = "reading-aloud"
TITLES = {
    "lv": "Skaļā lasīšana senioriem",
    "lt": "Garsinis skaitymas senjorams",
    "en": "Reading aloud for seniors",
}
#: Option indices: (wrong, wrong) scores 0 %, (right, wrong) 50 % (passes), (right, right) 100 %.
WRONG = {"pace": 0, "pause": 1}
HALF = {"pace": 1, "pause": 1}
RIGHT = {"pace": 1, "pause": 0}


def _use_courses(flask_app: Flask, folder: Path) -> None:
    flask_app.config["COURSES_DIR"] = str(folder)
    flask_app.config["COURSES_AUTO_RELOAD"] = True


@pytest.fixture()
def courses_dir(app, tmp_path) -> Iterator[Path]:
    """A private copy of the fixture courses, served by ``app`` for this test."""
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, folder)
    saved = {key: app.config.get(key) for key in ("COURSES_DIR", "COURSES_AUTO_RELOAD")}
    _use_courses(app, folder)
    yield folder
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


def complete_course(
    flask_app: Flask,
    user_id: int,
    *,
    lang: str = "lv",
    attempts: tuple[dict, ...] = (WRONG, HALF),
    commit: bool = True,
) -> None:
    """Read module 1 and take module 2's quiz (the last attempt must pass): the course is
    complete and ``course_completed`` has been sent."""
    from app.learning import content, services

    with flask_app.app_context():
        course = content.catalog().get(COURSE_ID)
        assert course is not None, content.catalog().refused
        first, second = course.modules
        services.mark_read(user_id, course, first.view(lang))
        view = second.view(lang)
        for number, answers in enumerate(attempts, start=1):
            services.submit_attempt(
                user_id, course, view, answers, secrets.token_hex(8), attempt_no=number
            )
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
        db.session.remove()
