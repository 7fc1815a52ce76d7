"""Issued certificates: frozen snapshots with their PDF bytes.

A row is never edited after issue except to mark it revoked (``revoked_*``) or replaced
(``replaced_by_id``); a name or language correction is a new row that replaces the old one.

``issue_key`` makes issuing idempotent under concurrency (UNIQUE; see ``services.py``):
``auto:<user>:<course>:<version>`` for the certificate issued at completion (one per learner,
course and course version, ever) and ``replaces:<certificate id>`` for a re-issue (a certificate
is replaced at most once).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    verification_code: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    course_version: Mapped[int] = mapped_column(Integer)
    course_title: Mapped[str] = mapped_column(String(300))
    learner_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    hours: Mapped[float] = mapped_column(Numeric(6, 1))
    completed_on: Mapped[date] = mapped_column(Date)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    issuer: Mapped[str] = mapped_column(String(300))
    template: Mapped[str] = mapped_column(String(64), default="default")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    issue_key: Mapped[str | None] = mapped_column(String(80), unique=True)

    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.replaced_by_id is not None:
            return "replaced"
        return "valid"
