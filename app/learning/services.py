"""Writes for the learning journey: enrolment, module progress, quiz attempts, completion.

Services flush and never commit: the request that calls them commits (one transaction).

**Enrolment.** A learner is enrolled the first time they open a module of a course
(``record_module_view``); the course page's "Start the course" button is a link to the first
module. Enrolling twice is impossible (UNIQUE user+course, written with INSERT … ON CONFLICT).

**Completion rule.** A module is complete when it has been read and, if it has a quiz, the quiz
has been passed at the course's pass mark. A module without a quiz is read when the learner
presses "Mark as read"; a module with a quiz counts as read when its quiz is submitted. Module
completion (``ModuleProgress.completed_at``) is written once and never cleared: changing a
module's text or answer key later does not take it away. A course is complete when every module
it lists is complete; ``Enrolment.completed_at`` (first completion, never changed) and
``completed_version`` are written in the same transaction as the module completion that
finished the course, and ``signals.course_completed`` is sent before the commit.

**Versions.** Modules added later without raising the course ``version`` do not reopen a
completed course. When the version was raised and modules were added, the course shows as
"updated" (see ``queries.course_state``); completing those new modules sets
``completed_version`` to the current version and sends ``course_completed`` again, while
``completed_at`` keeps the first completion date.

**Attempts.** Every submission is a new immutable ``QuizAttempt`` with every answer, the score,
the answer-key revision and the time. Three things stop double submissions: the form's random
``submission_key`` (UNIQUE: a resubmission returns the attempt it already created), the attempt
number fixed when the quiz was shown (a second tab cannot create another attempt), and the
UNIQUE (user, course, module, attempt_no) constraint (two concurrent requests cannot both take
the same number; the loser gets an ``IntegrityError`` that the route turns into the winner's
result). The enrolment row is updated first in every write, which serialises a learner's
concurrent writes to one course on PostgreSQL (row lock) and SQLite (write lock) alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.courses.model import Course, ModuleView
from app.db import utcnow
from app.extensions import db
from app.learning.grading import Response, grade
from app.learning.models import Enrolment, ModuleProgress, QuizAnswer, QuizAttempt
from app.learning.signals import course_completed


class LearningError(Exception):
    """A request that cannot be carried out; nothing has been written."""


class NotAQuizModuleError(LearningError):
    pass


class HasQuizError(LearningError):
    """Mark as read was sent for a module that is completed by passing its quiz."""


class AttemptLimitError(LearningError):
    pass


class AlreadySubmittedError(LearningError):
    """The attempt this form was shown for exists already (another tab, a resubmission)."""

    def __init__(self, attempt: QuizAttempt):
        super().__init__(attempt.attempt_no)
        self.attempt = attempt


class BadSubmissionError(LearningError):
    """The form does not belong to this learner's next attempt (tampered or stale)."""


@dataclass(frozen=True)
class CompletionOutcome:
    module_completed: bool  # just now
    course_completed: bool  # just now (first completion or completion of a newer version)


# ------------------------------------------------------------------------------------------
# Dialect-neutral upsert (PostgreSQL and SQLite both have INSERT … ON CONFLICT)


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    return insert(model)


def touch_enrolment(
    user_id: int, course: Course, lang: str, now: datetime | None = None
) -> Enrolment:
    """Create the enrolment if needed and mark activity. As the first write of a transaction it
    also serialises concurrent writes of the same learner to the same course."""
    now = now or utcnow()
    stmt = (
        _insert(Enrolment)
        .values(
            user_id=user_id,
            course_id=course.id,
            language=lang,
            started_at=now,
            last_activity_at=now,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "course_id"], set_={"last_activity_at": now}
        )
    )
    db.session.execute(stmt)
    return db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
        .execution_options(populate_existing=True)
    ).one()


def _progress(user_id: int, course_id: str, module_id: str) -> ModuleProgress | None:
    return db.session.scalars(
        select(ModuleProgress)
        .where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_id == course_id,
            ModuleProgress.module_id == module_id,
        )
        .execution_options(populate_existing=True)
    ).one_or_none()


def _upsert_progress(
    user_id: int, course_id: str, module_id: str, content_hash: str, now: datetime
) -> None:
    stmt = (
        _insert(ModuleProgress)
        .values(
            user_id=user_id,
            course_id=course_id,
            module_id=module_id,
            first_viewed_at=now,
            last_viewed_at=now,
            content_hash_seen=content_hash,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "course_id", "module_id"],
            set_={"last_viewed_at": now, "content_hash_seen": content_hash},
        )
    )
    db.session.execute(stmt)


def record_module_view(user_id: int, course: Course, view: ModuleView) -> Enrolment:
    """The learner opened a module: enrol them if needed, record first/last view and the
    module's content hash (``Module.content_hash``, the default-language file: the version of
    the content, which translations follow), in a fixed number of statements."""
    now = utcnow()
    enrolment = touch_enrolment(user_id, course, view.requested_lang, now)
    _upsert_progress(user_id, course.id, view.module.id, view.module.content_hash, now)
    if enrolment.completed_at is None:
        # Catch-up: when trainers removed the only modules a learner still lacked, the course
        # is complete now; it is recorded on the learner's next visit.
        _complete_course_if_due(enrolment, course, False, now)
    return enrolment


def mark_read(user_id: int, course: Course, view: ModuleView) -> CompletionOutcome:
    """ "Mark as read" for a module without a quiz: the module is complete."""
    module = view.module
    if module.has_quiz:
        raise HasQuizError(module.id)
    now = utcnow()
    enrolment = touch_enrolment(user_id, course, view.requested_lang, now)
    _upsert_progress(user_id, course.id, module.id, view.module.content_hash, now)
    row = _progress(user_id, course.id, module.id)
    assert row is not None  # written just above
    module_done = False
    if row.read_at is None:
        row.read_at = now
    if row.completed_at is None:
        row.completed_at = now
        module_done = True
    db.session.flush()
    course_done = _complete_course_if_due(enrolment, course, module_done, now)
    return CompletionOutcome(module_done, course_done)


def completed_module_ids(user_id: int, course_id: str) -> set[str]:
    return set(
        db.session.scalars(
            select(ModuleProgress.module_id).where(
                ModuleProgress.user_id == user_id,
                ModuleProgress.course_id == course_id,
                ModuleProgress.completed_at.is_not(None),
            )
        )
    )


def _complete_course_if_due(
    enrolment: Enrolment, course: Course, module_just_completed: bool, now: datetime
) -> bool:
    """Record the course's completion when every module is complete (see the module docstring
    for the version rule) and send ``course_completed`` inside the transaction."""
    if enrolment.completed_at is not None and not (
        module_just_completed and (enrolment.completed_version or 0) < course.version
    ):
        return False
    if not set(course.module_ids) <= completed_module_ids(enrolment.user_id, course.id):
        return False
    if enrolment.completed_at is None:
        enrolment.completed_at = now
    enrolment.completed_version = course.version
    db.session.flush()
    course_completed.send(
        current_app._get_current_object(),  # noqa: SLF001 - the app itself is the sender
        user_id=enrolment.user_id,
        course_id=course.id,
        course_version=course.version,
        enrolment_id=enrolment.id,
    )
    return True


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: QuizAttempt
    completion: CompletionOutcome


def submit_attempt(
    user_id: int,
    course: Course,
    view: ModuleView,
    answers: Mapping[str, Response],
    submission_key: str,
    attempt_no: int,
) -> SubmitOutcome:
    """Grade and store one attempt at ``view.module``'s quiz, and record completion.

    ``answers`` come from ``forms.parse_quiz_answers`` (complete and valid for ``view``).
    ``attempt_no`` is the number the quiz form was shown for. Raises ``AlreadySubmittedError`` (the
    same form or another tab got there first), ``AttemptLimitError``, ``BadSubmissionError``.
    An ``IntegrityError`` at flush means a concurrent request took the number or the key.
    """
    module = view.module
    if not module.has_quiz:
        raise NotAQuizModuleError(module.id)
    now = utcnow()
    enrolment = touch_enrolment(user_id, course, view.requested_lang, now)

    existing = db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.submission_key == submission_key)
    )
    if existing is not None:
        if (existing.user_id, existing.course_id, existing.module_id) != (
            user_id,
            course.id,
            module.id,
        ):
            raise BadSubmissionError("submission key of another quiz")
        raise AlreadySubmittedError(existing)

    used = _attempts_used(user_id, course.id, module.id)
    if attempt_no <= used:
        shown = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course.id,
                QuizAttempt.module_id == module.id,
                QuizAttempt.attempt_no == attempt_no,
            )
        )
        if shown is None:  # pragma: no cover - attempts are never deleted
            raise BadSubmissionError("attempt number")
        raise AlreadySubmittedError(shown)
    if course.max_attempts and used >= course.max_attempts:
        raise AttemptLimitError(module.id)
    if attempt_no != used + 1:
        raise BadSubmissionError("attempt number")

    result = grade(view.questions, answers)
    passed = result.passes(course.pass_mark)
    attempt = QuizAttempt(
        user_id=user_id,
        course_id=course.id,
        module_id=module.id,
        attempt_no=attempt_no,
        submission_key=submission_key,
        key_revision=module.answer_key_revision,
        language=view.lang,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=passed,
        submitted_at=now,
    )
    attempt.answers = [
        QuizAnswer(
            position=position,
            question_id=item.question_id,
            question_rev=item.rev,
            response=item.response,
            correct=item.correct,
            points=item.points,
            max_points=item.max_points,
        )
        for position, item in enumerate(result.items, start=1)
    ]
    db.session.add(attempt)
    db.session.flush()

    _upsert_progress(user_id, course.id, module.id, view.module.content_hash, now)
    row = _progress(user_id, course.id, module.id)
    assert row is not None  # written just above
    module_done = False
    if row.read_at is None:
        row.read_at = now
    if passed and row.completed_at is None:
        row.completed_at = now
        module_done = True
    db.session.flush()
    course_done = _complete_course_if_due(enrolment, course, module_done, now)
    return SubmitOutcome(attempt, CompletionOutcome(module_done, course_done))


def _attempts_used(user_id: int, course_id: str, module_id: str) -> int:
    return (
        db.session.scalar(
            select(db.func.count(QuizAttempt.id)).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.module_id == module_id,
            )
        )
        or 0
    )
