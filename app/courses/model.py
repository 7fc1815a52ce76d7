"""The loaded, rendered course content: immutable dataclasses shared by every request.

A ``Course`` holds its ``Module``s in order; a module holds one ``ModuleVariant`` per language that
has a file, each with sanitised HTML and its ``Question``s. ``Module.questions`` (the default
language's questions) is the canonical answer key: kinds, points, revisions and correct positions,
which the checker guarantees to be the same in every language. Grade an attempt against the
questions of the language that was shown (``ModuleView.variant.questions``): text alternatives and
matching texts are language-specific.

Nothing here may be sent to the browser before submission except ``public_question(...)``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

QuestionKind = Literal["single", "multiple", "text", "numeric", "matching"]
ShowAnswers = Literal["never", "after_pass", "always"]


@dataclass(frozen=True)
class Option:
    """A choice option; ``index`` is its 0-based position in the file (same in every language)."""

    index: int
    html: str
    correct: bool
    feedback_html: str = ""


@dataclass(frozen=True)
class NumericAnswer:
    """Accepted numbers: the closed interval [low, high]. ``value``/``tolerance`` are set when the
    key was written as ``[[value +- tolerance]]`` or ``[[value]]`` (tolerance 0)."""

    low: float
    high: float
    value: float | None = None
    tolerance: float | None = None

    def accepts(self, number: float) -> bool:
        return self.low - 1e-9 <= number <= self.high + 1e-9


@dataclass(frozen=True)
class Pair:
    """One matching pair: the learner picks, for ``left_html``, one of ``Question.choices``;
    the right one is ``choices[choice]`` (== ``right_text``)."""

    left_html: str
    right_text: str
    choice: int


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    points: int
    rev: int
    shuffle: bool
    prompt_html: str
    options: tuple[Option, ...] = ()
    text_answers: tuple[str, ...] = ()
    numeric: NumericAnswer | None = None
    pairs: tuple[Pair, ...] = ()
    # Matching: the distinct right-hand texts (incl. distractors), sorted by their case-folded text.
    choices: tuple[str, ...] = ()
    hint_html: str = ""
    explanation_html: str = ""
    line: int = 0

    @property
    def correct_indices(self) -> tuple[int, ...]:
        return tuple(o.index for o in self.options if o.correct)

    def accepts_text(self, answer: str) -> bool:
        """Short text answer: trimmed, whitespace-collapsed, Unicode case-folded comparison."""
        given = normalise_answer_text(answer)
        return bool(given) and any(given == normalise_answer_text(a) for a in self.text_answers)

    def accepts_number(self, answer: str) -> bool:
        """Numeric answer typed by a learner (``3,5`` and ``3.5`` are both accepted)."""
        number = parse_number(answer)
        return self.numeric is not None and number is not None and self.numeric.accepts(number)


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class ModuleVariant:
    """One language's file of a module."""

    lang: str
    path: Path
    title: str
    minutes: int | None
    body_markdown: str
    html: str
    toc: tuple[TocEntry, ...]
    content_hash: str  # sha256 hex of the file (UTF-8, LF line endings, no BOM)
    questions: tuple[Question, ...]
    source_lang: str | None = None  # from front matter `translation: {source, source_hash}`
    source_hash: str | None = None

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True)
class ModuleView:
    """A module as shown to a reader of ``requested_lang``. When ``fallback`` is true the variant
    is in ``lang`` (the course default); render it with ``lang="{{ view.lang }}"`` and a notice."""

    module: Module
    variant: ModuleVariant
    requested_lang: str
    lang: str
    fallback: bool

    @property
    def title(self) -> str:
        return self.variant.title

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.variant.questions


@dataclass(frozen=True)
class Module:
    id: str
    stem: str
    order: int  # 1-based position in course.yml `modules`
    minutes: int
    title: dict[str, str]
    variants: dict[str, ModuleVariant]
    default_language: str
    questions: tuple[Question, ...]  # default language: the answer key

    @property
    def has_quiz(self) -> bool:
        return bool(self.questions)

    @property
    def answer_key_revision(self) -> str:
        """e.g. ``"q1:1,q2:3"`` — stored with every attempt."""
        return ",".join(f"{q.id}:{q.rev}" for q in self.questions)

    @property
    def max_points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def content_hash(self) -> str:
        """The default-language file's hash (record it in progress as the content seen)."""
        return self.variants[self.default_language].content_hash

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def view(self, lang: str) -> ModuleView:
        """The variant for ``lang``, or the default language's with ``fallback=True``."""
        variant = self.variants.get(lang)
        if variant is not None:
            return ModuleView(self, variant, lang, lang, False)
        default = self.variants[self.default_language]
        return ModuleView(self, default, lang, self.default_language, True)


@dataclass(frozen=True)
class Course:
    id: str
    version: int
    published: bool
    default_language: str
    languages: tuple[str, ...]
    title: dict[str, str]
    summary: dict[str, str]
    hours: float
    module_stems: tuple[str, ...]
    pass_mark: int
    max_attempts: int
    show_answers: ShowAnswers
    retired: tuple[str, ...]
    authors: tuple[str, ...]
    certificate_template: str
    path: Path
    modules: tuple[Module, ...]
    fingerprint: str = ""  # hash over every file of the course (changes when anything changes)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def module_by_stem(self, stem: str) -> Module | None:
        return next((m for m in self.modules if m.stem == stem), None)

    def text(self, field_name: str, lang: str) -> tuple[str, str]:
        """``(text, lang_of_text)`` for ``title``/``summary``, falling back to the default."""
        texts: dict[str, str] = getattr(self, field_name)
        if texts.get(lang):
            return texts[lang], lang
        return texts.get(self.default_language, ""), self.default_language

    def title_for(self, lang: str) -> str:
        return self.text("title", lang)[0]

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.modules)

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes for m in self.modules)


# --------------------------------------------------------------------------------------------
# Answer normalisation (shared by the checker and by grading)

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def normalise_answer_text(text: str) -> str:
    """Trim, collapse inner whitespace, NFC-normalise and Unicode case-fold (``Ā`` == ``ā``)."""
    text = unicodedata.normalize("NFC", text or "")
    return _SPACES.sub(" ", text).strip().casefold()


def parse_number(text: str) -> float | None:
    """``'3,5'``, ``'3.5'``, ``' -12 '`` → float; anything else → None. Spaces inside (``1 000``)
    and non-breaking spaces are ignored."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-")
    if not _NUMBER.match(cleaned):
        return None
    return float(cleaned.replace(",", "."))


# --------------------------------------------------------------------------------------------
# What the browser may see before the attempt is submitted


def _shuffled(items: list[Any], seed: object, question_id: str) -> list[Any]:
    rng = random.Random(f"{seed}:{question_id}")
    result = list(items)
    rng.shuffle(result)
    return result


def public_question(q: Question, seed: object = 0) -> dict[str, Any]:
    """The question as it may be sent before submission: no correctness, feedback, explanation or
    accepted answers. Options keep their file ``index`` as key; with ``shuffle`` they (and matching
    left sides) are put in an order fixed by ``seed`` (e.g. the attempt number and user id), so a
    reload shows the same order. Matching choices are always listed in ``Question.choices`` order
    (sorted by text), or shuffled by the seed — never in pair order, which would give the key away.
    """
    data: dict[str, Any] = {
        "id": q.id,
        "kind": q.kind,
        "points": q.points,
        "rev": q.rev,
        "prompt_html": q.prompt_html,
        "hint_html": q.hint_html,
    }
    if q.kind in ("single", "multiple"):
        options = [{"key": o.index, "html": o.html} for o in q.options]
        data["options"] = _shuffled(options, seed, q.id) if q.shuffle else options
    elif q.kind == "matching":
        lefts = [{"key": i, "html": p.left_html} for i, p in enumerate(q.pairs)]
        choices = [{"key": i, "text": text} for i, text in enumerate(q.choices)]
        if q.shuffle:
            lefts = _shuffled(lefts, seed, q.id)
            choices = _shuffled(choices, seed, q.id + "/choices")
        data["lefts"] = lefts
        data["choices"] = choices
    return data
