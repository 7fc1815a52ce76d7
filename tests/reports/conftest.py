"""Fixtures of the report tests: the app pointed at a small fixture course, and a hand-made data
set whose every figure is worked out by hand in ``Expected`` below.

The course ``report-course`` (tests/reports/fixtures/courses) has three modules: ``greeting``
(quiz: q-greet single choice, q-help multiple choice; 1 point each), ``signs`` (quiz: q-contrast,
text) and ``reading`` (no quiz). Pass mark 80 %.

Learners (organisation tree of ``Factory.org_tree``; times are 12:00 UTC):

== =================== ========================= ======= ============ ============ ===============
id name                library                   lang    started      completed    certificate
== =================== ========================= ======= ============ ============ ===============
A  Ilze Bērziņa        Ozolnieku bibliotēka      lv      2025-01-10   2025-01-20   LV-A (valid)
B  Jānis Ozoliņš       Ozolnieku bibliotēka      lv      2025-02-01   2025-02-05   LV-B (revoked)
C  Līga Šņore          Elejas bibliotēka         lv      2025-03-01   —            —
D  Ģirts Ķēniņš        Ilūkstes pilsētas bibl.   lv      2025-01-15   2025-02-14   LV-D (valid)
E  Rūta Kazlauskienė   Pasvalio M. K. viešoji b. lt      2025-04-01   —            —
F  Jonas Petrauskas    Joniškėlio biblioteka     lt      2024-12-20   2025-01-05   LT-F (valid)
G  Anna Kalniņa        (no home library)         lv      2025-05-01   —            —
== =================== ========================= ======= ============ ============ ===============

Quiz attempts (percent; q-greet / q-help / q-contrast answers):

* A: greeting #1 50 (option 0 ✗, [0, 2] ✓), #2 100; signs #1 100 ("augsts").
* B: greeting #1 100; signs #1 0 ("zems" ✗), #2 100.
* C: greeting #1 0 (option 0 ✗, [1] ✗), #2 75 (option 1 ✓, [0] ½ point ✗) — not passed.
  Opened "signs" without an attempt.
* D: greeting #1 50 (option 2 ✗, [0, 2] ✓), #2 100; signs #1 100.
* E: greeting #1 50 (option 0 ✗, [0, 2] ✓).
* F: greeting #1 100; signs #1 100 ("didelis", in Lithuanian).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.certificates.models import Certificate
from app.extensions import db
from app.learning import content
from app.learning.models import Enrolment, ModuleProgress, QuizAnswer, QuizAttempt

FIXTURE_COURSES = Path(__file__).resolve().parent / "fixtures" / "courses"
COURSE = "report-course"
COORDINATOR = "coordinator@example.org"  # scoped to Jelgavas novads
OTHER_COORDINATOR = "coordinator.lt@example.org"  # scoped to Pasvalio rajono savivaldybė
ADMIN = "admin@example.org"
TRAINER = "trainer@example.org"  # an author of report-course
OTHER_TRAINER = "trainer.other@example.org"  # authors nothing
LEARNER = "learner.only@example.org"


def noon(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def use_courses(flask_app, folder: Path | str) -> None:
    flask_app.config["COURSES_DIR"] = str(folder)
    with flask_app.app_context():
        content.reset_registry()


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Argon2 with its production cost takes most of a second here; these tests sign people in
    and create accounts, not test hashing (tests/accounts does)."""
    from argon2 import PasswordHasher

    from app.accounts import services

    monkeypatch.setattr(
        services, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture()
def report_courses(app):
    previous = app.config["COURSES_DIR"]
    use_courses(app, FIXTURE_COURSES)
    yield FIXTURE_COURSES
    use_courses(app, previous)


@dataclass
class World:
    orgs: dict[str, int]
    users: dict[str, int]


GREETING = [("q-greet", 1), ("q-help", 2)]  # (question id, position)


def _attempt(user_id, module, no, when, lang, answers, percent):
    """answers: [(question_id, response, correct, points)]"""
    max_score = float(len(answers))
    attempt = QuizAttempt(
        user_id=user_id,
        course_id=COURSE,
        module_id=module,
        attempt_no=no,
        submission_key=f"k-{user_id}-{module}-{no}",
        key_revision="q-greet:1,q-help:1" if module == "greeting" else "q-contrast:1",
        language=lang,
        score=percent / 100 * max_score,
        max_score=max_score,
        percent=percent,
        passed=percent >= 80,
        submitted_at=when,
    )
    attempt.answers = [
        QuizAnswer(
            position=i,
            question_id=qid,
            question_rev=1,
            response=response,
            correct=correct,
            points=points,
            max_points=1.0,
        )
        for i, (qid, response, correct, points) in enumerate(answers, start=1)
    ]
    db.session.add(attempt)


def _progress(user_id, module, opened, completed=None):
    db.session.add(
        ModuleProgress(
            user_id=user_id,
            course_id=COURSE,
            module_id=module,
            first_viewed_at=opened,
            last_viewed_at=completed or opened,
            read_at=completed,
            completed_at=completed,
        )
    )


def _certificate(user_id, serial, name, issued, revoked=None):
    db.session.add(
        Certificate(
            serial=serial,
            verification_code=f"code-{serial}",
            user_id=user_id,
            course_id=COURSE,
            course_version=1,
            course_title="Atskaišu kurss",
            learner_name=name,
            language="lv",
            hours=2,
            completed_on=issued.date(),
            score_percent=100,
            issuer="Lasītava",
            pdf=b"%PDF-1.4 test",
            sha256="0" * 64,
            issued_at=issued,
            revoked_at=revoked,
        )
    )


RIGHT_GREET = ("q-greet", 1, True, 1.0)
RIGHT_HELP = ("q-help", [0, 2], True, 1.0)


@pytest.fixture()
def world(app, factory, report_courses) -> World:
    orgs = factory.org_tree()
    users = {}
    accounts = {
        "coordinator": dict(
            email=COORDINATOR,
            name="Māris Ozoliņš",
            role="coordinator",
            scope_id=orgs["Jelgavas novads"],
        ),
        "coordinator_lt": dict(
            email=OTHER_COORDINATOR,
            name="Aušra Vaitkienė",
            role="coordinator",
            scope_id=orgs["Pasvalio rajono savivaldybė"],
        ),
        "admin": dict(email=ADMIN, name="Gintarė Žemaitytė", role="admin"),
        "trainer": dict(email=TRAINER, name="Rūta Vanaga", role="trainer"),
        "trainer_other": dict(email=OTHER_TRAINER, name="Edgars Liepa", role="trainer"),
        "learner": dict(
            email=LEARNER, name="Inese Kalēja", library_id=orgs["Ozolnieku bibliotēka"]
        ),
    }
    users = {key: factory.user(**kwargs) for key, kwargs in accounts.items()}
    people = {
        "A": ("Ilze Bērziņa", "Ozolnieku bibliotēka"),
        "B": ("Jānis Ozoliņš", "Ozolnieku bibliotēka"),
        "C": ("Līga Šņore", "Elejas bibliotēka"),
        "D": ("Ģirts Ķēniņš", "Ilūkstes pilsētas bibliotēka"),
        "E": ("Rūta Kazlauskienė", "Pasvalio Mariaus Katiliškio viešoji biblioteka"),
        "F": ("Jonas Petrauskas", "Joniškėlio biblioteka"),
        "G": ("Anna Kalniņa", None),
    }
    for key, (name, library) in people.items():
        users[key] = factory.user(
            email=f"{key.lower()}@staff.example",
            name=name,
            library_id=orgs[library] if library else None,
            password=None,
        )
    with app.app_context():
        A, B, C, D, E, F, G = (users[k] for k in "ABCDEFG")  # noqa: N806
        for uid, lang, started, completed in [
            (A, "lv", "2025-01-10", "2025-01-20"),
            (B, "lv", "2025-02-01", "2025-02-05"),
            (C, "lv", "2025-03-01", None),
            (D, "lv", "2025-01-15", "2025-02-14"),
            (E, "lt", "2025-04-01", None),
            (F, "lt", "2024-12-20", "2025-01-05"),
            (G, "lv", "2025-05-01", None),
        ]:
            db.session.add(
                Enrolment(
                    user_id=uid,
                    course_id=COURSE,
                    language=lang,
                    started_at=noon(started),
                    last_activity_at=noon(completed or started),
                    completed_at=noon(completed) if completed else None,
                    completed_version=1 if completed else None,
                )
            )
        # A
        _progress(A, "greeting", noon("2025-01-10"), noon("2025-01-12"))
        _progress(A, "signs", noon("2025-01-15"), noon("2025-01-15"))
        _progress(A, "reading", noon("2025-01-20"), noon("2025-01-20"))
        _attempt(
            A, "greeting", 1, noon("2025-01-11"), "lv", [("q-greet", 0, False, 0.0), RIGHT_HELP], 50
        )
        _attempt(A, "greeting", 2, noon("2025-01-12"), "lv", [RIGHT_GREET, RIGHT_HELP], 100)
        _attempt(
            A, "signs", 1, noon("2025-01-15"), "lv", [("q-contrast", "augsts", True, 1.0)], 100
        )
        # B
        _progress(B, "greeting", noon("2025-02-01"), noon("2025-02-02"))
        _progress(B, "signs", noon("2025-02-03"), noon("2025-02-04"))
        _progress(B, "reading", noon("2025-02-05"), noon("2025-02-05"))
        _attempt(B, "greeting", 1, noon("2025-02-02"), "lv", [RIGHT_GREET, RIGHT_HELP], 100)
        _attempt(B, "signs", 1, noon("2025-02-03"), "lv", [("q-contrast", "zems", False, 0.0)], 0)
        _attempt(
            B, "signs", 2, noon("2025-02-04"), "lv", [("q-contrast", "augsts", True, 1.0)], 100
        )
        # C
        _progress(C, "greeting", noon("2025-03-01"))
        _progress(C, "signs", noon("2025-03-03"))
        _attempt(
            C,
            "greeting",
            1,
            noon("2025-03-01"),
            "lv",
            [("q-greet", 0, False, 0.0), ("q-help", [1], False, 0.0)],
            0,
        )
        _attempt(
            C,
            "greeting",
            2,
            noon("2025-03-02"),
            "lv",
            [RIGHT_GREET, ("q-help", [0], False, 0.5)],
            75,
        )
        # D
        _progress(D, "greeting", noon("2025-01-15"), noon("2025-01-20"))
        _progress(D, "signs", noon("2025-02-01"), noon("2025-02-01"))
        _progress(D, "reading", noon("2025-02-14"), noon("2025-02-14"))
        _attempt(
            D, "greeting", 1, noon("2025-01-16"), "lv", [("q-greet", 2, False, 0.0), RIGHT_HELP], 50
        )
        _attempt(D, "greeting", 2, noon("2025-01-20"), "lv", [RIGHT_GREET, RIGHT_HELP], 100)
        _attempt(D, "signs", 1, noon("2025-02-01"), "lv", [("q-contrast", "liels", True, 1.0)], 100)
        # E
        _progress(E, "greeting", noon("2025-04-01"))
        _attempt(
            E, "greeting", 1, noon("2025-04-02"), "lt", [("q-greet", 0, False, 0.0), RIGHT_HELP], 50
        )
        # F
        _progress(F, "greeting", noon("2024-12-20"), noon("2024-12-21"))
        _progress(F, "signs", noon("2024-12-28"), noon("2024-12-28"))
        _progress(F, "reading", noon("2025-01-05"), noon("2025-01-05"))
        _attempt(F, "greeting", 1, noon("2024-12-21"), "lt", [RIGHT_GREET, RIGHT_HELP], 100)
        _attempt(
            F, "signs", 1, noon("2024-12-28"), "lt", [("q-contrast", "didelis", True, 1.0)], 100
        )
        # certificates
        _certificate(A, "LV-A", "Ilze Bērziņa", noon("2025-01-20"))
        _certificate(B, "LV-B", "Jānis Ozoliņš", noon("2025-02-05"), revoked=noon("2025-02-10"))
        _certificate(D, "LV-D", "Ģirts Ķēniņš", noon("2025-02-14"))
        _certificate(F, "LT-F", "Jonas Petrauskas", noon("2025-01-05"))
        db.session.commit()
    return World(orgs, users)


class _TableParser(HTMLParser):
    """Cell texts of every <table> by caption; text meant only for screen readers is left out."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str | None]]] = {}
        self._caption: str | None = None
        self._in_caption = False
        self._rows: list[list[str]] = []
        self._row_links: list[list[str | None]] = []
        self._cell: list[str] | None = None
        self._link: str | None = None
        self._hidden_depth = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._depth += 1
        if self._hidden_depth or "visually-hidden" in (attrs.get("class") or "").split():
            self._hidden_depth += 1
        if tag == "table":
            self._rows, self._row_links, self._caption = [], [], None
        elif tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._rows.append([])
            self._row_links.append([])
        elif tag in ("td", "th"):
            self._cell, self._link = [], None
        elif tag == "a" and self._cell is not None:
            self._link = attrs.get("href")

    def handle_endtag(self, tag):
        self._depth -= 1
        if self._hidden_depth:
            self._hidden_depth -= 1
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._row_links[-1].append(self._link)
            self._cell = None
        elif tag == "table":
            self.tables[(self._caption or "").strip()] = self._rows
            self.links[(self._caption or "").strip()] = self._row_links

    def handle_data(self, data):
        if self._hidden_depth:
            return
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> _TableParser:
    parser = _TableParser()
    parser.feed(html)
    return parser
