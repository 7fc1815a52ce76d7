"""Report benchmark: the coordinator dashboard and an export, next to the bare SQL that computes
the same numbers, on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py [--learners 10000] [--runs 7] [--only sqlite|postgres]
                                      [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a throwaway database (a temporary SQLite file; a PostgreSQL database created on
the server and dropped afterwards), the migrations, ``demo seed --learners N`` (app/demo_scale.py),
then for two readers — the administrator (everything) and a coordinator scoped to Latvia — the
median time of

* ``GET /reports`` (the dashboard: per-course figures and the funder indicator) through the WSGI
  test client, i.e. session, user, filters, the report queries, the SVG chart and the template;
* ``GET /reports/export/breakdown?format=xlsx&org=…`` (per-library figures of one country) and
  ``GET /reports/export/courses?format=csv``;
* the bare SQL: hand-written statements that compute the same figures the same way (the cohort
  inlined, best score per learner and module, the median by window or ``percentile_cont``), run
  with ``exec_driver_sql`` and fetched: no ORM, forms, templates or file writing.

It prints each time and the ratio page / bare SQL (the goal is at most 2), and checks that the bare
SQL and the page's queries produce the same numbers. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app, demo_scale  # noqa: E402
from app.accounts.models import Organisation, Role, User  # noqa: E402
from app.accounts.services import NewUser, create_user, hash_password  # noqa: E402
from app.extensions import db  # noqa: E402
from app.reports import queries  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway database
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# --- the bare SQL -----------------------------------------------------------------------------

_COHORT = """
cohort AS NOT MATERIALIZED (
  SELECT e.user_id, e.course_id, e.started_at, e.completed_at, {group} AS g
  FROM enrolment e
  JOIN user_account u ON u.id = e.user_id
  {join} organisation lib ON lib.id = u.library_id
  {where}
),
certs AS (
  SELECT DISTINCT user_id, course_id FROM certificate
  WHERE revoked_at IS NULL AND user_id IS NOT NULL
),
counts AS (
  SELECT c.g, c.course_id, COUNT(*) AS enrolled, COUNT(c.completed_at) AS completed,
         COUNT(k.user_id) AS certified
  FROM cohort c LEFT JOIN certs k ON k.user_id = c.user_id AND k.course_id = c.course_id
  GROUP BY c.g, c.course_id
),
best AS (
  SELECT c.g, c.course_id, a.user_id, MAX(a.percent) AS best
  FROM cohort c JOIN quiz_attempt a ON a.user_id = c.user_id AND a.course_id = c.course_id
  GROUP BY c.g, c.course_id, a.user_id, a.module_id
),
per_learner AS (
  SELECT g, course_id, SUM(best) AS total, COUNT(*) AS modules
  FROM best GROUP BY g, course_id, user_id
),
scores AS (
  SELECT g, course_id, SUM(total) / SUM(modules) AS avg_score FROM per_learner
  GROUP BY g, course_id
)"""

_MEDIAN = {
    "sqlite": """,
ranked AS (
  SELECT g, course_id, julianday(completed_at) - julianday(started_at) AS days,
         ROW_NUMBER() OVER (PARTITION BY g, course_id
                            ORDER BY julianday(completed_at) - julianday(started_at)) AS rn,
         COUNT(*) OVER (PARTITION BY g, course_id) AS n
  FROM cohort WHERE completed_at IS NOT NULL
),
medians AS (
  SELECT g, course_id, AVG(days) AS median_days FROM ranked
  WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g, course_id
)""",
    "postgresql": """,
medians AS (
  SELECT g, course_id,
         percentile_cont(0.5) WITHIN GROUP
           (ORDER BY EXTRACT(EPOCH FROM completed_at - started_at) / 86400.0) AS median_days
  FROM cohort WHERE completed_at IS NOT NULL GROUP BY g, course_id
)""",
}

_FINAL = """
SELECT k.g, k.course_id, k.enrolled, k.completed, k.certified, s.avg_score, m.median_days
FROM counts k
LEFT JOIN scores s ON s.g = k.g AND s.course_id = k.course_id
LEFT JOIN medians m ON m.g = k.g AND m.course_id = k.course_id
ORDER BY k.g, k.course_id"""

_FUNDER = """
SELECT mun.parent_id, mun.id, COUNT(DISTINCT e.user_id),
       COUNT(DISTINCT CASE WHEN k.user_id IS NOT NULL THEN e.user_id END)
FROM enrolment e
JOIN user_account u ON u.id = e.user_id
JOIN organisation lib ON lib.id = u.library_id
JOIN organisation mun ON mun.id = lib.parent_id
LEFT JOIN (SELECT DISTINCT user_id, course_id FROM certificate
           WHERE revoked_at IS NULL AND user_id IS NOT NULL) k
  ON k.user_id = e.user_id AND k.course_id = e.course_id
WHERE e.completed_at IS NOT NULL {scope}
GROUP BY mun.parent_id, mun.id"""


def course_sql(dialect: str, scope: str | None, by_library: bool = False) -> str:
    where = "WHERE lib.path LIKE :scope" if scope else ""
    return (
        "WITH"
        + _COHORT.format(
            group="lib.id" if by_library else "0",
            join="JOIN" if scope else "LEFT JOIN",
            where=where,
        )
        + _MEDIAN[dialect]
        + _FINAL
    )


def funder_sql(scope: str | None) -> str:
    return _FUNDER.format(scope="AND lib.path LIKE :scope" if scope else "")


# --- helpers ----------------------------------------------------------------------------------


def paired_ms(page, bare, runs: int) -> tuple[float, float]:
    """Median milliseconds of ``page`` and ``bare``, run alternately so that both see the same
    machine load (this machine is shared; absolute times vary, the ratio much less)."""
    page()  # warm-up: course catalog, caches, query plans
    bare()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((page, times[0]), (bare, times[1])):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


@contextmanager
def throwaway_postgres(admin_url: str):
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"lasitava_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(kind: str, pg_url: str):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
    else:
        with throwaway_postgres(pg_url) as url:
            yield url


def build(url: str, learners: int, instance: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        summary = demo_scale.seed_scale(learners, app.config["COURSES_DIR"])
        db.session.commit()
        seconds = time.perf_counter() - started
        latvia = db.session.scalar(sa.select(Organisation).where(Organisation.code == "LV"))
        create_user(
            NewUser(
                email="coordinator.lv@bench.example",
                full_name="Dace Kalniņa",
                roles=((Role.COORDINATOR.value, latvia), (Role.LEARNER.value, None)),
                password=PASSWORD,
            )
        )
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        admin.password_hash = hash_password(PASSWORD)
        db.session.commit()
        with db.engine.connect() as conn:  # fresh planner statistics, as in production
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        rows = summary.progress + summary.attempts + summary.answers
        print(
            f"  seeded {summary.learners} learners, {summary.enrolments} enrolments, "
            f"{rows:,} progress/attempt/answer rows in {seconds:.1f} s"
        )
        return app, latvia.id, latvia.path


def check_same_numbers(app, dialect: str, scope: str | None) -> None:
    """The bare SQL and the page's query agree (so the comparison is fair)."""
    with app.app_context():
        paths = [scope[:-1]] if scope else None
        ours = sorted(
            (
                s.course_id,
                s.enrolled,
                s.completed,
                s.certified,
                round(s.avg_score or 0, 6),
                round(s.median_days or 0, 6),
            )
            for s in queries.course_stats(paths, queries.Filters())
        )
        with db.engine.connect() as conn:
            bare = sorted(
                (r[1], r[2], r[3], r[4], round(float(r[5] or 0), 6), round(float(r[6] or 0), 6))
                for r in conn.exec_driver_sql(*_params(course_sql(dialect, scope), scope, dialect))
            )
        assert ours == bare, (ours, bare)


def _params(sql: str, scope: str | None, dialect: str):
    """exec_driver_sql takes the driver's parameter style."""
    if not scope:
        return (sql,)
    if dialect == "postgresql":
        return (sql.replace(":scope", "%(scope)s"), {"scope": scope})
    return (sql.replace(":scope", "?"), (scope,) * sql.count(":scope"))


def run_one(kind: str, learners: int, runs: int, pg_url: str) -> list[tuple]:
    results = []
    with database(kind, pg_url) as url, tempfile.TemporaryDirectory() as instance:
        print(f"\n== {kind} ==")
        app, latvia_id, latvia_path = build(url, learners, Path(instance))
        dialect = "postgresql" if kind == "postgres" else "sqlite"
        for reader, email, scope in (
            ("admin", "admin@example.org", None),
            ("coordinator (Latvia)", "coordinator.lv@bench.example", latvia_path + "%"),
        ):
            check_same_numbers(app, dialect, scope)
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.status_code

            def get(url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            with app.app_context():
                engine = db.engine

            def bare(*statements, engine=engine, scope=scope):
                with engine.connect() as conn:
                    for sql in statements:
                        conn.exec_driver_sql(*_params(sql, scope, dialect)).fetchall()

            page, page_bare = paired_ms(
                lambda: get("/reports"),
                lambda scope=scope: bare(course_sql(dialect, scope), funder_sql(scope)),
                runs,
            )
            csv_export, csv_bare = paired_ms(
                lambda: get("/reports/export/courses?format=csv"),
                lambda scope=scope: bare(course_sql(dialect, scope)),
                runs,
            )
            latvia_scope = latvia_path + "%"

            def xlsx_bare_fn(engine=engine, latvia_scope=latvia_scope):
                with engine.connect() as conn:
                    conn.exec_driver_sql(
                        *_params(
                            course_sql(dialect, latvia_scope, by_library=True),
                            latvia_scope,
                            dialect,
                        )
                    ).fetchall()

            xlsx, xlsx_bare = paired_ms(
                lambda: get(f"/reports/export/breakdown?format=xlsx&org={latvia_id}"),
                xlsx_bare_fn,
                runs,
            )
            for what, ours, base in (
                ("dashboard GET /reports", page, page_bare),
                ("export courses.csv", csv_export, csv_bare),
                ("export breakdown.xlsx (libraries of Latvia)", xlsx, xlsx_bare),
            ):
                results.append((kind, reader, what, ours, base))
                print(
                    f"  {reader:<22} {what:<44} {ours:8.1f} ms   bare SQL {base:8.1f} ms"
                    f"   ratio {ours / base:4.2f}"
                )
        with app.app_context():
            db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    args = parser.parse_args()
    kinds = [args.only] if args.only else ["sqlite", "postgres"]
    results = []
    for kind in kinds:
        try:
            results += run_one(kind, args.learners, args.runs, args.postgres_url)
        except sa.exc.OperationalError as exc:
            print(f"  {kind}: not available ({str(exc).splitlines()[0]})")
    print("\nsummary (median ms; ratio = page / bare SQL, goal ≤ 2)")
    for kind, reader, what, ours, base in results:
        flag = "" if ours <= 2 * base else "   ← above 2×"
        print(f"  {kind:<8} {reader:<22} {what:<44} {ours / base:4.2f}{flag}")


if __name__ == "__main__":
    main()
