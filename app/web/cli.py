"""``flask --app wsgi demo ...`` and ``flask --app wsgi users ...`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import demo
from app.accounts.models import Role
from app.accounts.queries import organisation_by_code
from app.accounts.services import AccountError, NewUser, create_user, send_invitation
from app.db import schema_problem
from app.extensions import db
from app.i18n import force_locale
from app.mail import MailError

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")


def require_schema() -> None:
    """Stop a command with a clear message (exit 1) when the database has not been migrated."""
    problem = schema_problem(db.engine)
    if problem:
        raise click.ClickException(problem)


def print_accounts() -> None:
    click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<26} {account.role.value:<12} {account.note}")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option(
    "--learners",
    type=click.IntRange(min=0),
    default=0,
    help="Also add N learners with two years of progress (reports, benchmarks); see app/demo_scale.py.",
)
def seed_command(if_empty: bool, learners: int) -> None:
    """Create demo organisations and the four demo accounts."""
    require_schema()
    if learners:
        from flask import current_app

        from app import demo_scale

        try:
            demo_scale.run(learners, current_app.config["COURSES_DIR"], echo=click.echo)
        except demo_scale.ScaleError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        print_accounts()
        return
    if demo.is_seeded():
        if if_empty:
            click.echo("The database already has users; demo data not loaded.")
            return
        raise click.ClickException(
            "The database already has users; refusing to add demo data twice."
        )
    demo.seed()
    db.session.commit()
    click.echo("Demo data loaded.")
    if not if_empty:  # `make run` (which passes --if-empty) prints the accounts itself
        print_accounts()


@demo_cli.command("accounts")
def accounts_command() -> None:
    """Print the demo accounts."""
    print_accounts()


@users_cli.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as written (with diacritics).")
@click.option("--library", "library_code", help="Code of the home library.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--scope", "scope_code", help="Organisation code limiting a coordinator's view.")
@click.option("--language", type=click.Choice(["lv", "lt", "en"]), default=None)
def invite_command(email, name, library_code, role, scope_code, language) -> None:
    """Create an account and e-mail a first-login invitation link."""
    require_schema()
    with force_locale("en"):  # messages of the command line are in English
        _invite(email, name, library_code, role, scope_code, language)


def _invite(email, name, library_code, role, scope_code, language) -> None:
    library = organisation_by_code(library_code) if library_code else None
    if library_code and library is None:
        raise click.ClickException(f"No organisation with code {library_code!r}.")
    scope = organisation_by_code(scope_code) if scope_code else None
    if scope_code and scope is None:
        raise click.ClickException(f"No organisation with code {scope_code!r}.")
    try:
        user = create_user(
            NewUser(
                email=email,
                full_name=name,
                roles=((role, scope),),
                library=library,
                preferred_language=language,
            )
        )
        send_invitation(user)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except MailError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The invitation could not be sent ({error}); nothing was saved."
        ) from error
    db.session.commit()
    click.echo(f"Invitation sent to {user.email}.")
