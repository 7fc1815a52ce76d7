"""Sweep rows for signing in, passwords and the profile."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.services import make_link_token
from app.extensions import db
from tests.a11y.sweep import EMPTY, Row, State, in_app, submit


def make_links(data: dict) -> dict:
    learner = db.session.get(User, data["learner_id"])
    return {
        "reset_token": make_link_token(learner, "reset"),
        "invite_token": make_link_token(learner, "invite"),
    }


def _follow_browser_language(data: dict) -> None:
    db.session.get(User, data["learner_id"]).preferred_language = None


ROWS = [
    Row(
        "accounts.login",
        "/login",
        states=(
            EMPTY,
            State("error", act=submit(), status=400, errors=True),
            State(
                "failed",
                act=submit({"email": "learner@example.org", "password": "wrong password"}),
                status=401,
                errors=True,
            ),
        ),
    ),
    Row(
        "accounts.forgot_password",
        "/password/forgot",
        states=(
            EMPTY,
            State("error", act=submit({"email": "not an address"}), status=400, errors=True),
            State("success", act=submit({"email": "someone@example.org"})),
        ),
    ),
    Row(
        "accounts.reset_password",
        "/password/reset/{reset_token}",
        setup=make_links,
        states=(
            EMPTY,
            State(
                "error",
                act=submit({"password": "short", "confirm": "other"}),
                status=400,
                errors=True,
            ),
        ),
    ),
    Row(
        "accounts.reset_password",
        "/password/reset/not-a-valid-token",
        states=(State("invalid link", status=404, errors=True),),
    ),
    Row("accounts.accept_invite", "/invite/{invite_token}", setup=make_links),
    Row(
        "accounts.profile",
        "/account",
        role="learner",
        states=(
            EMPTY,
            State("error", act=submit({"full_name": " "}), status=400, errors=True),
            State(
                "success",
                act=submit(
                    {"full_name": "Ilze Bērziņa-Ķēniņa"}, select={"preferred_language": "{lang}"}
                ),
                reset=in_app(_follow_browser_language),
            ),
        ),
    ),
]
