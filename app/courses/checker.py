"""The course checker: every problem of every course, as ``path:line: error|warning: message``.

``check_courses(path)`` accepts COURSES_DIR, one course folder, or a file inside a course folder,
and never stops at the first problem. ``update_lock(course_dir)`` records the published ids of a
course without errors in its ``published-ids.txt`` (see courses/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.courses.findings import (
    EXPECTED,
    MESSAGES,
    Finding,
    display_path,
    has_errors,
    sort_key,
)
from app.courses.loader import (
    COURSE_FILE,
    CourseBuild,
    TemplateNames,
    build_course,
    course_dirs,
)
from app.courses.validate import LOCK_FILE, lock_text, read_lock

__all__ = [
    "EXPECTED",
    "MESSAGES",
    "Finding",
    "LockUpdate",
    "check_courses",
    "course_folders",
    "format_findings",
    "has_errors",
    "update_lock",
]


def course_folders(path: str | Path) -> list[Path]:
    """The course folders meant by ``path``: COURSES_DIR, a course folder, or a file in one."""
    path = Path(path).resolve()
    if path.is_file():
        path = path.parent.parent if path.parent.name == "media" else path.parent
    if (path / COURSE_FILE).is_file():
        return [path]
    if path.parent.name == "media" and (path.parent.parent / COURSE_FILE).is_file():
        return [path.parent.parent]
    return course_dirs(path)


def check_courses(
    path: str | Path, *, certificate_templates: TemplateNames = None
) -> list[Finding]:
    """Every finding for the courses at ``path``, sorted by file, line, errors first.
    ``certificate_templates``: the names of the certificate templates that exist (None: the
    courses' ``certificate: {template: …}`` is not checked)."""
    findings: list[Finding] = []
    for course_dir in course_folders(path):
        build = build_course(course_dir, certificate_templates=certificate_templates)
        findings.extend(build.findings)
    return sorted(findings, key=sort_key)


def format_findings(findings: list[Finding], relative_to: str | Path | None = None) -> str:
    return "\n".join(f.format(relative_to) for f in findings)


@dataclass(frozen=True)
class LockUpdate:
    course_dir: Path
    written: bool
    reason: str  # "written" | "unchanged" | "errors" | "draft" | "not-a-course"


def update_lock(
    course_dir: str | Path, *, certificate_templates: TemplateNames = None
) -> LockUpdate:
    """Record the course's current module and question ids in published-ids.txt (ids are only
    ever added). Refused while the course has errors, and for drafts (published: false)."""
    course_dir = Path(course_dir)
    build: CourseBuild = build_course(course_dir, certificate_templates=certificate_templates)
    if build.course is None and not (course_dir / COURSE_FILE).is_file():
        return LockUpdate(course_dir, False, "not-a-course")
    if not build.ok or build.course is None:
        return LockUpdate(course_dir, False, "errors")
    course = build.course
    if not course.published:
        return LockUpdate(course_dir, False, "draft")
    current = {m.id: [q.id for q in m.questions] for m in course.modules}
    lock = read_lock(course_dir, [])
    text = lock_text(lock, course.version, current, build.answer_keys)
    target = course_dir / LOCK_FILE
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return LockUpdate(course_dir, False, "unchanged")
    target.write_text(text, encoding="utf-8")
    return LockUpdate(course_dir, True, "written")


def lock_path(course_dir: str | Path) -> str:
    return display_path(Path(course_dir) / LOCK_FILE)
