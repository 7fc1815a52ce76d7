"""Course content as the learning pages see it: the app's course registry, and who may see what.

There is exactly one ``CourseRegistry`` per app, created lazily in ``app.extensions`` by
``app.courses.cli.current_registry`` (shared with the course CLI and the trainer pages, so a
``flask courses reload`` — which touches ``instance/courses-reload.stamp`` — reaches these pages
too). It follows the app's ``COURSES_DIR``: a registry built for another folder is replaced.
Changed course files are picked up on every request when ``COURSES_AUTO_RELOAD`` is true (default:
``app.debug``); in production only after ``flask courses reload``.

Visibility: learners see published courses; trainers and administrators also see drafts
(``published: false``), marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.lists import format_list
from flask import current_app
from markupsafe import Markup, escape

from app.accounts.models import Role
from app.courses.cli import current_catalog, current_registry
from app.courses.loader import CourseCatalog
from app.courses.model import Course, Module, ModuleVariant, Question, TocEntry
from app.i18n import N_, _, current_language, format_decimal, ngettext
from app.learning.queries import CourseState, ModuleState, ProgressRow

_REGISTRY_KEY = "lasitava.courses"


def catalog() -> CourseCatalog:
    """The live course catalog of the current app (see the module docstring for reloading)."""
    return current_catalog()


def reset_registry() -> None:
    """Forget the app's registry; the next request builds a fresh one (tests, COURSES_DIR
    changes made at run time)."""
    current_app.extensions.pop(_REGISTRY_KEY, None)


def reload_courses() -> CourseCatalog:
    """Re-examine every course folder now (changed courses are rebuilt)."""
    return current_registry().reload()


def can_preview_drafts(user) -> bool:
    """Trainers and administrators see draft courses; learners never do."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_admin or user.has_role(Role.TRAINER))
    )


def visible_courses(user) -> list[Course]:
    """Courses this user may open, drafts included for trainers and administrators."""
    drafts = can_preview_drafts(user)
    return [c for c in catalog() if c.published or drafts]


def visible_course(course_id: str, user) -> Course | None:
    """The course when it exists and this user may see it; None otherwise."""
    course = catalog().get(course_id)
    if course is None or not (course.published or can_preview_drafts(user)):
        return None
    return course


def course_title(course_id: str, lang: str) -> tuple[str, str] | None:
    """``(title, language of the title)`` of a course that still exists (drafts included)."""
    course = catalog().get(course_id)
    return course.text("title", lang) if course is not None else None


def available_in(course: Course, lang: str) -> bool:
    """True when every module of the course has a text in ``lang`` (no fallback needed)."""
    return lang in course.languages and all(lang in m.variants for m in course.modules)


@dataclass(frozen=True)
class Neighbours:
    previous: Module | None
    next: Module | None


def neighbours(course: Course, module: Module) -> Neighbours:
    index = course.modules.index(module)
    previous = course.modules[index - 1] if index > 0 else None
    following = course.modules[index + 1] if index + 1 < len(course.modules) else None
    return Neighbours(previous, following)


def media_folder(course: Course) -> Path:
    return Path(course.path) / "media"


# ------------------------------------------------------------------------------------------
# Presenting module texts and reviewed answers

# The notice above a module shown in the course's default language (its text is marked with
# that language's ``lang`` attribute). One sentence per language keeps the grammar natural.
FALLBACK_NOTICES = {
    "lv": N_(
        "This module has not been translated into your language yet, so it is shown in Latvian."
    ),
    "lt": N_(
        "This module has not been translated into your language yet, so it is shown in Lithuanian."
    ),
    "en": N_(
        "This module has not been translated into your language yet, so it is shown in English."
    ),
}
COURSE_FALLBACK_NOTICES = {
    "lv": N_("Some parts of this course are not yet in your language: they are shown in Latvian."),
    "lt": N_(
        "Some parts of this course are not yet in your language: they are shown in Lithuanian."
    ),
    "en": N_("Some parts of this course are not yet in your language: they are shown in English."),
}

_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*", re.S | re.I)


def module_body(variant: ModuleVariant) -> Markup:
    """The module's sanitised HTML without its leading level-1 heading: the page shows the
    module title as its only ``h1``."""
    return Markup(_LEADING_H1.sub("", variant.html, count=1))  # noqa: S704 - sanitised by the engine


def table_of_contents(variant: ModuleVariant, minimum: int = 3) -> list[TocEntry]:
    """Section headings (levels 2 and 3) of a long module; empty for a short one."""
    entries = [e for e in variant.toc if e.level in (2, 3)]
    return entries if len(entries) >= minimum else []


def reveal_answers(course: Course, passed: bool, attempts_left: int | None) -> bool:
    """``show_answers``: always; after_pass = once passed or out of attempts; never."""
    if course.show_answers == "always":
        return True
    if course.show_answers == "after_pass":
        return passed or attempts_left == 0
    return False


def _number(value: float) -> str:
    return format_decimal(value)


def numeric_key_text(q: Question) -> str:
    key = q.numeric
    if key is None:
        return ""
    if key.value is not None and key.tolerance:
        return f"{_number(key.value)} ± {_number(key.tolerance)}"
    if key.value is not None:
        return _number(key.value)
    return f"{_number(key.low)}–{_number(key.high)}"


@dataclass(frozen=True)
class PairReview:
    left_html: Markup
    chosen: str
    correct: str | None  # None when answers are not revealed
    ok: bool


@dataclass(frozen=True)
class AnswerReview:
    number: int
    question_id: str
    kind: str
    prompt_html: Markup | None  # None: the question is no longer in the module
    outcome: str  # correct | partial | incorrect
    points: float
    max_points: float
    given_html: tuple[Markup, ...] = ()
    pairs: tuple[PairReview, ...] = ()
    feedback_html: tuple[Markup, ...] = ()
    correct_html: tuple[Markup, ...] = ()  # shown only when revealed and the key is unchanged
    explanation_html: Markup | None = None
    # The question's hint, for the next attempt: only when the answer was not (fully) right,
    # the correct answer and explanation are not shown, and another attempt is possible.
    hint_html: Markup | None = None
    key_changed: bool = False


def _outcome(points: float, max_points: float) -> str:
    if max_points > 0 and points >= max_points - 1e-9:
        return "correct"
    return "partial" if points > 1e-9 else "incorrect"


def review_answers(
    module: Module, attempt, reveal: bool, next_attempt: bool = False
) -> list[AnswerReview]:
    """What the results page shows for each stored answer of ``attempt`` (a QuizAttempt), in
    the language the quiz was taken in. Scores come from the stored, immutable attempt; texts
    from the current course. Correct answers and explanations are shown only when ``reveal``
    and the question's answer key has not changed since the attempt (explanations often give
    the answer away). When they are not shown, a question answered wrongly or partly wrongly
    gets its hint instead, as guidance, if ``next_attempt`` (the learner has attempts left)."""
    view = module.view(attempt.language)
    questions = {q.id: q for q in view.questions}
    reviews: list[AnswerReview] = []
    for number, answer in enumerate(attempt.answers, start=1):
        q = questions.get(answer.question_id)
        outcome = _outcome(answer.points, answer.max_points)
        if q is None:
            reviews.append(
                AnswerReview(
                    number, answer.question_id, "", None, outcome, answer.points, answer.max_points
                )
            )
            continue
        same_key = q.rev == answer.question_rev
        show = reveal and same_key
        response = answer.response
        given: list[Markup] = []
        feedback: list[Markup] = []
        correct: list[Markup] = []
        pairs: list[PairReview] = []
        if q.kind in ("single", "multiple"):
            chosen = response if isinstance(response, list) else [response]
            options = {o.index: o for o in q.options}
            for index in chosen:
                option = options.get(index) if isinstance(index, int) else None
                if option is not None:
                    given.append(Markup(option.html))  # noqa: S704 - sanitised by the engine
                    if option.feedback_html:
                        feedback.append(Markup(option.feedback_html))  # noqa: S704
            if show:
                correct = [Markup(o.html) for o in q.options if o.correct]  # noqa: S704
        elif q.kind in ("text", "numeric"):
            given.append(escape(str(response or "")))
            if show and q.kind == "text" and q.text_answers:
                correct = [escape(a) for a in q.text_answers]
            elif show:
                correct = [escape(numeric_key_text(q))]
        elif q.kind == "matching":
            chosen_list = response if isinstance(response, list) else []
            for i, pair in enumerate(q.pairs):
                pick = chosen_list[i] if i < len(chosen_list) else None
                chosen_text = (
                    q.choices[pick] if isinstance(pick, int) and pick < len(q.choices) else ""
                )
                pairs.append(
                    PairReview(
                        Markup(pair.left_html),  # noqa: S704 - sanitised by the engine
                        chosen_text,
                        pair.right_text if show else None,
                        pick == pair.choice,
                    )
                )
        reviews.append(
            AnswerReview(
                number=number,
                question_id=q.id,
                kind=q.kind,
                prompt_html=Markup(q.prompt_html),  # noqa: S704 - sanitised by the engine
                outcome=outcome,
                points=answer.points,
                max_points=answer.max_points,
                given_html=tuple(given),
                pairs=tuple(pairs),
                feedback_html=tuple(feedback),
                correct_html=tuple(correct),
                explanation_html=(
                    Markup(q.explanation_html) if show and q.explanation_html else None  # noqa: S704
                ),
                hint_html=(
                    Markup(q.hint_html)  # noqa: S704 - sanitised by the engine
                    if next_attempt and not show and outcome != "correct" and q.hint_html
                    else None
                ),
                key_changed=not same_key,
            )
        )
    return reviews


# ------------------------------------------------------------------------------------------
# Status in plain words


def module_status_label(state: ModuleState) -> str:
    if state.status == "completed":
        return _("Completed")
    if state.status == "failed":
        if state.attempts_left is None:
            return _("Quiz not passed yet")
        return ngettext(
            "Quiz not passed yet — %(num)d attempt left",
            "Quiz not passed yet — %(num)d attempts left",
            state.attempts_left,
        )
    if state.status == "no_attempts_left":
        return _("Quiz not passed — no attempts left")
    if state.status == "in_progress":
        return _("In progress")
    return _("Not started")


def attempts_left_text(left: int | None) -> str:
    if left is None:
        return _("You can take this quiz as many times as you need.")
    if left == 0:
        return _("You have no attempts left for this quiz.")
    return ngettext("You have %(num)d attempt left.", "You have %(num)d attempts left.", left)


def progress_sentence(state: CourseState) -> str:
    """E.g. "3 of 5 modules completed. The quiz in module 4 is not passed yet." """
    parts = [
        ngettext(
            "%(done)d of %(num)d module completed.",
            "%(done)d of %(num)d modules completed.",
            state.total,
            done=state.done,
        )
    ]
    if state.failed:
        numbers = format_list(
            [str(s.module.order) for s in state.failed], locale=current_language()
        )
        parts.append(
            ngettext(
                "The quiz in module %(modules)s is not passed yet.",
                "The quizzes in modules %(modules)s are not passed yet.",
                len(state.failed),
                modules=numbers,
            )
        )
    return " ".join(parts)


@dataclass(frozen=True)
class NextStep:
    label: str
    module: Module
    anchor: str = ""
    primary: bool = True


def next_step(state: CourseState) -> NextStep | None:
    """The "continue" button: the first module that still needs something, in course order."""
    course = state.course
    if not course.modules:
        return None
    if state.status == "not_started":
        return NextStep(_("Start the course"), course.modules[0])
    if state.status == "completed":
        return NextStep(_("Read the course again"), course.modules[0], primary=False)
    if not [s for s in state.modules if not s.completed]:
        # Everything is done but the completion is not recorded yet (modules were removed):
        # opening a module records it.
        return NextStep(_("Finish the course"), course.modules[-1])
    todo = _todo(state)
    if not todo:
        return None
    return _continue_with(todo[0])


def resume_step(
    state: CourseState, progress: Mapping[tuple[str, str], ProgressRow]
) -> NextStep | None:
    """The "continue" button on "My learning": resume where the learner left off, i.e. at the
    unfinished module with the latest ``last_viewed_at`` (``progress`` is the learner's rows
    already read for the page); ``next_step`` when no unfinished module has been viewed."""
    if state.status not in ("in_progress", "updated"):
        return next_step(state)
    course_id = state.course.id
    viewed = [s for s in _todo(state) if (course_id, s.module.id) in progress]
    if not viewed:
        return next_step(state)
    # max() keeps the first of equal times: the earlier module in course order.
    latest = max(viewed, key=lambda s: progress[(course_id, s.module.id)].last_viewed_at)
    return _continue_with(latest)


def _todo(state: CourseState) -> list[ModuleState]:
    """Unfinished modules the learner can still finish, in course order."""
    return [s for s in state.modules if not s.completed and s.status != "no_attempts_left"]


def _continue_with(target: ModuleState) -> NextStep:
    title = target.module.view(current_language()).title
    if target.status == "failed":
        return NextStep(
            _(
                "Retake the quiz in module %(number)d: %(title)s",
                number=target.module.order,
                title=title,
            ),
            target.module,
            anchor="quiz",
        )
    return NextStep(
        _("Continue with module %(number)d: %(title)s", number=target.module.order, title=title),
        target.module,
    )


def hours_text(hours: float) -> str:
    if float(hours).is_integer():
        return ngettext("%(num)d hour", "%(num)d hours", int(hours))
    return _("%(hours)s hours", hours=format_decimal(hours))


def minutes_text(minutes: int) -> str:
    return ngettext("About %(num)d minute", "About %(num)d minutes", int(minutes))


def course_fallback_notice(course: Course) -> str:
    notice = COURSE_FALLBACK_NOTICES.get(course.default_language, COURSE_FALLBACK_NOTICES["en"])
    return _(notice)


def course_status_label(state: CourseState) -> str:
    if state.status == "completed":
        return _("Completed")
    if state.status == "updated":
        return ngettext(
            "Updated — %(num)d new module", "Updated — %(num)d new modules", state.new_modules
        )
    if state.status == "in_progress":
        return _("In progress")
    return _("Not started")
