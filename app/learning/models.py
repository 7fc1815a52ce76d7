"""Progress records. They refer to course content by stable ids (course, module, question), never
by file paths or text, so that editing a course never orphans a learner's record.

Submitted attempts are immutable: a flush that would change a ``QuizAttempt`` or ``QuizAnswer``
raises ``ImmutableRecordError`` (see ``_refuse_changes``). The guard sees ORM flushes only; bulk
``update()``/``delete()`` statements bypass it. The one sanctioned change, GDPR erasure
(``app.admin.services.erase_user``, which blanks ``QuizAnswer.response``), is such a bulk UPDATE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class Enrolment(db.Model):
    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrolment_course_completed", "course_id", "completed_at"),
        Index("ix_enrolment_course_started", "course_id", "started_at"),
    )


class ModuleProgress(db.Model):
    __tablename__ = "module_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_hash_seen: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "module_id"),
        Index("ix_module_progress_course_module", "course_id", "module_id"),
    )


class ImmutableRecordError(Exception):
    """A submitted quiz attempt or answer was about to be changed."""


class QuizAttempt(db.Model):
    """One submission of a module's quiz. Immutable once written."""

    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    attempt_no: Mapped[int] = mapped_column(Integer)
    # The idempotency key of the submitted form: a resubmission returns the same attempt.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    key_revision: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(5))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    percent: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answers: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt", lazy="selectin", order_by="QuizAnswer.position"
    )

    __table_args__ = (
        # Two tabs or a double click can never produce a second attempt with the same number.
        UniqueConstraint("user_id", "course_id", "module_id", "attempt_no"),
        Index("ix_quiz_attempt_course_module", "course_id", "module_id"),
    )


class QuizAnswer(db.Model):
    __tablename__ = "quiz_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64))
    question_rev: Mapped[int] = mapped_column(Integer, default=1)
    response: Mapped[dict | list | str | None] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


@event.listens_for(QuizAttempt, "before_update")
@event.listens_for(QuizAnswer, "before_update")
def _refuse_changes(mapper, connection, target) -> None:
    """Refuse to flush a change to a submitted attempt or answer (see the module docstring).
    SQLAlchemy also calls this for rows that are dirty without a changed column (e.g. a
    relationship was touched); those are let through."""
    state = inspect(target)
    changed = sorted(
        attr.key for attr in mapper.column_attrs if state.attrs[attr.key].history.has_changes()
    )
    if changed:
        raise ImmutableRecordError(
            f"{type(target).__name__} {state.identity} is immutable; tried to change {changed}"
        )
