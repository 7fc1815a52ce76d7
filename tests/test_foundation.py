"""The application factory, configuration and migrations."""

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import load_config, secret_key_for
from app.extensions import db


def test_factory_does_no_io_at_start_up(tmp_path):
    # An unreachable database must not matter until a request needs it.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert app.name == "app"
    assert "web" in app.blueprints and "accounts" in app.blueprints


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("COURSES_DIR", "/srv/courses")
    app = create_app({"COURSES_DIR": "/tmp/other"})
    assert app.config["COURSES_DIR"] == "/tmp/other"


def test_config_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/lasitava")
    monkeypatch.setenv("COURSES_DIR", "relative/courses")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/lasitava"
    assert os.path.isabs(config["COURSES_DIR"]) and config["COURSES_DIR"].endswith(
        "relative/courses"
    )
    assert config["MAIL_SERVER"] == "smtp.example.org"
    assert config["SECRET_KEY"] == "from-env"
    assert os.path.isabs(config["BABEL_TRANSLATION_DIRECTORIES"])


def test_default_database_is_a_sqlite_file_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lasitava.db'}"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key_for(tmp_path)
    second = secret_key_for(tmp_path)
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    other = tmp_path / "other"
    assert secret_key_for(other) != first


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.fixture()
def scratch_app(app, tmp_path):
    """A second, empty database on the same backend, for downgrade/upgrade round trips."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        yield create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.db'}"})
        return
    from tests.conftest import throwaway_postgres

    with throwaway_postgres() as scratch_url:
        scratch = create_app({"SQLALCHEMY_DATABASE_URI": scratch_url})
        yield scratch
        with scratch.app_context():
            db.engine.dispose()


def test_migrations_upgrade_and_downgrade_cleanly(scratch_app):
    with scratch_app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {
            "user_account",
            "organisation",
            "enrolment",
            "quiz_attempt",
            "certificate",
        } <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user_account" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_full_names_keep_their_diacritics(app, factory):
    name = "Ģirts Ķēniņš-Žūriņa Čėsnaitė-Šųrienė Ąžuolas Įgaunė Ęglė"
    factory.user(email="girts@example.org", name=name)
    with app.app_context():
        stored = db.session.execute(sa.text("select full_name from user_account")).scalar_one()
    assert stored == name


def test_pages_forbid_other_hosts_and_framing(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health_endpoint_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_health_endpoint_fails_without_a_database(tmp_path):
    broken = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    broken.logger.disabled = True
    import logging

    logging.getLogger("app.web.errors").disabled = True
    try:
        assert broken.test_client().get("/healthz").status_code == 500
    finally:
        logging.getLogger("app.web.errors").disabled = False


@pytest.mark.parametrize(
    "command",
    [
        ["demo", "seed"],
        ["demo", "seed", "--learners", "5"],
        ["users", "invite", "ona@example.org", "--name", "Ona Žemaitė"],
        ["certificates", "issue-pending"],
    ],
)
def test_commands_on_an_unmigrated_database_say_to_migrate_first(tmp_path, command):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}", "TESTING": True}
    )
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "flask --app wsgi db upgrade" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []  # nothing was created
