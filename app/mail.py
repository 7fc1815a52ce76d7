"""Outgoing mail. With MAIL_SERVER set, messages go over SMTP; without it they are written as .eml
files to instance/outbox/ and the path is logged, so the demo's invitation and reset flows work
without any mail server."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from app.db import utcnow

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The mail server could not be reached or refused the message (already logged)."""


def send_mail(to: str, subject: str, body: str) -> Path | None:
    """Send a plain-text message; returns the .eml path when written to the outbox."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="lasitava.local")
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            log.exception("could not send mail to %s: %s", to, subject)
            raise MailError(str(error)) from error
        log.info("mail sent to %s: %s", to, subject)
        return None
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    safe_to = "".join(ch if ch.isalnum() else "_" for ch in to)
    path = outbox / f"{stamp}-{safe_to}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s written to %s", to, path)
    return path
