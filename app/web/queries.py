"""Reads for the shared pages: administrators to notify, and the feedback inbox."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role, RoleGrant, User
from app.admin.models import FeedbackMessage
from app.extensions import db


def active_admins() -> list[User]:
    """Every active account holding the administrator role."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role.ADMIN.value)),
            )
            .order_by(User.id)
        )
    )


def feedback_messages(*, handled: bool, limit: int | None = None) -> list[FeedbackMessage]:
    """Messages, newest first."""
    query = (
        select(FeedbackMessage)
        .where(FeedbackMessage.handled.is_(handled))
        .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def count_feedback(*, handled: bool) -> int:
    return db.session.scalar(
        select(db.func.count())
        .select_from(FeedbackMessage)
        .where(FeedbackMessage.handled.is_(handled))
    )


def feedback_by_id(feedback_id: int) -> FeedbackMessage | None:
    return db.session.get(FeedbackMessage, feedback_id)
