"""Aiken import: Moodle's fixtures with the same questions, errors and line numbers as Moodle
(../shared/testdata/gift/aiken/aiken_expected.md), conversion into quiz blocks, and the
``import-aiken`` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.courses.importers.aiken import parse_aiken
from app.courses.importers.cli import import_aiken_command
from app.courses.importers.emit import emit_blocks
from app.courses.parser import parse_module_file
from app.courses.render import render_block, render_inline

AIKEN = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "gift" / "aiken"
FRONT = "---\nid: imported\ntitle: Imported\nminutes: 5\n---\n\n"


def expected_errors() -> list[tuple[int, str]]:
    """(line, Moodle's message) from aiken_expected.md, e.g. "Question not started on line 5"."""
    text = (AIKEN / "aiken_expected.md").read_text(encoding="utf-8")
    return [(int(n), msg) for msg, n in re.findall(r'"([^"]+?) on line (\d+)"', text)]


def quizzes(blocks: str) -> list:
    parsed, findings = parse_module_file(Path("m.lv.md"), (FRONT + blocks).encode(), "lv")
    assert findings == []
    return parsed.quizzes


def test_expected_file_lists_moodles_four_errors() -> None:
    assert [line for line, _ in expected_errors()] == [3, 5, 7, 18]


def test_errors_file_gives_moodles_errors_at_moodles_lines() -> None:
    result = parse_aiken((AIKEN / "aiken_errors.txt").read_text(encoding="utf-8"))
    assert [(e.line, e.message.split(" (question")[0]) for e in result.errors] == expected_errors()
    assert [e.params.get("question") for e in result.errors] == [
        "A question with too few answers",
        None,
        None,
        "A question started but not finished",
    ]
    assert result.warnings == []


def test_errors_file_still_yields_the_three_good_questions() -> None:
    result = parse_aiken((AIKEN / "aiken_errors.txt").read_text(encoding="utf-8"))
    got = [
        (q.line, q.kind, q.text, [(a.text, a.fraction) for a in q.answers])
        for q in result.questions
    ]
    assert got == [
        (9, "single", "A good question", [("Correct", 1.0), ("Incorrect", 0.0)]),
        (
            18,
            "single",
            "A second good question",
            [("Incorrect (No space)", 0.0), ("Correct (No space)", 1.0)],
        ),
        (
            23,
            "single",
            "A third good question with HTML chars such as > < &",
            [("Correct (< > &)", 1.0), ("Incorrect (< > &)", 0.0)],
        ),
    ]
    # Moodle stores these HTML-escaped ("Correct (&lt; &gt; &amp;)"): they are plain text.
    assert {a.text_format for q in result.questions for a in q.answers} == {"plain"}


def test_questions_file() -> None:
    result = parse_aiken((AIKEN / "questions.aiken.txt").read_text(encoding="utf-8"))
    assert result.errors == []
    first, second = result.questions
    assert first.text == "The Moodle project was started by:"
    assert [a.text for a in first.answers if a.fraction == 1] == ["Martin Dougiamas"]
    assert [a.fraction for a in first.answers] == [0, 1, 0, 0]
    assert second.text == (
        'Moodle\'s abilities include handling user input that includes <html class="cool"> & '
        "images:"
    )
    assert second.text_format == "plain"
    assert [(a.text, a.fraction) for a in second.answers] == [("True", 1.0), ("False", 0.0)]


def test_raw_html_in_aiken_text_is_shown_as_written() -> None:
    result = parse_aiken((AIKEN / "questions.aiken.txt").read_text(encoding="utf-8"))
    emitted = emit_blocks(result.questions, lang="en")
    first, second = quizzes(emitted.text)
    assert [o.correct for o in first.options] == [False, True, False, False]
    assert [o.correct for o in second.options] == [True, False]
    html = render_block(second.prompt).html
    assert '&lt;html class="cool"&gt; &amp; images:' in html
    assert "<html" not in html


def test_errors_file_questions_convert() -> None:
    result = parse_aiken((AIKEN / "aiken_errors.txt").read_text(encoding="utf-8"))
    emitted = emit_blocks(result.questions, lang="lt")
    assert emitted.ids == ["q-9", "q-18", "q-23"]
    assert emitted.unconvertible == [] and emitted.warnings == []
    third = quizzes(emitted.text)[2]
    assert [render_inline(o.text).html for o in third.options] == [
        "Correct (&lt; &gt; &amp;)",
        "Incorrect (&lt; &gt; &amp;)",
    ]
    assert [o.correct for o in third.options] == [True, False]


@pytest.mark.parametrize(
    ("text", "errors", "answers"),
    [
        # A question still open at the end of the file is reported (Moodle drops it silently).
        ("Q1\nA) a\nB) b\nANSWER: A\n\nQ2\nA) x\nB) y\n", [(6, "aiken-unfinished-at-end")], 1),
        # An ANSWER letter that names no choice.
        ("Q1\nA) a\nB) b\nANSWER: C\n", [(4, "aiken-bad-answer-letter")], 0),
        ("Q1\nA) a\nB) b\nANSWER:\n", [(4, "aiken-bad-answer-letter")], 0),
        # Lower-case answer letters and "A." markers are accepted.
        ("Q1\nA. a\nB. b\nANSWER: b\n", [], 1),
        # Lines shorter than two characters are skipped (still counted).
        ("Q1\n\nx\nA) a\nB) b\nANSWER: A\nA) stray\n", [(7, "aiken-not-started")], 1),
    ],
)
def test_more_errors_and_leniency(text: str, errors: list, answers: int) -> None:
    result = parse_aiken(text)
    assert [(e.line, e.code) for e in result.errors] == errors
    assert len(result.questions) == answers
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r")):
        assert [(e.line, e.code) for e in parse_aiken(variant).errors] == errors


def test_right_answer_after_lower_case_letter() -> None:
    [q] = parse_aiken("Which?\nA. one\nB. two\nANSWER: b").questions
    assert [a.fraction for a in q.answers] == [0.0, 1.0]


def run(args: list[str]):
    return CliRunner().invoke(import_aiken_command, args)


def test_command_refuses_the_errors_file(tmp_path: Path) -> None:
    path = AIKEN / "aiken_errors.txt"
    out = tmp_path / "out.md"
    result = run([str(path), "--lang", "lv", "--out", str(out)])
    assert result.exit_code == 1 and result.stdout == "" and not out.exists()
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in lines] == [
        f"{path}:3",
        f"{path}:5",
        f"{path}:7",
        f"{path}:18",
    ]
    assert "Question must have at least 2 answers" in lines[0]
    assert "4 errors; nothing written" in result.stderr


def test_command_converts_the_questions_file(tmp_path: Path) -> None:
    out = tmp_path / "quiz.lv.md"
    result = run([str(AIKEN / "questions.aiken.txt"), "--lang", "lv", "--out", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("::: quiz {#q-1 shuffle}\nThe Moodle project was started by:\n")
    assert "- (x) Martin Dougiamas" in text
    assert "2 questions converted" in result.stderr


def test_command_name() -> None:
    assert import_aiken_command.name == "import-aiken"
