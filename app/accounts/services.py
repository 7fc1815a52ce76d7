"""Writes for accounts: passwords, sign-in links, users, organisations and role grants."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import CHILD_KIND, Organisation, OrgKind, Role, RoleGrant, User
from app.config import PUBLIC_BASE_URL_MISSING, PublicBaseURLMissing
from app.db import utcnow
from app.extensions import db
from app.i18n import _, force_locale, ngettext
from app.mail import MailError, send_mail

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that both failures cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Argon2id verification; unknown users and users without a password fail in equal time."""
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok and user and user.password_hash and user.is_active)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if not check_password(user, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


# --- sign-in links ------------------------------------------------------------------------------

LINK_PURPOSES = ("reset", "invite")


class LinkError(Exception):
    """A sign-in link that cannot be used; ``reason`` is 'invalid', 'expired' or 'used'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lasitava-{purpose}")


def _fingerprint(user: User) -> str:
    # Changes as soon as the password is set, which makes every link single-use.
    return hashlib.sha256((user.password_hash or "-").encode()).hexdigest()[:20]


def make_link_token(user: User, purpose: str) -> str:
    assert purpose in LINK_PURPOSES
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def _max_age(purpose: str) -> int:
    key = "RESET_TOKEN_MAX_AGE" if purpose == "reset" else "INVITE_TOKEN_MAX_AGE"
    return int(current_app.config[key])


def user_for_link(token: str, purpose: str) -> User:
    """The user a link belongs to; raises LinkError when it is tampered, expired or used."""
    serializer = _serializer(purpose)
    try:
        data = serializer.loads(token, max_age=_max_age(purpose))
    except SignatureExpired as exc:
        raise LinkError("expired") from exc
    except BadSignature as exc:
        raise LinkError("invalid") from exc
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active:
        raise LinkError("invalid")
    if data.get("f") != _fingerprint(user):
        raise LinkError("used")
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.flush()


def absolute_url(endpoint: str, **values) -> str:
    """A full URL for links in e-mails and on certificates, inside or outside a request.

    Always PUBLIC_BASE_URL (e.g. https://lasitava.example.lv) when it is set. Without it, only in
    debug mode or under TESTING: the request's host, and outside a request (CLI)
    http://127.0.0.1:5000. Otherwise ``PublicBaseURLMissing`` is raised: the Host header is chosen
    by the client and must never end up in a certificate, its QR code or an e-mail.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        if not (current_app.debug or current_app.testing):
            raise PublicBaseURLMissing(PUBLIC_BASE_URL_MISSING)
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        base = "http://127.0.0.1:5000"
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


def _link_for_mail(endpoint: str, **values) -> str:
    """``absolute_url`` for an e-mail: a missing PUBLIC_BASE_URL is a mail that cannot be sent
    (logged; callers handle ``MailError`` as for a mail server that does not answer)."""
    try:
        return absolute_url(endpoint, **values)
    except PublicBaseURLMissing as error:
        log.error("no e-mail sent: %s", error)
        raise MailError(str(error)) from error


def send_reset_link(user: User) -> None:
    link = _link_for_mail("accounts.reset_password", token=make_link_token(user, "reset"))
    hours = current_app.config["RESET_TOKEN_MAX_AGE"] // 3600 or 1
    with force_locale(user.preferred_language or "lv"):
        subject = _("Lasītava: set a new password")
        body = ngettext(
            "Hello, %(name)s!\n\nSomeone (hopefully you) asked to set a new password for Lasītava.\n"
            "Open this link to choose a new password. It works once and expires in %(num)d "
            "hour:\n\n%(link)s\n\nIf you did not ask for this, ignore this message; your "
            "password stays the same.",
            "Hello, %(name)s!\n\nSomeone (hopefully you) asked to set a new password for Lasītava.\n"
            "Open this link to choose a new password. It works once and expires in %(num)d "
            "hours:\n\n%(link)s\n\nIf you did not ask for this, ignore this message; your "
            "password stays the same.",
            hours,
            name=user.full_name,
            link=link,
        )
    send_mail(user.email, subject, body)


def send_invitation(user: User) -> None:
    link = _link_for_mail("accounts.accept_invite", token=make_link_token(user, "invite"))
    days = current_app.config["INVITE_TOKEN_MAX_AGE"] // 86400 or 1
    with force_locale(user.preferred_language or "lv"):
        subject = _("Invitation to Lasītava, the library staff training platform")
        body = ngettext(
            "Hello, %(name)s!\n\nAn account has been created for you on Lasītava, the e-learning "
            "platform of the network of inclusive libraries.\nOpen this link to choose your "
            "password. It works once and expires in %(num)d day:\n\n%(link)s\n\nYour login is "
            "this e-mail address: %(email)s",
            "Hello, %(name)s!\n\nAn account has been created for you on Lasītava, the e-learning "
            "platform of the network of inclusive libraries.\nOpen this link to choose your "
            "password. It works once and expires in %(num)d days:\n\n%(link)s\n\nYour login is "
            "this e-mail address: %(email)s",
            days,
            name=user.full_name,
            link=link,
            email=user.email,
        )
    send_mail(user.email, subject, body)


# --- users and organisations --------------------------------------------------------------------


@dataclass(frozen=True)
class NewUser:
    email: str
    full_name: str
    roles: tuple[tuple[str, Organisation | None], ...] = ((Role.LEARNER.value, None),)
    library: Organisation | None = None
    preferred_language: str | None = None
    password: str | None = None


class AccountError(ValueError):
    """A user or organisation change that cannot be made; ``args[0]`` is a translated message."""


def create_user(new: NewUser) -> User:
    email = normalise_email(new.email)
    if not email or "@" not in email:
        raise AccountError(_("Enter a valid e-mail address."))
    if find_user_by_email(email) is not None:
        raise AccountError(_("A user with this e-mail address already exists."))
    name = new.full_name.strip()
    if not name:
        raise AccountError(_("Enter the full name."))
    if new.library is not None and new.library.kind != OrgKind.LIBRARY:
        raise AccountError(_("The home organisation must be a library."))
    user = User(
        email=email,
        full_name=name,
        library=new.library,
        preferred_language=new.preferred_language,
        password_hash=hash_password(new.password) if new.password else None,
    )
    db.session.add(user)
    for role, scope in new.roles:
        grant_role(user, role, scope)
    db.session.flush()
    return user


def grant_role(user: User, role: str, scope: Organisation | None = None) -> RoleGrant:
    if role not in {r.value for r in Role}:
        raise AccountError(_("Unknown role."))
    grant = RoleGrant(user=user, role=role, organisation=scope)
    db.session.add(grant)
    db.session.flush()
    return grant


def create_organisation(
    kind: str,
    name: str,
    parent: Organisation | None = None,
    code: str | None = None,
    name_en: str | None = None,
) -> Organisation:
    """Add a node to the tree, keeping the country → municipality → library shape."""
    kind = OrgKind(kind)
    if kind == OrgKind.COUNTRY and parent is not None:
        raise AccountError(_("A country cannot have a parent organisation."))
    if kind != OrgKind.COUNTRY and (parent is None or CHILD_KIND.get(OrgKind(parent.kind)) != kind):
        raise AccountError(_("The organisation does not fit under the chosen parent."))
    org = Organisation(
        kind=kind.value, name=name.strip(), parent=parent, code=code, name_en=name_en
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    return org
