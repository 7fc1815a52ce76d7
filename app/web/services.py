"""Writes owned by the shared pages: display settings and accessibility feedback.

Services flush, never commit; the request that calls them commits.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from app.accounts.models import User
from app.admin.models import FeedbackMessage
from app.admin.services import record_audit
from app.db import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, _, force_locale, format_datetime
from app.mail import send_mail
from app.web import queries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DisplaySettings:
    text_size: int = 100
    high_contrast: bool = False
    dyslexia_spacing: bool = False
    reduced_motion: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def save_display_settings(user: User, settings: DisplaySettings) -> None:
    """Keep a signed-in user's display settings on their account."""
    for key, value in settings.as_dict().items():
        setattr(user, key, value)
    db.session.flush()


def adopt_visitor_settings(user: User, saved: object) -> bool:
    """At sign-in: display settings a visitor chose before signing in (kept in the session) go
    onto the account, unless the account already has settings of its own. Returns whether they
    were adopted."""
    if not isinstance(saved, dict):
        return False
    defaults = DisplaySettings().as_dict()
    if any(getattr(user, key) != value for key, value in defaults.items()):
        return False  # the account's own choice wins
    try:
        chosen = DisplaySettings(**{k: saved[k] for k in defaults if k in saved})
    except TypeError:
        return False
    if chosen == DisplaySettings():
        return False
    save_display_settings(user, chosen)
    return True


def submit_feedback(
    *,
    message: str,
    language: str,
    name: str | None = None,
    email: str | None = None,
    page_url: str | None = None,
) -> FeedbackMessage:
    """Store a message from the accessibility feedback form."""
    feedback = FeedbackMessage(
        message=message,
        name=name or None,
        email=email or None,
        page_url=page_url or None,
        language=language,
        created_at=utcnow(),
        handled=False,
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback


def notify_admins(feedback: FeedbackMessage, inbox_url: str) -> int:
    """E-mail the message to every active administrator, each in their own language.

    A failing mail server does not lose the message: it is already stored and listed in the
    inbox. Returns how many e-mails were sent.
    """
    sent = 0
    for admin in queries.active_admins():
        with force_locale(admin.preferred_language or DEFAULT_LANGUAGE):
            subject = _("Lasītava: accessibility feedback #%(number)d", number=feedback.id)
            body = _(
                "Someone has sent feedback about the accessibility of Lasītava.\n\n"
                "Message:\n%(message)s\n\nPage: %(page)s\nName: %(name)s\nE-mail: %(email)s\n"
                "Language: %(language)s\nSent: %(sent)s\n\n"
                "Answer within a reasonable time and mark the message as handled in the "
                "inbox:\n%(inbox)s",
                message=feedback.message,
                page=feedback.page_url or "—",
                name=feedback.name or "—",
                email=feedback.email or "—",
                language=feedback.language,
                sent=format_datetime(feedback.created_at, "medium"),
                inbox=inbox_url,
            )
        try:
            send_mail(admin.email, subject, body)
            sent += 1
        except Exception:  # noqa: BLE001 - any mail failure is logged; the message is stored
            log.exception("could not e-mail feedback #%s to %s", feedback.id, admin.email)
    return sent


def set_feedback_handled(feedback: FeedbackMessage, handled: bool, *, actor_id: int) -> None:
    """Mark a message as handled (or back to new), and record who did it."""
    if feedback.handled == handled:
        return
    feedback.handled = handled
    record_audit(
        "feedback.handled" if handled else "feedback.reopened",
        actor_id=actor_id,
        target_type="feedback_message",
        target_id=feedback.id,
    )
    db.session.flush()


def delete_feedback(feedback: FeedbackMessage, *, actor_id: int) -> None:
    """Delete a message for good; the audit log keeps only that it existed and who deleted it."""
    record_audit(
        "feedback.deleted",
        actor_id=actor_id,
        target_type="feedback_message",
        target_id=feedback.id,
    )
    db.session.delete(feedback)
    db.session.flush()
