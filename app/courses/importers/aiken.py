"""Aiken parser: Moodle's Aiken format → ``ImportResult`` of single-choice questions.

```
Question text (one line)
A) Choice one
B. Choice two
ANSWER: B
```

It follows Moodle's importer (question/format/aiken/format.php): lines shorter than two
characters are skipped; a line ``X)``/``X.`` (X = A…Z, the space after it optional) is a choice; a
line starting ``ANSWER:`` ends the question; any other line starts a new question. Errors carry
Moodle's wording and line numbers:

- ``Question not started`` — a choice or ANSWER line before any question text;
- ``Question must have at least 2 answers`` — at the ANSWER line (the question is dropped);
- ``Question not completed before next question start`` — at the line that starts the next
  question (the unfinished one is dropped).

Texts are plain text (Moodle stores them HTML-escaped, so ``<b>`` shows as written).

Differences from Moodle: a question still open at the end of the file is reported (Moodle drops
it silently); an ANSWER letter that names no choice is an error (Moodle imports the question
without a right answer); a lower-case answer letter is accepted; with CR LF line endings the line
numbers stay right (Moodle counts such a line twice).
"""

from __future__ import annotations

import re

from app.courses.importers import Answer, ImportedQuestion, ImportResult, issue

_CHOICE_RE = re.compile(r"^[A-Z][).][ \t]?")
_ANSWER_RE = re.compile(r"^ANSWER:")


def parse_aiken(text: str) -> ImportResult:
    """Parse Aiken text (already decoded). Line endings may be LF, CRLF or CR."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    result = ImportResult()
    question: ImportedQuestion | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if len(line.encode("utf-8")) < 2:
            continue
        if _CHOICE_RE.match(line):
            if question is None:
                result.errors.append(issue(number, "aiken-not-started"))
                continue
            question.answers.append(
                Answer(
                    text=line[2:].strip(),
                    fraction=0.0,
                    text_format="plain",
                    feedback_format="plain",
                    line=number,
                )
            )
        elif _ANSWER_RE.match(line):
            if question is None:
                result.errors.append(issue(number, "aiken-not-started"))
                continue
            letter = line.split(":", 1)[1].strip()[:1]
            if len(question.answers) < 2:
                result.errors.append(
                    issue(number, "aiken-too-few-answers", question=question.label)
                )
                question = None
                continue
            index = ord(letter.upper()) - ord("A") if letter else -1
            if not 0 <= index < len(question.answers):
                result.errors.append(
                    issue(
                        number,
                        "aiken-bad-answer-letter",
                        letter=letter or "?",
                        question=question.label,
                        last=chr(ord("A") + len(question.answers) - 1),
                    )
                )
                question = None
                continue
            question.answers[index].fraction = 1.0
            result.questions.append(question)
            question = None
        else:
            if question is not None:
                result.errors.append(issue(number, "aiken-not-complete", question=question.label))
            question = ImportedQuestion(
                line=number,
                kind="single",
                text=line,
                text_format="plain",
                general_feedback_format="plain",
            )
    if question is not None:
        result.errors.append(
            issue(question.line, "aiken-unfinished-at-end", question=question.label)
        )
    return result


__all__ = ["parse_aiken"]
