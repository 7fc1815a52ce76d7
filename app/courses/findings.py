"""Checker findings: one problem in a course file, with its position and an English message.

Every message template is marked with ``N_`` so that the trainer page can show it translated
(``_(MESSAGES[finding.code], **finding.params)``); the CLI prints the English text in the
compiler-like form ``path:line: error|warning: message``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.i18n import N_

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

MESSAGES: dict[str, str] = {
    # --- course.yml -----------------------------------------------------------------------
    "course-file-missing": N_("this folder has no course.yml, so it is not a course"),
    "course-unreadable": N_("the course could not be read: %(problem)s"),
    "not-utf8": N_(
        "the file is not saved as UTF-8, so letters like ā, š, ų would be garbled; "
        "save it again with the encoding UTF-8"
    ),
    "yaml-syntax": N_("cannot read the YAML: %(problem)s"),
    "yaml-colon-in-value": N_(
        "cannot read the YAML: %(problem)s. A text that contains a colon must be in quotes: "
        "write %(fixed)s"
    ),
    "yaml-duplicate-key": N_('the key "%(key)s" is written twice; only the last one would count'),
    "meta-not-mapping": N_("course.yml must be a list of `key: value` lines"),
    "meta-missing-field": N_('course.yml has no "%(field)s"'),
    "meta-bad-value": N_('"%(field)s" must be %(expected)s (found: %(value)s)'),
    "meta-unknown-field": N_('unknown key "%(field)s" in course.yml (it is ignored)'),
    "meta-missing-language-text": N_(
        '"%(field)s" has no %(language)s text; the %(default)s text will be shown instead'
    ),
    "certificate-template-unknown": N_(
        'there is no certificate template "%(template)s"; the templates are: %(available)s'
    ),
    "course-id-folder-mismatch": N_(
        'the course id "%(course_id)s" must be the same as its folder name "%(folder)s"'
    ),
    "bad-id": N_(
        '"%(value)s" is not a valid id: use lower-case letters a-z, digits and "-", '
        "2 to 64 characters, starting with a letter or digit"
    ),
    "unknown-language": N_('unknown language "%(language)s" (use lv, lt or en)'),
    "default-language-not-listed": N_(
        'default_language "%(language)s" is not in the list of languages'
    ),
    "bad-module-stem": N_(
        '"%(stem)s" is not a valid module file name: use lower-case letters a-z, digits and "-" '
        "(for example 01-introduction)"
    ),
    "duplicate-module-stem": N_('the module "%(stem)s" is listed twice'),
    # --- module files ---------------------------------------------------------------------
    "module-file-missing": N_(
        'the module "%(stem)s" has no file in the default language: %(file)s is missing'
    ),
    "translation-missing": N_(
        "%(file)s is missing; learners reading in %(language)s will see the %(default)s text "
        "with a notice"
    ),
    "translation-outdated": N_(
        "this translation was made from an older version of %(source)s "
        "(source_hash %(recorded)s, current %(current)s)"
    ),
    "translation-untracked": N_(
        "this translation does not record what it was made from, so it can never be reported "
        "as outdated; once it matches the current %(source)s, add this line to the front matter: "
        "translation: {source: %(language)s, source_hash: %(hash)s}"
    ),
    "translation-source-unknown": N_(
        'translation.source "%(language)s" is not one of the course languages'
    ),
    "module-file-unlisted": N_(
        'this file is not used: "%(stem)s" is not listed under modules in course.yml'
    ),
    "file-language-unknown": N_(
        'the language "%(language)s" in this file name is not one of the course languages'
    ),
    "front-matter-missing": N_(
        "the file must start with front matter: a line ---, then id, title and minutes, "
        "then a line ---"
    ),
    "front-matter-unclosed": N_(
        "the front matter that starts here is never closed with a line ---"
    ),
    "module-missing-field": N_('the front matter has no "%(field)s"'),
    "module-bad-value": N_('"%(field)s" must be %(expected)s (found: %(value)s)'),
    "module-unknown-field": N_('unknown key "%(field)s" in the front matter (it is ignored)'),
    "module-id-mismatch": N_(
        'the module id "%(value)s" differs from "%(expected)s" in the default-language file; '
        "ids must be the same in every language"
    ),
    "module-minutes-differ": N_(
        "minutes is %(value)s here but %(expected)s in the default-language file"
    ),
    "reserved-id": N_('"%(value)s" cannot be a module id: the name is used by the platform'),
    "duplicate-id": N_('the id "%(value)s" is already used at %(first)s'),
    # --- quiz blocks ----------------------------------------------------------------------
    "block-unknown": N_('unknown block "%(name)s"; only "::: quiz" blocks exist'),
    "block-stray-close": N_(
        "this ::: closes nothing: there is no open quiz block. If it ends a quiz, the quiz's "
        "opening line ::: quiz {#id} is missing or mistyped, and learners would see its answers "
        "as ordinary text"
    ),
    "quiz-indented": N_(
        "::: quiz must start at the very beginning of the line, without spaces before it; "
        "otherwise learners see the quiz, with its answers, as ordinary text. To show quiz "
        "syntax as an example, put it in a ``` code block"
    ),
    "quiz-unclosed": N_("the quiz block that starts here is never closed with a line :::"),
    "quiz-no-id": N_("the quiz has no id: write it in braces, for example ::: quiz {#my-question}"),
    "quiz-bad-attribute": N_('cannot read the quiz attribute "%(text)s"'),
    "quiz-bad-attribute-value": N_('"%(name)s" must be %(expected)s (found: %(value)s)'),
    "quiz-unknown-attribute": N_(
        'unknown quiz attribute "%(name)s" (known: points, rev, shuffle); it is ignored'
    ),
    "quiz-heading": N_("a heading cannot be inside a quiz block; close the quiz with ::: first"),
    "quiz-feedback-detached": N_(
        "this feedback line (>) belongs to no option: indent it under the option it explains"
    ),
    "quiz-empty-prompt": N_("the quiz has no question text"),
    "quiz-no-answer": N_(
        "the quiz has no answer: add options ( ) / [ ], pairs (left => right) or an answer in [[ ]]"
    ),
    "quiz-mixed-kinds": N_(
        "the quiz mixes %(first)s and %(second)s; a question has one kind of answer"
    ),
    "quiz-single-correct": N_(
        "a single-choice question needs exactly one right option (x), found: %(count)s"
    ),
    "quiz-multiple-none-correct": N_(
        "a multiple-choice question needs at least one right option [x]"
    ),
    "quiz-too-few-options": N_("the quiz needs at least two options, found: %(count)s"),
    "quiz-too-few-pairs": N_(
        "a matching quiz needs at least two pairs left => right, found: %(count)s"
    ),
    "quiz-empty-option": N_("this option has no text"),
    "quiz-empty-answer": N_("an accepted answer in [[ ]] or a side of a pair is empty"),
    "quiz-several-answers": N_("only one answer [[ ]] is allowed per quiz, found %(count)s"),
    "quiz-option-no-space": N_(
        'put a space after the dash: write "- %(marker)s …"; without it this line is not an option'
    ),
    "quiz-option-marker": N_(
        "this list item has no ( ), (x), [ ], [x] or =>; it cannot be an option"
    ),
    "quiz-stray-text": N_(
        "text after the options must be indented under an option, a hint line starting ?, "
        "or come after the line --- (explanation)"
    ),
    "quiz-bad-range": N_("the range %(low)s..%(high)s is empty: the first number must be smaller"),
    "quiz-duplicate-left": N_('the left side "%(text)s" appears in two pairs'),
    "quiz-missing-in-translation": N_(
        'the quiz "%(question)s" of the default language is missing in this translation'
    ),
    "quiz-extra-in-translation": N_('the quiz "%(question)s" is not in the default-language file'),
    "quiz-order-differs": N_(
        "the quizzes are in a different order than in the default-language file"
    ),
    "answer-key-differs": N_(
        'the answer key of "%(question)s" differs from the default language: %(detail)s'
    ),
    "leak-answer-marker": N_(
        '"%(text)s" looks like a quiz answer but is not inside a ::: quiz block, so learners '
        "would see it as ordinary text; check the quiz's opening line ::: quiz {#id}, or write "
        "an example as `code`"
    ),
    "leak-option-marker": N_(
        "this list item starts with %(marker)s like a quiz option but is not inside a ::: quiz "
        "block, so learners would see the answers as ordinary text; check the quiz's opening "
        "line ::: quiz {#id}"
    ),
    # --- published ids --------------------------------------------------------------------
    "published-id-removed": N_(
        'the published %(kind)s "%(value)s" has disappeared; learners\' records refer to it. '
        "Restore it, or list it under retired: in course.yml if it was removed on purpose"
    ),
    "retired-id-present": N_('"%(value)s" is listed under retired: but is still in the course'),
    "lock-outdated": N_(
        "these published ids are not yet recorded in %(file)s: %(ids)s; run "
        "`flask courses check --update-lock` and commit the file"
    ),
    "lock-missing": N_(
        "the course is published but has no %(file)s; run `flask courses check --update-lock` "
        "and commit the file"
    ),
    "lock-keys-outdated": N_(
        "the answer keys of these questions are not yet recorded in %(file)s: %(ids)s; run "
        "`flask courses check --update-lock` and commit the file"
    ),
    "answer-key-changed": N_(
        'the answer key of "%(question)s" has changed since it was published, but its rev is '
        "still %(rev)s: raise it to rev=%(next)s in every language, so that earlier attempts keep "
        "the key they were graded with"
    ),
    "lock-bad-line": N_('cannot read this line of the published-ids file: "%(text)s"'),
    "version-lowered": N_("version %(value)s is lower than the published version %(recorded)s"),
    # --- content --------------------------------------------------------------------------
    "image-no-alt": N_(
        'the image "%(target)s" has no alt text: describe it for people who cannot see it'
    ),
    "broken-link": N_('the link "%(target)s" points to nothing in this course'),
    "broken-image": N_('the image "%(target)s" does not exist in media/'),
    "broken-anchor": N_('the link "%(target)s" points to a heading that does not exist'),
    "raw-html-stripped": N_("the HTML %(what)s is not allowed and will be removed from the page"),
}


# Descriptions used as the ``expected`` parameter of *-bad-value findings; translated like MESSAGES.
EXPECTED: dict[str, str] = {
    "integer>=1": N_("a whole number, 1 or more"),
    "integer>=0": N_("a whole number, 0 or more"),
    "percent": N_("a whole number from 0 to 100"),
    "boolean": N_("true or false"),
    "text": N_("a text"),
    "language": N_("one of lv, lt, en"),
    "language-list": N_("a list of languages, for example [lv, lt, en]"),
    "language-texts": N_("texts per language, for example {lv: ..., lt: ..., en: ...}"),
    "stem-list": N_("a list of module file names, for example [01-introduction, 02-equipment]"),
    "show-answers": N_("never, after_pass or always"),
    "id-list": N_("a list of ids"),
    "email-list": N_("a list of e-mail addresses"),
    "certificate": N_("{template: name}"),
    "translation": N_("{source: lv, source_hash: ...}"),
    "number": N_("a number"),
}


@dataclass(frozen=True)
class Finding:
    """One checker finding. ``line`` is 1-based; 0 means the whole file."""

    path: str
    line: int
    severity: Severity
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English message."""
        return self.translated(lambda s: s)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message through ``gettext`` (e.g. ``app.i18n._``) for the trainer page."""
        params = dict(self.params)
        if "expected" in params and params["expected"] in EXPECTED:
            params["expected"] = gettext(EXPECTED[params["expected"]])
        return gettext(MESSAGES[self.code]) % params

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self, relative_to: str | Path | None = None) -> str:
        """``path:line: severity: message``, the path relative to ``relative_to`` when below it."""
        return (
            f"{display_path(self.path, relative_to)}:{self.line}: {self.severity}: {self.message}"
        )


def display_path(path: str | Path, relative_to: str | Path | None = None) -> str:
    base = Path(relative_to) if relative_to is not None else Path.cwd()
    try:
        return os.path.relpath(path, base) if Path(path).is_relative_to(base) else str(path)
    except ValueError:
        return str(path)


def finding(path: str | Path, line: int, severity: Severity, code: str, **params: Any) -> Finding:
    """Build a finding; unknown codes fail loudly so that a typo cannot hide a message."""
    if code not in MESSAGES:
        raise KeyError(f"unknown finding code {code!r}")
    return Finding(str(path), int(line), severity, code, params)


def error(path: str | Path, line: int, code: str, **params: Any) -> Finding:
    return finding(path, line, ERROR, code, **params)


def warning(path: str | Path, line: int, code: str, **params: Any) -> Finding:
    return finding(path, line, WARNING, code, **params)


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.path, f.line, 0 if f.is_error else 1, f.code)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.is_error for f in findings)
