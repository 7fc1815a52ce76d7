"""Reads for administrators: users, the organisation tree, the audit log, counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.accounts.models import Organisation, User
from app.admin.models import AuditEvent, FeedbackMessage
from app.certificates.models import Certificate
from app.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int


def _paginate(stmt, count_stmt, page: int) -> Page:
    total = db.session.scalar(count_stmt) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = list(db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(items, page, pages, total)


def search_users(query: str = "", organisation: Organisation | None = None, page: int = 1) -> Page:
    """Users whose name or e-mail contains ``query``, optionally under an organisation."""
    conditions = []
    if query:
        like = f"%{query.strip().lower()}%"
        conditions.append(or_(func.lower(User.full_name).like(like), User.email.like(like)))
    stmt = select(User)
    count = select(func.count()).select_from(User)
    if organisation is not None:
        stmt = stmt.join(Organisation, User.library_id == Organisation.id)
        count = count.join(Organisation, User.library_id == Organisation.id)
        conditions.append(Organisation.path.startswith(organisation.path, autoescape=True))
    if conditions:
        stmt = stmt.where(*conditions)
        count = count.where(*conditions)
    return _paginate(stmt.order_by(func.lower(User.full_name), User.id), count, page)


def organisation_tree() -> list[tuple[Organisation, int, int]]:
    """Every organisation in tree order with its depth and number of users directly in it."""
    users = select(User.library_id, func.count().label("n")).group_by(User.library_id).subquery()
    rows = db.session.execute(
        select(Organisation, func.coalesce(users.c.n, 0))
        .outerjoin(users, users.c.library_id == Organisation.id)
        .order_by(Organisation.path)
    ).all()
    # Order siblings by name rather than by id, keeping children under their parent.
    by_parent: dict[int | None, list] = {}
    for org, n in rows:
        by_parent.setdefault(org.parent_id, []).append((org, n))
    ordered: list[tuple[Organisation, int, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org, n in sorted(by_parent.get(parent_id, []), key=lambda r: r[0].name):
            ordered.append((org, depth, n))
            walk(org.id, depth + 1)

    walk(None, 0)
    return ordered


def libraries() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.kind == "library").order_by(Organisation.name)
        )
    )


def audit_log(page: int = 1, action: str | None = None) -> Page:
    stmt = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    return _paginate(stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), count, page)


def actor_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


@dataclass(frozen=True)
class Overview:
    users: int
    active_users: int
    organisations: int
    certificates: int
    open_feedback: int


def overview() -> Overview:
    row = db.session.execute(
        select(
            select(func.count()).select_from(User).scalar_subquery(),
            select(func.count()).select_from(User).where(User.active.is_(True)).scalar_subquery(),
            select(func.count()).select_from(Organisation).scalar_subquery(),
            select(func.count()).select_from(Certificate).scalar_subquery(),
            select(func.count())
            .select_from(FeedbackMessage)
            .where(FeedbackMessage.handled.is_(False))
            .scalar_subquery(),
        )
    ).one()
    return Overview(*row)


def user_data_export(user: User) -> dict:
    """Everything the platform holds about one person (GDPR art. 15 and 20), as plain JSON data."""
    from app.certificates.models import Certificate
    from app.learning.models import Enrolment, ModuleProgress, QuizAttempt

    def iso(value):
        return value.isoformat() if value is not None else None

    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id)).all()
    progress = db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.user_id == user.id)
    ).all()
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.submitted_at)
    ).all()
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id)
    ).all()
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "library": user.library.name if user.library else None,
            "roles": sorted(user.roles),
            "created_at": iso(user.created_at),
            "last_login_at": iso(user.last_login_at),
            "display_settings": {
                "text_size": user.text_size,
                "high_contrast": user.high_contrast,
                "dyslexia_spacing": user.dyslexia_spacing,
                "reduced_motion": user.reduced_motion,
            },
        },
        "enrolments": [
            {
                "course_id": e.course_id,
                "language": e.language,
                "started_at": iso(e.started_at),
                "last_activity_at": iso(e.last_activity_at),
                "completed_at": iso(e.completed_at),
                "completed_version": e.completed_version,
            }
            for e in enrolments
        ],
        "module_progress": [
            {
                "course_id": p.course_id,
                "module_id": p.module_id,
                "first_viewed_at": iso(p.first_viewed_at),
                "read_at": iso(p.read_at),
                "completed_at": iso(p.completed_at),
            }
            for p in progress
        ],
        "quiz_attempts": [
            {
                "course_id": a.course_id,
                "module_id": a.module_id,
                "attempt_no": a.attempt_no,
                "submitted_at": iso(a.submitted_at),
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "answers": [
                    {
                        "question_id": ans.question_id,
                        "response": ans.response,
                        "correct": ans.correct,
                        "points": ans.points,
                    }
                    for ans in a.answers
                ],
            }
            for a in attempts
        ],
        "certificates": [
            {
                "serial": c.serial,
                "course_id": c.course_id,
                "course_title": c.course_title,
                "name_printed": c.learner_name,
                "language": c.language,
                "completed_on": iso(c.completed_on),
                "issued_at": iso(c.issued_at),
                "status": c.status,
                "sha256": c.sha256,
            }
            for c in certificates
        ],
    }
