"""Indexes that serve the reports. The tables belong to learning; these indexes exist for the
report reads (migration 0003_reports creates them):

* enrolments by start and by completion date, for a period across every course (the cohort by
  start date; the funder indicator by completion date);
* quiz attempts by (learner, course, module) with the submission time and the percentage, so the
  "best score per learner and module" of a coordinator's area is an index-only scan.
"""

from __future__ import annotations

from sqlalchemy import Index

from app.learning.models import Enrolment, QuizAttempt

_enrolment = Enrolment.__table__
_attempt = QuizAttempt.__table__

INDEXES = (
    Index("ix_enrolment_started_at", _enrolment.c.started_at),
    Index("ix_enrolment_completed_at", _enrolment.c.completed_at),
    Index(
        "ix_quiz_attempt_best_score",
        _attempt.c.user_id,
        _attempt.c.course_id,
        _attempt.c.module_id,
        _attempt.c.submitted_at,
        _attempt.c.percent,
    ),
)
