"""Writes owned by administration: the audit log."""

from __future__ import annotations

from app.admin.models import AuditEvent
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
