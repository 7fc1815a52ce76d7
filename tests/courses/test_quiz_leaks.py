"""A mistyped quiz must never reach learners as text: an indented or missing ``::: quiz`` line,
and any quiz syntax left in the rendered page, are errors at their line, and the loader keeps
the last good version live."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.courses.checker import check_courses
from app.courses.loader import CourseRegistry, build_course
from tests.courses.conftest import keyed

LV1 = "mini-course/01-introduction.lv.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(courses_dir: Path) -> set[tuple[str, int, str, str]]:
    return {k for k in keyed(check_courses(courses_dir), courses_dir) if k[2] == "error"}


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_an_indented_quiz_line_is_an_error_at_that_line(courses_dir: Path, mini: Path, indent):
    edit(
        mini / "01-introduction.lv.md",
        "::: quiz {#room-purpose}",
        indent + "::: quiz {#room-purpose}",
    )
    assert errors(courses_dir) == {(LV1, 14, "error", "quiz-indented")}
    build = build_course(mini)
    assert not build.ok
    # Still read as the quiz (so the answers are not in the page text either).
    html = build.course.module("introduction").variants["lv"].html
    assert "Drošai un mierīgai" not in html


def test_a_wholly_indented_quiz_block_is_read_as_the_quiz(courses_dir: Path, mini: Path):
    path = mini / "01-introduction.lv.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[13:27] = ["  " + line if line else line for line in lines[13:27]]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert errors(courses_dir) == {(LV1, 14, "error", "quiz-indented")}


def test_a_quiz_without_its_opening_line_is_reported_at_each_leaked_line(
    courses_dir: Path, mini: Path
):
    edit(mini / "01-introduction.lv.md", "::: quiz {#room-purpose}\n", "")
    got = errors(courses_dir)
    assert (LV1, 26, "error", "block-stray-close") in got
    assert {(LV1, n, "error", "leak-option-marker") for n in (16, 18, 19)} <= got
    finding = next(f for f in check_courses(courses_dir) if f.code == "block-stray-close")
    assert finding.is_error
    assert "::: quiz {#id} is missing or mistyped" in finding.message


def test_a_mistyped_opening_line_leaks_nothing(courses_dir: Path, mini: Path):
    edit(mini / "01-introduction.lv.md", "::: quiz {#room-purpose}", ":: quiz {#room-purpose}")
    got = errors(courses_dir)
    assert (LV1, 27, "error", "block-stray-close") in got
    assert (LV1, 19, "error", "leak-option-marker") in got


def test_an_answer_in_double_brackets_outside_a_quiz(courses_dir: Path, mini: Path):
    edit(
        mini / "01-introduction.lv.md",
        "Skatiet arī",
        "Kā sauc šo telpu? [[sensorā telpa | multisensorā telpa]]\n\n"
        "Piemērs: `[[42]]` un\n\n```\nAtbilde: [[10..20]]\n- (x) koda blokā\n```\n\nSkatiet arī",
    )
    findings = [f for f in check_courses(courses_dir) if f.is_error]
    assert [(f.line, f.code) for f in findings] == [(12, "leak-answer-marker")]
    assert findings[0].params["text"] == "[[sensorā telpa | multisensorā telpa]]"


@pytest.mark.parametrize("marker", ["( )", "(x)", "[ ]", "[x]", "(X)"])
def test_option_markers_in_ordinary_lists(courses_dir: Path, mini: Path, marker):
    edit(
        mini / "01-introduction.lv.md",
        "Skatiet arī",
        f"1. Pirmais\n2. {marker} Otrais\n\n- `( )` koda fragments ir atļauts\n\nSkatiet arī",
    )
    assert errors(courses_dir) == {(LV1, 13, "error", "leak-option-marker")}


@pytest.mark.parametrize("gap", ["", "\n"])
def test_options_hidden_in_the_question_text_are_reported(courses_dir: Path, mini: Path, gap):
    # Indented under the question text, they are part of it (a paragraph or a list).
    edit(
        mini / "01-introduction.lv.md",
        "Kam paredzēta sensorā telpa?\n",
        f"Kam paredzēta sensorā telpa?\n{gap}  - (x) Mieram\n",
    )
    assert errors(courses_dir) == {(LV1, 16 + len(gap), "error", "leak-option-marker")}


def test_list_markers_left_in_a_paragraph_are_reported(courses_dir: Path, mini: Path):
    edit(
        mini / "01-introduction.lv.md", "Skatiet arī", "Izvēlieties:\n-(x) jā\n- ( ) nē\n\nSkatiet"
    )
    assert {k[1] for k in errors(courses_dir) if k[3] == "leak-option-marker"} == {13, 14}


def test_the_last_good_version_stays_live_without_the_answers(courses_dir: Path, mini: Path):
    registry = CourseRegistry(courses_dir)
    assert registry.get().get("mini-course") is not None
    edit(mini / "01-introduction.lv.md", "::: quiz {#room-purpose}", "  ::: quiz {#room-purpose}")
    catalog = registry.get()
    refusal = catalog.refused["mini-course"]
    assert refusal.serving_last_good
    assert (14, "quiz-indented") in {(f.line, f.code) for f in refusal.errors}
    live = catalog.get("mini-course").module("introduction")
    assert live.questions[0].id == "room-purpose"
    assert "Drošai un mierīgai" not in live.variants["lv"].html


def test_an_option_without_a_space_after_the_dash(courses_dir: Path, mini: Path):
    edit(mini / "01-introduction.lv.md", "- (x) Drošai", "-(x) Drošai")
    findings = [f for f in check_courses(courses_dir) if f.is_error]
    assert [(f.line, f.code) for f in findings] == [(19, "quiz-option-no-space")]
    assert 'write "- (x) …"' in findings[0].message


def test_a_colon_in_a_yaml_value_suggests_quotes(courses_dir: Path, mini: Path):
    edit(mini / "01-introduction.lv.md", "title: Ievads", "title: Nodaļa: ievads")
    (finding,) = [f for f in check_courses(courses_dir) if f.code.startswith("yaml")]
    assert (finding.line, finding.code) == (3, "yaml-colon-in-value")
    assert finding.message.endswith('must be in quotes: write title: "Nodaļa: ievads"')
    edit(
        mini / "course.yml",
        "title: {lv: Sensorā lasītava,",
        "title: {lv: Sensorā lasītava: kurss,",
    )
    found = {f.code: f for f in check_courses(courses_dir) if f.path.endswith("course.yml")}
    assert found["yaml-colon-in-value"].params["fixed"] == 'lv: "Sensorā lasītava: kurss"'
