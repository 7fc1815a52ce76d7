"""Shared pages: home, help, language switcher, display settings, accessibility statement with its
feedback form and inbox, privacy notice."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, user_logged_in

from app.accounts.services import absolute_url
from app.config import PublicBaseURLMissing
from app.extensions import db, limiter
from app.i18n import LANGUAGES, _, current_language
from app.web import queries, services
from app.web.filters import DISPLAY_DEFAULTS, display_preferences
from app.web.forms import DisplaySettingsForm, FeedbackForm

log = logging.getLogger(__name__)


@user_logged_in.connect
def _keep_visitor_display_settings(sender, user, **extra) -> None:
    """Someone who set 200 % text before signing in keeps it after signing in (the login view
    commits right after ``login_user``)."""
    if services.adopt_visitor_settings(user, session.get("display")):
        session.pop("display", None)


bp = Blueprint("web", __name__, template_folder="templates")


@bp.record_once
def _warn_without_contact_email(state) -> None:
    """The accessibility statement and the privacy notice must name a way to reach a person
    besides the feedback form (the Latvian model statement asks for an e-mail or phone)."""
    app = state.app
    if not app.config.get("CONTACT_EMAIL") and not (app.debug or app.testing):
        log.warning(
            "CONTACT_EMAIL is not set: the accessibility statement and the privacy notice offer "
            "only the feedback form. Set it to an address that a person reads."
        )


# The accessibility statement: when the platform was last evaluated and the statement prepared.
STATEMENT_EVALUATED = date(2026, 11, 27)
STATEMENT_PREPARED = date(2026, 11, 27)
# The privacy notice: when it was last changed.
PRIVACY_UPDATED = date(2026, 11, 27)
INBOX_HANDLED_SHOWN = 100


@bp.get("/")
def home():
    return render_template("web/home.html")


@bp.get("/help")
def help():
    return render_template("web/help.html")


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.preferred_language = lang
        db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return redirect(target)


# --- display settings ----------------------------------------------------------------------------


@bp.route("/display", methods=["GET", "POST"])
def display_settings():
    if request.method == "POST" and "reset" in request.form:
        _save_display(services.DisplaySettings())
        flash(_("The standard display settings are back."), "success")
        return redirect(url_for("web.display_settings"))
    form = (
        DisplaySettingsForm()
        if request.method == "POST"
        else DisplaySettingsForm(data=display_preferences())
    )
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("web/display_settings.html", form=form), 400
        _save_display(
            services.DisplaySettings(
                text_size=form.text_size.data,
                high_contrast=form.high_contrast.data,
                dyslexia_spacing=form.dyslexia_spacing.data,
                reduced_motion=form.reduced_motion.data,
            )
        )
        flash(_("Your display settings have been saved."), "success")
        return redirect(url_for("web.display_settings"))
    return render_template("web/display_settings.html", form=form)


def _save_display(settings: services.DisplaySettings) -> None:
    if current_user.is_authenticated:
        services.save_display_settings(current_user, settings)
        db.session.commit()
    elif settings.as_dict() == DISPLAY_DEFAULTS:
        session.pop("display", None)
    else:
        session["display"] = settings.as_dict()


# --- accessibility statement and feedback ----------------------------------------------------------


@bp.get("/accessibility")
def accessibility_statement():
    return render_template(
        "web/accessibility_statement.html",
        evaluated=STATEMENT_EVALUATED,
        prepared=STATEMENT_PREPARED,
        contact_email=current_app.config.get("CONTACT_EMAIL") or None,
    )


def _same_site_path(url: str | None) -> str | None:
    """The path of a link on this site (for pre-filling the page field), else None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    if path in {url_for("web.accessibility_feedback"), url_for("web.accessibility_statement")}:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _feedback_counts(response) -> bool:
    """Only messages that were stored count against the limit; correcting a mistake is free."""
    return response.status_code == 302


@bp.route("/accessibility/report", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("FEEDBACK_LIMIT", "10 per hour"),
    methods=["POST"],
    deduct_when=_feedback_counts,
)
def accessibility_feedback():
    form = FeedbackForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("web/feedback_form.html", form=form), 400
        feedback = services.submit_feedback(
            message=form.message.data,
            name=form.name.data,
            email=form.email.data,
            page_url=form.page_url.data,
            language=current_language(),
        )
        db.session.commit()  # stored first: a failing mail server must not lose the message
        try:
            inbox = absolute_url("web.feedback_inbox")
        except PublicBaseURLMissing:
            log.error(
                "feedback #%s stored, admins not e-mailed: PUBLIC_BASE_URL is not set", feedback.id
            )
        else:
            services.notify_admins(feedback, inbox)
        return redirect(url_for("web.feedback_sent", answer="yes" if feedback.email else "no"))
    if not form.page_url.data:
        form.page_url.data = _same_site_path(request.args.get("page")) or _same_site_path(
            request.referrer
        )
    return render_template("web/feedback_form.html", form=form)


@bp.get("/accessibility/report/sent")
def feedback_sent():
    return render_template("web/feedback_sent.html", answer=request.args.get("answer") == "yes")


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.get("/accessibility/feedback")
@login_required
def feedback_inbox():
    _require_admin()
    return render_template(
        "web/feedback_inbox.html",
        new=queries.feedback_messages(handled=False),
        handled=queries.feedback_messages(handled=True, limit=INBOX_HANDLED_SHOWN),
        handled_total=queries.count_feedback(handled=True),
        shown_limit=INBOX_HANDLED_SHOWN,
    )


@bp.post("/accessibility/feedback/<int:feedback_id>")
@login_required
def feedback_update(feedback_id: int):
    _require_admin()
    feedback = queries.feedback_by_id(feedback_id)
    if feedback is None:
        abort(404)
    handled = request.form.get("handled")
    if handled not in {"yes", "no"}:
        abort(400)
    services.set_feedback_handled(feedback, handled == "yes", actor_id=current_user.id)
    db.session.commit()
    if handled == "yes":
        flash(_("Message #%(number)d is marked as handled.", number=feedback.id), "success")
    else:
        flash(_("Message #%(number)d is marked as new again.", number=feedback.id), "success")
    return redirect(url_for("web.feedback_inbox"))


@bp.route("/accessibility/feedback/<int:feedback_id>/delete", methods=["GET", "POST"])
@login_required
def feedback_delete(feedback_id: int):
    """Delete a handled message (it may hold a name and an e-mail address), after a confirmation."""
    _require_admin()
    feedback = queries.feedback_by_id(feedback_id)
    if feedback is None:
        abort(404)
    if not feedback.handled:
        abort(409)
    if request.method == "POST":
        services.delete_feedback(feedback, actor_id=current_user.id)
        db.session.commit()
        flash(_("Message #%(number)d has been deleted.", number=feedback_id), "success")
        return redirect(url_for("web.feedback_inbox"))
    return render_template("web/feedback_delete.html", item=feedback)


# --- privacy ------------------------------------------------------------------------------------


@bp.get("/privacy")
def privacy():
    return render_template(
        "web/privacy.html",
        updated=PRIVACY_UPDATED,
        contact_email=current_app.config.get("CONTACT_EMAIL") or None,
    )
