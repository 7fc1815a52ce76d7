"""Reads: a learner's own certificates, verification look-ups, the administrators' list, the
coordinators' export, and the completions still waiting for a certificate.

Lists never load the PDF bytes (``defer``); only a download or an export reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, defer

from app.accounts.models import Organisation, User
from app.accounts.queries import in_scope_clause
from app.admin.models import AuditEvent
from app.certificates import codes
from app.certificates.models import Certificate
from app.certificates.services import local_zone
from app.extensions import db
from app.learning.models import Enrolment

ADMIN_PAGE_SIZE = 50


@dataclass(frozen=True)
class PendingCompletion:
    user_id: int
    course_id: str
    course_version: int


def _without_pdf():
    return select(Certificate).options(defer(Certificate.pdf))


def pending_completions(user_id: int | None = None) -> list[PendingCompletion]:
    """Completed enrolments with no certificate at all (valid, replaced or revoked) for the
    completed course version or a later one. One query."""
    has_certificate = exists().where(
        Certificate.user_id == Enrolment.user_id,
        Certificate.course_id == Enrolment.course_id,
        Certificate.course_version >= func.coalesce(Enrolment.completed_version, 1),
    )
    stmt = (
        select(Enrolment.user_id, Enrolment.course_id, Enrolment.completed_version)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.completed_at.is_not(None), User.active.is_(True), ~has_certificate)
        .order_by(Enrolment.completed_at, Enrolment.id)
    )
    if user_id is not None:
        stmt = stmt.where(Enrolment.user_id == user_id)
    return [
        PendingCompletion(uid, course_id, version or 1)
        for uid, course_id, version in db.session.execute(stmt)
    ]


# --- the learner's own -------------------------------------------------------------------------


def own_certificates(user_id: int) -> list[Certificate]:
    """The learner's certificates: valid ones first, newest first within each group."""
    current = and_(Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_(None))
    return list(
        db.session.scalars(
            _without_pdf()
            .where(Certificate.user_id == user_id)
            .order_by(current.desc(), Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def own_certificate(user_id: int, serial: str) -> Certificate | None:
    """One of the learner's certificates (None for anyone else's, or an unknown serial)."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.serial == serial)
    )


def valid_certificates(user_id: int) -> list[Certificate]:
    return [c for c in own_certificates(user_id) if c.status == "valid"]


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show, and nothing more."""

    status: str  # valid, revoked, replaced
    serial: str
    learner_name: str
    course_title: str
    course_id: str
    course_version: int
    language: str
    completed_on: date
    hours: object
    sha256: str
    revoked_on: date | None
    replaced_by_serial: str | None


def _local_date(moment: datetime) -> date:
    """The day of ``moment`` in the platform's time zone (as completion dates are)."""
    return moment.astimezone(local_zone()).date()


def _verification(certificate: Certificate) -> Verification:
    replaced_by = None
    if certificate.replaced_by_id is not None:
        replaced_by = db.session.scalar(
            select(Certificate.serial).where(Certificate.id == certificate.replaced_by_id)
        )
    return Verification(
        status=certificate.status,
        serial=certificate.serial,
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        course_id=certificate.course_id,
        course_version=certificate.course_version,
        language=certificate.language,
        completed_on=certificate.completed_on,
        hours=certificate.hours,
        sha256=certificate.sha256,
        revoked_on=_local_date(certificate.revoked_at) if certificate.revoked_at else None,
        replaced_by_serial=replaced_by,
    )


def verify_code(text: str | None) -> Verification | None:
    """The certificate with this verification code (typed loosely), or None."""
    code = codes.normalise_code(text)
    if code is None:
        return None
    certificate = db.session.scalar(_without_pdf().where(Certificate.verification_code == code))
    return _verification(certificate) if certificate is not None else None


def verify_serial(text: str | None, surname: str | None) -> Verification | None:
    """The certificate with this serial number, only when ``surname`` matches the printed name."""
    serial = codes.normalise_serial(text)
    if serial is None or not surname:
        return None
    certificate = db.session.scalar(_without_pdf().where(Certificate.serial == serial))
    if certificate is None or not codes.surname_matches(certificate.learner_name, surname):
        return None
    return _verification(certificate)


# --- administration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPage:
    certificates: list[Certificate]
    total: int
    page: int
    pages: int


def admin_search(query: str = "", status: str = "", page: int = 1) -> AdminPage:
    """Certificates matching a serial, verification code, name, course or e-mail address."""
    stmt = _without_pdf().outerjoin(User, User.id == Certificate.user_id)
    query = (query or "").strip()
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions = [
            column.ilike(like, escape="\\")
            for column in (
                Certificate.learner_name,
                Certificate.course_id,
                Certificate.course_title,
                Certificate.serial,
                User.email,
            )
        ]
        serial = codes.normalise_serial(query)
        if serial:
            conditions.append(Certificate.serial == serial)
        code = codes.normalise_code(query)
        if code:
            conditions.append(Certificate.verification_code == code)
        stmt = stmt.where(or_(*conditions))
    if status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_(None))
    elif status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif status == "replaced":
        stmt = stmt.where(Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, -(-(total or 0) // ADMIN_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(ADMIN_PAGE_SIZE)
        .offset((page - 1) * ADMIN_PAGE_SIZE)
    )
    return AdminPage(list(rows), total or 0, page, pages)


def by_serial(serial: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def related(certificate: Certificate) -> dict[str, Certificate | None]:
    """The certificate this one replaced, and the one that replaced it (without PDFs)."""
    replaced = db.session.scalar(_without_pdf().where(Certificate.replaced_by_id == certificate.id))
    replacement = None
    if certificate.replaced_by_id is not None:
        replacement = db.session.scalar(
            _without_pdf().where(Certificate.id == certificate.replaced_by_id)
        )
    return {"replaces": replaced, "replaced_by": replacement}


def audit_events(certificate: Certificate) -> list[tuple[AuditEvent, User | None]]:
    actor = aliased(User)
    return [
        (event, user)
        for event, user in db.session.execute(
            select(AuditEvent, actor)
            .outerjoin(actor, actor.id == AuditEvent.actor_id)
            .where(
                AuditEvent.target_type == "certificate",
                AuditEvent.target_id == certificate.serial,
            )
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    ]


# --- coordinators' export ------------------------------------------------------------------------


def _export_filter(paths: list[str] | None, course_id: str, start: date, end: date):
    return (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .outerjoin(Organisation, Organisation.id == User.library_id)
        .where(
            in_scope_clause(Organisation.path, paths),
            Certificate.course_id == course_id,
            Certificate.completed_on >= start,
            Certificate.completed_on <= end,
            Certificate.revoked_at.is_(None),
            Certificate.replaced_by_id.is_(None),
        )
    )


def export_count(paths: list[str] | None, course_id: str, start: date, end: date) -> int:
    stmt = _export_filter(paths, course_id, start, end).with_only_columns(func.count())
    return db.session.scalar(stmt) or 0


def export_certificates(
    paths: list[str] | None, course_id: str, start: date, end: date
) -> Iterator[Certificate]:
    """The valid certificates of learners whose library is in ``paths`` (None: everyone), for
    one course, completed between ``start`` and ``end`` (both inclusive); PDFs are read a few
    rows at a time."""
    stmt = _export_filter(paths, course_id, start, end).order_by(Certificate.serial)
    for certificate in db.session.scalars(stmt.execution_options(yield_per=20)):
        yield certificate
        db.session.expunge(certificate)


def certified_courses(paths: list[str] | None) -> list[tuple[str, str]]:
    """(course id, a stored title) of every course with certificates in the scope."""
    rows = db.session.execute(
        select(Certificate.course_id, func.max(Certificate.course_title))
        .join(User, User.id == Certificate.user_id)
        .outerjoin(Organisation, Organisation.id == User.library_id)
        .where(in_scope_clause(Organisation.path, paths))
        .group_by(Certificate.course_id)
        .order_by(Certificate.course_id)
    )
    return [(course_id, title) for course_id, title in rows]
