"""Lasītava — e-learning for the staff of the Latvia–Lithuania network of inclusive libraries.

``create_app`` wires configuration, extensions, blueprints and CLI commands. It runs no queries,
migrations or network calls: the database is prepared by ``flask db upgrade`` (see the Makefile).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from app import i18n
from app.config import PROJECT_ROOT, load_config
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__, instance_path=str(PROJECT_ROOT / "instance"), instance_relative_config=True
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("weasyprint", "weasyprint.progress", "fontTools", "pikepdf"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)

    _register_models()
    _register_blueprints(app)
    _register_cli(app)
    app.before_request(_reject_nul_characters)
    app.after_request(_security_headers)
    app.add_url_rule("/healthz", "healthz", _healthz)
    return app


def _reject_nul_characters():
    """A NUL character is never legitimate input (and PostgreSQL refuses to store one): answer
    400 before any form or query sees it, so nothing is half-done."""
    from flask import abort, request

    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in fields):
        abort(400)


def _healthz():
    """For load balancers and benchmarks: the app answers and the database is reachable."""
    from sqlalchemy import text

    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


# Everything is served from this host: no CDN, no inline scripts or styles, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def _register_models() -> None:
    # Imported for their side effect: the tables join the metadata used by Alembic.
    from app.accounts import models as _accounts  # noqa: F401
    from app.admin import models as _admin  # noqa: F401
    from app.certificates import models as _certificates  # noqa: F401
    from app.learning import models as _learning  # noqa: F401
    from app.reports import models as _reports  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.accounts.routes import bp as accounts_bp
    from app.admin.routes import bp as admin_bp
    from app.admin.routes import privacy_bp
    from app.certificates.routes import bp as certificates_bp
    from app.courses.routes import bp as courses_bp
    from app.learning.routes import bp as learning_bp
    from app.reports.routes import bp as reports_bp
    from app.web import filters
    from app.web.errors import register_error_handlers
    from app.web.routes import bp as web_bp

    for blueprint in (
        web_bp,
        accounts_bp,
        courses_bp,
        learning_bp,
        certificates_bp,
        reports_bp,
        admin_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    filters.register(app)


def _register_cli(app: Flask) -> None:
    from app.certificates.cli import certificates_cli
    from app.courses.cli import courses_cli
    from app.web.cli import demo_cli, users_cli

    for group in (demo_cli, users_cli, courses_cli, certificates_cli):
        app.cli.add_command(group)
