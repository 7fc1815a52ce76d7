"""Writes owned by administration: the audit log, user and organisation management, and the
data-protection tasks (erasure). Every change made here is recorded in the audit log."""

from __future__ import annotations

from sqlalchemy import delete, update

from app.accounts.models import Organisation, RoleGrant, User
from app.accounts.services import (
    AccountError,
    NewUser,
    create_organisation,
    create_user,
    grant_role,
    send_invitation,
)
from app.admin.models import AuditEvent
from app.db import utcnow
from app.extensions import db


def record_audit(
    action: str,
    *,
    actor_id: int | None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller's boundary commits)."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event


def invite_user(new: NewUser, *, actor: User) -> User:
    """Create an account and send its first-login invitation link."""
    user = create_user(new)
    send_invitation(user)
    record_audit(
        "user.invited",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
        details={"roles": [role for role, _ in new.roles]},
    )
    return user


def resend_invitation(user: User, *, actor: User) -> None:
    send_invitation(user)
    record_audit("user.invitation_resent", actor_id=actor.id, target_type="user", target_id=user.id)


def update_user(
    user: User,
    *,
    actor: User,
    full_name: str,
    library: Organisation | None,
    active: bool,
    preferred_language: str | None,
) -> None:
    name = full_name.strip()
    if not name:
        raise AccountError("full_name")
    if library is not None and library.kind != "library":
        raise AccountError("library")
    if user.id == actor.id and not active:
        raise AccountError("self")
    changed = {}
    for field, value in (
        ("full_name", name),
        ("library_id", library.id if library else None),
        ("active", active),
        ("preferred_language", preferred_language),
    ):
        if getattr(user, field) != value:
            changed[field] = True
            setattr(user, field, value)
    db.session.flush()
    if changed:
        record_audit(
            "user.updated",
            actor_id=actor.id,
            target_type="user",
            target_id=user.id,
            details={"fields": sorted(changed)},
        )


def add_role(user: User, role: str, scope: Organisation | None, *, actor: User) -> RoleGrant:
    if any(
        g.role == role and g.organisation_id == (scope.id if scope else None) for g in user.grants
    ):
        raise AccountError("duplicate")
    grant = grant_role(user, role, scope)
    record_audit(
        "role.granted",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
        details={"role": role, "scope": scope.id if scope else None},
    )
    return grant


def remove_role(user: User, grant_id: int, *, actor: User) -> None:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise AccountError("missing")
    if user.id == actor.id and grant.role == "admin":
        raise AccountError("self")
    user.grants.remove(grant)
    db.session.flush()
    record_audit(
        "role.revoked",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
        details={"role": grant.role, "scope": grant.organisation_id},
    )


def add_organisation(
    kind: str, name: str, parent: Organisation | None, code: str | None, *, actor: User
) -> Organisation:
    if not name.strip():
        raise AccountError("name")
    if code and db.session.scalar(db.select(Organisation.id).where(Organisation.code == code)):
        raise AccountError("code")
    if db.session.scalar(
        db.select(Organisation.id).where(
            Organisation.parent_id == (parent.id if parent else None),
            Organisation.name == name.strip(),
        )
    ):
        raise AccountError("duplicate")
    org = create_organisation(kind, name, parent=parent, code=code or None)
    record_audit(
        "organisation.created",
        actor_id=actor.id,
        target_type="organisation",
        target_id=org.id,
        details={"kind": kind},
    )
    return org


def erase_user(user: User, *, actor: User) -> None:
    """GDPR erasure: remove what identifies the person, keep anonymous figures.

    The account is anonymised (name, e-mail, password, library link and roles removed), the
    answers they typed are deleted, and their certificates are deleted (a certificate cannot be
    anonymised: its PDF carries the name). Enrolments, module progress and attempt scores stay,
    attached to the anonymous account, so that completion counts and item statistics survive.
    """
    from app.certificates.models import Certificate
    from app.learning.models import QuizAnswer, QuizAttempt

    if user.id == actor.id:
        raise AccountError("self")
    attempt_ids = db.select(QuizAttempt.id).where(QuizAttempt.user_id == user.id)
    db.session.execute(
        update(QuizAnswer).where(QuizAnswer.attempt_id.in_(attempt_ids)).values(response=None)
    )
    db.session.execute(
        update(Certificate)
        .where(
            Certificate.replaced_by_id.in_(
                db.select(Certificate.id).where(Certificate.user_id == user.id)
            )
        )
        .values(replaced_by_id=None)
    )
    db.session.execute(delete(Certificate).where(Certificate.user_id == user.id))
    user.full_name = "—"
    user.email = f"erased-{user.id}@invalid"
    user.password_hash = None
    user.active = False
    user.grants.clear()
    user.last_login_at = None
    user.preferred_language = None
    db.session.flush()
    record_audit(
        "user.erased",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
        details={"at": utcnow().isoformat()},
    )
