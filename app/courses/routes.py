"""Trainer pages: every course folder with its checker findings, translation status and previews.

Endpoints (blueprint ``courses``), for trainers and administrators only (others get 403):

- ``trainer_overview``  GET /trainer                                   every folder in COURSES_DIR
- ``trainer_course``    GET /trainer/<course_id>                       status table and findings
- ``trainer_preview``   GET /trainer/<course_id>/<module_id>/<lang>    module text + answer key

What learners see is decided by the course registry (``app.courses.cli.current_catalog``): only
courses without checker errors are live; when newer files of a live course have errors, they are
refused and the last good version stays live. These pages show both: the version learners see
(or trainers, for drafts) and why newer files were refused. Previews show the live version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

from app.accounts.access import trainer_required
from app.courses.cli import current_catalog
from app.courses.findings import Finding, display_path
from app.courses.loader import COURSE_FILE, CourseCatalog, Refusal
from app.courses.model import Course, ModuleVariant, Question
from app.courses.parser import CourseMeta, decode_text, parse_course_meta
from app.courses.status import StatusTable, status
from app.i18n import N_, _, current_language, format_decimal

bp = Blueprint("courses", __name__, template_folder="templates")

SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning")}
KIND_LABELS = {
    "single": N_("single choice"),
    "multiple": N_("multiple choice"),
    "text": N_("short text answer"),
    "numeric": N_("number"),
    "matching": N_("matching"),
}

_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*", re.S | re.I)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


# ------------------------------------------------------------------------------------------
# What the pages show about one course folder


@dataclass(frozen=True)
class FindingLine:
    """One finding as the trainer reads it: ``where: severity: message`` in their language."""

    where: str  # "mini-course/01-introduction.lv.md:12" (path relative to COURSES_DIR)
    file: str
    severity: str  # error | warning
    severity_label: str
    message: str

    @property
    def text(self) -> str:
        return f"{self.where}: {self.severity_label}: {self.message}"


@dataclass(frozen=True)
class FileFindings:
    file: str
    lines: tuple[FindingLine, ...]


@dataclass(frozen=True)
class CourseEntry:
    """A course folder: the live version (None when learners and trainers have nothing to open)
    and, when the newest files were refused, the refusal."""

    folder: str
    live: Course | None
    refusal: Refusal | None
    findings: tuple[Finding, ...]
    meta: CourseMeta | None  # course.yml of refused files (for a title), else None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def published(self) -> bool | None:
        if self.live is not None:
            return self.live.published
        return self.meta.published if self.meta is not None and self.meta.id else None

    @property
    def version(self) -> int | None:
        if self.live is not None:
            return self.live.version
        return self.meta.version if self.meta is not None and self.meta.id else None

    @property
    def refused_version(self) -> int | None:
        """The version written in the refused files, when it differs from the one in use."""
        if self.refusal is None or self.live is None or self.meta is None or not self.meta.id:
            return None
        return self.meta.version if self.meta.version != self.live.version else None

    @property
    def refused_at(self) -> datetime | None:
        return datetime.fromtimestamp(self.refusal.refused_at, UTC) if self.refusal else None

    def title(self, lang: str) -> tuple[str, str | None]:
        """(title, language of the title); the folder name when no title can be read."""
        if self.live is not None:
            return self.live.text("title", lang)
        if self.meta is not None and self.meta.title:
            if self.meta.title.get(lang):
                return self.meta.title[lang], lang
            default = self.meta.default_language
            if self.meta.title.get(default):
                return self.meta.title[default], default
        return self.folder, None


def _courses_dir() -> Path:
    return Path(current_app.config["COURSES_DIR"])


def _read_meta(folder: Path) -> CourseMeta | None:
    """course.yml of a refused folder, only to name the course; None when it cannot be read."""
    yml = folder / COURSE_FILE
    try:
        text = decode_text(yml.read_bytes())
    except OSError:
        return None
    meta, _findings = parse_course_meta(yml, text, folder.name)
    return meta


def _entry(catalog: CourseCatalog, folder: str) -> CourseEntry:
    refusal = catalog.refused.get(folder)
    meta = _read_meta(_courses_dir() / folder) if refusal is not None else None
    return CourseEntry(
        folder=folder,
        live=catalog.get(folder),
        refusal=refusal,
        findings=catalog.findings.get(folder, ()),
        meta=meta,
    )


def finding_line(f: Finding, root: Path) -> FindingLine:
    file = Path(display_path(f.path, root)).as_posix()
    where = f"{file}:{f.line}" if f.line else file
    return FindingLine(
        where=where,
        file=file,
        severity=f.severity,
        severity_label=_(SEVERITY_LABELS[f.severity]),
        message=f.translated(_),
    )


def grouped_findings(findings: tuple[Finding, ...], root: Path) -> list[FileFindings]:
    """Findings translated into the interface language, grouped by file in checker order."""
    groups: dict[str, list[FindingLine]] = {}
    for f in findings:
        line = finding_line(f, root)
        groups.setdefault(line.file, []).append(line)
    return [FileFindings(file, tuple(lines)) for file, lines in groups.items()]


# ------------------------------------------------------------------------------------------
# Pages


@bp.get("/trainer")
@trainer_required
def trainer_overview():
    catalog = current_catalog()
    lang = current_language()
    root = _courses_dir()
    entries = [_entry(catalog, folder) for folder in catalog.findings]
    entries.sort(key=lambda e: (e.title(lang)[0].casefold(), e.folder))
    return render_template(
        "courses/overview.html",
        entries=entries,
        lang=lang,
        errors_of={e.folder: _refusal_errors(e, root) for e in entries},
        loaded_at=datetime.fromtimestamp(catalog.loaded_at, UTC) if catalog.loaded_at else None,
    )


def _refusal_errors(entry: CourseEntry, root: Path) -> list[FindingLine]:
    if entry.refusal is None:
        return []
    return [finding_line(f, root) for f in entry.refusal.errors]


@bp.get("/trainer/<course_id>")
@trainer_required
def trainer_course(course_id: str):
    catalog = current_catalog()
    if course_id not in catalog.findings:
        abort(404)
    entry = _entry(catalog, course_id)
    root = _courses_dir()
    table: StatusTable | None = status(entry.live) if entry.live is not None else None
    return render_template(
        "courses/course.html",
        entry=entry,
        course=entry.live,
        table=table,
        groups=grouped_findings(entry.findings, root),
        refusal_errors=_refusal_errors(entry, root),
        lang=current_language(),
    )


@bp.get("/trainer/<course_id>/<module_id>/<lang>")
@trainer_required
def trainer_preview(course_id: str, module_id: str, lang: str):
    catalog = current_catalog()
    course = catalog.get(course_id)
    if course is None:
        abort(404)
    module = course.module(module_id)
    if module is None or lang not in course.languages:
        abort(404)
    view = module.view(lang)
    response = current_app.make_response(
        render_template(
            "courses/preview.html",
            course=course,
            module=module,
            view=view,
            body=module_body(view.variant),
            questions=[answer_key(q) for q in view.questions],
            refused=course_id in catalog.refused,
            lang=current_language(),
        )
    )
    # The page holds the answer key: never keep it in a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------
# Presenting module texts and answer keys


def module_body(variant: ModuleVariant) -> Markup:
    """The module's sanitised HTML without its leading level-1 heading (the page has its own),
    each table in a scrollable, keyboard-reachable region so that a wide table does not make
    the page scroll sideways on a narrow screen (WCAG 1.4.10)."""
    html = _LEADING_H1.sub("", variant.html, count=1)
    tables = _TABLE.findall(html)
    if tables and not any(t.lower().count("<table") > 1 for t in tables):  # never split nesting
        label = escape(_("Table"))
        html = _TABLE.sub(
            lambda m: (
                f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">'
                f"{m.group(0)}</div>"
            ),
            html,
        )
    return Markup(html)  # noqa: S704 - sanitised by the engine; the wrapper is ours


@dataclass(frozen=True)
class KeyOption:
    html: Markup
    correct: bool
    feedback_html: Markup | None


@dataclass(frozen=True)
class KeyPair:
    left_html: Markup
    right_text: str


@dataclass(frozen=True)
class AnswerKey:
    """A question with everything a trainer proofreads: options marked right or wrong, accepted
    answers, pairs, hint and explanation."""

    question: Question
    kind_label: str
    prompt_html: Markup
    options: tuple[KeyOption, ...]
    accepted: tuple[str, ...]  # text answers, or the accepted number(s) in words
    pairs: tuple[KeyPair, ...]
    distractors: tuple[str, ...]  # matching choices that belong to no pair
    hint_html: Markup | None
    explanation_html: Markup | None


def _number(value: float) -> str:
    return format_decimal(value)


def numeric_key(q: Question) -> str:
    key = q.numeric
    if key is None:
        return ""
    if key.value is not None and key.tolerance:
        return _(
            "%(value)s ± %(tolerance)s (from %(low)s to %(high)s)",
            value=_number(key.value),
            tolerance=_number(key.tolerance),
            low=_number(key.low),
            high=_number(key.high),
        )
    if key.value is not None:
        return _number(key.value)
    return _("from %(low)s to %(high)s", low=_number(key.low), high=_number(key.high))


def answer_key(q: Question) -> AnswerKey:
    def html(text: str) -> Markup | None:
        return Markup(text) if text else None  # noqa: S704 - sanitised by the engine

    accepted: tuple[str, ...] = ()
    if q.kind == "text":
        accepted = q.text_answers
    elif q.kind == "numeric":
        accepted = (numeric_key(q),)
    used = {p.choice for p in q.pairs}
    return AnswerKey(
        question=q,
        kind_label=_(KIND_LABELS.get(q.kind, q.kind)),
        prompt_html=Markup(q.prompt_html),  # noqa: S704 - sanitised by the engine
        options=tuple(
            KeyOption(Markup(o.html), o.correct, html(o.feedback_html))  # noqa: S704
            for o in q.options
        ),
        accepted=accepted,
        pairs=tuple(KeyPair(Markup(p.left_html), p.right_text) for p in q.pairs),  # noqa: S704
        distractors=tuple(c for i, c in enumerate(q.choices) if i not in used),
        hint_html=html(q.hint_html),
        explanation_html=html(q.explanation_html),
    )
