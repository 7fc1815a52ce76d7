"""Imported questions → ``::: quiz`` blocks of the course format (docs/COURSE_FORMAT_DECISIONS.md).

How Moodle's question types map:

- multiple choice with one right answer (``=``) → single choice ``( )``/``(x)``, ``shuffle``;
- multiple answer (``~%50%``…) → multiple choice ``[ ]``/``[x]``: every option with a positive
  weight is ``[x]``, ``shuffle``;
- true/false → single choice with two options in the module's language (lv Patiesi/Aplami,
  lt Tiesa/Netiesa, en True/False), the right one ``(x)``;
- short answer → ``[[a | b]]`` at the end of the text: the answers worth 100 % (``|`` → ``\\|``);
- numerical → ``[[v +- tol]]``, ``[[low..high]]`` or ``[[v]]``: the answer worth 100 %;
- matching → ``- left => right``; an answer without a question is a distractor ``- => right``;
- per-answer feedback → ``  > feedback`` under the option;
- general feedback (``####``) → the explanation after ``---``;
- ``$CATEGORY:`` → a comment line ``<!-- category: … -->`` before the category's first quiz;
- ``[id:…]``/``[tag:…]`` → a comment line ``<!-- moodle: idnumber …; tags … -->`` above the quiz;
- essay, description, cloze → not converted; reported as
  ``line N: essay question 'Q8' cannot be converted``.

Weights. Moodle adds up the weights of the ticked options (negative ones subtract; the total is at
least 0). Lasītava's multiple choice has no weights: it scores max(0, (right ticks - wrong ticks)
/ right options) (app/learning/grading.py). So with N options ``[x]``, each right tick is worth
1/N and each wrong tick costs 1/N. The conversion is exact when the positive weights are equal and
add up to 100 % and every other option weighs -100/N %, e.g. ``~%50%a ~%50%b ~%-50%c``. Otherwise
the original weights are kept in a comment line above the quiz
(``<!-- weights: yellow 50%, red -100% -->``, written for every multiple-answer question) and the
difference is reported as a warning: unequal positive weights, positive weights that do not add
up to 100 %, wrong options that cost more or less than 1/N (a 0 % option costs nothing in Moodle).
Also reported: partial or negative credit in a single-choice question (lost), partial-credit or
wildcard short answers and numbers (left out), feedback for typed answers (left out), and a
single-choice question with several 100 % answers (becomes multiple choice).

Text formats. ``[markdown]`` is kept as written. ``[plain]`` and ``[moodle]`` texts are escaped so
that Markdown shows them as written (``[moodle]`` keeps its HTML tags). ``[html]`` is converted to
Markdown where a plain equivalent exists (paragraphs, line breaks, bold, italic, code, links,
images, lists) and kept as raw HTML otherwise (tables, ``<pre>``…), without the ``style`` and
``class`` attributes that the sanitiser would strip anyway. In every format, a line that the quiz
syntax would misread (``:::``, ``? ``, ``---``, ``#``, ``- ( )``, ``=>``, ``[[ ]]``) is neutralised
with an HTML character reference.

Ids: the slug of the title (ASCII ``a-z0-9-``, at most 64 characters, unique in the output, ``q-``
in front when it would be too short), otherwise ``q-<line>``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from app.courses.importers import (
    Answer,
    ImportedQuestion,
    ImportIssue,
    NumericAnswer,
    issue,
)

TRUE_FALSE_LABELS: dict[str, tuple[str, str]] = {
    "lv": ("Patiesi", "Aplami"),
    "lt": ("Tiesa", "Netiesa"),
    "en": ("True", "False"),
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_FULL = 0.99999  # a fraction at least this large is 100 %


@dataclass
class EmitResult:
    """The quiz blocks as one Markdown text, and what happened on the way."""

    text: str = ""
    ids: list[str] = field(default_factory=list)
    unconvertible: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def converted(self) -> int:
        return len(self.ids)


class _CannotConvertError(Exception):
    def __init__(self, reason_code: str, **params: object) -> None:
        super().__init__(reason_code)
        self.reason_code = reason_code
        self.params = params


def emit_blocks(
    questions: list[ImportedQuestion],
    lang: str = "lv",
    *,
    id_prefix: str = "",
    reserved_ids: set[str] | frozenset[str] = frozenset(),
) -> EmitResult:
    """Convert questions to quiz blocks. ``lang`` chooses the true/false option labels;
    ``id_prefix`` goes in front of every question id (so that two imports into one course do not
    clash) and ``reserved_ids`` (ids already used in the course) are avoided."""
    if lang not in TRUE_FALSE_LABELS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(TRUE_FALSE_LABELS)}")
    result = EmitResult()
    used: set[str] = set(reserved_ids)
    chunks: list[str] = []
    category: str | None = None
    for question in questions:
        if question.kind in ("essay", "description", "cloze"):
            result.unconvertible.append(
                issue(
                    question.line,
                    "cannot-convert",
                    "warning",
                    kind=question.kind,
                    title=question.label,
                )
            )
            continue
        notes: list[str] = []
        lossy: list[tuple[str, dict[str, object]]] = []
        try:
            block = _QuestionEmitter(question, lang, notes, lossy).block()
        except _CannotConvertError as exc:
            result.unconvertible.append(
                issue(
                    question.line,
                    "cannot-convert-because",
                    "warning",
                    kind=question.kind,
                    title=question.label,
                    reason_code=exc.reason_code,
                    **exc.params,
                )
            )
            continue
        qid = question_id(question, used, id_prefix)
        used.add(qid)
        result.ids.append(qid)
        for code, params in lossy:
            result.warnings.append(
                issue(
                    question.line,
                    "lossy",
                    "warning",
                    title=question.label,
                    detail_code=code,
                    **params,
                )
            )
        lines: list[str] = []
        if question.category and question.category != category:
            lines.append(_comment(f"category: {question.category}"))
        category = question.category or category
        meta = []
        if question.idnumber:
            meta.append(f"idnumber {question.idnumber}")
        if question.tags:
            meta.append("tags " + ", ".join(question.tags))
        if meta:
            lines.append(_comment("moodle: " + "; ".join(meta)))
        lines.extend(_comment(note) for note in notes)
        attributes = f"#{qid}" + (" shuffle" if block.shuffle else "")
        lines.append(f"::: quiz {{{attributes}}}")
        lines.append(block.body)
        lines.append(":::")
        chunks.append("\n".join(lines))
    result.text = "\n\n".join(chunks) + ("\n" if chunks else "")
    return result


# --------------------------------------------------------------------------------------------
# Ids

_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
     "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"}
)  # fmt: skip


def slugify(text: str, limit: int = 64) -> str:
    """ASCII lower-case slug: ``Sensorā telpa (1)`` → ``sensora-telpa-1``; at most ``limit``
    characters, cut at a hyphen where possible."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else cut
        slug = slug.strip("-")
    return slug


def question_id(question: ImportedQuestion, used: set[str], prefix: str = "") -> str:
    """The title's slug (``q-`` in front when needed), else ``q-<line>``; with ``prefix``
    (slugified) in front; unique within ``used`` (``-2``, ``-3``… appended) and at most 64
    characters."""
    head = slugify(prefix, limit=40)
    head = f"{head}-" if head else ""
    base = slugify(question.title or "", limit=64 - len(head))
    if base and not ID_RE.match(head + base):
        base = slugify("q-" + base, limit=64 - len(head))
    if not base or not ID_RE.match(head + base):
        base = f"q-{question.line}"
    base = head + base
    candidate, n = base, 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 64 - len(suffix)].rstrip("-") + suffix
    return candidate


# --------------------------------------------------------------------------------------------
# One question


@dataclass
class _Block:
    body: str
    shuffle: bool


class _QuestionEmitter:
    def __init__(
        self,
        question: ImportedQuestion,
        lang: str,
        notes: list[str],
        lossy: list[tuple[str, dict[str, object]]],
    ) -> None:
        self.q = question
        self.lang = lang
        self.notes = notes
        self.lossy = lossy

    def note_lossy(self, code: str, **params: object) -> None:
        self.lossy.append((code, params))

    def block(self) -> _Block:
        q = self.q
        prompt = block_markdown(q.text, q.text_format, prompt=True)
        if not prompt.strip():
            raise _CannotConvertError("empty-text")
        shuffle = False
        answer_lines: list[str] = []
        if q.kind in ("single", "multiple"):
            answer_lines, shuffle = self.choices()
        elif q.kind == "truefalse":
            answer_lines = self.truefalse()
        elif q.kind == "shortanswer":
            prompt = _append_answer(prompt, self.shortanswer())
        elif q.kind == "numerical":
            prompt = _append_answer(prompt, self.numerical())
        elif q.kind == "matching":
            answer_lines = self.matching()
            shuffle = True
        else:  # pragma: no cover - emit_blocks filters the other kinds
            raise _CannotConvertError("empty-text")
        texts = [q.text, q.general_feedback, *(a.text for a in q.answers)]
        texts += [a.feedback for a in q.answers] + [p.left for p in q.pairs]
        if any("@@PLUGINFILE@@" in t for t in texts):
            self.note_lossy("moodle-files")
        parts = [prompt]
        if answer_lines:
            parts.append("\n".join(answer_lines))
        explanation = block_markdown(q.general_feedback, q.general_feedback_format, prompt=False)
        if explanation.strip():
            parts.append("---")
            parts.append(explanation)
        return _Block("\n\n".join(parts), shuffle)

    # -- choices ----------------------------------------------------------------------------

    def options(self) -> list[tuple[Answer, str]]:
        kept = []
        for answer in self.q.answers:
            text = inline_markdown(answer.text, answer.text_format)
            if not text.strip():
                self.note_lossy("empty-option-dropped")
                continue
            kept.append((answer, text))
        return kept

    def choices(self) -> tuple[list[str], bool]:
        options = self.options()
        if len(options) < 2:
            raise _CannotConvertError("too-few-options")
        q = self.q
        weights = ", ".join(f"{_plain_label(a)} {_percent(a.fraction)}" for a, _ in options)
        if q.kind == "single":
            full = [a for a, _ in options if a.fraction >= _FULL]
            if not full:
                raise _CannotConvertError("no-correct-option")
            partial = [a for a, _ in options if 0 < a.fraction < _FULL]
            negative = [a for a, _ in options if a.fraction < 0]
            multiple = len(full) > 1
            if multiple:
                self.note_lossy("several-correct-single", count=len(full))
            if partial:
                self.note_lossy("partial-single", weights=_weights_list(partial))
            if negative:
                self.note_lossy("negative-single", weights=_weights_list(negative))
            if partial or negative or multiple:
                self.notes.append(f"weights: {weights}")
            marker = ("[x]", "[ ]") if multiple else ("(x)", "( )")
            lines = []
            for answer, text in options:
                lines.append(f"- {marker[0] if answer.fraction >= _FULL else marker[1]} {text}")
                lines.extend(self.feedback(answer))
            return lines, True
        positive = [a for a, _ in options if a.fraction > 0]
        if not positive:
            raise _CannotConvertError("no-positive-option")
        self.notes.append(f"weights: {weights}")
        values = [a.fraction for a in positive]
        if max(values) - min(values) > 0.0001:
            self.note_lossy("unequal-weights", weights=_weights_list(positive))
        total = sum(values) * 100
        if abs(total - 100) > 0.01:
            self.note_lossy("weights-not-100", total=_number(Decimal(str(round(total, 3)))))
        penalty = 1 / len(positive)
        differ = [a for a, _ in options if a.fraction <= 0 and abs(a.fraction + penalty) > 0.0001]
        if differ:
            self.note_lossy(
                "penalties-differ", penalty=_percent(penalty), weights=_weights_list(differ)
            )
        lines = []
        for answer, text in options:
            lines.append(f"- {'[x]' if answer.fraction > 0 else '[ ]'} {text}")
            lines.extend(self.feedback(answer))
        return lines, True

    def feedback(self, answer: Answer) -> list[str]:
        text = inline_markdown(answer.feedback, answer.feedback_format)
        return [f"  > {text}"] if text.strip() else []

    def truefalse(self) -> list[str]:
        labels = TRUE_FALSE_LABELS[self.lang]
        lines = []
        for answer, label in zip(self.q.answers, labels, strict=True):
            lines.append(f"- {'(x)' if answer.fraction >= _FULL else '( )'} {label}")
            lines.extend(self.feedback(answer))
        return lines

    # -- typed answers ----------------------------------------------------------------------

    def shortanswer(self) -> str:
        accepted: list[str] = []
        partial, wildcard, unwritable, with_feedback = [], [], [], []
        for answer in self.q.answers:
            text = answer.text
            if answer.feedback.strip():
                with_feedback.append(text)
            if text == "*":
                if answer.fraction >= _FULL:
                    raise _CannotConvertError("any-answer-correct")
                continue
            if answer.fraction < _FULL:
                if answer.fraction > 0:
                    partial.append(f"{text} {_percent(answer.fraction)}")
                continue
            if re.search(r"(?<!\\)\*", text):
                wildcard.append(text)
                continue
            literal = text.replace("\\*", "*")
            if "]]" in literal or literal.endswith(("]", "\\")):
                unwritable.append(literal)
                continue
            if literal.casefold() not in (a.casefold() for a in accepted):
                accepted.append(literal)
        if wildcard:
            self.note_lossy("wildcard-dropped", answers=_quoted(wildcard))
        if unwritable:
            self.note_lossy("unwritable-answers-dropped", answers=_quoted(unwritable))
        if partial:
            self.note_lossy("partial-answers-dropped", answers=_quoted(partial))
        if with_feedback:
            self.note_lossy("answer-feedback-dropped", answers=_quoted(with_feedback))
        if not accepted:
            raise _CannotConvertError("no-correct-option")
        return "[[" + " | ".join(a.replace("|", "\\|") for a in accepted) + "]]"

    def numerical(self) -> str:
        full: list[NumericAnswer] = []
        partial, with_feedback = [], []
        for answer in self.q.numeric_answers:
            label = _numeric_label(answer)
            if answer.feedback.strip():
                with_feedback.append(label)
            if answer.value is None:
                if answer.fraction >= _FULL:
                    raise _CannotConvertError("any-answer-correct")
                continue
            if answer.fraction >= _FULL:
                full.append(answer)
            elif answer.fraction > 0:
                partial.append(f"{label} {_percent(answer.fraction)}")
        if partial:
            self.note_lossy("partial-answers-dropped", answers=_quoted(partial))
        if with_feedback:
            self.note_lossy("answer-feedback-dropped", answers=_quoted(with_feedback))
        if not full:
            raise _CannotConvertError("no-correct-option")
        widest = _covering(full)
        if widest is None:
            raise _CannotConvertError("several-numbers")
        return f"[[{_numeric_label(widest)}]]"

    # -- matching ---------------------------------------------------------------------------

    def matching(self) -> list[str]:
        lines = []
        real = 0
        for pair in self.q.pairs:
            left = inline_markdown(pair.left, pair.left_format).replace("=>", "=&gt;")
            right = " ".join(pair.right.split())
            if not right:
                continue
            if left.strip():
                real += 1
                lines.append(f"- {left} => {right}")
            else:
                lines.append(f"- => {right}")
        if real < 2:
            raise _CannotConvertError("too-few-pairs")
        return lines


def _covering(answers: list[NumericAnswer]) -> NumericAnswer | None:
    """The answer whose interval contains all the others' (they then accept nothing more)."""
    for candidate in answers:
        outer = candidate.interval
        assert outer is not None  # noqa: S101 - catch-all answers are filtered out before
        if all(
            (inner := a.interval) is not None and outer[0] <= inner[0] and inner[1] <= outer[1]
            for a in answers
        ):
            return candidate
    return None


def _numeric_label(answer: NumericAnswer) -> str:
    if answer.value is None:
        return "*"
    if answer.low is not None and answer.high is not None:
        if answer.low == answer.high:
            return _number(answer.low)
        return f"{_number(answer.low)}..{_number(answer.high)}"
    if answer.tolerance == 0:
        return _number(answer.value)
    return f"{_number(answer.value)} +- {_number(answer.tolerance)}"


def _number(value: Decimal) -> str:
    """Plain decimal notation without exponent or needless zeros: ``1E+3`` → ``1000``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _percent(fraction: float) -> str:
    return _number(Decimal(str(round(fraction * 100, 5)))) + "%"


def _plain_label(answer: Answer) -> str:
    text = _strip_tags(answer.text) if answer.text_format in ("html", "moodle") else answer.text
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39].rstrip() + "…"


def _weights_list(answers: list[Answer]) -> str:
    return ", ".join(f'"{_plain_label(a)}" {_percent(a.fraction)}' for a in answers)


def _quoted(items: list[str]) -> str:
    return ", ".join(f'"{" ".join(i.split())}"' for i in items)


def _comment(text: str) -> str:
    text = " ".join(text.split())
    while "--" in text:
        text = text.replace("--", "- -")
    return f"<!-- {text} -->"


def _append_answer(prompt: str, answer: str) -> str:
    """Put ``[[…]]`` at the end of the question text: on the last line when that is a plain
    line of text, else on a line of its own."""
    last = prompt.rstrip().split("\n")[-1]
    if last.lstrip().startswith(("<", "```", "~~~", "|")) or last.startswith(("    ", "\t")):
        return prompt.rstrip() + "\n\n" + answer
    return prompt.rstrip() + " " + answer


# --------------------------------------------------------------------------------------------
# Text conversion

_TAG_RE = re.compile(r"<!--.*?-->|<[A-Za-z/!][^<>]*>", re.S)
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_OPTION_LIKE_RE = re.compile(r"^(\s*)([-*+])(\s+(?:\(\s?\)|\([xX]\)|\[\s?\]|\[[xX]\]))")
_PAIR_LIKE_RE = re.compile(r"^\s*[-*+]\s+.*=>")
_HEADING_RE = re.compile(r"^(\s{0,3})(#{1,6})(\s|$)")
_HINT_RE = re.compile(r"^\?(\s|$)")
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ENTITY = {c: f"&#{ord(c)};" for c in "-*+#>?:=_`~.)(["}


def block_markdown(text: str, fmt: str, *, prompt: bool) -> str:
    """A question text or general feedback as Markdown lines safe inside a quiz block."""
    if not text.strip():
        return ""
    if fmt == "markdown":
        md = _protect_brackets(text)
    elif fmt == "html":
        md = _HtmlToMarkdown.convert(text, inline=False)
    else:
        md = "\n".join(
            _protect_line_start(_escape_text(line.strip(), html_allowed=fmt == "moodle"))
            for line in text.split("\n")
        )
    return _protect_quiz_syntax(md, prompt=prompt)


def inline_markdown(text: str, fmt: str) -> str:
    """An option, feedback or matching text as one line of Markdown. It is rendered on its own,
    so its start is a line start: ``1. Introduction`` must not become a list."""
    if not text.strip():
        return ""
    if fmt == "markdown":
        md = " ".join(line.strip() for line in _protect_brackets(text).split("\n"))
    elif fmt == "html":
        md = _HtmlToMarkdown.convert(text, inline=True)
    else:
        md = _escape_text(" ".join(text.split()), html_allowed=fmt == "moodle")
    md = re.sub(r"[ \t\n]+", " ", md).strip()
    return md if fmt == "markdown" else _protect_line_start(md)


def _protect_brackets(text: str) -> str:
    return text.replace("[[", "[\\[").replace("]]", "]\\]")


def _escape_text(text: str, *, html_allowed: bool) -> str:
    """Escape Markdown syntax in text that was not written as Markdown. With ``html_allowed``
    (Moodle's auto-format) the HTML tags stay as they are and only the text between them is
    escaped."""
    if not html_allowed:
        return _escape_plain(text.replace("&", "&amp;").replace("<", "&lt;"))
    out, pos = [], 0
    for m in _TAG_RE.finditer(text):
        out.append(_escape_plain(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")
    return _escape_emphasis(text)


def _escape_emphasis(text: str) -> str:
    """Escape ``*`` and ``_`` that Markdown could read as emphasis; leave ``2 * 3``,
    ``snake_case`` and blanks ``_____`` as they are."""

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        before = text[m.start() - 1] if m.start() > 0 else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if run[0] == "*":
            keep = before.isspace() and after.isspace()
        elif before.isalnum() and after.isalnum():
            keep = True
        else:
            keep = len(run) >= 3 and not before.isalnum() and not after.isalnum()
        return run if keep else "".join("\\" + c for c in run)

    return re.sub(r"\*+|_+", fix, text)


def _protect_line_start(line: str) -> str:
    """Neutralise Markdown block syntax at the start of a line of non-Markdown text: lists,
    quotes, headings, rules, setext underlines, code fences."""
    stripped = line.lstrip()
    lead = line[: len(line) - len(stripped)]
    if not stripped:
        return line
    first = stripped[0]
    if first in "-*+" and (len(stripped) == 1 or stripped[1].isspace()):
        return lead + _ENTITY[first] + stripped[1:]
    m = re.match(r"^(\d{1,9})([.)])(\s|$)", stripped)
    if m:
        return lead + m.group(1) + _ENTITY[m.group(2)] + stripped[m.end(2) :]
    if first in "#>":
        return lead + _ENTITY[first] + stripped[1:]
    if re.fullmatch(r"([-=_*])(\s*\1)*\s*", stripped) or re.match(r"(`{3,}|~{3,})", stripped):
        return lead + _ENTITY[first] + stripped[1:]
    return line


def _protect_quiz_syntax(md: str, *, prompt: bool) -> str:
    """Neutralise lines that the quiz-block parser would take for its own syntax."""
    lines = md.split("\n")
    fence: str | None = None
    out = []
    for line in lines:
        m = _FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        if line.startswith(":::"):
            line = _ENTITY[":"] + line[1:]
        heading = _HEADING_RE.match(line)
        if heading:
            line = heading.group(1) + _ENTITY["#"] + line[len(heading.group(1)) + 1 :]
        if re.fullmatch(r"\s*(_\s*){3,}", line):
            stripped = line.lstrip()
            line = line[: len(line) - len(stripped)] + _ENTITY["_"] + stripped[1:]
        if prompt:
            if line.strip() == "---":
                line = line.replace("-", _ENTITY["-"], 1)
            if _HINT_RE.match(line):
                line = _ENTITY["?"] + line[1:]
            option = _OPTION_LIKE_RE.match(line)
            if option:  # keep the list item, break the ( ) / [ ] marker
                at = option.end(2) + len(option.group(3)) - len(option.group(3).lstrip())
                line = line[:at] + _ENTITY[line[at]] + line[at + 1 :]
            elif _PAIR_LIKE_RE.match(line):
                line = line.replace("=>", "=&gt;")
            if re.match(r"^\s+>", line):
                line = line.lstrip()
        out.append(line)
    return "\n".join(out)


def _strip_tags(text: str) -> str:
    return html.unescape(_TAG_RE.sub(" ", text))


# --------------------------------------------------------------------------------------------
# HTML → Markdown

_BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "thead",
     "tbody", "tfoot", "tr", "td", "th", "caption", "blockquote", "hr", "figure", "figcaption",
     "dl", "dt", "dd", "section", "article", "header", "footer", "address", "details", "summary",
     "center"}
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "col", "input", "source", "area", "meta", "link"})
_TRANSPARENT = frozenset({"span", "font", "center", "section", "article", "header", "footer"})
_KEEP_INLINE = frozenset(
    {"sub", "sup", "u", "s", "del", "ins", "mark", "small", "kbd", "q", "abbr", "var", "samp",
     "dfn", "cite", "time", "bdi", "bdo", "wbr"}
)  # fmt: skip
_KEEP_ATTRIBUTES = frozenset(
    {"href", "src", "alt", "title", "lang", "dir", "width", "height", "colspan", "rowspan",
     "scope", "start", "reversed", "value", "datetime", "hreflang", "align"}
)  # fmt: skip


@dataclass
class _Node:
    tag: str  # "" for text, "#comment" for comments
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def attr(self, name: str) -> str:
        return next((v or "" for k, v in self.attrs if k == name), "")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(_Node("", text=data))

    def handle_comment(self, data: str) -> None:
        self.stack[-1].children.append(_Node("#comment", text=data))


class _HtmlToMarkdown:
    """A small HTML → Markdown converter for the HTML that Moodle's editors produce."""

    def __init__(self, inline: bool) -> None:
        self.inline_mode = inline

    @classmethod
    def convert(cls, source: str, *, inline: bool) -> str:
        builder = _TreeBuilder()
        builder.feed(source)
        builder.close()
        converter = cls(inline)
        if inline:
            return converter.inline_text(builder.root.children)
        return "\n\n".join(b for b in converter.blocks(builder.root.children) if b.strip())

    # -- block context ----------------------------------------------------------------------

    def blocks(self, nodes: list[_Node]) -> list[str]:
        blocks: list[str] = []
        run: list[_Node] = []

        def flush() -> None:
            if run:
                text = self.paragraph(run)
                if text:
                    blocks.append(text)
                run.clear()

        for node in nodes:
            if node.tag not in _BLOCK_TAGS or node.tag in _TRANSPARENT:
                if node.tag in _TRANSPARENT and any(_has_block(c) for c in node.children):
                    flush()
                    blocks.extend(self.blocks(node.children))
                else:
                    run.append(node)
                continue
            flush()
            blocks.extend(self.block(node))
        flush()
        return blocks

    def block(self, node: _Node) -> list[str]:
        tag = node.tag
        if tag in ("p", "div", "figure", "figcaption", "address", "dt", "dd"):
            if any(_has_block(c) for c in node.children):
                return self.blocks(node.children)
            text = self.paragraph(node.children)
            return [text] if text else []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline_text(node.children)
            return [f"**{text}**"] if text else []
        if tag in ("ul", "ol") and self.simple_list(node):
            items = [c for c in node.children if c.tag == "li"]
            lines = []
            for n, item in enumerate(items, start=1):
                text = self.inline_text(item.children)
                marker = f"{n}." if tag == "ol" else "-"
                lines.append(f"{marker} {text}")
            return ["\n".join(lines)] if lines else []
        if tag == "hr":
            return []
        raw = self.raw(node)
        return [raw] if raw.strip() else []

    def simple_list(self, node: _Node) -> bool:
        for child in node.children:
            if child.tag == "" and not child.text.strip() or child.tag == "#comment":
                continue
            if child.tag != "li" or any(_has_block(c) for c in child.children):
                return False
        return True

    def paragraph(self, nodes: list[_Node]) -> str:
        text = self.inline_text(nodes)
        lines = [_protect_line_start(line.strip()) for line in text.split("\n")]
        return "\n".join(line for line in lines if line)

    # -- inline context ---------------------------------------------------------------------

    def inline_text(self, nodes: list[_Node]) -> str:
        text = "".join(self.inline(n) for n in nodes)
        text = re.sub(r"(?:<br>\n?|\s)+$", "", text)
        text = re.sub(r"^(?:<br>\n?|\s)+", "", text)
        return text.strip(" ")

    def inline(self, node: _Node) -> str:
        tag = node.tag
        if tag == "":
            return _escape_text(_HTML_SPACE_RE.sub(" ", node.text), html_allowed=False)
        if tag == "#comment":
            return ""
        if tag == "br":
            return "<br>" if self.inline_mode else "<br>\n"
        if tag in ("b", "strong"):
            return _wrap(self.inner(node), "**")
        if tag in ("i", "em"):
            inner = self.inner(node)
            return _wrap(
                inner, "_" if inner.strip()[:1] == "*" or inner.strip()[-1:] == "*" else "*"
            )
        if tag == "code" and not any(c.tag for c in node.children):
            code = _HTML_SPACE_RE.sub(" ", "".join(c.text for c in node.children))
            if "`" not in code and code.strip():
                return f"`{code}`"
        if (
            tag == "a"
            and node.attr("href")
            and not any(
                c.tag and c.tag not in _TRANSPARENT and c.tag not in ("b", "strong", "i", "em")
                for c in node.children
            )
        ):
            label = self.inner(node).strip() or _escape_plain(node.attr("href"))
            return f"[{label}]({_url(node.attr('href'))})"
        if tag == "img" and node.attr("src"):
            alt = _escape_plain(" ".join(node.attr("alt").split()))
            return f"![{alt}]({_url(node.attr('src'))})"
        if tag in _TRANSPARENT or tag in ("p", "div", "li") and self.inline_mode:
            inner = self.inner(node)
            if tag in ("p", "div", "li") and inner.strip():
                return inner + "<br>"
            return inner
        if tag in _KEEP_INLINE:
            return f"<{tag}{_attributes(node)}>{self.inner(node)}</{tag}>"
        return self.raw(node, flat=self.inline_mode)

    def inner(self, node: _Node) -> str:
        return "".join(self.inline(c) for c in node.children)

    # -- raw HTML ---------------------------------------------------------------------------

    def raw(self, node: _Node, *, flat: bool = False) -> str:
        """Serialise an element as HTML without presentational attributes."""
        text = _serialise(node)
        return " ".join(text.split()) if flat else text.strip()


def _has_block(node: _Node) -> bool:
    if node.tag in _BLOCK_TAGS and node.tag not in _TRANSPARENT:
        return True
    return node.tag in _TRANSPARENT and any(_has_block(c) for c in node.children)


def _wrap(inner: str, mark: str) -> str:
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{core}{mark}{trail}"


def _url(url: str) -> str:
    url = url.strip()
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _attributes(node: _Node) -> str:
    parts = []
    for name, value in node.attrs:
        if name in _KEEP_ATTRIBUTES:
            parts.append(f' {name}="{html.escape(value or "", quote=True)}"')
    return "".join(parts)


def _serialise(node: _Node) -> str:
    if node.tag == "":
        return html.escape(node.text, quote=False)
    if node.tag == "#comment":
        return ""
    inner = "".join(_serialise(c) for c in node.children)
    if node.tag == "#root":
        return inner
    if node.tag in _VOID_TAGS:
        return f"<{node.tag}{_attributes(node)}>"
    return f"<{node.tag}{_attributes(node)}>{inner}</{node.tag}>"


__all__ = [
    "TRUE_FALSE_LABELS",
    "EmitResult",
    "block_markdown",
    "emit_blocks",
    "inline_markdown",
    "question_id",
    "slugify",
]
