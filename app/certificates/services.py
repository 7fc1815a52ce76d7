"""Issuing, re-issuing, revoking and exporting certificates (writes: flush, never commit).

**Automatic issue.** ``course_completed`` (app/learning/signals.py) arrives inside the request's
transaction, before the commit. The receiver issues the certificate inside a SAVEPOINT and never
raises: when rendering (or anything else) fails, the savepoint is rolled back, the error is
logged, and the completion is committed without a certificate. Issuing is then retried for the
learner on their next visit to "My learning" or "My certificates" (``issue_pending``: every
completed enrolment without any certificate for its completed course version gets one), and for
everyone by ``flask certificates issue-pending``. A revoked certificate counts as "has a
certificate": revocation is never undone by the retry.

**What is printed** (frozen at issue; later profile or course edits never change it):

- name: the learner's profile name (every character must be printable in the template's fonts:
  otherwise the certificate stays pending, with a warning in the log, until the name is changed,
  and a re-issue form says which characters cannot be printed); language: the learner's preferred interface language, else
  the language they took the course in, else Latvian. When a newer course version is completed,
  the new certificate keeps the name and language of the learner's current certificate for the
  course, and replaces it.
- course id, the completed version, the course title in the certificate's language (the course's
  default language when it has no title in that language), the course's hours.
- completion date: the day (in the platform's time zone, ``BABEL_DEFAULT_TIMEZONE``) on which the
  last module of the course was completed.
- score: the mean, over the course's modules that have a quiz, of the learner's best percentage
  in that quiz, rounded to a whole percent (half up); no score for a course without quizzes.
  (Completion needs every quiz passed, so every quiz has an attempt; a quiz module added later
  without raising the version, and never attempted, is left out rather than counted as 0.)
  The same definition as "average best quiz score" in the reports.
- issuer: ``CERTIFICATE_ISSUERS[<country code of the learner's library>]`` (the methodical
  centre of the learner's country, e.g. ``{"LV": "…", "LT": "…"}`` or the string
  ``"LV=…;LT=…"``), else ``CERTIFICATE_ISSUER`` (default: "Lasītava").
- template: the course's ``certificate: {template: …}``. It must be a template in
  CERTIFICATES_DIR: issuing checks that before rendering (``UnknownTemplate``, a render error:
  the certificate stays pending), and ``flask certificates warm-up`` checks every course.

Only published courses get certificates (a trainer finishing a draft course gets none).

**Concurrency.** Serial numbers count up per year: the next number is read, the row inserted in
a savepoint, and on a UNIQUE collision (another request took the number) the next number is
tried. ``Certificate.issue_key`` (UNIQUE) makes issuing idempotent: two requests issuing the same
automatic certificate, or two submissions of the same re-issue, leave one certificate.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from hashlib import sha256
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organisation, User
from app.accounts.services import absolute_url
from app.admin.services import record_audit
from app.certificates import codes
from app.certificates.fonts import REQUIRED_FAMILIES, unprintable
from app.certificates.models import Certificate
from app.certificates.pdf import (
    LANGUAGES,
    CertificateRenderError,
    CertificateSnapshot,
    available_templates,
    load_template,
    render_certificate_pdf,
)
from app.config import PublicBaseURLMissing
from app.courses.model import Course
from app.db import utcnow
from app.extensions import db
from app.learning.models import Enrolment, ModuleProgress, QuizAttempt

log = logging.getLogger(__name__)

DEFAULT_ISSUER = "Lasītava"
#: How many serial numbers (or codes) to try before giving up on one certificate.
INSERT_ATTEMPTS = 8
MAX_NAME_LENGTH = 200


class CertificateError(Exception):
    """A certificate change that cannot be made; nothing has been written."""


class NotReissuable(CertificateError):
    """Only a valid certificate (not revoked, not replaced) can be re-issued."""


class NothingChanged(CertificateError):
    """The re-issue asked for the same name and language as the certificate has."""


class InvalidName(CertificateError):
    pass


class UnprintableName(InvalidName):
    """The name has characters the certificate's fonts cannot print (``characters``)."""

    def __init__(self, characters: str):
        super().__init__(characters)
        self.characters = characters


class CourseUnavailable(CertificateError):
    """The course is gone, so its title in another language is unknown."""


class AlreadyRevoked(CertificateError):
    pass


class UnknownTemplate(CertificateRenderError):
    """A course names a certificate template that is not in CERTIFICATES_DIR (a deployment
    mistake: ``flask certificates warm-up`` reports it; issuing fails before rendering)."""


class AlreadyReplaced(CertificateError):
    """Another submission replaced the certificate first; ``certificate`` is the replacement."""

    def __init__(self, certificate: Certificate):
        super().__init__(certificate.serial)
        self.certificate = certificate


@dataclass(frozen=True)
class Facts:
    """Everything printed on a certificate except its serial, code and URL."""

    learner_name: str
    language: str
    course_id: str
    course_version: int
    course_title: str
    hours: Decimal
    completed_on: date
    score_percent: int | None
    issuer: str
    template: str


# --- configuration ---------------------------------------------------------------------------


def serial_prefix() -> str:
    return codes.check_serial_prefix(
        current_app.config.get("CERTIFICATE_SERIAL_PREFIX") or codes.DEFAULT_SERIAL_PREFIX
    )


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Riga")


def _issuers_by_country() -> dict[str, str]:
    configured = current_app.config.get("CERTIFICATE_ISSUERS") or {}
    if isinstance(configured, str):
        pairs = (item.split("=", 1) for item in configured.split(";") if "=" in item)
        configured = {code.strip(): name.strip() for code, name in pairs}
    return {str(code).upper(): str(name) for code, name in configured.items() if name}


def issuer_for(user: User) -> str:
    """The issuing organisation printed on ``user``'s certificates (see the module docstring)."""
    by_country = _issuers_by_country()
    if by_country and user.library is not None:
        root_id = user.library.path.strip("/").split("/")[0]
        country = db.session.get(Organisation, int(root_id)) if root_id.isdigit() else None
        if country is not None and country.code and country.code.upper() in by_country:
            return by_country[country.code.upper()]
    return current_app.config.get("CERTIFICATE_ISSUER") or DEFAULT_ISSUER


def _paths() -> tuple[Path, Path]:
    return (
        Path(current_app.config["CERTIFICATES_DIR"]),
        Path(current_app.config["TRANSLATIONS_DIR"]),
    )


def template_names() -> list[str]:
    """The usable certificate templates in CERTIFICATES_DIR, by name."""
    templates_dir, _translations = _paths()
    if not templates_dir.is_dir():
        return []
    return sorted(template.slug for template in available_templates(templates_dir))


#: The course checker's finding for ``certificate: {template: …}`` naming no existing template.
_TEMPLATE_FINDING = "certificate-template-unknown"


def _missing_template(course_id: str, name: str) -> str:
    templates_dir, _translations = _paths()
    available = ", ".join(template_names()) or "none"
    return (
        f"course {course_id!r} names the certificate template {name!r}, which is not in "
        f"CERTIFICATES_DIR ({templates_dir}; available: {available})"
    )


def template_problem(course: Course) -> str | None:
    """Why ``course``'s certificate template cannot be used, or None when it can."""
    name = course.certificate_template or "default"
    try:
        load_template(_paths()[0], name)
    except CertificateRenderError:
        return _missing_template(course.id, name)
    return None


def unprintable_characters(name: str, template: str) -> str:
    """The characters of ``name`` that the fonts of ``template`` cannot print ("" when none).

    Raises MissingFontError (a render error) when a font is not installed at all."""
    try:
        families = load_template(_paths()[0], template).fonts
    except CertificateRenderError:
        families = REQUIRED_FAMILIES  # an unusable template fails later, when rendering
    return unprintable(name, families)


def template_problems() -> list[str]:
    """Every course that names a certificate template CERTIFICATES_DIR does not have: the loaded
    courses (drafts included), and the courses the course checker refused for that reason."""
    from app.learning.content import catalog

    courses = catalog()
    problems = [problem for course in courses if (problem := template_problem(course))]
    for refusal in courses.refused.values():
        problems.extend(
            _missing_template(refusal.course_id, str(finding.params.get("template")))
            for finding in refusal.findings
            if finding.code == _TEMPLATE_FINDING
        )
    return problems


# --- facts -----------------------------------------------------------------------------------


def default_language(user: User, enrolment: Enrolment | None) -> str:
    for candidate in (user.preferred_language, enrolment.language if enrolment else None):
        if candidate in LANGUAGES:
            return candidate
    return "lv"


def score_for(user_id: int, course: Course) -> int | None:
    """Mean of the best percentages in the course's quizzes (see the module docstring)."""
    quiz_modules = [m.id for m in course.modules if m.has_quiz]
    if not quiz_modules:
        return None
    best = dict(
        db.session.execute(
            select(QuizAttempt.module_id, func.max(QuizAttempt.percent))
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course.id,
                QuizAttempt.module_id.in_(quiz_modules),
            )
            .group_by(QuizAttempt.module_id)
        ).all()
    )
    if not best:
        return None
    mean = sum(Decimal(str(percent)) for percent in best.values()) / len(best)
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def completion_date(user_id: int, course: Course, enrolment: Enrolment) -> date:
    """The local date on which the last module of the course was completed."""
    finished = db.session.scalar(
        select(func.max(ModuleProgress.completed_at)).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_id == course.id,
            ModuleProgress.module_id.in_(course.module_ids),
        )
    )
    moment = finished or enrolment.completed_at or utcnow()
    if moment.tzinfo is None:  # SQLite returns naive values from aggregates
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone()).date()


def hours_of(course: Course) -> Decimal:
    return Decimal(str(course.hours)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def facts_for_completion(
    user: User,
    course: Course,
    enrolment: Enrolment,
    version: int,
    previous: Certificate | None = None,
) -> Facts:
    """What a certificate issued now for this completion prints."""
    if previous is not None:
        name, language = previous.learner_name, previous.language
    else:
        name, language = codes.clean_name(user.full_name), default_language(user, enrolment)
    return Facts(
        learner_name=name,
        language=language,
        course_id=course.id,
        course_version=version,
        course_title=course.title_for(language),
        hours=hours_of(course),
        completed_on=completion_date(user.id, course, enrolment),
        score_percent=score_for(user.id, course),
        issuer=issuer_for(user),
        template=course.certificate_template or "default",
    )


def facts_of(certificate: Certificate) -> Facts:
    return Facts(
        learner_name=certificate.learner_name,
        language=certificate.language,
        course_id=certificate.course_id,
        course_version=certificate.course_version,
        course_title=certificate.course_title,
        hours=Decimal(certificate.hours),
        completed_on=certificate.completed_on,
        score_percent=certificate.score_percent,
        issuer=certificate.issuer,
        template=certificate.template,
    )


# --- rendering and inserting -----------------------------------------------------------------


def render_pdf(facts: Facts, serial: str, code: str) -> bytes:
    """Render the PDF of a certificate that would carry ``serial`` and ``code``."""
    templates_dir, translations_dir = _paths()
    try:
        verify_url = absolute_url("certificates.verify", code=code)
    except PublicBaseURLMissing as exc:
        # Like a render failure: nothing is issued now, the retry issues it once it is set.
        raise CertificateRenderError(str(exc)) from exc
    snapshot = CertificateSnapshot(
        serial=serial,
        verification_code=code,
        verify_url=verify_url,
        learner_name=facts.learner_name,
        course_id=facts.course_id,
        course_version=facts.course_version,
        course_title=facts.course_title,
        hours=facts.hours,
        completed_on=facts.completed_on,
        score_percent=facts.score_percent,
        issuer=facts.issuer,
        language=facts.language,
        template=facts.template,
    )
    return render_certificate_pdf(
        snapshot, templates_dir=templates_dir, translations_dir=translations_dir
    )


def _next_serial(now: datetime) -> str:
    prefix = serial_prefix()
    year = now.astimezone(local_zone()).year
    last = db.session.scalar(
        select(Certificate.serial)
        .where(Certificate.serial.like(codes.serial_pattern(prefix, year)))
        .order_by(func.length(Certificate.serial).desc(), Certificate.serial.desc())
        .limit(1)
    )
    number = codes.serial_number(last) + 1 if last else 1
    return codes.format_serial(prefix, year, number)


def by_issue_key(key: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.issue_key == key))


class _KeyTaken(Exception):
    def __init__(self, certificate: Certificate):
        self.certificate = certificate


def _create(
    facts: Facts,
    *,
    user_id: int | None,
    issue_key: str,
    replaces: Certificate | None,
    audit_action: str,
    actor_id: int | None,
    audit_details: dict,
) -> Certificate:
    """Render and insert one certificate (and mark ``replaces`` replaced), all or nothing.

    Raises ``_KeyTaken`` when a certificate with ``issue_key`` exists already, and the
    renderer's errors (nothing is written then).
    """
    for _attempt in range(INSERT_ATTEMPTS):
        now = utcnow()
        serial = _next_serial(now)
        code = codes.new_verification_code()
        pdf = render_pdf(facts, serial, code)
        certificate = Certificate(
            serial=serial,
            verification_code=code,
            user_id=user_id,
            course_id=facts.course_id,
            course_version=facts.course_version,
            course_title=facts.course_title,
            learner_name=facts.learner_name,
            language=facts.language,
            hours=facts.hours,
            completed_on=facts.completed_on,
            score_percent=facts.score_percent,
            issuer=facts.issuer,
            template=facts.template,
            pdf=pdf,
            sha256=sha256(pdf).hexdigest(),
            issued_at=now,
            issue_key=issue_key,
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
                if replaces is not None:
                    replaces.replaced_by_id = certificate.id
                    db.session.flush()
                record_audit(
                    audit_action,
                    actor_id=actor_id,
                    target_type="certificate",
                    target_id=certificate.serial,
                    details={
                        "course_id": facts.course_id,
                        "course_version": facts.course_version,
                        "language": facts.language,
                        **audit_details,
                    },
                )
        except IntegrityError:
            existing = by_issue_key(issue_key)
            if existing is not None:
                raise _KeyTaken(existing) from None
            log.info("certificate serial %s or code taken by another request; retrying", serial)
            continue
        return certificate
    raise RuntimeError(f"no free certificate serial number after {INSERT_ATTEMPTS} attempts")


# --- automatic issue -------------------------------------------------------------------------


def _course(course_id: str) -> Course | None:
    from app.learning.content import catalog

    return catalog().get(course_id)


def issue_for_completion(
    user_id: int, course_id: str, course_version: int, *, reason: str
) -> Certificate | None:
    """Issue the certificate for a completed course version, unless one exists already.

    Returns the certificate (new or existing), or None when none is due (course gone or a
    draft, enrolment not complete). Raises ``UnknownTemplate`` (before rendering) and the
    renderer's errors; use ``issue_safely`` where a failure must not spoil the surrounding
    transaction.
    """
    existing = db.session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.course_version >= course_version,
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    course = _course(course_id)
    user = db.session.get(User, user_id)
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )
    if course is None or not course.published or user is None:
        log.info("no certificate for %s/%s: course unavailable or a draft", user_id, course_id)
        return None
    if enrolment is None or enrolment.completed_at is None:
        return None
    problem = template_problem(course)
    if problem is not None:
        raise UnknownTemplate(problem)
    previous = db.session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.revoked_at.is_(None),
            Certificate.replaced_by_id.is_(None),
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )
    facts = facts_for_completion(user, course, enrolment, course_version, previous)
    missing = unprintable_characters(facts.learner_name, facts.template)
    if missing:
        raise UnprintableName(missing)
    details: dict = {"reason": reason}
    if previous is not None:
        details["replaces"] = previous.serial
    try:
        return _create(
            facts,
            user_id=user_id,
            issue_key=f"auto:{user_id}:{course_id}:{course_version}",
            replaces=previous,
            audit_action="certificate.issued",
            actor_id=None,
            audit_details=details,
        )
    except _KeyTaken as taken:
        return taken.certificate


def issue_safely(
    user_id: int, course_id: str, course_version: int, *, reason: str
) -> Certificate | None:
    """``issue_for_completion`` inside a SAVEPOINT; any failure is logged, rolled back to the
    savepoint and reported as None, so the caller's transaction (the completion) goes on."""
    try:
        with db.session.begin_nested():
            return issue_for_completion(user_id, course_id, course_version, reason=reason)
    except UnprintableName as error:
        log.warning(
            "certificate for user %s, course %s v%s not issued (%s): the certificate fonts "
            "cannot print these characters of the name: %s; it will be issued once the name "
            "in the profile is changed",
            user_id,
            course_id,
            course_version,
            reason,
            error.characters,
        )
        return None
    except Exception:
        log.exception(
            "certificate for user %s, course %s v%s not issued (%s); it will be retried",
            user_id,
            course_id,
            course_version,
            reason,
        )
        return None


def on_course_completed(
    sender: Flask, *, user_id: int, course_id: str, course_version: int, **_extra
) -> None:
    """Receiver of ``learning.signals.course_completed``: issue inside the completion's
    transaction; never raises (see the module docstring)."""
    issue_safely(user_id, course_id, course_version, reason="completion")


def issue_pending(user_id: int | None = None) -> list[Certificate]:
    """Issue every certificate that is due but missing (for one learner, or for everyone)."""
    from app.certificates.queries import pending_completions

    issued = []
    for pending in pending_completions(user_id):
        certificate = issue_safely(
            pending.user_id, pending.course_id, pending.course_version, reason="retry"
        )
        if certificate is not None:
            issued.append(certificate)
    return issued


# --- re-issue and revocation -----------------------------------------------------------------


def reissue(
    certificate: Certificate, *, learner_name: str, language: str, actor_id: int
) -> Certificate:
    """A new certificate with another name and/or language that replaces ``certificate``.

    Everything else (course version, hours, completion date, score, issuer, template) is
    copied; the course title is taken in the new language from the course (the old title when
    the language stays). Raises ``NotReissuable``, ``NothingChanged``, ``InvalidName`` (or its
    ``UnprintableName``), ``CourseUnavailable``, ``AlreadyReplaced`` or the renderer's errors;
    nothing is written then.
    """
    if certificate.status != "valid":
        raise NotReissuable(certificate.serial)
    name = codes.clean_name(learner_name)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidName(name)
    missing = unprintable_characters(name, certificate.template)
    if missing:
        raise UnprintableName(missing)
    if language not in LANGUAGES:
        raise ValueError(f"unsupported certificate language {language!r}")
    if name == certificate.learner_name and language == certificate.language:
        raise NothingChanged(certificate.serial)
    title = certificate.course_title
    if language != certificate.language:
        course = _course(certificate.course_id)
        if course is None:
            raise CourseUnavailable(certificate.course_id)
        title = course.title_for(language)
    facts = replace(facts_of(certificate), learner_name=name, language=language, course_title=title)
    changed = []
    if name != certificate.learner_name:
        changed.append("learner_name")
    if language != certificate.language:
        changed.append("language")
    try:
        return _create(
            facts,
            user_id=certificate.user_id,
            issue_key=f"replaces:{certificate.id}",
            replaces=certificate,
            audit_action="certificate.reissued",
            actor_id=actor_id,
            audit_details={"replaces": certificate.serial, "changed": changed},
        )
    except _KeyTaken as taken:
        raise AlreadyReplaced(taken.certificate) from None


def revoke(certificate: Certificate, *, reason: str, actor_id: int) -> None:
    """Revoke a certificate (an administrator's decision, with a reason kept on record)."""
    if certificate.revoked_at is not None:
        raise AlreadyRevoked(certificate.serial)
    reason = reason.strip()
    if not reason:
        raise ValueError("a revocation needs a reason")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor_id
    db.session.flush()
    record_audit(
        "certificate.revoked",
        actor_id=actor_id,
        target_type="certificate",
        target_id=certificate.serial,
        details={"reason": reason},
    )


def record_admin_download(certificate: Certificate, *, actor_id: int) -> None:
    record_audit(
        "certificate.downloaded",
        actor_id=actor_id,
        target_type="certificate",
        target_id=certificate.serial,
    )


# --- ZIP export ------------------------------------------------------------------------------

MANIFEST_NAME = "certificates.csv"
MANIFEST_COLUMNS = (
    "file",
    "serial",
    "learner_name",
    "course_id",
    "course_version",
    "course_title",
    "language",
    "completed_on",
    "hours",
    "score_percent",
    "issuer",
    "issued_at",
    "sha256",
)


def write_zip(certificates: Iterable[Certificate], fileobj: IO[bytes]) -> int:
    """Write the certificates' PDFs and a manifest (CSV, UTF-8 with BOM for Excel) as a ZIP
    into ``fileobj``; return how many certificates were written."""
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    count = 0
    used: set[str] = set()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            name = codes.archive_member_name(certificate.serial, certificate.learner_name)
            if name in used:  # cannot happen with unique serials; keep the archive valid anyway
                name = f"{certificate.id}_{name}"
            used.add(name)
            issued = certificate.issued_at.astimezone(local_zone())
            info = zipfile.ZipInfo(name, date_time=issued.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, certificate.pdf)
            writer.writerow(
                (
                    name,
                    certificate.serial,
                    certificate.learner_name,
                    certificate.course_id,
                    certificate.course_version,
                    certificate.course_title,
                    certificate.language,
                    certificate.completed_on.isoformat(),
                    str(certificate.hours),
                    "" if certificate.score_percent is None else certificate.score_percent,
                    certificate.issuer,
                    certificate.issued_at.isoformat(timespec="seconds"),
                    certificate.sha256,
                )
            )
            count += 1
        archive.writestr(MANIFEST_NAME, manifest.getvalue().encode("utf-8-sig"))
    return count


def record_export(
    *, actor_id: int, course_id: str, start: date, end: date, count: int, scope: list | None
) -> None:
    record_audit(
        "certificate.exported",
        actor_id=actor_id,
        target_type="course",
        target_id=course_id,
        details={
            "from": start.isoformat(),
            "to": end.isoformat(),
            "count": count,
            "scope": scope,
        },
    )
