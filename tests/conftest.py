"""Shared fixtures.

* ``app`` runs every database test twice: on a real SQLite file and on a real PostgreSQL database
  (a throwaway database created for the run and dropped after it). PostgreSQL is used when
  TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432; otherwise those runs are skipped
  with a loud notice — or fail, under REQUIRE_POSTGRES=1.
* The schema always comes from the Alembic migrations, never from ``create_all``.
* After each test every table is emptied, so tests can commit for real (threads, a live server).
* ``live_server`` serves a separate SQLite app from a real server thread for Playwright tests on
  Debian's /usr/bin/chromium (skipped when missing, failing under REQUIRE_BROWSER=1).
* Test modules that read the shared corpora in ``../shared/testdata`` (next to the project) are
  left out with a loud notice when that folder is missing — or fail, under REQUIRE_TESTDATA=1.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.accounts.models import Organisation, Role, User
from app.accounts.services import NewUser, create_organisation, create_user
from app.extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TESTDATA = SHARED / "testdata"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
REQUIRE_TESTDATA = os.environ.get("REQUIRE_TESTDATA") == "1"

# What did not run, printed at the end of the run (a warning would be an error under
# filterwarnings=error, and the header scrolls away).
NOT_RUN: list[str] = []


def base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "",
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        "SERVER_NAME": None,
        "PUBLIC_BASE_URL": "https://lasitava.example",
    }


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _postgres_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    return (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://")
        else url
    )


def _postgres_available() -> str | None:
    """None when reachable, else why not."""
    try:
        engine = sa.create_engine(_postgres_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    admin = sa.create_engine(_postgres_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"lasitava_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = (
        sa.engine.make_url(_postgres_admin_url())
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- apps ---------------------------------------------------------------------------------------


def pytest_report_header(config):
    reason = _postgres_available()
    lines = [f"PostgreSQL: {'available' if reason is None else 'NOT available: ' + reason}"]
    lines.append(f"Chromium: {'found' if Path(CHROMIUM).exists() else 'NOT found at ' + CHROMIUM}")
    lines.append(
        f"Shared test data: {'found at' if TESTDATA.is_dir() else 'NOT found at'} {TESTDATA}"
    )
    return lines


def pytest_ignore_collect(collection_path, config):
    """Without ../shared/testdata, leave out the modules that read it (noted at the end)."""
    if (
        TESTDATA.is_dir()
        or collection_path.suffix != ".py"
        or not collection_path.name.startswith("test_")
    ):
        return None
    if "testdata" not in collection_path.read_text(encoding="utf-8").lower():
        return None
    if REQUIRE_TESTDATA:
        raise pytest.UsageError(f"{TESTDATA} is missing and REQUIRE_TESTDATA=1")
    NOT_RUN.append(f"{collection_path.relative_to(ROOT)} (needs {TESTDATA.resolve()})")
    return True


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if NOT_RUN:
        terminalreporter.section("NOT RUN", sep="!", red=True, bold=True)
        for line in sorted(set(NOT_RUN)):
            terminalreporter.write_line(f"NOT RUN: {line}", red=True, bold=True)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "sqlite":
        flask_app = create_app(base_config(f"sqlite:///{instance / 'test.db'}", instance))
        _migrate(flask_app)
        yield flask_app
        return
    reason = _postgres_available()
    if reason is not None:
        message = f"PostgreSQL tests NOT RUN — no server ({reason})"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " and REQUIRE_POSTGRES=1")
        NOT_RUN.append(message + "; set TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432")
        pytest.skip(message)
    with throwaway_postgres() as url:
        flask_app = create_app(base_config(url, instance))
        _migrate(flask_app)
        yield flask_app
        with flask_app.app_context():
            db.engine.dispose()


def _empty_tables(flask_app: Flask) -> None:
    with flask_app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(request):
    if limiter._storage is not None:  # bound once any app exists
        limiter.reset()
    yield
    for name in ("app", "live_app"):
        if name in request.fixturenames:
            _empty_tables(request.getfixturevalue(name))


@pytest.fixture()
def ctx(app) -> Iterator[None]:
    """An application context for tests that call services directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


# --- factories ----------------------------------------------------------------------------------


class Factory:
    """Creates organisations and users with sensible defaults, committing them."""

    def __init__(self, flask_app: Flask):
        self.app = flask_app
        self._n = 0

    def org_tree(self) -> dict[str, int]:
        """Two countries, two municipalities each, two libraries each; returns ids by name."""
        with self.app.app_context():
            ids: dict[str, int] = {}
            for country, munis in {
                "Latvija": {
                    "Jelgavas novads": ["Ozolnieku bibliotēka", "Elejas bibliotēka"],
                    "Augšdaugavas novads": [
                        "Ilūkstes pilsētas bibliotēka",
                        "Subates pilsētas bibliotēka",
                    ],
                },
                "Lietuva": {
                    "Pasvalio rajono savivaldybė": [
                        "Pasvalio Mariaus Katiliškio viešoji biblioteka",
                        "Joniškėlio biblioteka",
                    ],
                    "Panevėžio rajono savivaldybė": ["Ramygalos biblioteka", "Velžio biblioteka"],
                },
            }.items():
                c = create_organisation("country", country, code=country[:2].upper())
                ids[country] = c.id
                for muni, libs in munis.items():
                    m = create_organisation("municipality", muni, parent=c)
                    ids[muni] = m.id
                    for lib in libs:
                        ids[lib] = create_organisation("library", lib, parent=m).id
            db.session.commit()
            return ids

    def user(
        self,
        email: str | None = None,
        name: str = "Līga Šņore-Ūdre",
        role: str = Role.LEARNER.value,
        scope_id: int | None = None,
        library_id: int | None = None,
        password: str | None = PASSWORD,
        language: str | None = None,
        active: bool = True,
    ) -> int:
        self._n += 1
        email = email or f"user{self._n}@example.org"
        with self.app.app_context():
            scope = db.session.get(Organisation, scope_id) if scope_id else None
            library = db.session.get(Organisation, library_id) if library_id else None
            roles = [(role, scope)]
            if role != Role.LEARNER.value:
                roles.append((Role.LEARNER.value, None))
            user = create_user(
                NewUser(
                    email=email,
                    full_name=name,
                    roles=tuple(roles),
                    library=library,
                    preferred_language=language,
                    password=password,
                )
            )
            user.active = active
            db.session.commit()
            return user.id


@pytest.fixture()
def factory(app) -> Factory:
    return Factory(app)


def login(client, email: str, password: str = PASSWORD, follow_redirects: bool = False):
    return client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=follow_redirects
    )


@pytest.fixture()
def login_as(client):
    def _login(email: str, password: str = PASSWORD):
        response = login(client, email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


@contextmanager
def count_queries(flask_app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with flask_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def get_user(flask_app: Flask, email: str) -> User:
    with flask_app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        db.session.expunge_all()
        return user


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Flask:
    instance = tmp_path_factory.mktemp("instance-live")
    flask_app = create_app(base_config(f"sqlite:///{instance / 'live.db'}", instance))
    flask_app.config["PUBLIC_BASE_URL"] = ""
    _migrate(flask_app)
    return flask_app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"browser tests NOT RUN — {CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message + " and REQUIRE_BROWSER=1")
        NOT_RUN.append(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="lv-LV")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
