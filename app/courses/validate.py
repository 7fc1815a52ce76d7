"""Checks that look across files: ids, translations, answer keys, published ids, links, raw HTML.

Used by the loader while it builds a course; every check appends findings and never stops early.
The published-ids file (``published-ids.txt`` in the course folder) is read and written here.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from app.courses.findings import Finding, display_path, error, warning
from app.courses.model import normalise_answer_text
from app.courses.parser import ID_RE, ParsedModule, ParsedQuiz
from app.courses.render import LinkProblem
from app.courses.sanitise import raw_html_problems

LOCK_FILE = "published-ids.txt"
KEY_LENGTH = 10  # hex characters of an answer-key fingerprint in the lock file
LOCK_HEADER = (
    "# Ids published to learners; written by `flask courses check --update-lock`.\n"
    "# Learners' progress and quiz attempts refer to these ids. The checker reports an error\n"
    "# when one disappears, unless course.yml lists it under `retired:`. A question's rev= and\n"
    "# key= (a fingerprint of its answer key) tell when the key changed without a new rev.\n"
    "# Commit this file together with the course.\n"
)


def where(path: Path | str, line: int) -> str:
    return f"{display_path(path)}:{line}"


# --------------------------------------------------------------------------------------------
# Answer keys across languages


def _matching_shape(quiz: ParsedQuiz) -> tuple[int, tuple[int, ...], int]:
    """(pairs, partition of pairs by shared right side, distinct right sides incl. distractors)."""
    firsts: dict[str, int] = {}
    shape = []
    for p in quiz.pairs:
        key = p.right.strip().casefold()
        firsts.setdefault(key, len(firsts))
        if p.left:
            shape.append(firsts[key])
    return len(shape), tuple(shape), len(firsts)


def _fmt_num(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:g}"


def answer_key_differences(base: ParsedQuiz, other: ParsedQuiz) -> list[str]:
    """Short technical descriptions of how ``other``'s answer key differs from ``base``'s."""
    diffs: list[str] = []
    if base.kind != other.kind:
        return [f"kind {base.kind} ≠ {other.kind}"]
    if base.points != other.points:
        diffs.append(f"points {base.points} ≠ {other.points}")
    if base.rev != other.rev:
        diffs.append(f"rev {base.rev} ≠ {other.rev}")
    if base.kind in ("single", "multiple"):
        if len(base.options) != len(other.options):
            diffs.append(f"options {len(base.options)} ≠ {len(other.options)}")
        else:
            right_a = [i + 1 for i, o in enumerate(base.options) if o.correct]
            right_b = [i + 1 for i, o in enumerate(other.options) if o.correct]
            if right_a != right_b:
                diffs.append(
                    "right options "
                    + ",".join(map(str, right_a))
                    + " ≠ "
                    + ",".join(map(str, right_b))
                )
    elif base.kind == "numeric" and base.numeric and other.numeric:
        if base.numeric[:2] != other.numeric[:2]:
            diffs.append(
                f"numbers {_fmt_num(base.numeric[0])}..{_fmt_num(base.numeric[1])} ≠ "
                f"{_fmt_num(other.numeric[0])}..{_fmt_num(other.numeric[1])}"
            )
    elif base.kind == "matching":
        a, b = _matching_shape(base), _matching_shape(other)
        if a[0] != b[0]:
            diffs.append(f"pairs {a[0]} ≠ {b[0]}")
        elif a[2] != b[2]:
            diffs.append(f"right-hand choices {a[2]} ≠ {b[2]}")
        elif a[1] != b[1]:
            diffs.append("pairs share right-hand sides differently")
    return diffs


def answer_key_fingerprint(quiz: ParsedQuiz) -> str:
    """A short fingerprint of what counts as right: the kind, the number of options and which are
    right, the accepted numbers, the accepted texts and the right-hand side of each pair (texts
    normalised like learners' answers). Not the wording of the question or of the options, and not
    the points. Recorded in published-ids.txt to notice a changed key whose ``rev`` was not raised.
    """
    parts: list[str] = [quiz.kind or ""]
    if quiz.kind in ("single", "multiple"):
        parts.append(str(len(quiz.options)))
        parts.append(",".join(str(i) for i, o in enumerate(quiz.options) if o.correct))
    elif quiz.kind == "numeric" and quiz.numeric is not None:
        parts.extend(f"{x:.12g}" for x in quiz.numeric[:2])
    elif quiz.kind == "text":
        parts.extend(sorted({normalise_answer_text(a) for a in quiz.text_answers}))
    elif quiz.kind == "matching":
        rights = [normalise_answer_text(p.right) for p in quiz.pairs]
        parts.append("\x1e".join(r for p, r in zip(quiz.pairs, rights, strict=True) if p.left))
        parts.append("\x1e".join(sorted(set(rights))))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:KEY_LENGTH]


@dataclass(frozen=True)
class AnswerKey:
    """A question's answer key as the checker sees it (default language)."""

    rev: int
    key: str  # answer_key_fingerprint
    path: Path
    line: int  # of the ``::: quiz`` line


def check_translation_quizzes(
    default: ParsedModule, other: ParsedModule, findings: list[Finding]
) -> None:
    """Quizzes missing from / extra in a translation, order, and answer-key agreement."""
    base = {q.id: q for q in default.quizzes if q.id}
    mine = {q.id: q for q in other.quizzes if q.id}
    for qid in base:
        if qid not in mine:
            findings.append(error(other.path, 1, "quiz-missing-in-translation", question=qid))
    for qid, quiz in mine.items():
        if qid not in base:
            findings.append(error(other.path, quiz.line, "quiz-extra-in-translation", question=qid))
            continue
        if not (quiz.valid and base[qid].valid):
            continue
        diffs = answer_key_differences(base[qid], quiz)
        if diffs:
            findings.append(
                error(
                    other.path,
                    quiz.line,
                    "answer-key-differs",
                    question=qid,
                    detail="; ".join(diffs),
                )
            )
    common_base = [q for q in base if q in mine]
    common_mine = [q for q in mine if q in base]
    if common_base != common_mine:
        first = next(mine[b] for a, b in zip(common_base, common_mine, strict=True) if a != b)
        findings.append(warning(other.path, first.line, "quiz-order-differs"))


# --------------------------------------------------------------------------------------------
# Ids


@dataclass
class IdIndex:
    """First place each module id and question id was seen in a course."""

    modules: dict[str, tuple[Path, int]] = field(default_factory=dict)
    questions: dict[str, tuple[Path, int]] = field(default_factory=dict)


def register_module_id(
    index: IdIndex, module_id: str, path: Path, line: int, findings: list[Finding]
) -> None:
    if module_id in index.modules:
        first = index.modules[module_id]
        findings.append(error(path, line, "duplicate-id", value=module_id, first=where(*first)))
    else:
        index.modules[module_id] = (path, line)


def register_question_ids(
    index: IdIndex | None, parsed: ParsedModule, findings: list[Finding]
) -> None:
    """Duplicates inside one file always; across the course when ``index`` is given."""
    local: dict[str, int] = {}
    for quiz in parsed.quizzes:
        if not quiz.id or not ID_RE.match(quiz.id):
            continue
        if quiz.id in local:
            findings.append(
                error(
                    parsed.path,
                    quiz.line,
                    "duplicate-id",
                    value=quiz.id,
                    first=where(parsed.path, local[quiz.id]),
                )
            )
            continue
        local[quiz.id] = quiz.line
        if index is None:
            continue
        if quiz.id in index.questions:
            first = index.questions[quiz.id]
            findings.append(
                error(parsed.path, quiz.line, "duplicate-id", value=quiz.id, first=where(*first))
            )
        else:
            index.questions[quiz.id] = (parsed.path, quiz.line)


# --------------------------------------------------------------------------------------------
# Published ids (lock file)


@dataclass
class LockFile:
    path: Path
    exists: bool = False
    version: int | None = None
    version_line: int = 0
    modules: dict[str, int] = field(default_factory=dict)  # id -> line
    # (module id, question id) -> line
    questions: dict[tuple[str, str], int] = field(default_factory=dict)
    # (module id, question id) -> (rev, key fingerprint) as recorded (older files have none)
    keys: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)


_LOCK_LINE = re.compile(
    r"^(version|module|question)\s+(\S+)(?:\s+rev=(\d+)\s+key=([0-9a-f]{6,64}))?\s*$"
)


def read_lock(course_dir: Path, findings: list[Finding]) -> LockFile:
    lock = LockFile(path=course_dir / LOCK_FILE)
    if not lock.path.is_file():
        return lock
    lock.exists = True
    text = lock.path.read_text(encoding="utf-8", errors="replace")
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LOCK_LINE.match(line)
        if not m:
            findings.append(error(lock.path, n, "lock-bad-line", text=line[:60]))
            continue
        kind, value, rev, key = m.groups()
        if rev is not None and kind != "question":
            findings.append(error(lock.path, n, "lock-bad-line", text=line[:60]))
        elif kind == "version" and value.isdigit():
            lock.version, lock.version_line = int(value), n
        elif kind == "module" and ID_RE.match(value):
            lock.modules.setdefault(value, n)
        elif (
            kind == "question"
            and value.count("/") == 1
            and all(ID_RE.match(p) for p in value.split("/"))
        ):
            module_id, question_id = value.split("/")
            lock.questions.setdefault((module_id, question_id), n)
            if rev is not None:
                lock.keys.setdefault((module_id, question_id), (int(rev), key))
        else:
            findings.append(error(lock.path, n, "lock-bad-line", text=line[:60]))
    return lock


def check_published_ids(
    *,
    lock: LockFile,
    course_yml: Path,
    version: int,
    version_line: int,
    published: bool,
    published_line: int,
    retired: tuple[str, ...],
    retired_lines: dict[str, int],
    current: dict[str, list[str]],  # module id -> question ids (default language)
    findings: list[Finding],
    answer_keys: dict[tuple[str, str], AnswerKey] | None = None,  # (module id, question id)
) -> None:
    answer_keys = answer_keys or {}
    retired_set = set(retired)
    current_questions = {(m, q) for m, qs in current.items() for q in qs}
    for module_id, line in lock.modules.items():
        if module_id not in current and module_id not in retired_set:
            findings.append(
                error(lock.path, line, "published-id-removed", kind="module", value=module_id)
            )
    for (module_id, question_id), line in lock.questions.items():
        if (module_id, question_id) in current_questions:
            continue
        if question_id in retired_set or f"{module_id}/{question_id}" in retired_set:
            continue
        if module_id in retired_set and module_id not in current:
            continue  # the whole module was retired
        findings.append(
            error(
                lock.path,
                line,
                "published-id-removed",
                kind="question",
                value=f"{module_id}/{question_id}",
            )
        )
    # A changed answer key must come with a new rev, or old attempts are reviewed against it.
    for qkey, (recorded_rev, recorded_key) in lock.keys.items():
        now = answer_keys.get(qkey)
        if now is not None and now.rev == recorded_rev and now.key != recorded_key:
            findings.append(
                error(
                    now.path,
                    now.line,
                    "answer-key-changed",
                    question=qkey[1],
                    rev=now.rev,
                    next=now.rev + 1,
                )
            )
    if lock.version is not None and version < lock.version:
        findings.append(
            error(course_yml, version_line, "version-lowered", value=version, recorded=lock.version)
        )
    for rid in retired:
        module_part, _, question_part = rid.partition("/")
        present = (
            (module_part in current and not question_part)
            or (question_part and (module_part, question_part) in current_questions)
            or (not question_part and any(rid == q for _, q in current_questions))
        )
        if present:
            findings.append(
                warning(course_yml, retired_lines.get(rid, 1), "retired-id-present", value=rid)
            )
    if not published:
        return
    if not lock.exists:
        findings.append(warning(course_yml, published_line, "lock-missing", file=LOCK_FILE))
        return
    new = [f"module {m}" for m in current if m not in lock.modules]
    new += [
        f"question {m}/{q}" for m, q in sorted(current_questions) if (m, q) not in lock.questions
    ]
    if new:
        findings.append(
            warning(course_yml, published_line, "lock-outdated", file=LOCK_FILE, ids=_few(new))
        )
    unrecorded = [
        f"{m}/{q}"
        for (m, q), now in answer_keys.items()
        if (m, q) in lock.questions and lock.keys.get((m, q), (None, None))[0] != now.rev
    ]
    if unrecorded:
        findings.append(
            warning(
                course_yml,
                published_line,
                "lock-keys-outdated",
                file=LOCK_FILE,
                ids=_few(unrecorded),
            )
        )


def _few(items: list[str]) -> str:
    return ", ".join(items[:5]) + (" …" if len(items) > 5 else "")


def lock_text(
    lock: LockFile,
    version: int,
    current: dict[str, list[str]],
    answer_keys: dict[tuple[str, str], AnswerKey] | None = None,
) -> str:
    """The new lock file: everything recorded before plus everything in the course now, each
    question with its current rev and answer-key fingerprint (kept as recorded for questions
    no longer in the course)."""
    answer_keys = answer_keys or {}
    modules = dict.fromkeys(lock.modules)
    questions = dict.fromkeys(lock.questions)
    for module_id, question_ids in current.items():
        modules.setdefault(module_id)
        for qid in question_ids:
            questions.setdefault((module_id, qid))
    lines = [LOCK_HEADER, f"version {max(version, lock.version or 0)}\n"]
    lines += [f"module {m}\n" for m in modules]
    for m, q in questions:
        now = answer_keys.get((m, q))
        recorded = (now.rev, now.key) if now is not None else lock.keys.get((m, q))
        suffix = f" rev={recorded[0]} key={recorded[1]}" if recorded else ""
        lines.append(f"question {m}/{q}{suffix}\n")
    return "".join(lines)


# --------------------------------------------------------------------------------------------
# Links, images, raw HTML: map render problems back to lines


def locate_problems(
    path: Path,
    lines: list[str],
    start: int,
    problems: tuple[LinkProblem, ...],
    findings: list[Finding],
) -> None:
    """Turn ``LinkProblem``s into findings on the line where the target is written (searching
    from 1-based line ``start``); the n-th problem for a target goes to its n-th occurrence."""
    used: dict[tuple[str, str], int] = defaultdict(int)
    for problem in problems:
        key = (problem.code, problem.target)
        nth = used[key]
        used[key] += 1
        occurrences = [
            i + 1 for i in range(max(start - 1, 0), len(lines)) if problem.target in lines[i]
        ] or [start]
        line = occurrences[min(nth, len(occurrences) - 1)]
        findings.append(warning(path, line, problem.code, target=problem.target))


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>")


def _outside_fences(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(0-based index, line) of the lines outside fenced code blocks (the fences excluded)."""
    fence: str | None = None
    for offset, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield offset, line


def check_raw_html(parsed: ParsedModule, findings: list[Finding]) -> None:
    """Warn about raw HTML (outside code) that the sanitiser will remove, at its line."""
    comment = False
    body = parsed.lines[parsed.body_start - 1 :]
    for offset, line in _outside_fences(body):
        i = parsed.body_start - 1 + offset
        if line.startswith(("    ", "\t")) and not line.strip().startswith("<"):
            continue
        text = _CODE_SPAN.sub("", line)
        if comment or "<!--" in text:
            if "-->" in text:
                comment = False
                text = text.split("-->", 1)[1]
            else:
                comment = True
                continue
        problems: list[str] = []
        for tag in _TAG.finditer(text):
            problems.extend(raw_html_problems(tag.group(0)))
        for what in dict.fromkeys(problems):
            findings.append(warning(parsed.path, i + 1, "raw-html-stripped", what=what))


# --------------------------------------------------------------------------------------------
# Quiz syntax that was rendered as text (a mistyped or indented ``::: quiz`` line)

_OPTION_MARKER = r"(\(\s?\)|\([xX]\)|\[\s?\]|\[[xX]\])"
_LEAKED_OPTION_RE = re.compile(rf"^\s*{_OPTION_MARKER}")
_LEAKED_ANSWER_RE = re.compile(r"\[\[.*?\]\]", re.S)
# In text that Markdown did not make a list (e.g. right under a paragraph line): ``- (x) …``.
_LEAKED_BULLET_RE = re.compile(rf"^\s*(?:[-*+]|\d+[.)])\s*{_OPTION_MARKER}", re.M)
_SOURCE_OPTION_RE = re.compile(rf"^[\s>]*(?:(?:[-*+]|\d+[.)])\s*)+{_OPTION_MARKER}")
_SOURCE_ANSWER_RE = re.compile(r"\[\[")


class _QuizSyntaxScanner(HTMLParser):
    """Collects, outside ``<code>``/``<pre>``, the ``[[…]]`` answers in the text and the list
    items whose text starts with an option marker ``( )``, ``(x)``, ``[ ]`` or ``[x]``."""

    CODE = frozenset({"code", "pre", "kbd", "samp"})
    BLOCKS = frozenset(
        {"p", "li", "ul", "ol", "div", "blockquote", "table", "tr", "td", "th", "caption"}
        | {"dl", "dt", "dd", "details", "summary", "figure", "figcaption", "br", "hr"}
        | {"h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.code = 0
        self.item_start = False  # inside a <li> before its first text
        self.text: list[str] = []
        self.answers: list[str] = []
        self.options: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._flush()
        if tag == "li":
            self.item_start = True
        elif tag in self.CODE:
            self.code += 1
            self.item_start = False  # an item that starts with code is not an option

    def handle_endtag(self, tag: str) -> None:
        if tag in self.CODE:
            self.code = max(self.code - 1, 0)
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.code:
            return
        if self.item_start and data.strip():
            self.item_start = False
            m = _LEAKED_OPTION_RE.match(data)
            if m:
                self.options.append(m.group(1))
        self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self.text)
        self.text = []
        self.answers.extend(m.group(0) for m in _LEAKED_ANSWER_RE.finditer(text))
        self.options.extend(m.group(1) for m in _LEAKED_BULLET_RE.finditer(text))


def _candidate_lines(lines: list[str], first_line: int) -> tuple[list[int], list[int]]:
    """1-based lines (outside fenced code and code spans) that may hold a leaked answer or
    option, to place the findings found in the HTML."""
    answers: list[int] = []
    options: list[int] = []
    for offset, line in _outside_fences(lines):
        text = _CODE_SPAN.sub("", line).replace("\\[", "[").replace("\\(", "(")
        if _SOURCE_ANSWER_RE.search(text):
            answers.append(first_line + offset)
        if _SOURCE_OPTION_RE.match(text):
            options.append(first_line + offset)
    return answers, options


def check_quiz_syntax_leaks(
    path: Path, html: str, lines: list[str], first_line: int, findings: list[Finding]
) -> None:
    """Report quiz syntax that reached the rendered ``html`` as ordinary text: answers in
    ``[[ ]]`` and list items starting with an option marker, outside code. ``lines`` is the
    Markdown that was rendered, its first line being line ``first_line`` of ``path``."""
    scanner = _QuizSyntaxScanner()
    scanner.feed(html)
    scanner.close()
    if not scanner.answers and not scanner.options:
        return
    answer_lines, option_lines = _candidate_lines(lines, first_line)
    for n, text in enumerate(scanner.answers):
        line = _nth(answer_lines, n, first_line)
        shown = text if len(text) <= 60 else text[:57] + "..."
        findings.append(error(path, line, "leak-answer-marker", text=shown))
    for n, marker in enumerate(scanner.options):
        line = _nth(option_lines, n, first_line)
        findings.append(error(path, line, "leak-option-marker", marker=marker))


def _nth(candidates: list[int], n: int, default: int) -> int:
    if not candidates:
        return default
    return candidates[min(n, len(candidates) - 1)]
