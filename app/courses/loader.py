"""Loading courses from COURSES_DIR: build, check, cache, and keep the last good version live.

- ``build_course(course_dir)`` parses, renders and checks one course folder and returns a
  ``CourseBuild`` (the ``Course`` when it could be assembled, and every finding).
- ``load_courses(courses_dir)`` builds every course once → ``CourseCatalog`` (only courses without
  errors are in ``catalog.courses``; the others are in ``catalog.refused``).
- ``CourseRegistry`` keeps a catalog in memory. ``get(reload_changed=True)`` (development) looks
  at every course file's (path, mtime, size) and rebuilds only the courses whose files changed;
  ``get(reload_changed=False)`` (production) only does so when the reload stamp file changed
  (``flask courses reload`` touches it) or after ``reload()``. A rebuilt course with checker
  errors is refused: its last good version stays in the catalog, and ``catalog.refused[id]``
  says why (for the trainer page).

Rendered HTML is memoised by ``render.cached_render`` on (text, context), so rebuilding a course
after an edit re-renders only the changed texts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from app.courses import validate
from app.courses.findings import Finding, error, has_errors, sort_key, warning
from app.courses.model import Course, Module, ModuleVariant, NumericAnswer, Option, Pair, Question
from app.courses.parser import (
    CourseMeta,
    ParsedModule,
    ParsedQuiz,
    check_utf8,
    decode_text,
    parse_course_meta,
    parse_module_file,
)
from app.courses.render import (
    MediaUrl,
    ModuleUrl,
    RenderContext,
    RenderResult,
    cached_render,
    default_media_url,
    default_module_url,
)

COURSE_FILE = "course.yml"
MODULE_FILE_RE = re.compile(r"^(?P<stem>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2})\.md$")
RELOAD_STAMP = "courses-reload.stamp"
# Module pages live at /courses/<course>/<module>; these names are taken by other pages.
RESERVED_MODULE_IDS = frozenset({"media"})
# The names of the certificate templates a course may name (``certificate: {template: …}``), or
# None when they are not known (then not checked). The app side reads them from CERTIFICATES_DIR.
TemplateNames = Collection[str] | None

log = logging.getLogger(__name__)


@dataclass
class CourseBuild:
    """The outcome of building one course folder."""

    course_dir: Path
    course: Course | None
    findings: list[Finding]
    stat_fingerprint: tuple = ()
    # (module id, question id) -> the default language's answer key, for published-ids.txt
    answer_keys: dict[tuple[str, str], validate.AnswerKey] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.course is not None and not has_errors(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


# --------------------------------------------------------------------------------------------
# Files of a course


def course_files(course_dir: Path) -> list[Path]:
    """Every file that affects a course: its own files and everything under media/."""
    files: list[Path] = []
    try:
        entries = sorted(os.scandir(course_dir), key=lambda e: e.name)
    except OSError:
        return files
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            files.append(Path(entry.path))
        elif entry.is_dir() and entry.name == "media":
            for root, dirs, names in os.walk(entry.path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return files


def stat_fingerprint(course_dir: Path) -> tuple:
    """(relative path, mtime_ns, size) of every course file: cheap change detection."""
    result = []
    for path in course_files(course_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        result.append((str(path.relative_to(course_dir)), st.st_mtime_ns, st.st_size))
    return tuple(result)


def media_files(course_dir: Path) -> frozenset[str]:
    media = course_dir / "media"
    return frozenset(
        p.relative_to(media).as_posix() for p in course_files(course_dir) if media in p.parents
    )


# --------------------------------------------------------------------------------------------
# Building one course


def build_course(
    course_dir: Path,
    *,
    media_url: MediaUrl = default_media_url,
    module_url: ModuleUrl = default_module_url,
    certificate_templates: TemplateNames = None,
) -> CourseBuild:
    """Parse, render and check one course folder. Never raises for content problems: they are
    findings. ``course`` is None when course.yml or a default-language module is unusable.
    ``certificate_templates``: the template names that exist (None: not checked)."""
    course_dir = Path(course_dir)
    fingerprint = stat_fingerprint(course_dir)
    findings: list[Finding] = []
    yml = course_dir / COURSE_FILE
    if not yml.is_file():
        findings.append(error(course_dir, 0, "course-file-missing"))
        return CourseBuild(course_dir, None, findings, fingerprint)
    raw_yml = yml.read_bytes()
    check_utf8(raw_yml, yml, findings)
    meta, meta_findings = parse_course_meta(yml, decode_text(raw_yml), course_dir.name)
    findings.extend(meta_findings)
    if certificate_templates is not None and meta.certificate_template not in certificate_templates:
        findings.append(
            error(
                yml,
                meta.line("certificate", "template"),
                "certificate-template-unknown",
                template=meta.certificate_template,
                available=", ".join(sorted(certificate_templates)) or "-",
            )
        )
    if not meta.usable:
        return CourseBuild(course_dir, None, sorted(findings, key=sort_key), fingerprint)

    # Module files on disk.
    on_disk: dict[tuple[str, str], Path] = {}
    for path in course_files(course_dir):
        m = MODULE_FILE_RE.match(path.name) if path.parent == course_dir else None
        if not m:
            continue
        stem, lang = m.group("stem"), m.group("lang")
        if stem not in meta.modules:
            findings.append(warning(path, 1, "module-file-unlisted", stem=stem))
        elif lang not in meta.languages:
            findings.append(warning(path, 1, "file-language-unknown", language=lang))
        else:
            on_disk[(stem, lang)] = path

    parsed: dict[tuple[str, str], ParsedModule] = {}
    for i, stem in enumerate(meta.modules):
        entry_line = meta.line("modules", str(i))
        for lang in meta.languages:
            path = on_disk.get((stem, lang))
            name = f"{stem}.{lang}.md"
            if path is None:
                if lang == meta.default_language:
                    findings.append(
                        error(yml, entry_line, "module-file-missing", stem=stem, file=name)
                    )
                else:
                    findings.append(
                        warning(
                            yml,
                            entry_line,
                            "translation-missing",
                            file=name,
                            language=lang,
                            default=meta.default_language,
                        )
                    )
                continue
            pm, pm_findings = parse_module_file(path, path.read_bytes(), lang)
            findings.extend(pm_findings)
            parsed[(stem, lang)] = pm

    ids = validate.IdIndex()
    for stem in meta.modules:
        _check_module(meta, stem, parsed, ids, findings)

    media = media_files(course_dir)
    module_ids = tuple(
        (stem, str(parsed[(stem, meta.default_language)].front.get("id", "")))
        for stem in meta.modules
        if (stem, meta.default_language) in parsed
    )
    variants: dict[tuple[str, str], ModuleVariant] = {}
    for (stem, lang), pm in parsed.items():
        ctx = RenderContext(
            course_id=meta.id,
            lang=lang,
            media_files=media,
            module_ids=module_ids,
            media_url=media_url,
            module_url=module_url,
        )
        variants[(stem, lang)] = _build_variant(pm, ctx, findings)
        validate.check_raw_html(pm, findings)

    _check_translations_outdated(meta, parsed, findings)

    # Published ids.
    current: dict[str, list[str]] = {}
    answer_keys: dict[tuple[str, str], validate.AnswerKey] = {}
    for stem in meta.modules:
        pm = parsed.get((stem, meta.default_language))
        if pm is not None and pm.front.get("id"):
            module_id = str(pm.front["id"])
            current[module_id] = [q.id for q in pm.quizzes if q.id]
            for q in pm.quizzes:
                if q.id and q.valid and q.kind:
                    key = validate.answer_key_fingerprint(q)
                    answer_keys[(module_id, q.id)] = validate.AnswerKey(q.rev, key, pm.path, q.line)
    lock = validate.read_lock(course_dir, findings)
    validate.check_published_ids(
        lock=lock,
        course_yml=yml,
        version=meta.version,
        version_line=meta.line("version"),
        published=meta.published,
        published_line=meta.line("published"),
        retired=meta.retired,
        retired_lines={rid: meta.line("retired", str(i)) for i, rid in enumerate(meta.retired)},
        current=current,
        findings=findings,
        answer_keys=answer_keys,
    )

    course = _assemble(meta, course_dir, parsed, variants)
    return CourseBuild(course_dir, course, sorted(findings, key=sort_key), fingerprint, answer_keys)


def _check_module(
    meta: CourseMeta,
    stem: str,
    parsed: dict[tuple[str, str], ParsedModule],
    ids: validate.IdIndex,
    findings: list[Finding],
) -> None:
    default = parsed.get((stem, meta.default_language))
    if default is None:
        return
    module_id = default.front.get("id")
    if module_id in RESERVED_MODULE_IDS:
        findings.append(error(default.path, default.line("id"), "reserved-id", value=module_id))
    if module_id:
        validate.register_module_id(ids, str(module_id), default.path, default.line("id"), findings)
    if (
        default.usable
        and "minutes" not in default.front
        and "minutes" not in {k[0] for k in default.front_lines}
    ):
        findings.append(error(default.path, 1, "module-missing-field", field="minutes"))
    validate.register_question_ids(ids, default, findings)
    for lang in meta.languages:
        other = parsed.get((stem, lang))
        if other is None or lang == meta.default_language:
            continue
        other_id = other.front.get("id")
        if module_id and other_id and other_id != module_id:
            findings.append(
                error(
                    other.path,
                    other.line("id"),
                    "module-id-mismatch",
                    value=other_id,
                    expected=module_id,
                )
            )
        minutes = other.front.get("minutes")
        if minutes is not None and default.front.get("minutes") not in (None, minutes):
            findings.append(
                warning(
                    other.path,
                    other.line("minutes"),
                    "module-minutes-differ",
                    value=minutes,
                    expected=default.front["minutes"],
                )
            )
        validate.register_question_ids(None, other, findings)
        validate.check_translation_quizzes(default, other, findings)


def _check_translations_outdated(
    meta: CourseMeta, parsed: dict[tuple[str, str], ParsedModule], findings: list[Finding]
) -> None:
    for (stem, lang), pm in parsed.items():
        translation = pm.front.get("translation")
        if not isinstance(translation, dict):
            translation = {}
        source = translation.get("source")
        recorded = str(translation.get("source_hash") or "").strip().lower()
        if lang != meta.default_language and (not source or not recorded or source == lang):
            _untracked(meta, stem, pm, source, parsed, findings)
            continue
        if source is None:
            continue
        if source not in meta.languages:
            findings.append(
                warning(
                    pm.path,
                    pm.line("translation", "source"),
                    "translation-source-unknown",
                    language=source,
                )
            )
            continue
        source_file = parsed.get((stem, source))
        if source_file is None or not recorded:
            continue
        if not hash_matches(source_file.content_hash, recorded):
            findings.append(
                warning(
                    pm.path,
                    pm.line("translation", "source_hash"),
                    "translation-outdated",
                    source=source_file.path.name,
                    recorded=recorded[:12],
                    current=source_file.content_hash[:12],
                )
            )


def _untracked(
    meta: CourseMeta,
    stem: str,
    pm: ParsedModule,
    source: object,
    parsed: dict[tuple[str, str], ParsedModule],
    findings: list[Finding],
) -> None:
    """A translation that does not say what it was made from: suggest the line to add."""
    if not isinstance(source, str) or source not in meta.languages or source == pm.lang:
        source = meta.default_language
    source_file = parsed.get((stem, source))
    if source_file is None or not pm.usable:
        return
    findings.append(
        warning(
            pm.path,
            pm.line("translation"),
            "translation-untracked",
            source=source_file.path.name,
            language=source,
            hash=source_file.content_hash[:12],
        )
    )


def hash_matches(current: str, recorded: str | None) -> bool:
    """A recorded ``source_hash`` may be the full sha256 or a prefix of at least 8 characters."""
    recorded = (recorded or "").strip().lower()
    return len(recorded) >= 8 and current.startswith(recorded)


def _render(
    kind: str, text: str, ctx: RenderContext, pm: ParsedModule, line: int, findings: list[Finding]
) -> RenderResult:
    result = cached_render(kind, text, ctx)
    if result.problems:
        validate.locate_problems(pm.path, pm.lines, line, result.problems, findings)
    return result


def _collation_key(text: str) -> tuple[str, str]:
    """Alphabetical order that puts ``Ā`` next to ``A`` rather than after ``Z``."""
    folded = text.casefold()
    base = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return base, folded


def _build_question(
    quiz: ParsedQuiz, ctx: RenderContext, pm: ParsedModule, findings: list[Finding]
) -> Question:
    def block(text: str, line: int) -> str:
        return _render("block", text, ctx, pm, line, findings).html

    def inline(text: str, line: int) -> str:
        return _render("inline", text, ctx, pm, line, findings).html

    options = tuple(
        Option(
            index=i,
            html=inline(o.text, o.line),
            correct=o.correct,
            feedback_html=block("\n".join(o.feedback), o.feedback_line or o.line),
        )
        for i, o in enumerate(quiz.options)
    )
    pairs: tuple[Pair, ...] = ()
    choices: tuple[str, ...] = ()
    if quiz.kind == "matching":
        distinct: dict[str, str] = {}
        for p in quiz.pairs:
            distinct.setdefault(p.right.strip().casefold(), p.right.strip())
        choices = tuple(sorted(distinct.values(), key=_collation_key))
        index = {t.casefold(): i for i, t in enumerate(choices)}
        pairs = tuple(
            Pair(
                left_html=inline(p.left, p.line),
                right_text=p.right.strip(),
                choice=index[p.right.strip().casefold()],
            )
            for p in quiz.pairs
            if p.left
        )
    numeric = None
    if quiz.numeric is not None:
        low, high, value, tol = quiz.numeric
        numeric = NumericAnswer(low=low, high=high, value=value, tolerance=tol)
    # The question text and the hint are shown before submission: no quiz syntax may be left.
    prompt_html = block(quiz.prompt, quiz.prompt_line)
    hint_html = inline(quiz.hint, quiz.hint_line)
    validate.check_quiz_syntax_leaks(
        pm.path, prompt_html, quiz.prompt.split("\n"), quiz.prompt_line, findings
    )
    validate.check_quiz_syntax_leaks(pm.path, hint_html, [quiz.hint], quiz.hint_line, findings)
    return Question(
        id=quiz.id or "",
        kind=quiz.kind or "single",  # type: ignore[arg-type]
        points=quiz.points,
        rev=quiz.rev,
        shuffle=quiz.shuffle,
        prompt_html=prompt_html,
        options=options,
        text_answers=tuple(quiz.text_answers),
        numeric=numeric,
        pairs=pairs,
        choices=choices,
        hint_html=hint_html,
        explanation_html=block(quiz.explanation, quiz.explanation_line),
        line=quiz.line,
    )


def _build_variant(pm: ParsedModule, ctx: RenderContext, findings: list[Finding]) -> ModuleVariant:
    page = _render("page", pm.body, ctx, pm, pm.body_start, findings)
    # A quiz whose ::: quiz line is missing, mistyped or indented is rendered as text: its
    # answers would be shown to learners.
    validate.check_quiz_syntax_leaks(
        pm.path, page.html, pm.body.split("\n"), pm.body_start, findings
    )
    questions = tuple(
        _build_question(q, ctx, pm, findings) for q in pm.quizzes if q.valid and q.kind and q.id
    )
    translation = pm.front.get("translation")
    if not isinstance(translation, dict):
        translation = {}
    minutes = pm.front.get("minutes")
    return ModuleVariant(
        lang=pm.lang,
        path=pm.path,
        title=str(pm.front.get("title") or "").strip(),
        minutes=minutes if isinstance(minutes, int) else None,
        body_markdown=pm.body,
        html=page.html,
        toc=page.toc,
        content_hash=pm.content_hash,
        questions=questions,
        source_lang=translation.get("source"),
        source_hash=(str(translation["source_hash"]) if translation.get("source_hash") else None),
    )


def _assemble(
    meta: CourseMeta,
    course_dir: Path,
    parsed: dict[tuple[str, str], ParsedModule],
    variants: dict[tuple[str, str], ModuleVariant],
) -> Course | None:
    modules: list[Module] = []
    for order, stem in enumerate(meta.modules, start=1):
        default = parsed.get((stem, meta.default_language))
        if default is None or not default.front.get("id") or not default.front.get("title"):
            return None
        module_variants = {
            lang: variants[(stem, lang)]
            for lang in meta.languages
            if (stem, lang) in variants
            and parsed[(stem, lang)].front.get("id") == default.front["id"]
            and parsed[(stem, lang)].front.get("title")
        }
        base = module_variants[meta.default_language]
        minutes = default.front.get("minutes")
        modules.append(
            Module(
                id=str(default.front["id"]),
                stem=stem,
                order=order,
                minutes=minutes if isinstance(minutes, int) else 0,
                title={lang: v.title for lang, v in module_variants.items()},
                variants=module_variants,
                default_language=meta.default_language,
                questions=base.questions,
            )
        )
    digest = hashlib.sha256()
    for (stem, lang), pm in sorted(parsed.items()):
        digest.update(f"{stem}.{lang}:{pm.content_hash}\n".encode())
    digest.update(meta.path.read_bytes() if meta.path.is_file() else b"")
    for name in sorted(media_files(course_dir)):
        digest.update(f"media/{name}\n".encode())
    return Course(
        id=meta.id,
        version=meta.version,
        published=meta.published,
        default_language=meta.default_language,
        languages=meta.languages,
        title=dict(meta.title),
        summary=dict(meta.summary),
        hours=meta.hours,
        module_stems=meta.modules,
        pass_mark=meta.pass_mark,
        max_attempts=meta.max_attempts,
        show_answers=meta.show_answers,  # type: ignore[arg-type]
        retired=meta.retired,
        authors=meta.authors,
        certificate_template=meta.certificate_template,
        path=course_dir,
        modules=tuple(modules),
        fingerprint=digest.hexdigest(),
    )


# --------------------------------------------------------------------------------------------
# Catalog and registry


def course_dirs(courses_dir: Path) -> list[Path]:
    """Sub-folders of COURSES_DIR that are courses (names starting with ``.`` or ``_`` are not)."""
    try:
        entries = sorted(os.scandir(courses_dir), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if e.is_dir() and not e.name.startswith((".", "_"))]


@dataclass(frozen=True)
class Refusal:
    """A new version of a course that was not put live because the checker found errors."""

    course_id: str  # the folder name
    findings: tuple[Finding, ...]
    refused_at: float  # time.time()
    serving_last_good: bool  # an older good version is still shown to learners

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)


@dataclass(frozen=True)
class CourseCatalog:
    """What learners can be shown (``courses``), plus the latest findings of every course folder
    and the refusals (latest build had errors)."""

    courses: dict[str, Course] = field(default_factory=dict)
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    refused: dict[str, Refusal] = field(default_factory=dict)
    loaded_at: float = 0.0

    def get(self, course_id: str) -> Course | None:
        return self.courses.get(course_id)

    def __iter__(self) -> Iterator[Course]:
        return iter(self.courses.values())

    def __len__(self) -> int:
        return len(self.courses)

    def __contains__(self, course_id: object) -> bool:
        return course_id in self.courses

    def published(self) -> list[Course]:
        return [c for c in self.courses.values() if c.published]


def load_courses(
    courses_dir: str | Path,
    *,
    media_url: MediaUrl = default_media_url,
    module_url: ModuleUrl = default_module_url,
    certificate_templates: TemplateNames = None,
) -> CourseCatalog:
    """Build every course under ``courses_dir`` once (no last-good memory: see CourseRegistry)."""
    courses: dict[str, Course] = {}
    findings: dict[str, tuple[Finding, ...]] = {}
    refused: dict[str, Refusal] = {}
    now = time.time()
    for course_dir in course_dirs(Path(courses_dir)):
        build = build_course(
            course_dir,
            media_url=media_url,
            module_url=module_url,
            certificate_templates=certificate_templates,
        )
        findings[course_dir.name] = tuple(build.findings)
        if build.ok and build.course is not None:
            courses[build.course.id] = build.course
        else:
            refused[course_dir.name] = Refusal(course_dir.name, tuple(build.findings), now, False)
    return CourseCatalog(courses, findings, refused, now)


@dataclass
class _Entry:
    fingerprint: tuple
    live: Course | None  # the last good version
    findings: tuple[Finding, ...]
    refusal: Refusal | None


class CourseRegistry:
    """Process-wide cache of the course catalog with change detection and a last-good rule.

    Thread-safe. One registry per process; for several processes or servers, each one notices
    ``flask courses reload`` through the stamp file (``stamp_path``, normally
    ``instance/courses-reload.stamp``), whose mtime is checked on every ``get()``.

    ``certificate_templates`` returns the certificate template names that exist (or None: not
    checked); it is asked on every refresh, and a change rebuilds every course.
    """

    def __init__(
        self,
        courses_dir: str | Path,
        *,
        stamp_path: str | Path | None = None,
        media_url: MediaUrl = default_media_url,
        module_url: ModuleUrl = default_module_url,
        certificate_templates: Callable[[], TemplateNames] | None = None,
    ) -> None:
        self.courses_dir = Path(courses_dir)
        self.certificate_templates = certificate_templates
        self.stamp_path = Path(stamp_path) if stamp_path else None
        self.media_url = media_url
        self.module_url = module_url
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._catalog: CourseCatalog | None = None
        self._stamp: tuple[int, int] | None = None
        self.builds = 0  # how many course builds ran (observability and tests)

    def get(self, reload_changed: bool = True) -> CourseCatalog:
        """The current catalog. With ``reload_changed`` every course folder is checked for
        changed files (a few stat calls per file); otherwise only the stamp file is looked at."""
        catalog = self._catalog
        if catalog is not None and not reload_changed and not self._stamp_changed():
            return catalog
        with self._lock:
            if self._catalog is None or reload_changed or self._stamp_changed():
                self._stamp = self._read_stamp()
                self._catalog = self._refresh()
            return self._catalog

    def reload(self) -> CourseCatalog:
        """Re-examine every course now (changed ones are rebuilt), whatever the mode."""
        with self._lock:
            self._stamp = self._read_stamp()
            self._catalog = self._refresh()
            return self._catalog

    def touch_stamp(self) -> Path | None:
        """Tell every process sharing the stamp file to re-examine the courses."""
        if self.stamp_path is None:
            return None
        self.stamp_path.parent.mkdir(parents=True, exist_ok=True)
        self.stamp_path.write_text(f"{time.time_ns()}\n", encoding="ascii")
        return self.stamp_path

    @property
    def refusals(self) -> dict[str, Refusal]:
        return dict(self.get(reload_changed=False).refused)

    def _read_stamp(self) -> tuple[int, int] | None:
        if self.stamp_path is None:
            return None
        try:
            st = self.stamp_path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _stamp_changed(self) -> bool:
        return self.stamp_path is not None and self._read_stamp() != self._stamp

    def _refresh(self) -> CourseCatalog:
        seen: set[str] = set()
        names = self.certificate_templates() if self.certificate_templates else None
        templates = frozenset(names) if names is not None else None
        for course_dir in course_dirs(self.courses_dir):
            name = course_dir.name
            seen.add(name)
            fingerprint = (stat_fingerprint(course_dir), templates)
            entry = self._entries.get(name)
            if entry is not None and entry.fingerprint == fingerprint:
                continue
            try:
                build = build_course(
                    course_dir,
                    media_url=self.media_url,
                    module_url=self.module_url,
                    certificate_templates=templates,
                )
            except Exception as exc:  # a bug or an unreadable file must not take others down
                log.exception("course %s could not be built", name)
                problem = f"{type(exc).__name__}: {exc}"
                build = CourseBuild(
                    course_dir,
                    None,
                    [error(course_dir, 0, "course-unreadable", problem=problem)],
                    fingerprint,
                )
            self.builds += 1
            previous = entry.live if entry is not None else None
            if build.ok:
                self._entries[name] = _Entry(
                    (build.stat_fingerprint, templates), build.course, tuple(build.findings), None
                )
            else:
                refusal = Refusal(name, tuple(build.findings), time.time(), previous is not None)
                self._entries[name] = _Entry(
                    (build.stat_fingerprint, templates), previous, tuple(build.findings), refusal
                )
        for gone in set(self._entries) - seen:
            del self._entries[gone]  # a deleted folder is no longer offered
        courses = {e.live.id: e.live for e in self._entries.values() if e.live is not None}
        return CourseCatalog(
            courses=dict(sorted(courses.items())),
            findings={n: e.findings for n, e in sorted(self._entries.items())},
            refused={n: e.refusal for n, e in sorted(self._entries.items()) if e.refusal},
            loaded_at=time.time(),
        )


def shared_registry(
    store: MutableMapping[str, object],
    courses_dir: str | Path,
    stamp_path: str | Path | None = None,
    certificate_templates: Callable[[], TemplateNames] | None = None,
) -> CourseRegistry:
    """The registry kept in ``store`` (pass ``app.extensions``), created on first use."""
    registry = store.get("lasitava.courses")
    if not isinstance(registry, CourseRegistry) or registry.courses_dir != Path(courses_dir):
        registry = CourseRegistry(
            courses_dir, stamp_path=stamp_path, certificate_templates=certificate_templates
        )
        store["lasitava.courses"] = registry
    return registry
