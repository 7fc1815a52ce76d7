"""Sweep rows for the shared pages: home, help, display settings, accessibility statement and
feedback, privacy notice, and the error pages."""

from __future__ import annotations

from app.admin.models import FeedbackMessage
from app.db import utcnow
from app.extensions import db
from tests.a11y.sweep import EMPTY, FILLED, Row, State, in_app, post, press, submit

# Choosing the largest text, high contrast, wider spacing and less motion, then the page is checked
# with those settings on (contrast of the high-contrast theme, reflow of 200 % text at 320 px).
DISPLAY_SAVED = State(
    "success",
    act=submit(
        fill={}, check=("#text_size-4", "#high_contrast", "#dyslexia_spacing", "#reduced_motion")
    ),
    reset=post("/display", {"reset": "1"}),
)
DISPLAY_STATES = (
    EMPTY,
    State("error", act=post("/display", {"text_size": "999"}), status=400, errors=True),
    State("error-missing", act=post("/display", {"high_contrast": "y"}), status=400, errors=True),
    DISPLAY_SAVED,
    State("reset", act=press("button[name=reset]")),
)


def make_feedback(data: dict) -> dict:
    """Two new messages and one handled one, in different languages."""
    messages = [
        FeedbackMessage(
            message="Testa poga ir par mazu, grūti trāpīt.\nLūdzu, palieliniet to.",
            name="Jānis Bērziņš",
            email="janis@example.lv",
            page_url="/courses",
            language="lv",
            created_at=utcnow(),
        ),
        FeedbackMessage(
            message="Ekrano skaitytuvas neperskaito lentelės antraštės.",
            language="lt",
            created_at=utcnow(),
        ),
        FeedbackMessage(
            message="The certificate PDF does not open in my reader.",
            email="reader@example.org",
            page_url="https://lasitava.example/very/long/"
            "address/that/could/break/the/layout/on/a/narrow/screen?with=parameters",
            language="en",
            created_at=utcnow(),
            handled=True,
        ),
    ]
    db.session.add_all(messages)
    db.session.flush()
    return {"feedback_new_id": messages[0].id, "feedback_handled_id": messages[2].id}


def _reopen(data: dict) -> None:
    db.session.get(FeedbackMessage, data["feedback_new_id"]).handled = False


ROWS = [
    Row("web.home", "/"),
    Row("web.home", "/", role="learner"),
    Row("web.help", "/help"),
    Row("web.display_settings", "/display", states=DISPLAY_STATES),
    Row("web.display_settings", "/display", role="learner", states=(EMPTY, DISPLAY_SAVED)),
    Row("web.accessibility_statement", "/accessibility"),
    Row("web.accessibility_statement", "/accessibility", role="admin"),
    Row(
        "web.accessibility_feedback",
        "/accessibility/report",
        states=(
            EMPTY,
            State(
                "error",
                act=submit({"message": "", "email": "not-an-address"}),
                status=400,
                errors=True,
            ),
            State(
                "success",
                act=submit(
                    {
                        "message": "Poga “Sūtīt” nav redzama ar 200 % tekstu.",
                        "email": "ilze@example.lv",
                    }
                ),
            ),
        ),
    ),
    Row(
        "web.accessibility_feedback",
        "/accessibility/report?page=/help",
        role="learner",
        states=(State("filled"),),
    ),
    Row("web.feedback_sent", "/accessibility/report/sent?answer=no"),
    Row(
        "web.feedback_inbox",
        "/accessibility/feedback",
        role="admin",
        setup=make_feedback,
        states=(
            FILLED,
            State("success", act=press("button[name=handled][value=yes]"), reset=in_app(_reopen)),
        ),
    ),
    Row(
        "web.feedback_inbox",
        "/accessibility/feedback",
        role="learner",
        states=(State("forbidden", status=403, errors=True),),
    ),
    Row(
        "web.feedback_delete",
        "/accessibility/feedback/{feedback_handled_id}/delete",
        role="admin",
        setup=make_feedback,
    ),
    Row("web.privacy", "/privacy"),
    Row("web.privacy", "/privacy", role="learner"),
    Row(None, "/no-such-page", states=(State("not found", status=404, errors=True),)),
]
