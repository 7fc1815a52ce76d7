"""Fixtures of the accessibility sweep: the shared world of data and one browser context per role."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.extensions import db
from app.learning import content
from tests.a11y.sweep import Sweep, all_rows, build_world


@pytest.fixture(autouse=True)
def _project_courses(live_app):
    """The sweep reads the platform's real courses (courses/ of the project), whatever another
    test may have pointed the live app at."""
    previous = live_app.config["COURSES_DIR"]
    live_app.config["COURSES_DIR"] = str(PROJECT_ROOT / "courses")
    with live_app.app_context():
        content.reset_registry()
    yield
    live_app.config["COURSES_DIR"] = previous
    with live_app.app_context():
        content.reset_registry()


@pytest.fixture()
def sweep(browser, live_app, live_server):
    data = build_world(live_app)
    done = set()
    for row in all_rows():
        if row.setup is not None and row.setup not in done:
            done.add(row.setup)
            with live_app.app_context():
                data.update(row.setup(data) or {})
                db.session.commit()
    runner = Sweep(browser, live_app, live_server, data)
    yield runner
    runner.close()
