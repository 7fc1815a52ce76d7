"""``flask --app wsgi certificates ...``: warm-up and issuing missing certificates."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.certificates import queries, services
from app.certificates.pdf import warm_up
from app.db import schema_problem
from app.extensions import db

certificates_cli = AppGroup("certificates", help="Certificate rendering and issuing.")


@certificates_cli.command("warm-up")
def warm_up_command() -> None:
    """Check that every course's certificate template exists, check the certificate fonts and
    render one sample per template (fills the font cache, so the first learner to complete a
    course does not wait). Run it after installing fonts and at every deployment; exits 1
    when a course names a template that CERTIFICATES_DIR does not have."""
    started = time.perf_counter()
    problems = services.template_problems()
    if problems:
        for problem in problems:
            click.echo(f"Error: {problem}", err=True)
        raise SystemExit(1)
    warm_up(
        templates_dir=Path(current_app.config["CERTIFICATES_DIR"]),
        translations_dir=Path(current_app.config["TRANSLATIONS_DIR"]),
    )
    click.echo(f"certificate fonts and templates ready ({time.perf_counter() - started:.2f} s)")


@certificates_cli.command("issue-pending")
def issue_pending_command() -> None:
    """Issue every certificate that is due but missing (e.g. after a rendering failure)."""
    problem = schema_problem(db.engine)
    if problem:
        raise click.ClickException(problem)
    issued = services.issue_pending()
    db.session.commit()
    for certificate in issued:
        click.echo(f"{certificate.serial}  {certificate.course_id}  user {certificate.user_id}")
    click.echo(f"{len(issued)} certificate(s) issued")
    remaining = len(queries.pending_completions())
    if remaining:
        click.echo(f"{remaining} completion(s) still without a certificate; see the log")
        raise SystemExit(1)
