"""The number of queries per report page does not depend on the number of learners (10 vs 1,000,
built with the bulk seeder), and the seeder itself: names, organisations, consistent history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import demo_scale
from app.accounts.models import Organisation, User
from app.certificates.models import Certificate
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt
from tests.conftest import _empty_tables, count_queries, login
from tests.reports.conftest import COURSE, FIXTURE_COURSES

NOW = datetime(2026, 1, 1, tzinfo=UTC)

PAGES = [
    "/reports",
    "/reports?start=2025-01-01&end=2025-12-31&shared=y",
    "/reports/breakdown",
    "/reports/breakdown?org={municipality}",
    "/reports/funnel",
    "/reports/libraries/{library}",
    f"/reports/items/{COURSE}",
    "/reports/export/courses?format=xlsx",
    "/reports/export/breakdown?format=csv&org={municipality}",
    "/reports/export/funder?format=csv",
    "/reports/export/learners?format=xlsx&library={library}",
]


def seed(app, learners: int) -> dict[str, int]:
    with app.app_context():
        demo_scale.seed_scale(learners, FIXTURE_COURSES, now=NOW)
        db.session.commit()
        municipality = db.session.scalar(
            sa.select(Organisation.id).where(Organisation.code == "LV-041")
        )
        library = db.session.scalar(
            sa.select(Organisation.id).where(Organisation.code == "LV-041-L01")
        )
        return {"municipality": municipality, "library": library}


def query_counts(app, email: str, ids: dict[str, int]) -> dict[str, int]:
    client = app.test_client()
    assert login(client, email, DEMO_PASSWORD).status_code == 302
    counts = {}
    for template in PAGES:
        if "/items/" in template and not email.startswith("admin"):
            continue  # item analysis is for authors and administrators
        url = template.format(**ids)
        client.get(url)  # the first request builds the course catalog (files, no queries)
        with count_queries(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[template] = len(statements)
    return counts


def test_query_count_is_the_same_at_10_and_1000_learners(app, report_courses):
    ids = seed(app, 10)
    small = {who: query_counts(app, f"{who}@example.org", ids) for who in ("admin", "coordinator")}
    _empty_tables(app)
    ids = seed(app, 1000)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) >= 1000
    large = {who: query_counts(app, f"{who}@example.org", ids) for who in ("admin", "coordinator")}
    assert small == large
    # Signed-in user and roles, the organisations for the filter, the report's own statement(s);
    # an export adds the audit record and its commit.
    assert max(small["admin"].values()) <= 8, small


def test_the_seeder_writes_a_consistent_history(app, report_courses):
    with app.app_context():
        summary = demo_scale.seed_scale(200, FIXTURE_COURSES, now=NOW)
        db.session.commit()
        assert summary.learners == 200 and summary.courses == 1
        # The demo accounts exist (the database was empty).
        emails = set(db.session.scalars(sa.select(User.email)))
        assert {"learner@example.org", "coordinator@example.org", "admin@example.org"} <= emails
        staff = db.session.scalar(
            sa.select(sa.func.count()).where(User.email.like(f"%@{demo_scale.SCALE_DOMAIN}"))
        )
        assert staff == 200
        # Every learner has a home library; 43 + 60 municipalities from the shared test data.
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    User.email.like(f"%@{demo_scale.SCALE_DOMAIN}"), User.library_id.is_(None)
                )
            )
            == 0
        )
        municipalities = db.session.scalar(
            sa.select(sa.func.count()).where(Organisation.kind == "municipality")
        )
        assert municipalities == 103
        # A completed enrolment has every module completed, no later than the course.
        bad = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.completed_at.is_not(None),
                sa.select(sa.func.count())
                .where(
                    ModuleProgress.user_id == Enrolment.user_id,
                    ModuleProgress.course_id == Enrolment.course_id,
                    ModuleProgress.completed_at.is_not(None),
                    ModuleProgress.completed_at <= Enrolment.completed_at,
                )
                .scalar_subquery()
                != 3,
            )
        )
        assert bad == 0
        # Certificates only for completed enrolments; attempts graded consistently.
        orphan = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Certificate)
            .outerjoin(
                Enrolment,
                sa.and_(
                    Enrolment.user_id == Certificate.user_id,
                    Enrolment.course_id == Certificate.course_id,
                ),
            )
            .where(Enrolment.completed_at.is_(None))
        )
        assert orphan == 0
        for attempt in db.session.scalars(sa.select(QuizAttempt).limit(50)):
            assert attempt.percent == pytest.approx(
                attempt.score / attempt.max_score * 100, abs=0.01
            )
            assert attempt.passed == (attempt.percent >= 80)
            assert len(attempt.answers) == (2 if attempt.module_id == "greeting" else 1)
        with pytest.raises(demo_scale.ScaleError):
            demo_scale.seed_scale(10, FIXTURE_COURSES, now=NOW)


def test_names_have_matching_feminine_and_masculine_forms():
    import random

    feminine, masculine = demo_scale.latvian_given_names(
        demo_scale.TESTDATA / "lv_given_names_namedays_traditional.json"
    )
    assert "Ilze" in feminine and "Jānis" in masculine
    assert not set(feminine) & set(masculine)
    maker = demo_scale.NameMaker(random.Random(1), (feminine, masculine))
    lv_fem = {f for _m, f in demo_scale.LV_SURNAMES}
    lv_masc = {m for m, _f in demo_scale.LV_SURNAMES}
    lt_masc = {m for m, _a, _b in demo_scale.LT_SURNAMES}
    lt_fem = {f for _m, a, b in demo_scale.LT_SURNAMES for f in (a, b)}
    for _ in range(500):
        given, surname = maker.make("LV").split(" ", 1)
        last = surname.split("-")[-1]
        assert last in (lv_fem if given in feminine else lv_masc), (given, surname)
        given, surname = maker.make("LT").split(" ", 1)
        last = surname.split("-")[-1]
        assert last in (lt_fem if given in demo_scale.LT_GIVEN_FEMININE else lt_masc), (
            given,
            surname,
        )


def test_organisations_come_from_the_shared_test_data():
    tree = dict(demo_scale.organisations_from_testdata(demo_scale.TESTDATA))
    assert len(tree["LV"]) == 43 and len(tree["LT"]) == 60
    libraries = {name for _c, _m, libs in tree["LV"] + tree["LT"] for name in libs}
    assert {
        "Rīgas Centrālā bibliotēka",
        "Pempininkų biblioteka",
        "Preiļu Galvenā bibliotēka",
    } <= libraries
    assert "Alytaus miesto savivaldybės viešoji biblioteka" in libraries
    assert "Gailīšu bibliotēka" not in libraries  # closed
    assert "Administracija" not in libraries  # a department, not a library
    names = {name for _c, name, _l in tree["LV"]}
    assert "Dienvidkurzemes novads" in names and "Rīga" in names


def test_cli_adds_learners_on_top_of_the_demo_data(app, runner, report_courses):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    result = runner.invoke(args=["demo", "seed", "--learners", "30"])
    assert result.exit_code == 0, result.output
    assert "30 learners in" in result.output
    again = runner.invoke(args=["demo", "seed", "--learners", "30"])
    assert again.exit_code != 0 and "exist already" in again.output
