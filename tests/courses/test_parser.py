"""Parsing module files: front matter, every question kind, attributes, and structural errors."""

from __future__ import annotations

from pathlib import Path

from app.courses.parser import parse_course_meta, parse_module_file
from tests.courses.conftest import dedent

PATH = Path("/c/mini/01-x.lv.md")


def parse(text: str, lang: str = "lv"):
    return parse_module_file(PATH, dedent(text).encode("utf-8"), lang)


def codes(findings) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in findings]


FRONT = """\
---
id: equipment
title: Sensorās telpas aprīkojums
minutes: 25
---
"""


def test_front_matter_and_body_keep_line_numbers():
    parsed, findings = parse(FRONT + "# Virsraksts\n\nTeksts ar ā, š, ų.\n")
    assert findings == []
    assert parsed.front == {"id": "equipment", "title": "Sensorās telpas aprīkojums", "minutes": 25}
    assert parsed.line("title") == 3
    assert parsed.body_start == 6
    assert parsed.body.splitlines()[0] == "# Virsraksts"


def test_single_choice_with_feedback_hint_and_explanation():
    parsed, findings = parse(
        FRONT
        + """
::: quiz {#bubble-tube}
Kāpēc burbuļu kolonnai jābūt stabili nostiprinātai?

- ( ) Lai tā izskatītos kārtīgāk
  > Izskats nav galvenais iemesls.
- (x) Lai apmeklētājs to nevarētu apgāzt
- ( ) Lai ietaupītu elektrību

? Padomājiet par apmeklētāju drošību.

---

Stabils stiprinājums novērš traumas.
:::
"""
    )
    assert findings == []
    (quiz,) = parsed.quizzes
    assert (quiz.id, quiz.kind, quiz.line, quiz.points, quiz.rev, quiz.shuffle) == (
        "bubble-tube", "single", 7, 1, 1, False,
    )  # fmt: skip
    assert quiz.prompt == "Kāpēc burbuļu kolonnai jābūt stabili nostiprinātai?"
    assert [o.correct for o in quiz.options] == [False, True, False]
    assert quiz.options[0].feedback == ["Izskats nav galvenais iemesls."]
    assert quiz.options[0].line == 10
    assert quiz.hint == "Padomājiet par apmeklētāju drošību."
    assert quiz.explanation == "Stabils stiprinājums novērš traumas."
    # The quiz block is not part of the page body.
    assert "burbuļu" not in parsed.body


def test_multiple_choice_with_attributes():
    parsed, findings = parse(
        FRONT
        + """
::: quiz {#calm-signs points=2 rev=3 shuffle}
Kuras pazīmes liecina par pārslodzi?

- [x] Aizspiež ausis
- [X] Cenšas pamest telpu
- [ ] Smaida
:::
"""
    )
    assert findings == []
    quiz = parsed.quizzes[0]
    assert (quiz.kind, quiz.points, quiz.rev, quiz.shuffle) == ("multiple", 2, 3, True)
    assert [o.correct for o in quiz.options] == [True, True, False]


def test_true_false_is_single_choice_with_two_options():
    parsed, findings = parse(
        FRONT + "::: quiz {#tf}\nTā ir patiesība.\n\n- (x) Patiesi\n- ( ) Nepatiesi\n:::\n"
    )
    assert findings == []
    assert parsed.quizzes[0].kind == "single"
    assert len(parsed.quizzes[0].options) == 2


def test_text_answer_alternatives_and_escaped_bar():
    parsed, findings = parse(
        FRONT
        + "::: quiz {#term}\nKā sauc telpu? [[sensorā telpa | Multisensorā telpa | a \\| b]]\n:::\n"
    )
    assert findings == []
    quiz = parsed.quizzes[0]
    assert quiz.kind == "text"
    assert quiz.text_answers == ["sensorā telpa", "Multisensorā telpa", "a | b"]
    assert quiz.prompt == "Kā sauc telpu?"


def test_numeric_tolerance_range_and_exact():
    text = FRONT + dedent(
        """
        ::: quiz {#lux}
        Apgaismojums? [[300 +- 50]]
        :::

        ::: quiz {#minutes}
        Cik minūtes? [[10..20]]
        :::

        ::: quiz {#year}
        Kurā gadā? [[2026]]
        :::

        ::: quiz {#comma}
        Cik litru? [[2,5 ± 0,5]]
        :::
        """
    )
    parsed, findings = parse(text)
    assert findings == []
    assert [q.kind for q in parsed.quizzes] == ["numeric"] * 4
    assert parsed.quizzes[0].numeric == (250, 350, 300, 50)
    assert parsed.quizzes[1].numeric == (10, 20, None, None)
    assert parsed.quizzes[2].numeric == (2026, 2026, 2026, 0)
    assert parsed.quizzes[3].numeric == (2.0, 3.0, 2.5, 0.5)


def test_matching_with_a_distractor():
    parsed, findings = parse(
        FRONT
        + """
::: quiz {#pairs}
Savienojiet.

- Burbuļu kolonna => Redze
- Svērtā sega => Tauste
- => Garša
:::
"""
    )
    assert findings == []
    quiz = parsed.quizzes[0]
    assert quiz.kind == "matching"
    assert [(p.left, p.right) for p in quiz.pairs] == [
        ("Burbuļu kolonna", "Redze"), ("Svērtā sega", "Tauste"), ("", "Garša"),
    ]  # fmt: skip


def test_quiz_inside_fenced_code_is_just_code():
    parsed, findings = parse(FRONT + "```\n::: quiz {#example}\nNav jautājums\n:::\n```\n")
    assert findings == []
    assert parsed.quizzes == []
    assert "::: quiz {#example}" in parsed.body


def test_structural_errors_carry_their_lines():
    text = FRONT + dedent(
        """
        ::: quiz
        Bez id.

        - (x) a
        - ( ) b
        :::

        ::: quiz {#two-right}
        Divas pareizas?

        - (x) a
        - (x) b
        :::

        ::: quiz {#no-right}
        - [ ] a
        - [ ] b
        :::

        ::: quiz {#one-option}
        Viena?

        - (x) a
        :::

        ::: quiz {#mixed}
        Jaukts?

        - (x) a
        - [ ] b
        :::

        ::: quiz {#detached}
        Atsauksme?

        - (x) a
        - ( ) b
        > nepievienota
        - ( )
        :::

        ::: quiz {#heading}
        ## Virsraksts
        Teksts?

        - (x) a
        - ( ) b
        :::

        ::: quiz {#bad-attr points=zero colour=red}
        Atribūti? [[ja | ]]
        :::

        ::: quiz {#unclosed}
        Nav aizvērts? [[ja]]
        """
    )
    parsed, findings = parse(text)
    assert codes(findings) == [
        (6, "quiz-no-id"),
        (13, "quiz-single-correct"),
        (20, "quiz-empty-prompt"),
        (20, "quiz-multiple-none-correct"),
        (25, "quiz-too-few-options"),
        (31, "quiz-mixed-kinds"),
        (43, "quiz-feedback-detached"),
        (44, "quiz-empty-option"),
        (48, "quiz-heading"),
        (55, "quiz-bad-attribute-value"),
        (55, "quiz-unknown-attribute"),
        (56, "quiz-empty-answer"),
        (59, "quiz-unclosed"),
    ]
    assert [q.valid for q in parsed.quizzes] == [False] * 9


def test_unknown_block_and_stray_close():
    parsed, findings = parse(FRONT + "::: quizz {#typo}\nTeksts\n:::\n\n:::\n")
    assert codes(findings) == [(6, "block-unknown"), (10, "block-stray-close")]


def test_missing_front_matter_and_bad_fields():
    _, findings = parse("# Bez priekšvārda\n")
    assert codes(findings) == [(1, "front-matter-missing")]
    _, findings = parse("---\nid: Bad Id\nminutes: -3\ncolour: red\n---\n")
    assert sorted(codes(findings)) == [
        (1, "module-missing-field"),  # title
        (2, "bad-id"),
        (3, "module-bad-value"),
        (4, "module-unknown-field"),
    ]
    _, findings = parse("---\nid: x\ntitle: [unclosed\n---\n")
    assert [f.code for f in findings] == ["yaml-syntax"]
    assert findings[0].line >= 3


def test_crlf_and_bom_do_not_change_the_content_hash():
    lf, _ = parse(FRONT + "Teksts\n")
    crlf, _ = parse_module_file(
        PATH, ("\ufeff" + dedent(FRONT + "Teksts\n")).replace("\n", "\r\n").encode(), "lv"
    )
    assert lf.content_hash == crlf.content_hash
    assert crlf.front["id"] == "equipment"


def test_course_meta_defaults_and_lines():
    meta, findings = parse_course_meta(
        Path("/c/x/course.yml"),
        "id: x-course\nversion: 1\ndefault_language: lv\nlanguages: [lv]\n"
        "title: {lv: Kurss}\nmodules: [01-a]\n",
        "x-course",
    )
    assert findings == []
    assert meta.usable
    assert (meta.pass_mark, meta.max_attempts, meta.show_answers, meta.published) == (
        80, 0, "after_pass", False,
    )  # fmt: skip
    assert meta.line("modules", "0") == 6
