"""GIFT parser: Moodle's GIFT question-bank text → ``ImportResult`` of ``ImportedQuestion``s.

It follows Moodle's own importer (question/format/gift/format.php) rule by rule:

- Questions are separated by blank lines; a line starting with ``//`` is a comment (its
  ``[id:…]`` and ``[tag:…]`` become the next question's idnumber and tags).
- ``\\~ \\= \\# \\{ \\} \\:`` are literal characters, ``\\n`` is a line break and ``\\\\`` is a
  backslash; every other backslash is kept as it is.
- ``$CATEGORY: name`` sets the category of the questions that follow.
- ``::title::``, then an optional ``[moodle]``/``[html]``/``[plain]``/``[markdown]`` text format,
  then the text with one answer block ``{…}``. Text after the block makes a missing-word question
  (``_____`` stands where the block was).
- The type comes from the answer block exactly as Moodle decides it: none → description, empty →
  essay, ``#…`` → numerical, any ``~`` → multiple choice (single answer when some answer starts
  with ``=``, otherwise multiple answer), ``=`` with ``->`` → matching, ``T``/``TRUE``/``F``/
  ``FALSE`` → true/false, anything else → short answer. ``####`` starts the general feedback.

True/false feedback follows Moodle: ``{TRUE#first#second}`` — the first feedback is shown for the
wrong answer, the second for the right one (the independent PEG grammar reads them as true/false
feedback instead; Moodle wins).

Known, deliberate differences from Moodle (each has a test in tests/courses/test_import_gift.py):

- Errors that Moodle lets through are reported: a number that is not a number (Moodle turns it
  into the catch-all ``*``), a weight that is not a percentage from -100 to 100, a second answer
  block, an empty range.
- ``=%50%answer`` in a multiple-choice block means a weight of 50 % (Moodle would keep
  ``%50%answer`` as the text at 100 %).
- ``$CATEGORY:`` takes the rest of its line only; lines after it in the same paragraph are read as
  the next question (Moodle swallows them into the category name).
- Moodle's list of allowed grades (100, 90, 83.33…, 50, …) is not enforced: any percentage from
  -100 to 100 is accepted, since Lasītava grades proportionally anyway.
- Lines keep their indentation (``<pre>`` blocks, nested Markdown lists, Markdown hard breaks),
  as Moodle's ``readquestion`` and its unit test ``test_import_pre_content`` expect; Moodle's
  file import (``readquestions``) trims every line first.
- Embedded-answer (cloze) syntax such as ``{1:SHORTANSWER:=Berlin}`` is recognised and reported
  as a cloze question instead of being misread as a short answer.
- Warnings (Moodle is silent): a ``::title`` without closing ``::``; stray punctuation such as
  ``";`` after the answer block (still a missing-word question, as in Moodle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.courses.importers import (
    TEXT_FORMATS,
    Answer,
    ImportedQuestion,
    ImportIssue,
    ImportResult,
    MatchPair,
    NumericAnswer,
    issue,
)

# Escaped control characters are replaced by Unicode non-characters while the question is cut
# into parts, then turned back (Moodle does the same with "&&058;"-style placeholders).
_ESCAPES = {
    ":": "\ufdd0",
    "#": "\ufdd1",
    "=": "\ufdd2",
    "{": "\ufdd3",
    "}": "\ufdd4",
    "~": "\ufdd5",
    "n": "\ufdd6",
}
_UNESCAPE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_UNESCAPE_RE = re.compile("[" + "".join(_UNESCAPE) + "]")
_ESCAPE_RE = re.compile(r"\\(\\|[:#={}~n])")
_PLACEHOLDER_RE = re.compile("[\ufdd0-\ufddf]")

_WEIGHT_RE = re.compile(r"^%([^%\n]{0,12})%")
_WEIGHT_VALUE_RE = re.compile(r"^\s*(-?)\s*(\d+(?:\.\d*)?|\.\d+)\s*$")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CLOZE_RE = re.compile(
    r"^\s*\d*\s*:\s*(?:SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|MULTICHOICE|MC"
    r"|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|MULTICHOICE_S|MCS|MULTICHOICE_VS|MCVS|MULTICHOICE_HS"
    r"|MCHS|MULTIRESPONSE|MR|MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE_HS|MRHS)\s*:",
    re.IGNORECASE,
)
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
_JUNK_AFTER_BLOCK_RE = re.compile(r"^[^\w\s.,!?…:)]")


def parse_gift(text: str) -> ImportResult:
    """Parse GIFT text (already decoded). Line endings may be LF, CRLF or CR."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Non-characters never occur in real text; drop any so that they cannot pose as escapes.
    text = _PLACEHOLDER_RE.sub("", text)
    lines = text.split("\n")
    result = ImportResult()
    category: str | None = None
    block: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
            continue
        if block:
            category = _Block(start, block, result, category).parse()
            block = []
    return result


def extract_idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """Moodle's ``[id:…]`` (first one) and ``[tag:…]`` markers in question comments; ``\\]``
    stands for ``]``. A marker cannot span lines."""
    idnumber = ""
    m = _ID_RE.search(comment)
    if m:
        idnumber = m.group(1).strip().replace("\\]", "]")
    tags = [t.strip().replace("\\]", "]") for t in _TAG_RE.findall(comment)]
    return idnumber, [t for t in tags if t]


def _unescape(text: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group(0)], text)


@dataclass
class _Part:
    """A piece of the question (escape placeholders still in) and its offset in the block."""

    text: str
    offset: int


class _Block:
    """One blank-line-separated paragraph of the file: a question, a category, or comments."""

    def __init__(
        self, start: int, lines: list[str], result: ImportResult, category: str | None
    ) -> None:
        self.start = start
        self.result = result
        self.category = category
        comments: list[str] = []
        kept: list[str] = []
        for line in lines:
            if line.strip().startswith("//"):
                comments.append(line.strip())
                kept.append("")
            else:
                kept.append(line)
        self.comment = "\n".join(comments)
        # Escapes are resolved once; every escape is one character afterwards except "\\",
        # which stays a plain backslash, so newlines (and thus line numbers) do not move.
        self.text = _ESCAPE_RE.sub(
            lambda m: "\\" if m.group(1) == "\\" else _ESCAPES[m.group(1)], "\n".join(kept)
        )

    # -- helpers --------------------------------------------------------------------------------

    def line_at(self, offset: int) -> int:
        return self.start + self.text.count("\n", 0, max(offset, 0))

    def error(self, offset: int, code: str, **params: object) -> None:
        self.result.errors.append(issue(self.line_at(offset), code, "error", **params))

    def warn(self, offset: int, code: str, **params: object) -> None:
        self.result.warnings.append(issue(self.line_at(offset), code, "warning", **params))

    @staticmethod
    def strip(part: _Part) -> _Part:
        lead = len(part.text) - len(part.text.lstrip())
        return _Part(part.text.strip(), part.offset + lead)

    # -- the paragraph --------------------------------------------------------------------------

    def parse(self) -> str | None:
        """Parse the paragraph; returns the category in force after it."""
        body = self.strip(_Part(self.text, 0))
        if not body.text:
            return self.category  # only comments
        if body.text.startswith("$CATEGORY:"):
            end = body.text.find("\n")
            first = body.text if end < 0 else body.text[:end]
            name = _unescape(first[len("$CATEGORY:") :]).strip()
            line = self.line_at(body.offset)
            if not name:
                self.error(body.offset, "gift-empty-category")
            else:
                self.category = name
                self.result.categories.append((line, name))
            if end < 0:
                return self.category
            body = self.strip(_Part(body.text[end:], body.offset + end))
            if not body.text:
                return self.category
        question = self.question(body)
        if question is not None:
            question.category = self.category
            question.idnumber, question.tags = extract_idnumber_and_tags(self.comment)
            self.result.questions.append(question)
        return self.category

    def question(self, body: _Part) -> ImportedQuestion | None:
        line = self.line_at(body.offset)
        text, offset = body.text, body.offset
        title: str | None = None
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                self.warn(offset, "gift-title-unclosed")
                text, offset = text[2:], offset + 2
            else:
                title = " ".join(_unescape(text[2:end]).split()) or None
                rest = self.strip(_Part(text[end + 2 :], offset + end + 2))
                text, offset = rest.text, rest.offset

        open_at, close_at = text.find("{"), text.find("}")
        if open_at < 0 and close_at < 0:
            fmt, qtext = _split_format(text)
            return ImportedQuestion(
                line=line,
                kind="description",
                title=title,
                text=_clean(qtext),
                text_format=fmt,
            )
        if close_at < 0:
            self.error(offset + open_at, "gift-brace-unclosed")
            return None
        if open_at < 0 or close_at < open_at:
            self.error(offset + close_at, "gift-brace-unopened")
            return None

        answer = _Part(text[open_at + 1 : close_at], offset + open_at + 1)
        after = text[close_at + 1 :]
        if "{" in after or "}" in after:
            blocks = re.findall(r"\{([^{}]*)\}", text)
            if any(_CLOZE_RE.match(_unescape(b)) for b in blocks):
                fmt, qtext = _split_format(text)
                return ImportedQuestion(
                    line=line,
                    kind="cloze",
                    title=title,
                    text=_clean(qtext),
                    text_format=fmt,
                )
            extra = close_at + 1 + min(i for i in (after.find("{"), after.find("}")) if i >= 0)
            self.error(offset + extra, "gift-several-answer-blocks")
            return None
        if _CLOZE_RE.match(_unescape(answer.text)):
            fmt, qtext = _split_format(text)
            return ImportedQuestion(
                line=line, kind="cloze", title=title, text=_clean(qtext), text_format=fmt
            )

        missing_word = bool(after.strip())
        if missing_word:
            qtext_raw = text[:open_at] + "_____" + after
            junk = after.strip()
            if _JUNK_AFTER_BLOCK_RE.match(junk) and not any(c.isalnum() for c in junk):
                self.warn(offset + close_at + 1, "gift-trailing-text", text=_unescape(junk))
        else:
            qtext_raw = text[:open_at]

        general_feedback_raw = ""
        gf_at = answer.text.rfind("####")
        if gf_at >= 0:
            general_feedback_raw = answer.text[gf_at + 4 :]
            answer = _Part(answer.text[:gf_at], answer.offset)
        answer = self.strip(answer)

        fmt, qtext = _split_format(qtext_raw.strip())
        gf_fmt, gf_text = _split_format(general_feedback_raw.strip(), fmt)
        question = ImportedQuestion(
            line=line,
            kind="essay",
            title=title,
            text=_clean(qtext),
            text_format=fmt,
            general_feedback=_clean(gf_text),
            general_feedback_format=gf_fmt,
            missing_word=missing_word,
        )
        atext = answer.text
        if atext == "":
            return question
        if atext.startswith("#"):
            question.kind = "numerical"
            return self.numerical(question, _Part(atext[1:], answer.offset + 1))
        if "~" in atext:
            return self.multichoice(question, answer)
        if "=" in atext and "->" in atext:
            question.kind = "matching"
            return self.matching(question, answer)
        head = atext.split("#", 1)[0].strip() if "#" in atext else atext
        if head in _TRUEFALSE:
            question.kind = "truefalse"
            return self.truefalse(question, answer)
        question.kind = "shortanswer"
        return self.shortanswer(question, answer)

    # -- answer blocks ----------------------------------------------------------------------

    def segments(self, answer: _Part, markers: str, keep_marker: str = "") -> list[_Part]:
        """Cut an answer block before every marker character; a marker in ``keep_marker`` stays at
        the start of its segment (Moodle: ``=`` → ``~=``, then split on ``~``). The text before
        the first marker is dropped when blank."""
        parts: list[_Part] = []
        begin = 0
        text = answer.text
        for i, ch in enumerate(text):
            if ch in markers:
                parts.append(_Part(text[begin:i], answer.offset + begin))
                begin = i if ch in keep_marker else i + 1
        parts.append(_Part(text[begin:], answer.offset + begin))
        if not parts[0].text.strip():
            parts.pop(0)
        return [self.strip(p) for p in parts]

    def weight(self, part: _Part) -> tuple[float | None, _Part] | None:
        """A leading ``%50%`` → (0.5, rest); (None, part) without one; None after an error."""
        m = _WEIGHT_RE.match(part.text)
        if not m:
            return None, part
        value = _WEIGHT_VALUE_RE.match(m.group(1))
        if not value:
            self.error(part.offset, "gift-bad-weight", text=_unescape(m.group(1)))
            return None
        percent = float(value.group(1) + value.group(2))
        if not -100 <= percent <= 100:
            self.error(part.offset, "gift-bad-weight", text=_unescape(m.group(1)))
            return None
        rest = self.strip(_Part(part.text[m.end() :], part.offset + m.end()))
        return percent / 100, rest

    def multichoice(self, question: ImportedQuestion, answer: _Part) -> ImportedQuestion | None:
        parts = self.segments(answer, "~=", keep_marker="=")
        single = any(p.text.startswith("=") for p in parts)
        question.kind = "single" if single else "multiple"
        if len(parts) < 2:
            self.error(
                answer.offset, "gift-too-few-answers", kind=question.kind, count=2, found=len(parts)
            )
            return None
        ok = True
        for part in parts:
            fraction: float | None = 0.0
            if part.text.startswith("="):
                part = self.strip(_Part(part.text[1:], part.offset + 1))
                fraction = 1.0
            parsed = self.weight(part)
            if parsed is None:
                ok = False
                continue
            explicit, part = parsed
            if explicit is not None:
                fraction = explicit
            question.answers.append(self.answer(part, fraction or 0.0, question.text_format))
        return question if ok else None

    def answer(self, part: _Part, fraction: float, default_format: str) -> Answer:
        text, _, feedback = part.text.partition("#")
        fmt, text = _split_format(text.strip(), default_format)
        fb_fmt, feedback = _split_format(feedback.strip(), default_format)
        return Answer(
            text=_clean(text),
            fraction=fraction,
            feedback=_clean(feedback),
            text_format=fmt,
            feedback_format=fb_fmt,
            line=self.line_at(part.offset),
        )

    def matching(self, question: ImportedQuestion, answer: _Part) -> ImportedQuestion | None:
        parts = self.segments(answer, "=")
        if len(parts) < 2:
            self.error(
                answer.offset, "gift-too-few-answers", kind="matching", count=2, found=len(parts)
            )
            return None
        ok = True
        for part in parts:
            if "->" not in part.text:
                self.error(
                    part.offset,
                    "gift-matching-no-arrow",
                    text=" ".join(_unescape(part.text).split()),
                )
                ok = False
                continue
            left, _, right = part.text.partition("->")
            fmt, left = _split_format(left.strip(), question.text_format)
            question.pairs.append(
                MatchPair(
                    left=_clean(left),
                    right=" ".join(_unescape(right).split()),
                    left_format=fmt,
                    line=self.line_at(part.offset),
                )
            )
        return question if ok else None

    def truefalse(self, question: ImportedQuestion, answer: _Part) -> ImportedQuestion:
        # Moodle: {TRUE#feedback when the answer is wrong#feedback when it is right}
        bits = answer.text.split("#", 2)
        correct = _TRUEFALSE[bits[0].strip()]
        fmt = question.text_format
        wrong_fmt, wrong = _split_format(bits[1].strip() if len(bits) > 1 else "", fmt)
        right_fmt, right = _split_format(bits[2].strip() if len(bits) > 2 else "", fmt)
        wrong, right = _clean(wrong), _clean(right)
        line = self.line_at(answer.offset)
        question.correct_answer = correct
        true_fb, true_fmt = (right, right_fmt) if correct else (wrong, wrong_fmt)
        false_fb, false_fmt = (wrong, wrong_fmt) if correct else (right, right_fmt)
        question.answers = [
            Answer("True", 1.0 if correct else 0.0, true_fb, "plain", true_fmt, line),
            Answer("False", 0.0 if correct else 1.0, false_fb, "plain", false_fmt, line),
        ]
        return question

    def shortanswer(self, question: ImportedQuestion, answer: _Part) -> ImportedQuestion | None:
        parts = self.segments(answer, "=")
        if not parts:
            self.error(answer.offset, "gift-too-few-answers", kind="shortanswer", count=1, found=0)
            return None
        ok = True
        for part in parts:
            parsed = self.weight(part)
            if parsed is None:
                ok = False
                continue
            fraction, part = parsed
            item = self.answer(part, 1.0 if fraction is None else fraction, question.text_format)
            item.text = " ".join(item.text.split())
            if not item.text:
                self.error(part.offset, "gift-empty-answer")
                ok = False
                continue
            question.answers.append(item)
        return question if ok else None

    def numerical(self, question: ImportedQuestion, answer: _Part) -> ImportedQuestion | None:
        wrong: _Part | None = None
        tilde = answer.text.find("~")
        if tilde >= 0:
            wrong = _Part(answer.text[tilde + 1 :], answer.offset + tilde + 1)
            answer = _Part(answer.text[:tilde], answer.offset)
        parts = self.segments(answer, "=")
        if not parts:
            self.error(answer.offset - 1, "gift-numerical-no-answer")
            return None
        ok = True
        for part in parts:
            parsed = self.weight(part)
            if parsed is None:
                ok = False
                continue
            fraction, part = parsed
            item = self.answer(part, 1.0 if fraction is None else fraction, question.text_format)
            number = self.number(item.text, part.offset)
            if number is None:
                ok = False
                continue
            value, tolerance, low, high = number
            question.numeric_answers.append(
                NumericAnswer(
                    value=value,
                    tolerance=tolerance,
                    fraction=item.fraction,
                    feedback=item.feedback,
                    feedback_format=item.feedback_format,
                    low=low,
                    high=high,
                    line=item.line,
                )
            )
        if wrong is not None:
            _, _, feedback = wrong.text.partition("#")
            fb_fmt, feedback = _split_format(feedback.strip(), question.text_format)
            question.numeric_answers.append(
                NumericAnswer(
                    value=None,
                    tolerance=Decimal(0),
                    fraction=0.0,
                    feedback=_clean(feedback),
                    feedback_format=fb_fmt,
                    line=self.line_at(wrong.offset),
                )
            )
        return question if ok else None

    def number(
        self, text: str, offset: int
    ) -> tuple[Decimal | None, Decimal, Decimal | None, Decimal | None] | None:
        """``3.14`` / ``3.14:0.01`` / ``1..5`` / ``*`` → (value, tolerance, low, high)."""
        text = text.strip()
        if text == "*":
            return None, Decimal(0), None, None
        if text.find("..") > 0:
            low_text, _, high_text = text.partition("..")
            low, high = _decimal(low_text), _decimal(high_text)
            if low is None or high is None:
                self.error(offset, "gift-not-a-number", text=text)
                return None
            if low > high:
                self.error(offset, "gift-bad-range", low=low_text.strip(), high=high_text.strip())
                return None
            middle = (low + high) / 2
            return middle, high - middle, low, high
        if text.find(":") > 0:
            value_text, _, tol_text = text.partition(":")
            value, tolerance = _decimal(value_text), _decimal(tol_text)
            if value is None or tolerance is None:
                self.error(offset, "gift-not-a-number", text=text)
                return None
            if tolerance < 0:
                self.error(offset, "gift-negative-tolerance", text=tol_text.strip())
                return None
            return value, tolerance, None, None
        value = _decimal(text)
        if value is None:
            self.error(offset, "gift-not-a-number", text=text)
            return None
        return value, Decimal(0), None, None


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not _NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def _split_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """A leading ``[html]``-style marker → (format, rest); unknown markers stay in the text."""
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in TEXT_FORMATS:
            return text[1:end], text[end + 1 :]
    return default, text


def _clean(text: str) -> str:
    """Resolve escapes and trim the ends. Inner lines keep their indentation, as in Moodle's
    ``readquestion`` (and its unit tests: ``<pre>`` content and Markdown lists keep their layout)."""
    return _unescape(text).strip()


__all__ = ["ImportIssue", "extract_idnumber_and_tags", "parse_gift"]
