"""Translated error pages with the right status codes and no stack traces."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.i18n import _

log = logging.getLogger(__name__)


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (
            _("The request could not be understood"),
            _("Something in the request was missing or not valid. Go back and try again."),
        ),
        401: (_("Please sign in"), _("You need to sign in to open this page.")),
        403: (
            _("You do not have access to this page"),
            _(
                "Your account does not have permission to open this page. If you think it should, contact your coordinator."
            ),
        ),
        404: (
            _("Page not found"),
            _(
                "The page you asked for does not exist or has been moved. Check the address, or start again from the home page."
            ),
        ),
        405: (
            _("This action is not possible here"),
            _("The page does not accept this kind of request. Go back and try again."),
        ),
        410: (
            _("This link can no longer be used"),
            _("The link has expired or has already been used."),
        ),
        413: (_("The file is too large"), _("The file you sent is larger than allowed.")),
        429: (
            _("Too many attempts"),
            _(
                "You have tried too many times in a short time. Wait a few minutes and try again. If you have forgotten your password, you can set a new one."
            ),
        ),
        500: (
            _("Something went wrong on our side"),
            _(
                "The error has been recorded. Please try again in a few minutes; nothing you saved has been lost."
            ),
        ),
    }.get(code, (_("Something went wrong"), _("Please go back and try again.")))


def render_error(code: int):
    title, message = _messages(code)
    password_help = code == 429 and (request.endpoint or "").startswith("accounts.")
    if code == 429 and request.endpoint == "web.accessibility_feedback":
        title = _("Too many messages")
        message = _(
            "Several messages have been sent from your network in a short time. Wait an hour and "
            "send your message again, or use the other contacts in the accessibility statement."
        )
    return render_template(
        "errors/error.html", code=code, title=title, message=message, password_help=password_help
    ), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        title = _("The form could not be sent")
        message = _(
            "The form has expired or did not come from this site. Go back, reload the page and "
            "send the form again. Nothing has been changed."
        )
        return render_template("errors/error.html", code=400, title=title, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        return render_error(500)
