"""Reads for the learning pages: a learner's own enrolments, module progress and quiz attempts,
and the pure functions that turn those records plus the course content into what the learner
sees ("3 of 5 modules completed", the next thing to do).

Every query is filtered by ``user_id``: a learner only ever reads their own records. The number
of queries per page does not depend on the number of modules, courses or attempts: progress and
attempt statistics are read for a whole course (or all courses) at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import case, func, select

from app.courses.model import Course, Module
from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt

ModuleStatus = Literal["not_started", "in_progress", "completed", "failed", "no_attempts_left"]
CourseStatus = Literal["not_started", "in_progress", "completed", "updated"]


@dataclass(frozen=True)
class ProgressRow:
    course_id: str
    module_id: str
    first_viewed_at: datetime
    last_viewed_at: datetime
    read_at: datetime | None
    completed_at: datetime | None
    content_hash_seen: str | None


@dataclass(frozen=True)
class AttemptStats:
    course_id: str
    module_id: str
    count: int
    passed: bool
    last_attempt_no: int
    best_percent: float


@dataclass(frozen=True)
class AttemptSummary:
    attempt_no: int
    percent: float
    score: float
    max_score: float
    passed: bool
    submitted_at: datetime


# ------------------------------------------------------------------------------------------
# Queries


def enrolment(user_id: int, course_id: str) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )


def enrolments(user_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.user_id == user_id)
            .order_by(Enrolment.last_activity_at.desc(), Enrolment.id)
        )
    )


def progress(user_id: int, course_id: str | None = None) -> dict[tuple[str, str], ProgressRow]:
    """The user's module progress, for one course or for all, keyed by (course, module)."""
    stmt = select(
        ModuleProgress.course_id,
        ModuleProgress.module_id,
        ModuleProgress.first_viewed_at,
        ModuleProgress.last_viewed_at,
        ModuleProgress.read_at,
        ModuleProgress.completed_at,
        ModuleProgress.content_hash_seen,
    ).where(ModuleProgress.user_id == user_id)
    if course_id is not None:
        stmt = stmt.where(ModuleProgress.course_id == course_id)
    return {(r.course_id, r.module_id): ProgressRow(*r) for r in db.session.execute(stmt)}


def attempt_stats(
    user_id: int, course_id: str | None = None
) -> dict[tuple[str, str], AttemptStats]:
    """Per module: how many attempts, whether any passed, the last number, the best percent."""
    stmt = (
        select(
            QuizAttempt.course_id,
            QuizAttempt.module_id,
            func.count(QuizAttempt.id),
            func.max(case((QuizAttempt.passed, 1), else_=0)),
            func.max(QuizAttempt.attempt_no),
            func.max(QuizAttempt.percent),
        )
        .where(QuizAttempt.user_id == user_id)
        .group_by(QuizAttempt.course_id, QuizAttempt.module_id)
    )
    if course_id is not None:
        stmt = stmt.where(QuizAttempt.course_id == course_id)
    return {
        (c, m): AttemptStats(c, m, int(n), bool(p), int(last), float(best))
        for c, m, n, p, last, best in db.session.execute(stmt)
    }


def attempt_history(user_id: int, course_id: str, module_id: str) -> list[AttemptSummary]:
    """The user's attempts at one module's quiz, oldest first (one query, answers not loaded)."""
    rows = db.session.execute(
        select(
            QuizAttempt.attempt_no,
            QuizAttempt.percent,
            QuizAttempt.score,
            QuizAttempt.max_score,
            QuizAttempt.passed,
            QuizAttempt.submitted_at,
        )
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.module_id == module_id,
        )
        .order_by(QuizAttempt.attempt_no)
    )
    return [AttemptSummary(*r) for r in rows]


def stats_from_history(
    course_id: str, module_id: str, history: list[AttemptSummary]
) -> AttemptStats | None:
    """The statistics of one module's attempts, from its already-read history."""
    if not history:
        return None
    return AttemptStats(
        course_id,
        module_id,
        len(history),
        any(a.passed for a in history),
        history[-1].attempt_no,
        max(a.percent for a in history),
    )


def attempt(user_id: int, course_id: str, module_id: str, attempt_no: int) -> QuizAttempt | None:
    """One of the user's own attempts, with its answers."""
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.module_id == module_id,
            QuizAttempt.attempt_no == attempt_no,
        )
    )


def attempt_by_key(submission_key: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.submission_key == submission_key)
    )


def has_module_records(user_id: int, course_id: str, module_id: str) -> bool:
    """Whether the user has any record of a module (used to explain a removed module)."""
    return (
        db.session.scalar(
            select(func.count(ModuleProgress.id)).where(
                ModuleProgress.user_id == user_id,
                ModuleProgress.course_id == course_id,
                ModuleProgress.module_id == module_id,
            )
        )
        or 0
    ) > 0


# ------------------------------------------------------------------------------------------
# What the learner sees: pure functions of (course, records)


@dataclass(frozen=True)
class ModuleState:
    module: Module
    status: ModuleStatus
    attempts_used: int = 0
    attempts_left: int | None = None  # None: unlimited, or the module has no quiz
    best_percent: float | None = None
    viewed: bool = False
    completed_at: datetime | None = None

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def quiz_not_passed(self) -> bool:
        return self.status in ("failed", "no_attempts_left")


@dataclass(frozen=True)
class CourseState:
    course: Course
    enrolment: Enrolment | None
    modules: tuple[ModuleState, ...]
    status: CourseStatus
    done: int
    total: int
    next_module: ModuleState | None = None
    new_modules: int = 0  # status "updated": modules added since the learner's completion
    failed: tuple[ModuleState, ...] = field(default=())

    @property
    def completed_at(self) -> datetime | None:
        return self.enrolment.completed_at if self.enrolment is not None else None

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


def module_state(
    course: Course, module: Module, row: ProgressRow | None, stats: AttemptStats | None
) -> ModuleState:
    used = stats.count if stats else 0
    left: int | None = None
    if module.has_quiz and course.max_attempts:
        left = max(0, course.max_attempts - used)
    best = stats.best_percent if stats else None
    viewed = row is not None
    completed_at = row.completed_at if row else None
    if completed_at is not None:
        status: ModuleStatus = "completed"
    elif module.has_quiz and used and not (stats and stats.passed):
        status = "no_attempts_left" if left == 0 else "failed"
    elif viewed:
        status = "in_progress"
    else:
        status = "not_started"
    return ModuleState(module, status, used, left, best, viewed, completed_at)


def course_state(
    course: Course,
    enrolment_row: Enrolment | None,
    progress_rows: dict[tuple[str, str], ProgressRow],
    stats: dict[tuple[str, str], AttemptStats],
) -> CourseState:
    """The learner's standing in a course.

    Version rule (docs/COURSE_FORMAT_DECISIONS.md): a completed course stays "completed" when
    modules are added without raising the course ``version``; when the version was raised past
    the one the learner completed and modules are missing, it is "updated" (in progress again,
    ``new_modules`` to do) while the completion date is kept.
    """
    states = tuple(
        module_state(course, m, progress_rows.get((course.id, m.id)), stats.get((course.id, m.id)))
        for m in course.modules
    )
    done = sum(1 for s in states if s.completed)
    remaining = [s for s in states if not s.completed]
    next_state = remaining[0] if remaining else None
    failed = tuple(s for s in states if s.quiz_not_passed)
    new_modules = 0
    if enrolment_row is None:
        status: CourseStatus = "not_started"
    elif enrolment_row.completed_at is not None:
        if remaining and (enrolment_row.completed_version or 0) < course.version:
            status = "updated"
            new_modules = len(remaining)
        else:
            status = "completed"
    else:
        status = "in_progress"
    return CourseState(
        course=course,
        enrolment=enrolment_row,
        modules=states,
        status=status,
        done=done,
        total=len(states),
        next_module=next_state,
        new_modules=new_modules,
        failed=failed,
    )


def course_state_for(user_id: int, course: Course) -> CourseState:
    """Three queries, whatever the number of modules and attempts."""
    return course_state(
        course,
        enrolment(user_id, course.id),
        progress(user_id, course.id),
        attempt_stats(user_id, course.id),
    )


@dataclass(frozen=True)
class LearnerOverview:
    """Everything the catalogue and the dashboard need about one learner, in three queries."""

    enrolments: dict[str, Enrolment]
    progress: dict[tuple[str, str], ProgressRow]
    stats: dict[tuple[str, str], AttemptStats]

    def state(self, course: Course) -> CourseState:
        return course_state(course, self.enrolments.get(course.id), self.progress, self.stats)

    def completed_modules(self, course_id: str) -> int:
        return sum(
            1 for (c, _m), row in self.progress.items() if c == course_id and row.completed_at
        )


def learner_overview(user_id: int) -> LearnerOverview:
    return LearnerOverview(
        {e.course_id: e for e in enrolments(user_id)},
        progress(user_id),
        attempt_stats(user_id),
    )
