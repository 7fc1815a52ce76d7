"""Reads behind the reports: one SQL statement per table, whatever the number of learners.

Definitions (the pages say the same in words):

* **Cohort**: the enrolments that started in the period (``start`` inclusive, ``end`` exclusive,
  both UTC instants) of learners whose home library lies in the reader's scope and in the chosen
  organisation, optionally of one course and one course language.
* **Completed**: completed before the end of the period. **In progress** = enrolled − completed.
* **Certified**: holds a certificate for the course that was not revoked and was issued before
  the end of the period.
* **Average best quiz score**: the mean, over (learner, module), of the learner's best percentage
  in that module's quiz (attempts before the end of the period).
* **Median days to completion**: the median of (completed − started) in days over the completed
  enrolments of the cohort: ``percentile_cont(0.5)`` on PostgreSQL, a ROW_NUMBER()/COUNT() window
  on SQLite — inside the same statement as the counts.
* The **breakdown** is the same statement grouped by the learners' country, municipality or
  library (``level``).
* **Funder indicator**: distinct staff who completed a course *in the period* (by completion
  date, whenever they started), per country and municipality, and how many of them hold a valid
  certificate for a course they completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.accounts.models import Organisation, OrgKind, Role, User
from app.accounts.queries import in_scope_clause, scope_paths
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAnswer, QuizAttempt

_enrol = Enrolment.__table__
_progress = ModuleProgress.__table__
_attempt = QuizAttempt.__table__
_answer = QuizAnswer.__table__
_cert = Certificate.__table__
_org = Organisation.__table__
_user = User.__table__

LEVELS = (OrgKind.COUNTRY.value, OrgKind.MUNICIPALITY.value, OrgKind.LIBRARY.value)


@dataclass(frozen=True)
class Filters:
    """What a report is restricted to; plain values, already validated and in scope."""

    start: datetime | None = None  # inclusive, timezone-aware
    end: datetime | None = None  # exclusive, timezone-aware
    course_id: str | None = None
    language: str | None = None
    org_path: str | None = None  # materialised path of the chosen organisation


# --- who may see what -------------------------------------------------------------------------


def coordinator_paths(user: User) -> list[str] | None:
    """The subtrees a coordinator sees (None: everything, for administrators)."""
    return scope_paths(user, Role.COORDINATOR)


def is_coordinator(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role(Role.COORDINATOR))


def is_trainer(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role(Role.TRAINER))


def course_catalog():
    """The course catalog (titles per language, module order, questions), read the way the
    learning pages read it (one registry per app, reloaded with ``flask courses reload``)."""
    from app.learning import content

    return content.catalog()


def authored_courses(user: User) -> list:
    """Courses whose item analysis ``user`` may read: ``authors`` lists their e-mail; all for
    administrators."""
    courses = list(course_catalog())
    if user.is_admin:
        return courses
    if not user.has_role(Role.TRAINER):
        return []
    email = user.email.lower()
    return [c for c in courses if email in {a.lower() for a in c.authors}]


def organisation(org_id: int) -> Organisation | None:
    return db.session.get(Organisation, org_id)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# --- shared pieces ----------------------------------------------------------------------------


def _days_between(later, earlier):
    """(later − earlier) in days, as a float expression."""
    if _dialect() == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def _before_end(column, f: Filters):
    """``column`` when it lies before the end of the period, else NULL."""
    if f.end is None:
        return column
    return sa.case((column < f.end, column), else_=sa.null())


def _cohort(paths: list[str] | None, f: Filters, level: str | None = None):
    """The cohort: one row per enrolment in scope and filters, with the group key ``g``.

    A subquery rather than a shared CTE: PostgreSQL then plans each use with the tables'
    statistics (a materialised CTE made it misjudge row counts and sort on disk)."""
    lib = _org.alias("lib")
    mun = _org.alias("mun")
    if level is None:
        group = sa.literal(0)
    elif level == OrgKind.LIBRARY:
        group = sa.func.coalesce(lib.c.id, 0)
    elif level == OrgKind.MUNICIPALITY:
        group = sa.func.coalesce(mun.c.id, 0)
    else:
        group = sa.func.coalesce(mun.c.parent_id, 0)
    conditions = [in_scope_clause(lib.c.path, paths)]
    if f.start is not None:
        conditions.append(_enrol.c.started_at >= f.start)
    if f.end is not None:
        conditions.append(_enrol.c.started_at < f.end)
    if f.course_id:
        conditions.append(_enrol.c.course_id == f.course_id)
    if f.language:
        conditions.append(_enrol.c.language == f.language)
    if f.org_path:
        conditions.append(lib.c.path.startswith(f.org_path, autoescape=True))
    return (
        sa.select(
            _enrol.c.user_id,
            _enrol.c.course_id,
            _enrol.c.started_at,
            _before_end(_enrol.c.completed_at, f).label("completed_at"),
            group.label("g"),
        )
        .select_from(
            _enrol.join(_user, _user.c.id == _enrol.c.user_id)
            .outerjoin(lib, lib.c.id == _user.c.library_id)
            .outerjoin(mun, mun.c.id == lib.c.parent_id)
        )
        .where(*conditions)
        .subquery("cohort")
    )


def _valid_certificates(f: Filters):
    """(user, course) pairs holding a certificate that is not revoked (issued before the end)."""
    conditions = [_cert.c.revoked_at.is_(None), _cert.c.user_id.is_not(None)]
    if f.end is not None:
        conditions.append(_cert.c.issued_at < f.end)
    return sa.select(_cert.c.user_id, _cert.c.course_id).where(*conditions).distinct().cte("certs")


# --- per course (optionally per organisation) --------------------------------------------------


@dataclass(frozen=True)
class CourseStat:
    group_id: int  # 0 when not grouped, or for learners without a home library
    course_id: str
    enrolled: int
    completed: int
    certified: int
    avg_score: float | None
    scored: int  # learners with at least one quiz attempt (the average's base)
    median_days: float | None
    group_name: str | None = None
    group_name_en: str | None = None
    group_path: str | None = None
    group_kind: str | None = None

    @property
    def in_progress(self) -> int:
        return self.enrolled - self.completed

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None


def course_stats(paths: list[str] | None, f: Filters, level: str | None = None) -> list[CourseStat]:
    """Enrolled, completed, certified, average best score and median days, per course — and per
    organisation of ``level`` (country, municipality or library) when given. One statement."""
    cohort = _cohort(paths, f, level)
    certs = _valid_certificates(f)

    counts = (
        sa.select(
            cohort.c.g,
            cohort.c.course_id,
            sa.func.count().label("enrolled"),
            sa.func.count(cohort.c.completed_at).label("completed"),
            sa.func.count(certs.c.user_id).label("certified"),
        )
        .select_from(
            cohort.outerjoin(
                certs,
                sa.and_(
                    certs.c.user_id == cohort.c.user_id, certs.c.course_id == cohort.c.course_id
                ),
            )
        )
        .group_by(cohort.c.g, cohort.c.course_id)
        .cte("counts")
    )

    attempt_conditions = [_attempt.c.submitted_at < f.end] if f.end is not None else []
    best = (
        sa.select(
            cohort.c.g,
            cohort.c.course_id,
            _attempt.c.user_id,
            sa.func.max(_attempt.c.percent).label("best"),
        )
        .select_from(
            cohort.join(
                _attempt,
                sa.and_(
                    _attempt.c.user_id == cohort.c.user_id,
                    _attempt.c.course_id == cohort.c.course_id,
                ),
            )
        )
        .where(*attempt_conditions)
        .group_by(cohort.c.g, cohort.c.course_id, _attempt.c.user_id, _attempt.c.module_id)
        .cte("best")
    )
    # Per learner first (sum and number of module bests), so that counting learners needs no
    # COUNT(DISTINCT) (a sort) over every (learner, module) pair.
    per_learner = (
        sa.select(
            best.c.g,
            best.c.course_id,
            sa.func.sum(best.c.best).label("total"),
            sa.func.count().label("modules"),
        )
        .group_by(best.c.g, best.c.course_id, best.c.user_id)
        .cte("per_learner")
    )
    scores = (
        sa.select(
            per_learner.c.g,
            per_learner.c.course_id,
            (sa.func.sum(per_learner.c.total) / sa.func.sum(per_learner.c.modules)).label(
                "avg_score"
            ),
            sa.func.count().label("scored"),
        )
        .group_by(per_learner.c.g, per_learner.c.course_id)
        .cte("scores")
    )

    days = _days_between(cohort.c.completed_at, cohort.c.started_at)
    if _dialect() == "postgresql":
        medians = (
            sa.select(
                cohort.c.g,
                cohort.c.course_id,
                sa.func.percentile_cont(0.5).within_group(days).label("median_days"),
            )
            .where(cohort.c.completed_at.is_not(None))
            .group_by(cohort.c.g, cohort.c.course_id)
            .cte("medians")
        )
    else:
        ranked = (
            sa.select(
                cohort.c.g,
                cohort.c.course_id,
                days.label("days"),
                sa.func.row_number()
                .over(partition_by=(cohort.c.g, cohort.c.course_id), order_by=days)
                .label("rn"),
                sa.func.count().over(partition_by=(cohort.c.g, cohort.c.course_id)).label("n"),
            )
            .where(cohort.c.completed_at.is_not(None))
            .cte("ranked")
        )
        # The middle row (odd n) or the mean of the two middle rows (even n).
        medians = (
            sa.select(
                ranked.c.g, ranked.c.course_id, sa.func.avg(ranked.c.days).label("median_days")
            )
            .where(
                ranked.c.rn.in_(
                    [
                        sa.cast((ranked.c.n + 1) / 2, sa.Integer),
                        sa.cast((ranked.c.n + 2) / 2, sa.Integer),
                    ]
                )
            )
            .group_by(ranked.c.g, ranked.c.course_id)
            .cte("medians")
        )

    def same(other):
        return sa.and_(other.c.g == counts.c.g, other.c.course_id == counts.c.course_id)

    grp = _org.alias("grp")
    stmt = (
        sa.select(
            counts.c.g,
            counts.c.course_id,
            counts.c.enrolled,
            counts.c.completed,
            counts.c.certified,
            scores.c.avg_score,
            sa.func.coalesce(scores.c.scored, 0).label("scored"),
            medians.c.median_days,
            grp.c.name,
            grp.c.name_en,
            grp.c.path,
            grp.c.kind,
        )
        .select_from(
            counts.outerjoin(scores, same(scores))
            .outerjoin(medians, same(medians))
            .outerjoin(grp, grp.c.id == counts.c.g)
        )
        .order_by(grp.c.name, counts.c.course_id)
    )
    return [
        CourseStat(
            group_id=row.g,
            course_id=row.course_id,
            enrolled=row.enrolled,
            completed=row.completed,
            certified=row.certified,
            avg_score=float(row.avg_score) if row.avg_score is not None else None,
            scored=row.scored,
            median_days=float(row.median_days) if row.median_days is not None else None,
            group_name=row.name,
            group_name_en=row.name_en,
            group_path=row.path,
            group_kind=row.kind,
        )
        for row in db.session.execute(stmt)
    ]


# --- module funnel ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    course_id: str
    module_id: str | None  # None: the course's enrolments (the top of the funnel)
    reached: int
    completed: int


def module_funnel(paths: list[str] | None, f: Filters) -> list[FunnelStep]:
    """Per course: enrolled learners, then per module how many opened it and how many completed
    it (before the end of the period). One statement (UNION ALL)."""
    cohort = _cohort(paths, f)
    reached = _before_end(_progress.c.first_viewed_at, f)
    done = _before_end(_progress.c.completed_at, f)
    modules = (
        sa.select(
            _progress.c.course_id,
            _progress.c.module_id,
            sa.func.count(reached).label("reached"),
            sa.func.count(done).label("completed"),
        )
        .select_from(
            _progress.join(
                cohort,
                sa.and_(
                    cohort.c.user_id == _progress.c.user_id,
                    cohort.c.course_id == _progress.c.course_id,
                ),
            )
        )
        .group_by(_progress.c.course_id, _progress.c.module_id)
    )
    totals = sa.select(
        cohort.c.course_id,
        sa.cast(sa.null(), sa.String).label("module_id"),
        sa.func.count().label("reached"),
        sa.func.count(cohort.c.completed_at).label("completed"),
    ).group_by(cohort.c.course_id)
    stmt = sa.union_all(totals, modules)
    return [
        FunnelStep(row.course_id, row.module_id, row.reached, row.completed)
        for row in db.session.execute(stmt)
    ]


# --- funder indicator -------------------------------------------------------------------------


@dataclass(frozen=True)
class FunderRow:
    country_id: int
    country_name: str
    country_name_en: str | None
    municipality_id: int
    municipality_name: str
    municipality_name_en: str | None
    completed: int
    certified: int


def funder_indicator(paths: list[str] | None, f: Filters) -> list[FunderRow]:
    """Distinct staff who completed a course in the period, and how many of them hold a valid
    certificate for a course they completed, per country and municipality. One statement."""
    lib = _org.alias("lib")
    mun = _org.alias("mun")
    certs = _valid_certificates(f)
    conditions = [in_scope_clause(lib.c.path, paths), _enrol.c.completed_at.is_not(None)]
    if f.start is not None:
        conditions.append(_enrol.c.completed_at >= f.start)
    if f.end is not None:
        conditions.append(_enrol.c.completed_at < f.end)
    if f.course_id:
        conditions.append(_enrol.c.course_id == f.course_id)
    if f.language:
        conditions.append(_enrol.c.language == f.language)
    if f.org_path:
        conditions.append(lib.c.path.startswith(f.org_path, autoescape=True))
    per_municipality = (
        sa.select(
            mun.c.parent_id.label("country_id"),
            mun.c.id.label("municipality_id"),
            sa.func.count(sa.distinct(_enrol.c.user_id)).label("completed"),
            sa.func.count(
                sa.distinct(sa.case((certs.c.user_id.is_not(None), _enrol.c.user_id)))
            ).label("certified"),
        )
        .select_from(
            _enrol.join(_user, _user.c.id == _enrol.c.user_id)
            .join(lib, lib.c.id == _user.c.library_id)
            .join(mun, mun.c.id == lib.c.parent_id)
            .outerjoin(
                certs,
                sa.and_(
                    certs.c.user_id == _enrol.c.user_id, certs.c.course_id == _enrol.c.course_id
                ),
            )
        )
        .where(*conditions)
        .group_by(mun.c.parent_id, mun.c.id)
        .subquery("per_municipality")
    )
    country = _org.alias("country")
    municipality = _org.alias("municipality")
    stmt = (
        sa.select(
            per_municipality,
            country.c.name.label("country_name"),
            country.c.name_en.label("country_name_en"),
            municipality.c.name.label("municipality_name"),
            municipality.c.name_en.label("municipality_name_en"),
        )
        .select_from(
            per_municipality.join(country, country.c.id == per_municipality.c.country_id).join(
                municipality, municipality.c.id == per_municipality.c.municipality_id
            )
        )
        .order_by(country.c.name, municipality.c.name)
    )
    return [
        FunderRow(
            row.country_id,
            row.country_name,
            row.country_name_en,
            row.municipality_id,
            row.municipality_name,
            row.municipality_name_en,
            row.completed,
            row.certified,
        )
        for row in db.session.execute(stmt)
    ]


# --- the learners of one library --------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    full_name: str
    course_id: str
    language: str
    started_at: datetime
    completed_at: datetime | None
    last_activity_at: datetime
    modules_done: int
    certificate_serial: str | None
    certificate_issued_at: datetime | None


def library_learners(library_id: int, f: Filters) -> list[LearnerRow]:
    """One row per enrolment of the library's staff (within the filters), with modules done and
    the latest valid certificate. One statement."""
    done = _before_end(_progress.c.completed_at, f)
    modules_done = (
        sa.select(
            _progress.c.user_id,
            _progress.c.course_id,
            sa.func.count(done).label("modules_done"),
        )
        .select_from(_progress.join(_user, _user.c.id == _progress.c.user_id))
        .where(_user.c.library_id == library_id)
        .group_by(_progress.c.user_id, _progress.c.course_id)
        .subquery("modules_done")
    )
    cert_conditions = [_user.c.library_id == library_id, _cert.c.revoked_at.is_(None)]
    if f.end is not None:
        cert_conditions.append(_cert.c.issued_at < f.end)
    ranked = (
        sa.select(
            _cert.c.user_id,
            _cert.c.course_id,
            _cert.c.serial,
            _cert.c.issued_at,
            sa.func.row_number()
            .over(
                partition_by=(_cert.c.user_id, _cert.c.course_id),
                order_by=(_cert.c.issued_at.desc(), _cert.c.id.desc()),
            )
            .label("rn"),
        )
        .select_from(_cert.join(_user, _user.c.id == _cert.c.user_id))
        .where(*cert_conditions)
        .subquery("ranked_certs")
    )
    conditions = [_user.c.library_id == library_id]
    if f.start is not None:
        conditions.append(_enrol.c.started_at >= f.start)
    if f.end is not None:
        conditions.append(_enrol.c.started_at < f.end)
    if f.course_id:
        conditions.append(_enrol.c.course_id == f.course_id)
    if f.language:
        conditions.append(_enrol.c.language == f.language)
    stmt = (
        sa.select(
            _user.c.id,
            _user.c.full_name,
            _enrol.c.course_id,
            _enrol.c.language,
            _enrol.c.started_at,
            _before_end(_enrol.c.completed_at, f).label("completed_at"),
            _enrol.c.last_activity_at,
            sa.func.coalesce(modules_done.c.modules_done, 0).label("modules_done"),
            ranked.c.serial,
            ranked.c.issued_at,
        )
        .select_from(
            _enrol.join(_user, _user.c.id == _enrol.c.user_id)
            .outerjoin(
                modules_done,
                sa.and_(
                    modules_done.c.user_id == _enrol.c.user_id,
                    modules_done.c.course_id == _enrol.c.course_id,
                ),
            )
            .outerjoin(
                ranked,
                sa.and_(
                    ranked.c.user_id == _enrol.c.user_id,
                    ranked.c.course_id == _enrol.c.course_id,
                    ranked.c.rn == 1,
                ),
            )
        )
        .where(*conditions)
        .order_by(_user.c.full_name, _user.c.id, _enrol.c.course_id)
    )
    return [
        LearnerRow(
            user_id=row.id,
            full_name=row.full_name,
            course_id=row.course_id,
            language=row.language,
            started_at=row.started_at,
            completed_at=row.completed_at,
            last_activity_at=row.last_activity_at,
            modules_done=row.modules_done,
            certificate_serial=row.serial,
            certificate_issued_at=row.issued_at,
        )
        for row in db.session.execute(stmt)
    ]


# --- quiz item analysis -----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemStat:
    module_id: str
    question_id: str
    question_rev: int
    answers: int  # every answer to the question, in every attempt
    learners: int
    first_answers: int  # answers given in learners' first attempt at the module's quiz
    first_correct: int
    top_wrong_response: str | None  # JSON text of the most chosen wrong answer
    top_wrong_count: int

    @property
    def first_correct_share(self) -> float | None:
        return self.first_correct / self.first_answers if self.first_answers else None


def item_analysis(course_id: str, f: Filters) -> list[ItemStat]:
    """Per question (and answer-key revision) of one course: answers, learners, share correct on
    the first attempt and the most chosen wrong answer. One statement."""
    conditions = [_attempt.c.course_id == course_id]
    if f.start is not None:
        conditions.append(_attempt.c.submitted_at >= f.start)
    if f.end is not None:
        conditions.append(_attempt.c.submitted_at < f.end)
    if f.language:
        conditions.append(_attempt.c.language == f.language)
    joined = _answer.join(_attempt, _attempt.c.id == _answer.c.attempt_id)
    keys = (_attempt.c.module_id, _answer.c.question_id, _answer.c.question_rev)
    first = _attempt.c.attempt_no == 1
    # Per learner first, then per question: counting learners needs no COUNT(DISTINCT) (a sort).
    per_learner = (
        sa.select(
            *keys,
            sa.func.count().label("answers"),
            sa.func.sum(sa.case((first, 1), else_=0)).label("first_answers"),
            sa.func.sum(sa.case((sa.and_(first, _answer.c.correct), 1), else_=0)).label(
                "first_correct"
            ),
        )
        .select_from(joined)
        .where(*conditions)
        .group_by(*keys, _attempt.c.user_id)
        .cte("per_learner")
    )
    totals = (
        sa.select(
            per_learner.c.module_id,
            per_learner.c.question_id,
            per_learner.c.question_rev,
            sa.func.sum(per_learner.c.answers).label("answers"),
            sa.func.count().label("learners"),
            sa.func.sum(per_learner.c.first_answers).label("first_answers"),
            sa.func.sum(per_learner.c.first_correct).label("first_correct"),
        )
        .group_by(per_learner.c.module_id, per_learner.c.question_id, per_learner.c.question_rev)
        .cte("totals")
    )
    response_text = sa.cast(_answer.c.response, sa.Text)
    wrong = (
        sa.select(*keys, response_text.label("response"), sa.func.count().label("n"))
        .select_from(joined)
        .where(*conditions, sa.not_(_answer.c.correct))
        .group_by(*keys, response_text)
        .cte("wrong")
    )
    ranked = sa.select(
        wrong,
        sa.func.row_number()
        .over(
            partition_by=(wrong.c.module_id, wrong.c.question_id, wrong.c.question_rev),
            order_by=(wrong.c.n.desc(), wrong.c.response),
        )
        .label("rn"),
    ).cte("ranked")
    stmt = (
        sa.select(totals, ranked.c.response, ranked.c.n)
        .select_from(
            totals.outerjoin(
                ranked,
                sa.and_(
                    ranked.c.module_id == totals.c.module_id,
                    ranked.c.question_id == totals.c.question_id,
                    ranked.c.question_rev == totals.c.question_rev,
                    ranked.c.rn == 1,
                ),
            )
        )
        .order_by(totals.c.module_id, totals.c.question_id, totals.c.question_rev.desc())
    )
    return [
        ItemStat(
            module_id=row.module_id,
            question_id=row.question_id,
            question_rev=row.question_rev,
            answers=int(row.answers),
            learners=row.learners,
            first_answers=int(row.first_answers or 0),
            first_correct=int(row.first_correct or 0),
            top_wrong_response=row.response,
            top_wrong_count=int(row.n or 0),
        )
        for row in db.session.execute(stmt)
    ]


# --- the filter form's choices ----------------------------------------------------------------


def organisations_in_scope(paths: list[str] | None) -> list[Organisation]:
    """Organisations the reader may filter by, as a tree (by path). One query (parents joined)."""
    stmt = sa.select(Organisation).where(in_scope_clause(Organisation.path, paths))
    return list(db.session.scalars(stmt.order_by(Organisation.path)))
