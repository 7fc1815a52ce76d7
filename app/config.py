"""Settings read from environment variables.

Everything secret or machine-specific comes from the environment; nothing secret is committed.
When SECRET_KEY is not set, a random key is generated once and kept in ``instance/secret_key``
so that sessions survive restarts of a single-machine install.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PublicBaseURLMissing(RuntimeError):
    """A link for a certificate or an e-mail was needed, but PUBLIC_BASE_URL is not set (and the
    app runs neither in debug mode nor under TESTING). See ``accounts.services.absolute_url``."""


PUBLIC_BASE_URL_MISSING = (
    "PUBLIC_BASE_URL is not set. Links printed in certificates and sent in e-mails need the "
    "platform's public address (e.g. PUBLIC_BASE_URL=https://lasitava.example.lv); outside debug "
    "mode and tests they are never taken from the request's Host header, which the client chooses."
)


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def secret_key_for(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or a key generated once and stored in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create with owner-only permissions; never overwrite a key another process just wrote.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def load_config(instance_path: Path) -> dict:
    """Build the configuration mapping from the environment."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'lasitava.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "SECRET_KEY": secret_key_for(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "COURSES_DIR": str(Path(os.environ.get("COURSES_DIR", PROJECT_ROOT / "courses")).resolve()),
        "CERTIFICATES_DIR": str(
            Path(os.environ.get("CERTIFICATES_DIR", PROJECT_ROOT / "certificates")).resolve()
        ),
        "TRANSLATIONS_DIR": str(PROJECT_ROOT / "translations"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "lv",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Riga"),
        # Public base URL for links in certificates and e-mails (e.g. https://lasitava.example.lv).
        # Required in production: without it certificates stay pending and e-mails with links fail
        # (only debug mode and tests fall back to the request's host).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Mail: without MAIL_SERVER, messages are written as .eml files to instance/outbox/.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Lasītava <no-reply@lasitava.local>"),
        "MAIL_OUTBOX_DIR": str(instance_path / "outbox"),
        # Sign-in links: password reset and first-login invitation.
        "RESET_TOKEN_MAX_AGE": _int("RESET_TOKEN_MAX_AGE", 2 * 3600),
        "INVITE_TOKEN_MAX_AGE": _int("INVITE_TOKEN_MAX_AGE", 14 * 24 * 3600),
        # Rate limits (Flask-Limiter syntax). Storage: memory for one process, redis:// for several.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # Certificates: who issues them (per country of the learner's library: "LV=…;LT=…"),
        # the serial number prefix, and how often one address may verify.
        "CERTIFICATE_ISSUER": os.environ.get("CERTIFICATE_ISSUER", ""),
        "CERTIFICATE_ISSUERS": os.environ.get("CERTIFICATE_ISSUERS", ""),
        "CERTIFICATE_SERIAL_PREFIX": os.environ.get("CERTIFICATE_SERIAL_PREFIX", ""),
        "CERTIFICATE_VERIFY_LIMIT": os.environ.get("CERTIFICATE_VERIFY_LIMIT", ""),
        # Contact for accessibility and privacy questions, shown in the statement and the notice.
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", ""),
        "FEEDBACK_LIMIT": os.environ.get("FEEDBACK_LIMIT", "10 per hour"),
        # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-* to trust.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # no time limits for slow readers (WCAG 2.2.1)
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    }
