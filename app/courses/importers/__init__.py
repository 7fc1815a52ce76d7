"""Importers for Moodle question banks (GIFT, Aiken) into Lasītava quiz blocks.

This module owns the neutral data model shared by the parsers and the emitter:

- ``gift.parse_gift(text)`` and ``aiken.parse_aiken(text)`` turn a file's text into an
  ``ImportResult``: ``ImportedQuestion``s in file order plus ``ImportIssue`` errors and warnings,
  each with a 1-based line number. A parser never stops at the first problem; a question with an
  error is left out of ``questions`` (as Moodle does) and the error says where it was.
- ``emit.emit_blocks(questions, lang=...)`` turns questions into ``::: quiz`` blocks
  (docs/COURSE_FORMAT_DECISIONS.md) and lists what could not be converted.
- ``cli`` holds the ``import-gift`` / ``import-aiken`` commands.

Everything here is pure Python (no Flask); messages are English templates marked with ``N_`` and
are translated where they are shown (``issue.translated(_)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from app.i18n import N_

Kind = Literal[
    "single",
    "multiple",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
    "cloze",
]
TextFormat = Literal["moodle", "html", "plain", "markdown"]
TEXT_FORMATS: tuple[str, ...] = ("moodle", "html", "plain", "markdown")
Severity = Literal["error", "warning"]

# Kind names as shown in messages ("line 3: essay question 'Q8' cannot be converted").
KIND_NAMES: dict[str, str] = {
    "single": N_("multiple-choice"),
    "multiple": N_("multiple-answer"),
    "truefalse": N_("true/false"),
    "shortanswer": N_("short-answer"),
    "numerical": N_("numerical"),
    "matching": N_("matching"),
    "essay": N_("essay"),
    "description": N_("description"),
    "cloze": N_("embedded-answers (cloze)"),
}

MESSAGES: dict[str, str] = {
    # --- reading the file ---------------------------------------------------------------------
    "not-utf8": N_(
        "the file is not UTF-8 text (byte 0x%(byte)s at offset %(offset)s); save it as UTF-8, "
        "or give its encoding with --encoding (for example cp1257)"
    ),
    "bad-encoding": N_("the file cannot be read as %(encoding)s (byte offset %(offset)s)"),
    "unknown-encoding": N_('unknown encoding "%(encoding)s"'),
    "no-questions": N_("the file contains no questions"),
    # --- GIFT ---------------------------------------------------------------------------------
    "gift-brace-unclosed": N_(
        "this { opens an answer block that is never closed with }; a blank line ends a question, "
        "and a literal brace is written \\{"
    ),
    "gift-brace-unopened": N_("this } closes no answer block; a literal brace is written \\}"),
    "gift-several-answer-blocks": N_(
        "a question has one answer block { }, but here another { or } follows it; "
        "write literal braces as \\{ and \\}"
    ),
    "gift-too-few-answers": N_(
        "a %(kind)s question needs at least %(count)s answers, found %(found)s"
    ),
    "gift-matching-no-arrow": N_('the matching pair "%(text)s" has no "->"'),
    "gift-numerical-no-answer": N_("the numerical question has no answer after #"),
    "gift-not-a-number": N_(
        '"%(text)s" is not a number; write for example 3.14, 3.14:0.01 (with tolerance) '
        "or 1..5 (range), with a decimal point"
    ),
    "gift-bad-range": N_("the range %(low)s..%(high)s is empty: the first number must be smaller"),
    "gift-negative-tolerance": N_("the tolerance %(text)s must not be negative"),
    "gift-bad-weight": N_(
        'the weight "%%%(text)s%%" must be a percentage from -100 to 100, e.g. %%50%% or %%-25%%'
    ),
    "gift-empty-answer": N_("an answer of this question is empty"),
    "gift-empty-category": N_("$CATEGORY: has no category name"),
    "gift-title-unclosed": N_(
        "the question name starts with :: but is not closed with ::; it is treated as text"
    ),
    "gift-trailing-text": N_(
        'text "%(text)s" follows the answer block, so Moodle treats this as a missing-word '
        "question (_____ in the text); remove it if it is a leftover"
    ),
    # --- Aiken (Moodle's wording) -------------------------------------------------------------
    "aiken-too-few-answers": N_('Question must have at least 2 answers (question "%(question)s")'),
    "aiken-not-started": N_("Question not started"),
    "aiken-not-complete": N_(
        'Question not completed before next question start (question "%(question)s")'
    ),
    "aiken-unfinished-at-end": N_(
        'the file ends before the ANSWER: line of the question "%(question)s"'
    ),
    "aiken-bad-answer-letter": N_(
        'ANSWER: %(letter)s names no choice of the question "%(question)s" (choices A to %(last)s)'
    ),
    # --- conversion (emit) --------------------------------------------------------------------
    "cannot-convert": N_("%(kind)s question '%(title)s' cannot be converted"),
    "cannot-convert-because": N_("%(kind)s question '%(title)s' cannot be converted: %(reason)s"),
    "lossy": N_("question '%(title)s': %(detail)s"),
}

# Reasons and details used inside "cannot-convert-because" / "lossy"; translated like MESSAGES.
DETAILS: dict[str, str] = {
    "no-correct-option": N_("no answer is fully correct (100%%)"),
    "no-positive-option": N_("no answer has a positive weight"),
    "too-few-options": N_("it needs at least two answers"),
    "several-numbers": N_(
        "it accepts several different numbers, but a quiz has one number or range"
    ),
    "any-answer-correct": N_("every answer (*) is accepted as correct"),
    "too-few-pairs": N_("it needs at least two pairs"),
    "partial-single": N_(
        "partial credit of %(weights)s is lost: a single-choice question gives points only for "
        "the right option"
    ),
    "several-correct-single": N_(
        "%(count)s answers are fully correct; it became a multiple-answer question, where "
        "learners must tick all of them"
    ),
    "unequal-weights": N_(
        "the weights of the right answers (%(weights)s) differ; every ticked right answer now "
        "counts the same (the original weights are kept in a comment above the quiz)"
    ),
    "weights-not-100": N_(
        "the positive weights add up to %(total)s%%, not 100%%; ticking all right answers now "
        "gives full points"
    ),
    "negative-single": N_("negative weights (%(weights)s) are not copied: a wrong choice scores 0"),
    "penalties-differ": N_(
        "a wrong tick now costs %(penalty)s of the points (score = (right ticks - wrong ticks) / "
        "right options); in Moodle it cost %(weights)s (the original weights are kept in a "
        "comment above the quiz)"
    ),
    "partial-answers-dropped": N_(
        "answers with partial credit are left out (%(answers)s): a text or number answer is "
        "either right or wrong"
    ),
    "answer-feedback-dropped": N_(
        "feedback for typed answers is left out (%(answers)s): quizzes have feedback only "
        "for choice options"
    ),
    "wildcard-dropped": N_("the answers %(answers)s use the Moodle wildcard * and are left out"),
    "unwritable-answers-dropped": N_(
        "the answers %(answers)s cannot stand inside [[ ]] (they contain ]] or end with ] or \\) "
        "and are left out"
    ),
    "empty-option-dropped": N_("an empty answer is left out"),
    "empty-text": N_("it has no question text"),
    "moodle-files": N_(
        "it refers to files stored in Moodle (@@PLUGINFILE@@), which a GIFT file does not "
        "contain; copy them into media/ and fix the links"
    ),
}


@dataclass(frozen=True)
class ImportIssue:
    """One problem found while importing. ``line`` is 1-based (0 = the whole file)."""

    line: int
    code: str
    severity: Severity = "error"
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English message."""
        return self.translated(lambda s: s)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message through ``gettext`` (e.g. ``app.i18n._``)."""
        params = dict(self.params)
        if params.get("kind") in KIND_NAMES:
            params["kind"] = gettext(KIND_NAMES[params["kind"]])
        detail = params.get("detail_code") or params.get("reason_code")
        if detail in DETAILS:
            text = gettext(DETAILS[detail]) % params
            params["detail" if "detail_code" in params else "reason"] = text
        return gettext(MESSAGES[self.code]) % params

    def format(self, filename: str) -> str:
        """``FILE:line: severity: message`` (no line for file-level problems), in the checker's
        style."""
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where}: {self.severity}: {self.message}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def issue(line: int, code: str, severity: Severity = "error", **params: Any) -> ImportIssue:
    """Build an issue; an unknown code fails loudly so that a typo cannot hide a message."""
    if code not in MESSAGES:
        raise KeyError(f"unknown import message code {code!r}")
    for key in ("detail_code", "reason_code"):
        if key in params and params[key] not in DETAILS:
            raise KeyError(f"unknown import detail code {params[key]!r}")
    return ImportIssue(line, code, severity, params)


@dataclass
class Answer:
    """A choice, short answer or true/false answer. ``fraction`` is Moodle's: 1.0 = 100 %,
    0.5 = 50 %, -1.0 = -100 %."""

    text: str
    fraction: float
    feedback: str = ""
    text_format: str = "moodle"
    feedback_format: str = "moodle"
    line: int = 0


@dataclass
class NumericAnswer:
    """An accepted number. ``value`` is None for Moodle's catch-all ``*`` (any other answer).
    Written as a range ``low..high``, ``value`` is the midpoint and ``tolerance`` half the width
    (as Moodle stores it) and ``low``/``high`` keep the bounds."""

    value: Decimal | None
    tolerance: Decimal
    fraction: float
    feedback: str = ""
    feedback_format: str = "moodle"
    low: Decimal | None = None
    high: Decimal | None = None
    line: int = 0

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def interval(self) -> tuple[Decimal, Decimal] | None:
        """The accepted closed interval, or None for the catch-all."""
        if self.value is None:
            return None
        if self.low is not None and self.high is not None:
            return self.low, self.high
        return self.value - self.tolerance, self.value + self.tolerance


@dataclass
class MatchPair:
    """One matching pair; an empty ``left`` is an extra right-hand choice (a distractor)."""

    left: str
    right: str
    left_format: str = "moodle"
    line: int = 0


@dataclass
class ImportedQuestion:
    """One question of a Moodle question bank, independent of the file format.

    - single / multiple: ``answers`` with fractions (single = one answer is 100 %; Moodle's
      ``single`` flag decides, not the number of right answers).
    - truefalse: ``correct_answer``; ``answers`` = [True, False] each with its own feedback.
    - shortanswer: ``answers`` (texts, fractions, feedback; ``*`` = any other answer).
    - numerical: ``numeric_answers``.
    - matching: ``pairs``.
    - essay / description / cloze: text only (not convertible to a quiz).
    """

    line: int
    kind: Kind
    text: str
    text_format: str = "moodle"
    title: str | None = None
    answers: list[Answer] = field(default_factory=list)
    numeric_answers: list[NumericAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    correct_answer: bool | None = None
    general_feedback: str = ""
    general_feedback_format: str = "moodle"
    category: str | None = None
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    missing_word: bool = False  # the answer block stood inside the text (now "_____")

    @property
    def label(self) -> str:
        """The title, or the start of the text when there is none (for messages)."""
        if self.title:
            return self.title
        text = " ".join(self.text.split())
        return text if len(text) <= 40 else text[:39].rstrip() + "…"


@dataclass
class ImportResult:
    questions: list[ImportedQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)  # (line, name) in file order

    @property
    def ok(self) -> bool:
        return not self.errors
