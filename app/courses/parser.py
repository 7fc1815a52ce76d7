"""Parsing of course files into plain data with line numbers; structural problems become findings.

- ``parse_yaml_lines``: YAML (safe) plus the line of every key, and keys written twice.
- ``parse_course_meta``: course.yml → ``CourseMeta`` (validated, defaults applied).
- ``parse_module_file``: a module file → front matter, Markdown body without quiz blocks, and
  ``ParsedQuiz`` blocks (``::: quiz {#id points=2 rev=1 shuffle}`` … ``:::``).

Nothing here renders Markdown; the loader does that. Every finding carries the file's path and a
1-based line number.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.courses.findings import Finding, error, warning

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
STEM_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KNOWN_LANGUAGES = ("lv", "lt", "en")
SHOW_ANSWERS = ("never", "after_pass", "always")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def content_hash(raw: bytes) -> str:
    """sha256 of a text file, independent of a byte-order mark and of CRLF/CR line endings."""
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_utf8(raw: bytes, path: Path, findings: list[Finding]) -> None:
    """Report a file that is not UTF-8 (e.g. saved as Windows-1257), at its first bad byte."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        findings.append(error(path, line, "not-utf8"))


def decode_text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# YAML with line numbers


@dataclass
class YamlDoc:
    data: Any = None
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # key path -> 1-based line
    ok: bool = True


def parse_yaml_lines(text: str, path: Path, first_line: int, findings: list[Finding]) -> YamlDoc:
    """Load YAML safely; record the line of each mapping key (``first_line`` = line of the text's
    first line in the file) and report syntax errors and duplicate keys."""
    doc = YamlDoc()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc.data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        fixed = None
        if mark is not None and text.split("\n")[mark.line : mark.line + 1]:
            fixed = quoted_value_hint(text.split("\n")[mark.line], mark.column)
        if fixed:
            findings.append(error(path, line, "yaml-colon-in-value", problem=problem, fixed=fixed))
        else:
            findings.append(error(path, line, "yaml-syntax", problem=problem))
        doc.ok = False
        return doc

    def walk(n: yaml.Node | None, prefix: tuple[str, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in n.value:
                key = str(key_node.value)
                line = first_line + key_node.start_mark.line
                if key in seen:
                    findings.append(error(path, line, "yaml-duplicate-key", key=key))
                seen.add(key)
                doc.lines.setdefault((*prefix, key), line)
                walk(value_node, (*prefix, key))
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                doc.lines.setdefault((*prefix, str(i)), first_line + item.start_mark.line)
                walk(item, (*prefix, str(i)))

    walk(node, ())
    return doc


_YAML_KEY_RE = re.compile(r"\s*(?:-\s+)?([^\s:{},\[\]\"'#&*!|>%@`-][^:{},]*?):\s+")


def quoted_value_hint(line: str, column: int) -> str | None:
    """For a YAML error at a second ``:`` in ``key: text: more``, the line as it should be
    written: ``key: "text: more"`` (also inside ``{lv: text: more, ...}``); None otherwise."""
    before = line[:column]
    flow = "{" in before
    start = max(before.rfind("{"), before.rfind(",")) + 1 if flow else 0
    m = _YAML_KEY_RE.match(line, start)
    if m is None or m.end() > column:
        return None  # the colon of the error is the key's own colon: another problem
    rest = re.split(r"\s#", line[m.end() :], maxsplit=1)[0]  # without a trailing comment
    if flow:
        end = re.search(r"[,}]", rest)
        rest = rest[: end.start()] if end else rest
    value = rest.strip()
    if not value or value[0] in "\"'{[":
        return None
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{m.group(1).strip()}: {quoted}"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------------------------
# course.yml


@dataclass
class CourseMeta:
    path: Path  # course.yml
    id: str = ""
    version: int = 1
    published: bool = False
    default_language: str = ""
    languages: tuple[str, ...] = ()
    title: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    hours: float = 0
    modules: tuple[str, ...] = ()
    pass_mark: int = 80
    max_attempts: int = 0
    show_answers: str = "after_pass"
    retired: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    certificate_template: str = "default"
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    usable: bool = False  # id, languages and modules are good enough to load module files

    def line(self, *key: str) -> int:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return 1


COURSE_FIELDS = {
    "id",
    "version",
    "published",
    "default_language",
    "languages",
    "title",
    "summary",
    "hours",
    "modules",
    "pass_mark",
    "max_attempts",
    "show_answers",
    "retired",
    "authors",
    "certificate",
}
REQUIRED_COURSE_FIELDS = ("id", "version", "default_language", "languages", "title", "modules")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_course_meta(
    path: Path, text: str, folder_name: str | None
) -> tuple[CourseMeta, list[Finding]]:
    """Read and validate course.yml. Every problem is reported; defaults fill what is missing."""
    findings: list[Finding] = []
    meta = CourseMeta(path=path)
    doc = parse_yaml_lines(text, path, 1, findings)
    meta.lines = doc.lines
    if not doc.ok:
        return meta, findings
    data = doc.data
    if not isinstance(data, dict):
        findings.append(error(path, 1, "meta-not-mapping"))
        return meta, findings

    def bad(key: str, expected: str, value: Any, *sub: str) -> None:
        findings.append(
            error(
                path,
                meta.line(key, *sub),
                "meta-bad-value",
                field=".".join((key, *sub)),
                expected=expected,
                value=_short(value),
            )
        )

    for key in REQUIRED_COURSE_FIELDS:
        if key not in data:
            findings.append(error(path, 1, "meta-missing-field", field=key))
    for key in data:
        if str(key) not in COURSE_FIELDS:
            findings.append(warning(path, meta.line(str(key)), "meta-unknown-field", field=key))

    ok = True
    course_id = data.get("id")
    if course_id is not None:
        if not isinstance(course_id, str) or not ID_RE.match(course_id):
            findings.append(error(path, meta.line("id"), "bad-id", value=_short(course_id)))
            ok = False
        else:
            meta.id = course_id
            if folder_name is not None and folder_name != course_id:
                findings.append(
                    error(
                        path,
                        meta.line("id"),
                        "course-id-folder-mismatch",
                        course_id=course_id,
                        folder=folder_name,
                    )
                )
    else:
        ok = False

    version = data.get("version", 1)
    if not _is_int(version) or version < 1:
        if "version" in data:
            bad("version", "integer>=1", version)
    else:
        meta.version = version

    published = data.get("published", False)
    if not isinstance(published, bool):
        bad("published", "boolean", published)
    else:
        meta.published = published

    languages = data.get("languages")
    if languages is not None:
        if not isinstance(languages, list) or not languages:
            bad("languages", "language-list", languages)
            ok = False
        else:
            good: list[str] = []
            for i, lang in enumerate(languages):
                if lang not in KNOWN_LANGUAGES:
                    findings.append(
                        error(
                            path,
                            meta.line("languages", str(i)),
                            "unknown-language",
                            language=_short(lang),
                        )
                    )
                elif lang in good:
                    findings.append(
                        error(path, meta.line("languages", str(i)), "yaml-duplicate-key", key=lang)
                    )
                else:
                    good.append(lang)
            meta.languages = tuple(good)
    else:
        ok = False

    default = data.get("default_language")
    if default is not None:
        if default not in KNOWN_LANGUAGES:
            findings.append(
                error(
                    path,
                    meta.line("default_language"),
                    "unknown-language",
                    language=_short(default),
                )
            )
            ok = False
        elif meta.languages and default not in meta.languages:
            findings.append(
                error(
                    path,
                    meta.line("default_language"),
                    "default-language-not-listed",
                    language=default,
                )
            )
            ok = False
        else:
            meta.default_language = default
    else:
        ok = False

    for key, required in (("title", True), ("summary", False)):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            bad(key, "language-texts", value)
            continue
        texts = {str(k): v.strip() for k, v in value.items() if isinstance(v, str)}
        for lang in texts:
            if lang not in KNOWN_LANGUAGES:
                findings.append(
                    error(path, meta.line(key, lang), "unknown-language", language=lang)
                )
        for lang in meta.languages:
            if not texts.get(lang):
                if lang == meta.default_language and required:
                    findings.append(
                        error(
                            path,
                            meta.line(key),
                            "meta-missing-language-text",
                            field=key,
                            language=lang,
                            default=lang,
                        )
                    )
                elif lang != meta.default_language or not required:
                    findings.append(
                        warning(
                            path,
                            meta.line(key),
                            "meta-missing-language-text",
                            field=key,
                            language=lang,
                            default=meta.default_language or "?",
                        )
                    )
        setattr(meta, key, texts)

    hours = data.get("hours", 0)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
        bad("hours", "number", hours)
    else:
        meta.hours = hours

    modules = data.get("modules")
    if modules is not None:
        if not isinstance(modules, list) or not modules:
            bad("modules", "stem-list", modules)
            ok = False
        else:
            stems: list[str] = []
            for i, stem in enumerate(modules):
                line = meta.line("modules", str(i))
                if not isinstance(stem, str) or not STEM_RE.match(stem):
                    findings.append(error(path, line, "bad-module-stem", stem=_short(stem)))
                elif stem in stems:
                    findings.append(error(path, line, "duplicate-module-stem", stem=stem))
                else:
                    stems.append(stem)
            meta.modules = tuple(stems)
    else:
        ok = False

    pass_mark = data.get("pass_mark", 80)
    if not _is_int(pass_mark) or not 0 <= pass_mark <= 100:
        bad("pass_mark", "percent", pass_mark)
    else:
        meta.pass_mark = pass_mark

    max_attempts = data.get("max_attempts", 0)
    if not _is_int(max_attempts) or max_attempts < 0:
        bad("max_attempts", "integer>=0", max_attempts)
    else:
        meta.max_attempts = max_attempts

    show_answers = data.get("show_answers", "after_pass")
    if show_answers not in SHOW_ANSWERS:
        bad("show_answers", "show-answers", show_answers)
    else:
        meta.show_answers = show_answers

    retired = data.get("retired") or []
    if not isinstance(retired, list):
        bad("retired", "id-list", retired)
    else:
        good_ids = []
        for i, rid in enumerate(retired):
            if not isinstance(rid, str) or not all(ID_RE.match(p) for p in rid.split("/", 1)):
                findings.append(
                    error(path, meta.line("retired", str(i)), "bad-id", value=_short(rid))
                )
            else:
                good_ids.append(rid)
        meta.retired = tuple(good_ids)

    authors = data.get("authors") or []
    if not isinstance(authors, list) or not all(
        isinstance(a, str) and EMAIL_RE.match(a) for a in authors
    ):
        bad("authors", "email-list", authors)
    else:
        meta.authors = tuple(a.strip().lower() for a in authors)

    certificate = data.get("certificate", {"template": "default"})
    if (
        not isinstance(certificate, dict)
        or not isinstance(certificate.get("template", "default"), str)
        or set(certificate) - {"template"}
    ):
        bad("certificate", "certificate", certificate)
    else:
        meta.certificate_template = certificate.get("template", "default")

    meta.usable = ok and bool(meta.id and meta.languages and meta.default_language and meta.modules)
    return meta, findings


# --------------------------------------------------------------------------------------------
# Module files

FRONT_MATTER_FIELDS = {"id", "title", "minutes", "translation"}
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
BLOCK_OPEN_RE = re.compile(r"^:::+\s*([A-Za-z][\w-]*)?\s*(.*?)\s*$")
BLOCK_CLOSE_RE = re.compile(r"^:::+\s*$")
ATTR_TOKEN_RE = re.compile(
    r"""\s*(?:\#(?P<id>[^\s}]+)|(?P<key>[A-Za-z_][\w-]*)=(?P<val>"[^"]*"|'[^']*'|[^\s}]+)"""
    r"""|(?P<flag>[A-Za-z_][\w-]*)|(?P<bad>\S+))"""
)
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
OPTION_RE = re.compile(r"^[-*+]\s+(\(\s?\)|\([xX]\)|\[\s?\]|\[[xX]\])(?:\s*(.*))?$")
# ``-(x) text``: an option without the space after the bullet (not a Markdown list item).
NO_SPACE_OPTION_RE = re.compile(r"^-(\(\s?\)|\([xX]\)|\[\s?\]|\[[xX]\])(?:\s*(.*))?$")
PAIR_RE = re.compile(r"^[-*+]\s+(.*?)\s*=>\s*(.*)$")
LIST_ITEM_RE = re.compile(r"^[-*+]\s+")
HINT_RE = re.compile(r"^\?(?:\s+(.*))?$")
ANSWER_RE = re.compile(r"\[\[(.*?)(?<!\\)\]\]", re.S)
NUM = r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)"
NUM_TOLERANCE_RE = re.compile(rf"^({NUM})\s*(?:\+-|±|\+/-)\s*({NUM})$")
NUM_RANGE_RE = re.compile(rf"^({NUM})\s*\.\.\s*({NUM})$")
NUM_EXACT_RE = re.compile(rf"^({NUM})$")
QUIZ_ATTRIBUTES = {"points", "rev", "shuffle"}


@dataclass
class ParsedOption:
    marker: str  # "( )", "(x)", "[ ]", "[x]"
    text: str
    line: int
    feedback: list[str] = field(default_factory=list)
    feedback_line: int = 0

    @property
    def correct(self) -> bool:
        return "x" in self.marker.lower()

    @property
    def family(self) -> str:
        return "( )" if self.marker.startswith("(") else "[ ]"


@dataclass
class ParsedPair:
    left: str
    right: str
    line: int


@dataclass
class ParsedQuiz:
    id: str | None
    line: int  # of the `::: quiz` line
    points: int = 1
    rev: int = 1
    shuffle: bool = False
    prompt: str = ""
    prompt_line: int = 0
    options: list[ParsedOption] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    text_answers: list[str] = field(default_factory=list)
    numeric: tuple[float, float, float | None, float | None] | None = None  # low, high, value, tol
    answer_line: int = 0
    hint: str = ""
    hint_line: int = 0
    explanation: str = ""
    explanation_line: int = 0
    kind: str | None = None  # single|multiple|text|numeric|matching, None when unusable
    valid: bool = True


@dataclass
class ParsedModule:
    path: Path
    lang: str
    content_hash: str
    lines: list[str]
    front: dict[str, Any] = field(default_factory=dict)
    front_lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    body: str = ""  # Markdown without the quiz blocks (quiz lines blanked, so line numbers hold)
    body_start: int = 1
    quizzes: list[ParsedQuiz] = field(default_factory=list)
    usable: bool = False  # front matter could be read

    def line(self, *key: str) -> int:
        while key:
            if key in self.front_lines:
                return self.front_lines[key]
            key = key[:-1]
        return 1


def _to_number(text: str) -> float:
    return float(text.replace(",", "."))


def split_alternatives(text: str) -> list[str]:
    """``a | b \\| c`` → ``['a', 'b | c']`` (trimmed)."""
    parts = re.split(r"(?<!\\)\|", text)
    return [p.replace("\\|", "|").strip() for p in parts]


def parse_module_file(path: Path, raw: bytes, lang: str) -> tuple[ParsedModule, list[Finding]]:
    findings: list[Finding] = []
    check_utf8(raw, path, findings)
    text = decode_text(raw)
    lines = text.split("\n")
    parsed = ParsedModule(path=path, lang=lang, content_hash=content_hash(raw), lines=lines)

    # Front matter: line 1 is ---, closed by --- or ...
    if not lines or lines[0].strip() != "---":
        findings.append(error(path, 1, "front-matter-missing"))
        body_start = 0
    else:
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is None:
            findings.append(error(path, 1, "front-matter-unclosed"))
            body_start = len(lines)
        else:
            doc = parse_yaml_lines("\n".join(lines[1:end]), path, 2, findings)
            parsed.front_lines = doc.lines
            if doc.ok:
                if isinstance(doc.data, dict):
                    parsed.front = {str(k): v for k, v in doc.data.items()}
                    parsed.usable = True
                elif doc.data is None:
                    parsed.usable = True
                else:
                    findings.append(error(path, 2, "meta-not-mapping"))
            body_start = end + 1
    parsed.body_start = body_start + 1
    _validate_front(parsed, findings)

    body_lines = list(lines)
    for i in range(body_start):
        body_lines[i] = ""
    _parse_blocks(parsed, body_lines, body_start, findings)
    parsed.body = "\n".join(body_lines[body_start:])
    return parsed, findings


def _validate_front(parsed: ParsedModule, findings: list[Finding]) -> None:
    path, front = parsed.path, parsed.front
    if not parsed.usable:
        return
    for key in front:
        if key not in FRONT_MATTER_FIELDS:
            findings.append(warning(path, parsed.line(key), "module-unknown-field", field=key))
    for key in ("id", "title"):
        if key not in front:
            findings.append(error(path, 1, "module-missing-field", field=key))
    module_id = front.get("id")
    if module_id is not None and (not isinstance(module_id, str) or not ID_RE.match(module_id)):
        findings.append(error(path, parsed.line("id"), "bad-id", value=_short(module_id)))
        front.pop("id")
    title = front.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        findings.append(
            error(
                path,
                parsed.line("title"),
                "module-bad-value",
                field="title",
                expected="text",
                value=_short(title),
            )
        )
        front.pop("title")
    minutes = front.get("minutes")
    if minutes is not None and (not _is_int(minutes) or minutes < 1):
        findings.append(
            error(
                path,
                parsed.line("minutes"),
                "module-bad-value",
                field="minutes",
                expected="integer>=1",
                value=_short(minutes),
            )
        )
        front.pop("minutes")
    translation = front.get("translation")
    if translation is not None:
        if (
            not isinstance(translation, dict)
            or set(translation) - {"source", "source_hash"}
            or not isinstance(translation.get("source", ""), str)
            or not isinstance(translation.get("source_hash", ""), str)
        ):
            findings.append(
                error(
                    path,
                    parsed.line("translation"),
                    "module-bad-value",
                    field="translation",
                    expected="translation",
                    value=_short(translation),
                )
            )
            front.pop("translation")


def _parse_blocks(
    parsed: ParsedModule, body: list[str], start: int, findings: list[Finding]
) -> None:
    """Find ``::: quiz`` blocks (outside fenced code), blank them out of ``body``, parse each."""
    path = parsed.path
    fence: str | None = None
    i = start
    n = len(body)
    while i < n:
        line = body[i]
        m = FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            i += 1
            continue
        if m:
            fence = m.group(1)
            i += 1
            continue
        text = line.lstrip(" \t")
        if not text.startswith(":::"):
            i += 1
            continue
        if BLOCK_CLOSE_RE.match(text):
            # Usually the end of a quiz whose opening line is missing or mistyped: the options
            # above it would be shown to learners as ordinary text.
            findings.append(error(path, i + 1, "block-stray-close"))
            body[i] = ""
            i += 1
            continue
        indent = len(line) - len(text)
        om = BLOCK_OPEN_RE.match(text)
        name = om.group(1) if om else None
        if name != "quiz":
            findings.append(error(path, i + 1, "block-unknown", name=(name or line.strip())))
        elif indent:
            findings.append(error(path, i + 1, "quiz-indented"))
        # Find the end of the block: a closing ::: line, another opening, or end of file.
        j = i + 1
        inner_fence: str | None = None
        closed = False
        while j < n:
            lj = body[j]
            fm = FENCE_RE.match(lj)
            if inner_fence is not None:
                if fm and fm.group(1)[0] == inner_fence[0] and len(fm.group(1)) >= len(inner_fence):
                    inner_fence = None
            elif fm:
                inner_fence = fm.group(1)
            elif BLOCK_CLOSE_RE.match(lj.lstrip(" \t")):
                closed = True
                break
            elif lj.lstrip(" \t").startswith(":::"):
                break  # a new block opens: this one was never closed
            j += 1
        if not closed:
            findings.append(error(path, i + 1, "quiz-unclosed"))
        if name == "quiz":
            inner = body[i + 1 : j]
            # An indented block: its lines are read without the indentation they share.
            shared = min((len(t) - len(t.lstrip(" ")) for t in inner if t.strip()), default=0)
            block = [_dedent(t, min(indent, shared)) for t in inner]
            quiz = _parse_quiz(path, i + 1, om.group(2) if om else "", block, findings)
            if not closed:
                quiz.valid = False
            parsed.quizzes.append(quiz)
        end = j + 1 if closed else j
        for k in range(i, min(end, n)):
            body[k] = ""
        i = end


def _dedent(line: str, indent: int) -> str:
    """``line`` without up to ``indent`` leading spaces (the lines of an indented quiz block)."""
    if not indent:
        return line
    stripped = line.lstrip(" ")
    return line[min(indent, len(line) - len(stripped)) :]


def _parse_attributes(
    path: Path, line_no: int, text: str, findings: list[Finding]
) -> tuple[str | None, dict[str, str], bool]:
    text = text.strip()
    if not text:
        return None, {}, True
    if not (text.startswith("{") and text.endswith("}")):
        findings.append(error(path, line_no, "quiz-bad-attribute", text=text))
        return None, {}, False
    qid: str | None = None
    attrs: dict[str, str] = {}
    good = True
    for m in ATTR_TOKEN_RE.finditer(text[1:-1]):
        if m.group("id") is not None:
            qid = m.group("id")
        elif m.group("key") is not None:
            attrs[m.group("key")] = m.group("val").strip("\"'")
        elif m.group("flag") is not None:
            attrs[m.group("flag")] = ""
        elif m.group("bad") is not None:
            findings.append(error(path, line_no, "quiz-bad-attribute", text=m.group("bad")))
            good = False
    return qid, attrs, good


def _parse_quiz(
    path: Path, line_no: int, attr_text: str, block: list[str], findings: list[Finding]
) -> ParsedQuiz:
    before = len(findings)
    qid, attrs, _ = _parse_attributes(path, line_no, attr_text, findings)
    quiz = ParsedQuiz(id=qid, line=line_no)
    if qid is None:
        findings.append(error(path, line_no, "quiz-no-id"))
    elif not ID_RE.match(qid):
        findings.append(error(path, line_no, "bad-id", value=_short(qid)))
    for name, value in attrs.items():
        if name in ("points", "rev"):
            if not re.fullmatch(r"\d+", value) or int(value) < 1:
                findings.append(
                    error(
                        path,
                        line_no,
                        "quiz-bad-attribute-value",
                        name=name,
                        expected="integer>=1",
                        value=value or "''",
                    )
                )
            else:
                setattr(quiz, name, int(value))
        elif name == "shuffle":
            quiz.shuffle = value.lower() not in ("false", "no", "0")
        else:
            findings.append(warning(path, line_no, "quiz-unknown-attribute", name=name))

    section = "prompt"
    prompt: list[tuple[int, str]] = []
    hints: list[str] = []
    explanation: list[str] = []
    fence: str | None = None
    current: ParsedOption | None = None

    for offset, line in enumerate(block):
        ln = line_no + 1 + offset
        fm = FENCE_RE.match(line)
        if section == "explanation":
            if fence is None and HEADING_RE.match(line):
                findings.append(error(path, ln, "quiz-heading"))
                continue
            if fence is not None and fm and fm.group(1)[0] == fence[0]:
                fence = None
            elif fence is None and fm:
                fence = fm.group(1)
            if not explanation and not line.strip():
                continue
            if not explanation:
                quiz.explanation_line = ln
            explanation.append(line)
            continue
        if fence is not None:
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence):
                fence = None
            if section == "prompt":
                prompt.append((ln, line))
            continue
        if section == "prompt" and fm:
            fence = fm.group(1)
            prompt.append((ln, line))
            continue
        stripped = line.strip()
        if stripped == "---":
            section = "explanation"
            current = None
            continue
        if HEADING_RE.match(line):
            findings.append(error(path, ln, "quiz-heading"))
            continue
        hm = HINT_RE.match(line)
        if hm:
            if not hints:
                quiz.hint_line = ln
            hints.append((hm.group(1) or "").strip())
            current = None
            continue
        om = OPTION_RE.match(line) or NO_SPACE_OPTION_RE.match(line)
        if om:
            if om.re is NO_SPACE_OPTION_RE:
                findings.append(error(path, ln, "quiz-option-no-space", marker=om.group(1)))
            marker = om.group(1).lower().replace("()", "( )").replace("[]", "[ ]")
            current = ParsedOption(marker=marker, text=(om.group(2) or "").strip(), line=ln)
            if not current.text:
                findings.append(error(path, ln, "quiz-empty-option"))
            quiz.options.append(current)
            section = "options"
            continue
        pm = PAIR_RE.match(line)
        if pm and (section == "options" or "=>" in line):
            left, right = pm.group(1).strip(), pm.group(2).strip()
            if not right:
                findings.append(error(path, ln, "quiz-empty-answer"))
            quiz.pairs.append(ParsedPair(left=left, right=right, line=ln))
            current = None
            section = "options"
            continue
        if section == "prompt":
            if (
                line.startswith((" ", "\t"))
                and line.lstrip().startswith(">")
                and not prompt_is_list(prompt)
            ):
                findings.append(error(path, ln, "quiz-feedback-detached"))
                continue
            prompt.append((ln, line))
            continue
        # section == "options"
        if not stripped:
            continue
        if line.startswith((" ", "\t")):
            content = line.strip()
            if current is None:
                if content.startswith(">"):
                    findings.append(error(path, ln, "quiz-feedback-detached"))
                else:
                    findings.append(error(path, ln, "quiz-stray-text"))
                continue
            if content.startswith(">"):
                if not current.feedback:
                    current.feedback_line = ln
                current.feedback.append(re.sub(r"^>\s?", "", content))
            elif current.feedback:
                current.feedback.append(content)
            else:
                current.text = (current.text + " " + content).strip()
            continue
        if stripped.startswith(">"):
            findings.append(error(path, ln, "quiz-feedback-detached"))
        elif LIST_ITEM_RE.match(line):
            findings.append(error(path, ln, "quiz-option-marker"))
        else:
            findings.append(error(path, ln, "quiz-stray-text"))

    # Prompt text and the [[answer]] in it.
    while prompt and not prompt[0][1].strip():
        prompt.pop(0)
    while prompt and not prompt[-1][1].strip():
        prompt.pop()
    prompt_text = "\n".join(t for _, t in prompt)
    quiz.prompt_line = prompt[0][0] if prompt else line_no
    answers = list(ANSWER_RE.finditer(prompt_text))
    if len(answers) > 1:
        findings.append(error(path, quiz.prompt_line, "quiz-several-answers", count=len(answers)))
    if answers:
        m = answers[-1]
        quiz.answer_line = quiz.prompt_line + prompt_text.count("\n", 0, m.start())
        _parse_answer(path, quiz, m.group(1), findings)
        prompt_text = (prompt_text[: m.start()] + prompt_text[m.end() :]).strip()
        prompt_text = ANSWER_RE.sub("", prompt_text).strip()
    quiz.prompt = prompt_text
    quiz.hint = " ".join(h for h in hints if h)
    quiz.explanation = "\n".join(explanation).strip()
    if not prompt_text.strip():
        findings.append(error(path, line_no, "quiz-empty-prompt"))

    _decide_kind(path, quiz, findings)
    if any(f.is_error for f in findings[before:]):
        quiz.valid = False
    return quiz


def prompt_is_list(prompt: list[tuple[int, str]]) -> bool:
    """An indented ``>`` right under a Markdown list item of the question text is a nested quote."""
    for _, text in reversed(prompt):
        if text.strip():
            return bool(LIST_ITEM_RE.match(text.lstrip())) or text.startswith((" ", "\t"))
    return False


def _parse_answer(path: Path, quiz: ParsedQuiz, inner: str, findings: list[Finding]) -> None:
    inner = inner.strip()
    ln = quiz.answer_line
    alternatives = split_alternatives(inner)
    if len(alternatives) == 1:
        value = alternatives[0]
        m = NUM_TOLERANCE_RE.match(value)
        if m:
            v, tol = _to_number(m.group(1)), abs(_to_number(m.group(2)))
            quiz.numeric = (v - tol, v + tol, v, tol)
            return
        m = NUM_RANGE_RE.match(value)
        if m:
            low, high = _to_number(m.group(1)), _to_number(m.group(2))
            if low > high:
                findings.append(error(path, ln, "quiz-bad-range", low=m.group(1), high=m.group(2)))
            quiz.numeric = (low, high, None, None)
            return
        m = NUM_EXACT_RE.match(value)
        if m:
            v = _to_number(m.group(1))
            quiz.numeric = (v, v, v, 0.0)
            return
    if any(not a for a in alternatives):
        findings.append(error(path, ln, "quiz-empty-answer"))
    quiz.text_answers = [a for a in alternatives if a]


def _decide_kind(path: Path, quiz: ParsedQuiz, findings: list[Finding]) -> None:
    families = []
    if any(o.family == "( )" for o in quiz.options):
        families.append("( )")
    if any(o.family == "[ ]" for o in quiz.options):
        families.append("[ ]")
    if quiz.pairs:
        families.append("=>")
    if quiz.numeric is not None or quiz.text_answers or quiz.answer_line:
        families.append("[[ ]]")
    if not families:
        findings.append(error(path, quiz.line, "quiz-no-answer"))
        return
    if len(families) > 1:
        findings.append(
            error(path, quiz.line, "quiz-mixed-kinds", first=families[0], second=families[1])
        )
        return
    family = families[0]
    if family == "( )":
        quiz.kind = "single"
        right = sum(o.correct for o in quiz.options)
        if right != 1:
            findings.append(error(path, quiz.line, "quiz-single-correct", count=right))
    elif family == "[ ]":
        quiz.kind = "multiple"
        if not any(o.correct for o in quiz.options):
            findings.append(error(path, quiz.line, "quiz-multiple-none-correct"))
    elif family == "=>":
        quiz.kind = "matching"
        real = [p for p in quiz.pairs if p.left]
        if len(real) < 2:
            findings.append(error(path, quiz.line, "quiz-too-few-pairs", count=len(real)))
        seen: dict[str, int] = {}
        for p in real:
            key = p.left.casefold()
            if key in seen:
                findings.append(error(path, p.line, "quiz-duplicate-left", text=_short(p.left)))
            seen[key] = p.line
    else:
        quiz.kind = "numeric" if quiz.numeric is not None else "text"
    if family in ("( )", "[ ]") and len(quiz.options) < 2:
        findings.append(error(path, quiz.line, "quiz-too-few-options", count=len(quiz.options)))
