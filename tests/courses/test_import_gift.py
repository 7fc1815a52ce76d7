"""GIFT import: Moodle's own test cases and fixtures, the PEG grammar's corpus, errors with line
numbers, conversion into quiz blocks (read back with the course engine's parser and checker) and
the ``import-gift`` command.

The shared test data is read in place from ../shared/testdata/gift (see its README).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.courses.checker import check_courses
from app.courses.importers import ImportedQuestion, ImportResult
from app.courses.importers.cli import import_gift_command
from app.courses.importers.emit import emit_blocks, question_id, slugify
from app.courses.importers.gift import extract_idnumber_and_tags, parse_gift
from app.courses.parser import parse_module_file
from app.courses.render import render_block, render_inline

GIFT = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "gift"
MOODLE = GIFT / "moodle"
PEG = GIFT / "peg" / "tests" / "questions"
CASES = json.loads((MOODLE / "giftformat_test_cases.json").read_text(encoding="utf-8"))["cases"]
IMPORT_CASES = [c for c in CASES if c["direction"] == "import"]
METADATA_CASES = [c for c in CASES if c["direction"] == "comment-metadata"]
EXPORT_CASES = [c for c in CASES if c["direction"] == "export"]
CORPUS = sorted([*MOODLE.glob("fixtures/*"), *MOODLE.glob("cases/*.gift"), *PEG.glob("*.gift")])
FORMATS = {"moodle(0)": "moodle", "html(1)": "html", "plain(2)": "plain", "markdown(4)": "markdown"}
FRONT = "---\nid: imported\ntitle: Imported\nminutes: 5\n---\n\n"


def parse_file(path: Path) -> ImportResult:
    return parse_gift(path.read_text(encoding="utf-8"))


def only(result: ImportResult) -> ImportedQuestion:
    assert result.errors == []
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def fractions(q: ImportedQuestion) -> list[float]:
    return [a.fraction for a in (q.numeric_answers or q.answers)]


def test_the_corpus_is_where_the_readme_says() -> None:
    assert len(IMPORT_CASES) == 14 and len(METADATA_CASES) == 9 and len(EXPORT_CASES) == 10
    assert len(list(PEG.glob("*.gift"))) == 51
    assert {p.stem for p in MOODLE.glob("cases/*.gift")} == {c["test"] for c in IMPORT_CASES}


# --------------------------------------------------------------------------------------------
# Moodle's unit tests (question/format/gift/tests/giftformat_test.php), transcribed as JSON

# Moodle storage details that have no counterpart in a quiz block.
IGNORED = {"defaultmark", "penalty", "responseformat", "responsefieldlines", "attachments",
           "shuffleanswers", "note"}  # fmt: skip


def _text_and_format(item: str | list[str]) -> tuple[str, str | None]:
    return (item[0], FORMATS[item[1]]) if isinstance(item, list) else (item, None)


def assert_moodle_fields(q: ImportedQuestion, expected: dict) -> None:
    """Compare an imported question with the fields Moodle's test asserts."""
    for name, value in expected.items():
        if name in IGNORED:
            continue
        if name == "name":
            assert q.title == value
        elif name == "questiontext":
            assert q.text == value
        elif name == "questiontextformat":
            assert q.text_format == FORMATS[value]
        elif name == "generalfeedback":
            assert q.general_feedback == value
        elif name == "generalfeedbackformat":
            assert q.general_feedback_format == FORMATS[value]
        elif name == "qtype":
            kinds = {"essay": {"essay"}, "match": {"matching"}, "numerical": {"numerical"},
                     "shortanswer": {"shortanswer"}, "truefalse": {"truefalse"},
                     "multichoice": {"single", "multiple"}}  # fmt: skip
            assert q.kind in kinds[value]
        elif name == "single":
            assert q.kind == ("single" if value else "multiple")
        elif name == "answer":
            if q.kind == "numerical":
                got = [str(a.value) if a.value is not None else "*" for a in q.numeric_answers]
                assert got == value
            else:
                for answer, item in zip(q.answers, value, strict=True):
                    text, fmt = _text_and_format(item)
                    assert answer.text == text
                    if fmt:
                        assert answer.text_format == fmt
        elif name == "fraction":
            assert fractions(q) == pytest.approx(value)
        elif name == "feedback":
            answers = q.numeric_answers or q.answers
            for answer, item in zip(answers, value, strict=True):
                text, fmt = _text_and_format(item)
                assert answer.feedback == text
                if fmt:
                    assert answer.feedback_format == fmt
        elif name == "tolerance":
            got = [a.tolerance if a.value is not None else "" for a in q.numeric_answers]
            assert got == value
        elif name == "subquestions":
            got = [(p.left, p.left_format) for p in q.pairs]
            assert got == [(t, FORMATS[f]) for t, f in value]
        elif name == "subanswers":
            assert [p.right for p in q.pairs] == value
        elif name == "correctanswer":
            assert q.correct_answer is bool(value)
        elif name == "feedbacktrue":
            assert q.answers[0].text == "True" and q.answers[0].feedback == value
        elif name == "feedbackfalse":
            assert q.answers[1].text == "False" and q.answers[1].feedback == value
        elif name == "tags":
            assert q.tags == value
        elif name == "idnumber":
            assert q.idnumber == value
        else:
            pytest.fail(f"the test does not know Moodle's field {name!r}")


@pytest.mark.parametrize("source", ["json", "file"])
@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda c: c["test"])
def test_moodle_import_cases(case: dict, source: str) -> None:
    if source == "json":
        result = parse_gift(case["gift"])
    else:
        result = parse_file(MOODLE / "cases" / f"{case['test']}.gift")
    assert result.warnings == []
    assert_moodle_fields(only(result), case["expected"])


@pytest.mark.parametrize("case", METADATA_CASES, ids=lambda c: c["test"])
def test_moodle_comment_metadata(case: dict) -> None:
    idnumber, tags = extract_idnumber_and_tags(case["comment"])
    assert idnumber == case["expected"]["idnumber"]
    assert tags == case["expected"]["tags"]


def assert_export_question(q: ImportedQuestion, spec: dict) -> None:
    """Moodle's exporter wrote ``expected_gift`` from ``spec``; reading it back gives ``spec``."""
    kinds = {"essay": "essay", "match": "matching", "numerical": "numerical",
             "shortanswer": "shortanswer", "truefalse": "truefalse"}  # fmt: skip
    if spec["qtype"] == "multichoice":
        assert q.kind == ("single" if spec["single"] else "multiple")
    else:
        assert q.kind == kinds[spec["qtype"]]
    assert q.title == spec["name"]
    assert q.text == spec["questiontext"]
    assert q.text_format == FORMATS[spec.get("questiontextformat", "moodle(0)")]
    assert q.general_feedback == spec.get("generalfeedback", "")
    if "generalfeedbackformat" in spec:
        assert q.general_feedback_format == FORMATS[spec["generalfeedbackformat"]]
    assert q.idnumber == spec.get("idnumber", "")
    assert q.tags == spec.get("tags", [])
    answers = spec.get("answers", [])
    if q.kind in ("single", "multiple"):
        for got, (text, fmt, fraction, feedback, *fb_fmt) in zip(q.answers, answers, strict=True):
            assert (got.text, got.text_format, got.fraction) == (text, FORMATS[fmt], fraction)
            assert got.feedback == feedback
            if fb_fmt:
                assert got.feedback_format == FORMATS[fb_fmt[0]]
    elif q.kind == "shortanswer":
        got = [(a.text, a.fraction, a.feedback) for a in q.answers]
        assert got == [tuple(a) for a in answers]
    elif q.kind == "numerical":
        for got, (value, fraction, tolerance, feedback) in zip(
            q.numeric_answers, answers, strict=True
        ):
            assert (str(got.value) if got.value is not None else "*") == value
            assert got.fraction == fraction and got.feedback == feedback
            if got.value is not None:
                assert f"tolerance {got.tolerance}" == tolerance
    elif q.kind == "truefalse" and answers:
        for got, (label, fraction, feedback, fmt) in zip(q.answers, answers, strict=True):
            assert (got.text, got.fraction, got.feedback) == (label, fraction, feedback)
            assert got.feedback_format == FORMATS[fmt]
    elif q.kind == "matching":
        for got, (text, fmt, right) in zip(q.pairs, spec["subquestions"], strict=True):
            assert (got.left, got.right) == (text, right)
            if text:  # Moodle writes no [format] for an empty text, so it cannot come back
                assert got.left_format == FORMATS[fmt]


@pytest.mark.parametrize("case", EXPORT_CASES, ids=lambda c: c["test"])
def test_moodle_export_output_reads_back(case: dict) -> None:
    assert_export_question(only(parse_gift(case["expected_gift"])), case["question"])


# --------------------------------------------------------------------------------------------
# Moodle's fixture files


def test_fixture_questions_gift() -> None:
    result = parse_file(MOODLE / "fixtures" / "questions.gift.txt")
    assert result.errors == []
    got = [(q.line, q.kind, q.title) for q in result.questions]
    assert got == [
        (2, "essay", "Q8"),
        (5, "matching", "Moodle activities"),
        (14, "single", "Q2"),
        (22, "multiple", "colours"),
        (31, "numerical", "Q5"),
        (34, "shortanswer", "Shortanswer"),
        (41, "truefalse", "Q1"),
        (46, "truefalse", "2-08 TSL"),
        (49, "truefalse", "2-08 TSL"),
    ]
    q5, tf = result.questions[4], result.questions[6]
    # The stray `";` copied from PHP makes these missing-word questions, as in Moodle; we warn.
    assert q5.missing_word and q5.text == 'What is a number from 1 to 5? _____";'
    assert [(a.value, a.tolerance, a.fraction) for a in q5.numeric_answers] == [
        (Decimal(3), Decimal(2), 1.0),
        (None, Decimal(0), 0.0),
    ]
    assert q5.numeric_answers[1].feedback == "Completely wrong"
    assert tf.correct_answer is False
    assert tf.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert [(w.line, w.code) for w in result.warnings] == [
        (31, "gift-trailing-text"),
        (43, "gift-trailing-text"),
    ]
    assert [q.correct_answer for q in result.questions[7:]] == [True, True]


def test_fixture_questions_in_category() -> None:
    result = parse_file(MOODLE / "fixtures" / "questions_in_category.gift.txt")
    assert result.errors == [] and result.warnings == []
    assert result.categories == [(2, "$course$/Default for New Features")]
    assert [(q.line, q.kind, q.title) for q in result.questions] == [
        (5, "matching", "Moodle activities"),
        (14, "single", "Greeting"),
        (22, "shortanswer", "Moodle user"),
        (27, "truefalse", "Moodle acronym"),
    ]
    assert {q.category for q in result.questions} == {"$course$/Default for New Features"}
    greeting, user, acronym = result.questions[1:]
    # \= and \: inside HTML attributes are the literal characters.
    assert greeting.text == (
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:'
        "</a><br /><br />What language is being spoken?"
    )
    assert [(a.text, a.fraction, a.feedback) for a in greeting.answers] == [
        ("English", 0.0, "Sorry, listen again."),
        ("French", 1.0, "Yes, well done!"),
        ("German", 0.0, "Sorry, listen again."),
        ("Spanish", 0.0, "Sorry, listen again."),
    ]
    assert [(a.text, a.fraction, a.feedback) for a in user.answers] == [("Moodler", 1.0, "")]
    assert acronym.text == (
        'Moodle is an acronym for <span style="font-style: italic;">Modular Object-Oriented '
        "Dynamic Learning Environment</span>."
    )
    assert acronym.correct_answer is True and acronym.text_format == "html"
    assert [p.right for p in result.questions[0].pairs] == [
        "Forum", "Choice", "Database", "Wiki", "Chat"
    ]  # fmt: skip
    assert result.questions[0].pairs[-1].left == ""  # an extra answer (distractor)


def test_fixture_examples() -> None:
    result = parse_file(MOODLE / "fixtures" / "examples.txt")
    assert result.errors == [] and result.warnings == []
    assert [(q.line, q.kind, q.title) for q in result.questions] == [
        (8, "single", None), (10, "single", None), (12, "truefalse", None),
        (14, "shortanswer", None), (16, "numerical", None), (25, "single", None),
        (27, "single", None), (29, "single", None), (35, "single", None),
        (43, "shortanswer", None), (45, "shortanswer", None), (49, "truefalse", None),
        (51, "truefalse", None), (55, "matching", None), (61, "matching", None),
        (70, "numerical", None), (72, "numerical", None), (74, "numerical", None),
        (76, "numerical", None), (85, "numerical", None), (90, "shortanswer", "Kanji Origins"),
        (93, "single", "Thanksgiving Date"), (98, "single", None), (103, "shortanswer", None),
        (108, "shortanswer", None), (113, "truefalse", None), (115, "single", None),
        (117, "single", "Jesus' hometown"), (123, "shortanswer", "Jesus' hometown"),
        (130, "multiple", None), (136, "multiple", None), (143, "single", None),
        (148, "single", "GIFT Control Characters"), (167, "single", None),
        (169, "single", None), (171, "truefalse", None), (173, "shortanswer", None),
        (175, "numerical", None), (177, "matching", None), (184, "single", "Grant's Tomb"),
        (190, "single", None), (195, "shortanswer", "Jesus' hometown (Short answer ex.)"),
        (202, "numerical", "Numerical example"),
    ]  # fmt: skip
    by_line = {q.line: q for q in result.questions}
    assert by_line[10].missing_word and by_line[10].text == "Grant is _____ in Grant's tomb."
    assert by_line[29].text == (
        "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert by_line[74].numeric_answers[0].interval == (Decimal("3.141"), Decimal("3.142"))
    assert by_line[72].numeric_answers[0].interval == (Decimal("3.141"), Decimal("3.142"))
    assert [(a.value, a.tolerance, a.fraction) for a in by_line[76].numeric_answers] == [
        (Decimal(1822), Decimal(0), 1.0),
        (Decimal(1822), Decimal(2), 0.5),
    ]
    assert by_line[90].text == "Japanese characters originally\ncame from what country?"
    assert by_line[108].text_format == "markdown"
    assert by_line[108].text == "Who's buried in **Grant's tomb**?"
    assert fractions(by_line[117]) == [0, 0.25, 0.5, 1]
    assert fractions(by_line[123]) == [1, 0.75, 0.25]
    assert fractions(by_line[136]) == [-0.5, 0.5, 0.5, -0.5]
    assert [a.text for a in by_line[143].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = by_line[148]
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answers[-1].fraction == 1.0
    assert control.answers[-1].feedback.split("\n") == [
        "Correct! \\ (backslash) is not a control character. BUT,",
        "              it is used to escape the control characters. So, to specify",
        "              a literal backslash, you must escape it with a backslash",
        "              (as shown in this example).",
    ]
    assert [(p.left, p.right) for p in by_line[177].pairs] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo")
    ]  # fmt: skip
    assert by_line[202].numeric_answers[1].feedback == (
        "He was born in 1822.\n                  You get 50% credit for being close."
    )


# --------------------------------------------------------------------------------------------
# The PEG grammar's corpus: compare meaning, not JSON shape


def _norm(text: str | None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r"\s*_____\s*", "_____", text)  # the grammar writes "_____ ." for "_____."


def _feedback(value: dict | None) -> str:
    return _norm(value["text"]) if value else ""


def _stem(fmt: str, text: str) -> tuple[str, str]:
    return (fmt, text if fmt == "markdown" else _norm(text))  # Markdown keeps its layout


def _peg_fraction(choice: dict) -> float:
    if choice.get("weight") is not None:
        return round(choice["weight"] / 100, 6)
    return 1.0 if choice["isCorrect"] else 0.0


def _peg_number(text: dict) -> tuple:
    if "format" in text:
        return ("*",)
    if text["type"] == "simple":
        return ("value", Decimal(str(text["number"])), Decimal(0))
    if text["type"] == "range":
        return ("value", Decimal(str(text["number"])), Decimal(str(text["range"])))
    return ("range", Decimal(str(text["numberLow"])), Decimal(str(text["numberHigh"])))


def peg_meaning(item: dict) -> dict:
    kind = {"MC": "choice", "TF": "truefalse", "Short": "shortanswer", "Numerical": "numerical",
            "Matching": "matching", "Essay": "essay", "Description": "description"}[item["type"]]  # fmt: skip
    meaning = {
        "kind": kind,
        "title": item["title"],
        "id": item.get("id") or "",
        "tags": item.get("tags") or [],
        "stem": _stem(item["stem"]["format"], item["stem"]["text"]),
        "missing_word": item["hasEmbeddedAnswers"],
        "general_feedback": _feedback(item.get("globalFeedback")),
    }
    if kind in ("choice", "shortanswer"):
        meaning["answers"] = [
            (_norm(c["text"]["text"]), c["text"]["format"], _peg_fraction(c), _feedback(c["feedback"]))
            for c in item["choices"]
        ]  # fmt: skip
    elif kind == "truefalse":
        meaning["answers"] = (
            item["isTrue"], _feedback(item["trueFeedback"]), _feedback(item["falseFeedback"])
        )  # fmt: skip
    elif kind == "matching":
        meaning["answers"] = [
            (_norm(p["subquestion"]["text"]), p["subquestion"]["format"], _norm(p["subanswer"]))
            for p in item["matchPairs"]
        ]
    elif kind == "numerical":
        choices = item["choices"]
        if isinstance(choices, dict):
            meaning["answers"] = [(_peg_number(choices), 1.0, "")]
        else:
            meaning["answers"] = [
                (_peg_number(c["text"]), _peg_fraction(c), _feedback(c["feedback"]))
                for c in choices
            ]
    return meaning


def our_meaning(q: ImportedQuestion) -> dict:
    kind = "choice" if q.kind in ("single", "multiple") else q.kind
    meaning = {
        "kind": kind,
        "title": q.title,
        "id": q.idnumber,
        "tags": q.tags,
        "stem": _stem(q.text_format, q.text),
        "missing_word": q.missing_word,
        "general_feedback": _norm(q.general_feedback),
    }
    if kind in ("choice", "shortanswer"):
        meaning["answers"] = [
            (_norm(a.text), a.text_format, round(a.fraction, 6), _norm(a.feedback))
            for a in q.answers
        ]
    elif kind == "truefalse":
        meaning["answers"] = (
            q.correct_answer, _norm(q.answers[0].feedback), _norm(q.answers[1].feedback)
        )  # fmt: skip
    elif kind == "matching":
        meaning["answers"] = [(_norm(p.left), p.left_format, _norm(p.right)) for p in q.pairs]
    elif kind == "numerical":
        answers = []
        for a in q.numeric_answers:
            if a.value is None:
                number: tuple = ("*",)
            elif a.is_range:
                number = ("range", a.low, a.high)
            else:
                number = ("value", a.value, a.tolerance)
            answers.append((number, a.fraction, _norm(a.feedback)))
        meaning["answers"] = answers
    return meaning


# Where the grammar and Moodle disagree, Moodle wins. {TRUE#a} and {TRUE# #b}: Moodle's first
# feedback is for the WRONG answer and the second for the right one (split_truefalse_comment);
# the grammar reads them as (true feedback, false feedback).
MOODLE_READING = {
    ("TFTwoFeedback", 1): {"answers": (True, "", "feedback for true")},
    ("TFTwoFeedback", 2): {"answers": (True, "feedback for false", "")},
}


@pytest.mark.parametrize("path", sorted(PEG.glob("*.gift")), ids=lambda p: p.stem)
def test_peg_corpus_meaning(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = parse_file(path)
    assert result.errors == [] and result.warnings == []
    categories = [item["title"] for item in expected if item["type"] == "Category"]
    assert [name for _, name in result.categories] == categories
    questions = [peg_meaning(item) for item in expected if item["type"] != "Category"]
    for i, meaning in enumerate(questions):
        meaning.update(MOODLE_READING.get((path.stem, i), {}))
    assert [our_meaning(q) for q in result.questions] == questions


def test_peg_deviations_are_real() -> None:
    """The Moodle reading above is not a no-op: the grammar's JSON says otherwise."""
    expected = json.loads((PEG / "TFTwoFeedback.json").read_text(encoding="utf-8"))
    for (_, index), override in MOODLE_READING.items():
        assert peg_meaning(expected[index])["answers"] != override["answers"]


# --------------------------------------------------------------------------------------------
# GIFT details, errors and line numbers


def test_escapes_in_every_part() -> None:
    q = only(
        parse_gift(
            "::Title with \\: colon::Braces \\{ \\} tilde \\~ eq \\= hash \\#, a\\nbreak, "
            "a \\\\ backslash and \\\\n literal{\n"
            "=right \\= answer#feedback with \\# and \\~\n~wrong\n}"
        )
    )
    assert q.title == "Title with : colon"
    assert q.text == ("Braces { } tilde ~ eq = hash #, a\nbreak, a \\ backslash and \\n literal")
    assert [(a.text, a.feedback) for a in q.answers] == [
        ("right = answer", "feedback with # and ~"),
        ("wrong", ""),
    ]


def test_comments_blank_lines_and_line_numbers() -> None:
    text = (
        "// a comment\n"  # 1
        "\n"  # 2
        "// [id:first] [tag:one]\n"  # 3
        "First?{T}\n"  # 4
        "   \n"  # 5 (blank: only spaces)
        "::Second::\n"  # 6
        "Multi-line\n"  # 7
        "text{\n"  # 8
        "// a comment inside the answers\n"  # 9
        "  =a # fa\n"  # 10
        "  ~b\n"  # 11
        "}\n"  # 12
    )
    result = parse_gift(text)
    first, second = result.questions
    assert (first.line, first.idnumber, first.tags) == (4, "first", ["one"])
    assert (second.line, second.title, second.text) == (6, "Second", "Multi-line\ntext")
    assert [(a.text, a.line) for a in second.answers] == [("a", 10), ("b", 11)]
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\ufeff" + text):
        again = parse_gift(variant)
        assert [(q.line, q.text) for q in again.questions] == [
            (4, "First?"),
            (6, "Multi-line\ntext"),
        ]


def test_truefalse_forms_and_feedback() -> None:
    result = parse_gift(
        "A{T}\n\nB{F}\n\nC{TRUE}\n\nD{FALSE#wrong fb#right fb####general}\n\nE{true}"
    )
    kinds = [(q.text, q.kind, q.correct_answer) for q in result.questions]
    assert kinds == [
        ("A", "truefalse", True),
        ("B", "truefalse", False),
        ("C", "truefalse", True),
        ("D", "truefalse", False),
        ("E", "shortanswer", None),  # Moodle: only upper-case T/TRUE/F/FALSE
    ]
    d = result.questions[3]
    assert (d.answers[0].feedback, d.answers[1].feedback) == ("wrong fb", "right fb")
    assert d.general_feedback == "general"


def test_weights_single_and_multiple() -> None:
    result = parse_gift(
        "Pick{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}\n\n"
        "One{=a ~%50%b ~c}\n\n"
        "Also weighted{=%50%half ~none =full}"
    )
    multi, single, weighted = result.questions
    assert multi.kind == "multiple"
    assert fractions(multi) == pytest.approx([0.3333333, 0.3333333, 0.3333333, -1.0])
    assert single.kind == "single" and fractions(single) == [1.0, 0.5, 0.0]
    # Deviation from Moodle (documented): "=%50%" in a choice block is a 50 % weight.
    assert weighted.kind == "single" and fractions(weighted) == [0.5, 0.0, 1.0]


def test_numerical_forms() -> None:
    result = parse_gift(
        "A{#3.14:0.01}\n\nB{#1..5}\n\nC{#-5..-1}\n\nD{#1e3}\n\nE{#=1:0 =%50%2:0.5 ~#nope}\n\nF{#.5}"
    )
    a, b, c, d, e, f = result.questions
    assert (a.numeric_answers[0].value, a.numeric_answers[0].tolerance) == (
        Decimal("3.14"), Decimal("0.01")
    )  # fmt: skip
    assert b.numeric_answers[0].interval == (1, 5) and b.numeric_answers[0].value == 3
    assert c.numeric_answers[0].interval == (-5, -1)
    assert d.numeric_answers[0].value == 1000
    assert [(n.value, n.tolerance, n.fraction, n.feedback) for n in e.numeric_answers] == [
        (1, 0, 1.0, ""),
        (2, Decimal("0.5"), 0.5, ""),
        (None, 0, 0.0, "nope"),
    ]
    assert f.numeric_answers[0].value == Decimal("0.5")


def test_matching_pairs() -> None:
    q = only(parse_gift("Match{\n=Canada -> Ottawa\n=Italy->Rome\n= -> Paris\n}"))
    assert [(p.left, p.right, p.line) for p in q.pairs] == [
        ("Canada", "Ottawa", 2),
        ("Italy", "Rome", 3),
        ("", "Paris", 4),
    ]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("Q{T}\n\nOpen {\n=a\n\n=b}", [(3, "gift-brace-unclosed"), (6, "gift-brace-unopened")]),
        ("Q } here {T}", [(1, "gift-brace-unopened")]),
        ("Two{T} blocks\n{F}", [(2, "gift-several-answer-blocks")]),
        ("Only one{~alone}", [(1, "gift-too-few-answers")]),
        ("Pairs{\n=a -> b\n=c\n}", [(3, "gift-matching-no-arrow")]),
        ("Pairs{=a -> b}", [(1, "gift-too-few-answers")]),
        ("Number{#\n=abc}", [(2, "gift-not-a-number")]),
        ("Comma{#3,14}", [(1, "gift-not-a-number")]),
        ("Range{#5..1}", [(1, "gift-bad-range")]),
        ("Tolerance{#5:-1}", [(1, "gift-negative-tolerance")]),
        ("Empty{#}", [(1, "gift-numerical-no-answer")]),
        ("Weight{\n~%150%a\n~b}", [(2, "gift-bad-weight")]),
        ("Weight{~%abc%a ~b}", [(1, "gift-bad-weight")]),
        ("Short{=%50%}", [(1, "gift-empty-answer")]),
        ("$CATEGORY:   ", [(1, "gift-empty-category")]),
    ],
)
def test_errors_with_line_numbers(text: str, errors: list[tuple[int, str]]) -> None:
    result = parse_gift(text)
    assert [(e.line, e.code) for e in result.errors] == errors
    assert all(e.severity == "error" and e.message for e in result.errors)
    bad_lines = {line for line, _ in errors}
    assert all(q.line not in bad_lines for q in result.questions)


def test_a_question_after_an_error_is_still_read() -> None:
    result = parse_gift("Bad{#x}\n\nGood{T}")
    assert [e.line for e in result.errors] == [1]
    assert [(q.line, q.text) for q in result.questions] == [(3, "Good")]


def test_warnings() -> None:
    result = parse_gift('::No end title{T}\n\nLeftover {T}";')
    assert [(w.line, w.code) for w in result.warnings] == [
        (1, "gift-title-unclosed"),
        (3, "gift-trailing-text"),
    ]
    assert result.questions[0].text == "No end title"
    # A real missing-word question gives no warning.
    assert parse_gift("Grant is {=entombed} in the tomb.").warnings == []


def test_categories_apply_to_following_questions() -> None:
    result = parse_gift(
        "First{T}\n\n$CATEGORY: $course$/top/Unit 1: Topic\nSecond{T}\n\nThird{F}\n\n"
        "$CATEGORY: other\n\nFourth{T}"
    )
    assert [(q.text, q.category) for q in result.questions] == [
        ("First", None),
        ("Second", "$course$/top/Unit 1: Topic"),
        ("Third", "$course$/top/Unit 1: Topic"),
        ("Fourth", "other"),
    ]
    assert result.categories == [(3, "$course$/top/Unit 1: Topic"), (8, "other")]


def test_formats_and_layout() -> None:
    result = parse_gift(
        "[markdown]Lists  \n- one\n    - nested\n{T}\n\n"
        "[moodle]  Indented  \n    lines  {T}\n\n"
        "[html]<p>x</p>{=[plain]<b>y</b># [markdown]**fb** ~z}"
    )
    md, moodle, html = result.questions
    # Lines keep their layout, as in Moodle's readquestion: Markdown needs it.
    assert (md.text_format, md.text) == ("markdown", "Lists  \n- one\n    - nested")
    assert (moodle.text_format, moodle.text) == ("moodle", "Indented  \n    lines")
    blocks = emit_blocks([md, moodle], "en").text
    assert "Lists  \n- one\n    - nested\n\n- (x) True" in blocks
    assert "Indented\nlines\n\n- (x) True" in blocks  # not a Markdown code block
    assert (html.answers[0].text, html.answers[0].text_format) == ("<b>y</b>", "plain")
    assert (html.answers[0].feedback, html.answers[0].feedback_format) == ("**fb**", "markdown")
    assert html.answers[1].text_format == "html"  # answers inherit the question's format


def test_cloze_essay_description_are_recognised() -> None:
    result = parse_gift(
        "Capital {1:SHORTANSWER:=Berlin} and {1:MC:~a~=b}.\n\n"
        "Single {2:NUMERICAL:=5:1} here\n\n"
        "Write{}\n\n"
        "::Intro::Just text\n\n"
        "Essay with feedback{####Look at the rubric.}"
    )
    assert result.errors == []
    assert [q.kind for q in result.questions] == [
        "cloze", "cloze", "essay", "description", "essay"
    ]  # fmt: skip
    assert result.questions[-1].general_feedback == "Look at the rubric."


# --------------------------------------------------------------------------------------------
# Conversion into quiz blocks


def module(blocks: str) -> tuple[list, list]:
    parsed, findings = parse_module_file(Path("m.lv.md"), (FRONT + blocks).encode(), "lv")
    return parsed.quizzes, findings


def emitted_key(q: ImportedQuestion) -> dict:
    """What the quiz block must say, derived from the imported question."""
    if q.kind == "truefalse":
        return {"kind": "single", "correct": [0 if q.correct_answer else 1]}
    if q.kind == "single" and sum(a.fraction >= 1 for a in q.answers) == 1:
        kept = [a for a in q.answers if a.text.strip()]
        return {"kind": "single", "correct": [i for i, a in enumerate(kept) if a.fraction >= 1]}
    if q.kind in ("single", "multiple"):
        kept = [a for a in q.answers if a.text.strip()]
        positive = [
            i for i, a in enumerate(kept) if a.fraction >= (1 if q.kind == "single" else 1e-9)
        ]
        return {"kind": "multiple", "correct": positive}
    if q.kind == "shortanswer":
        texts = [a.text for a in q.answers if a.fraction >= 1 and "*" not in a.text]
        return {"kind": "text", "answers": texts}
    if q.kind == "numerical":
        full = [a for a in q.numeric_answers if a.fraction >= 1 and a.value is not None]
        widest = max(full, key=lambda a: a.interval[1] - a.interval[0])
        return {"kind": "numeric", "interval": tuple(float(x) for x in widest.interval)}
    return {"kind": "matching", "rights": [p.right for p in q.pairs]}


def quiz_key(quiz) -> dict:
    if quiz.kind in ("single", "multiple"):
        return {"kind": quiz.kind, "correct": [i for i, o in enumerate(quiz.options) if o.correct]}
    if quiz.kind == "text":
        return {"kind": "text", "answers": quiz.text_answers}
    if quiz.kind == "numeric":
        return {"kind": "numeric", "interval": pytest.approx(quiz.numeric[:2])}
    return {"kind": "matching", "rights": [p.right for p in quiz.pairs]}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_emitted_blocks_parse_with_the_same_answer_key(path: Path) -> None:
    result = parse_file(path)
    emitted = emit_blocks(result.questions, lang="lv")
    quizzes, findings = module(emitted.text)
    assert findings == []
    assert [q.id for q in quizzes] == emitted.ids
    assert all(q.valid for q in quizzes)
    convertible = [q for q in result.questions if q.kind not in ("essay", "description", "cloze")]
    unconverted_lines = {u.line for u in emitted.unconvertible}
    converted = [q for q in convertible if q.line not in unconverted_lines]
    assert len(converted) == len(quizzes)
    for question, quiz in zip(converted, quizzes, strict=True):
        assert quiz_key(quiz) == emitted_key(question), question.line
        if question.general_feedback.strip():
            assert quiz.explanation
    skipped = {q.line for q in result.questions} - {q.line for q in converted}
    assert skipped == unconverted_lines


def test_emitted_corpus_passes_the_course_checker(tmp_path: Path) -> None:
    course = tmp_path / "imported"
    course.mkdir()
    stems = []
    for n, path in enumerate(CORPUS, start=1):
        emitted = emit_blocks(parse_file(path).questions, lang="lt", id_prefix=f"f{n}")
        if emitted.converted:
            stems.append(f"{n:02d}-import")
            (course / f"{stems[-1]}.lt.md").write_text(
                f"---\nid: m{n}\ntitle: M{n}\nminutes: 5\n---\n\n# M{n}\n\n{emitted.text}",
                encoding="utf-8",
            )
    (course / "course.yml").write_text(
        "id: imported\nversion: 1\ndefault_language: lt\nlanguages: [lt]\n"
        f"title: {{lt: Importuota}}\nhours: 1\nmodules: [{', '.join(stems)}]\n",
        encoding="utf-8",
    )
    findings = check_courses(course)
    assert [f.message for f in findings if f.is_error] == []
    # Only the Moodle file the GIFT file cannot contain (reported by the importer too).
    assert {f.code for f in findings} <= {"broken-image", "image-no-alt"}
    assert all("@@PLUGINFILE@@" in f.message for f in findings)


def test_single_choice_block_with_feedback_and_explanation() -> None:
    result = parse_gift(
        "// [id:sky] [tag:nature]\n::Sky colour::What colour is the sky?{\n"
        "=blue#Right.\n~green#No, that is grass.\n####Rayleigh scattering.}"
    )
    emitted = emit_blocks(result.questions, lang="en")
    assert emitted.text == (
        "<!-- moodle: idnumber sky; tags nature -->\n"
        "::: quiz {#sky-colour shuffle}\n"
        "What colour is the sky?\n\n"
        "- (x) blue\n  > Right.\n- ( ) green\n  > No, that is grass.\n\n"
        "---\n\nRayleigh scattering.\n:::\n"
    )
    assert emitted.warnings == [] and emitted.unconvertible == []


@pytest.mark.parametrize(
    ("lang", "labels"),
    [("lv", ("Patiesi", "Aplami")), ("lt", ("Tiesa", "Netiesa")), ("en", ("True", "False"))],
)
def test_truefalse_labels_follow_the_language(lang: str, labels: tuple[str, str]) -> None:
    emitted = emit_blocks(parse_gift("Sun is a star.{T#No!#Yes.}").questions, lang=lang)
    assert f"- (x) {labels[0]}\n  > Yes.\n- ( ) {labels[1]}\n  > No!\n" in emitted.text
    [quiz], findings = module(emitted.text)
    assert findings == [] and quiz.kind == "single"
    assert [o.correct for o in quiz.options] == [True, False]


def test_truefalse_false_is_the_second_option() -> None:
    [quiz], _ = module(emit_blocks(parse_gift("Moon is a star.{F}").questions, "lv").text)
    assert [o.correct for o in quiz.options] == [False, True]
    assert [o.text for o in quiz.options] == ["Patiesi", "Aplami"]


def test_multiple_answer_weights_comment_and_warnings() -> None:
    text = (
        "::Colours::Which?{~%50%yellow ~%-100%red ~%50%beige ~%-100%blue}\n\n"
        "::Exact::Which?{~%50%a ~%50%b ~%-50%c}\n\n"
        "::Unequal::Which?{~%25%a ~%75%b ~c}"
    )
    emitted = emit_blocks(parse_gift(text).questions, lang="en")
    assert "<!-- weights: yellow 50%, red -100%, beige 50%, blue -100% -->" in emitted.text
    assert "- [x] yellow\n- [ ] red\n- [x] beige\n- [ ] blue" in emitted.text
    codes = [(w.line, w.params["detail_code"]) for w in emitted.warnings]
    # ~%-50% with two right answers is exactly Lasītava's 1/2 penalty: no warning for "Exact".
    assert codes == [(1, "penalties-differ"), (5, "unequal-weights"), (5, "penalties-differ")]
    assert "wrong tick now costs 50%" in emitted.warnings[0].message
    assert '"red" -100%' in emitted.warnings[0].message


def test_single_choice_partial_credit_and_several_right_answers() -> None:
    emitted = emit_blocks(
        parse_gift(
            "::Half::Q?{~%50%half =full ~no}\n\n::Seasons::Seasons?{=spring =summer ~easter}"
        ).questions,
        lang="en",
    )
    assert [(w.line, w.params["detail_code"]) for w in emitted.warnings] == [
        (1, "partial-single"),
        (3, "several-correct-single"),
    ]
    quizzes, findings = module(emitted.text)
    assert findings == []
    assert [(q.kind, [o.correct for o in q.options]) for q in quizzes] == [
        ("single", [False, True, False]),
        ("multiple", [True, True, False]),
    ]


def test_short_answers() -> None:
    emitted = emit_blocks(
        parse_gift(
            "::Best::Which is the best animal?{=Frog#Good! =%50%Cat =%0%*#Completely wrong "
            "=frog =Pipe | bar =Naz*reth}"
        ).questions,
        lang="en",
    )
    assert "Which is the best animal? [[Frog | Pipe \\| bar]]" in emitted.text
    assert [w.params["detail_code"] for w in emitted.warnings] == [
        "wildcard-dropped", "partial-answers-dropped", "answer-feedback-dropped"
    ]  # fmt: skip
    [quiz], findings = module(emitted.text)
    assert findings == [] and quiz.text_answers == ["Frog", "Pipe | bar"]


def test_short_answers_that_cannot_stand_in_brackets_are_left_out() -> None:
    emitted = emit_blocks(parse_gift("Q?{=x]] y =ends] =back\\\\ =fine}").questions, "en")
    assert "Q? [[fine]]" in emitted.text
    assert [w.params["detail_code"] for w in emitted.warnings] == ["unwritable-answers-dropped"]
    assert '"x]] y", "ends]", "back\\"' in emitted.warnings[0].message
    [quiz], findings = module(emitted.text)
    assert findings == [] and quiz.text_answers == ["fine"]


def test_missing_word_short_answer_goes_to_the_end() -> None:
    emitted = emit_blocks(parse_gift("Two plus two equals {=four =4}.").questions, "en")
    assert "Two plus two equals _____. [[four | 4]]" in emitted.text
    [quiz], _ = module(emitted.text)
    assert "_____" in render_block(quiz.prompt).html


@pytest.mark.parametrize(
    ("gift", "answer", "interval"),
    [
        ("{#1822}", "[[1822]]", (1822, 1822)),
        ("{#3.1415:0.0005}", "[[3.1415 +- 0.0005]]", (3.141, 3.142)),
        ("{#3.141..3.142}", "[[3.141..3.142]]", (3.141, 3.142)),
        ("{#-5..-1}", "[[-5..-1]]", (-5, -1)),
        ("{#1.5e3:1E1}", "[[1500 +- 10]]", (1490, 1510)),
        ("{#=1822:0 =1822:2#close enough}", "[[1822 +- 2]]", (1820, 1824)),
    ],
)
def test_numerical_answers(gift: str, answer: str, interval: tuple[float, float]) -> None:
    emitted = emit_blocks(parse_gift(f"Number? {gift}").questions, "en")
    assert f"Number? {answer}" in emitted.text
    [quiz], findings = module(emitted.text)
    assert findings == [] and quiz.numeric[:2] == pytest.approx(interval)


def test_matching_with_a_distractor() -> None:
    emitted = emit_blocks(
        parse_gift("Capitals{\n=Canada -> Ottawa\n=Italy -> Rome\n= -> Paris\n}").questions, "lv"
    )
    assert "- Canada => Ottawa\n- Italy => Rome\n- => Paris" in emitted.text
    [quiz], findings = module(emitted.text)
    assert findings == []
    assert [(p.left, p.right) for p in quiz.pairs] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("", "Paris")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("gift", "message"),
    [
        ("::Q8:: How are you? {}", "line 1: essay question 'Q8' cannot be converted"),
        ("::Intro::Read this first.", "line 1: description question 'Intro' cannot be converted"),
        (
            "Capital {1:SHORTANSWER:=Berlin}.",
            "line 1: embedded-answers (cloze) question 'Capital {1:SHORTANSWER:=Berlin}.' "
            "cannot be converted",
        ),
        (
            "::Any::Say anything{=*}",
            "line 1: short-answer question 'Any' cannot be converted: every answer (*) is "
            "accepted as correct",
        ),
        (
            "::Two numbers::N?{#=1 =5}",
            "line 1: numerical question 'Two numbers' cannot be converted: it accepts several "
            "different numbers, but a quiz has one number or range",
        ),
        (
            "::Wrong::All wrong{~a ~b}",
            "line 1: multiple-answer question 'Wrong' cannot be converted: no answer has a "
            "positive weight",
        ),
    ],
)
def test_unconvertible_questions_are_reported(gift: str, message: str) -> None:
    emitted = emit_blocks(parse_gift("Keep{T}\n\n// comment\n" + gift).questions, "en")
    [problem] = emitted.unconvertible
    assert str(problem).replace("line 4", "line 1") == message
    assert emitted.converted == 1 and emitted.text.count("::: quiz") == 1


def test_question_ids() -> None:
    used: set[str] = set()
    q = parse_gift("::Sensorā telpa — Ūdens (1)::x{T}\n\nNo title{T}\n\n::X::y{T}").questions
    assert question_id(q[0], used) == "sensora-telpa-udens-1"
    assert question_id(q[1], used) == "q-3"
    assert question_id(q[2], used) == "q-x"
    used = {"sensora-telpa-udens-1"}
    assert question_id(q[0], used) == "sensora-telpa-udens-1-2"
    assert question_id(q[0], set(), prefix="Modulis 2") == "modulis-2-sensora-telpa-udens-1"
    long_title = parse_gift("::" + "garš vārds " * 20 + "::x{T}").questions[0]
    ident = question_id(long_title, set())
    assert len(ident) <= 64 and re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", ident)
    assert slugify("Žąsų pieva") == "zasu-pieva" and slugify("Вопрос") == ""


def test_ids_are_unique_and_avoid_reserved_ones() -> None:
    result = parse_gift("::Same::a{T}\n\n::Same::b{F}\n\n::q-5::c{T}\n\nNo title{T}")
    emitted = emit_blocks(result.questions, "en", reserved_ids={"same"})
    assert emitted.ids == ["same-2", "same-3", "q-5", "q-7"]
    _, findings = module(emitted.text)
    assert findings == []


def test_category_comment_precedes_its_first_question() -> None:
    emitted = emit_blocks(
        parse_gift(
            "$CATEGORY: $course$/Unit 1\n\nA{T}\n\nB{T}\n\n$CATEGORY: Unit--2\n\nC{T}"
        ).questions,
        "en",
    )
    assert emitted.text.count("<!-- category:") == 2
    assert emitted.text.index("<!-- category: $course$/Unit 1 -->") < emitted.text.index("A\n")
    assert "<!-- category: Unit- -2 -->" in emitted.text  # "--" cannot stand in a comment


def test_html_is_converted_to_markdown_where_simple() -> None:
    emitted = emit_blocks(
        parse_gift(
            '[html]<p>Read <b>this</b> <a href\\="https\\://example.org/x">link</a>.</p>'
            "<ul><li>one</li><li><em>two</em></li></ul>"
            '<table><tr><td style\\="color\\:red">cell</td></tr></table>{\n'
            '=<p>Yes <span style\\="color\\: red">really</span></p>#<b>good</b>\n~<p>No</p>\n}'
        ).questions,
        "en",
    )
    assert emitted.text == (
        "::: quiz {#q-1 shuffle}\n"
        "Read **this** [link](https://example.org/x).\n\n"
        "- one\n- *two*\n\n"
        "<table><tr><td>cell</td></tr></table>\n\n"
        "- (x) Yes really\n  > **good**\n- ( ) No\n"
        ":::\n"
    )


QUIZ_SYNTAX_HAZARDS = (
    "::Plain::[plain]::: not a block\n? not a hint\n---\n# not a heading\n- ( ) not an option\n"
    "- a => b\nUse [[x]] and <b>tags</b> & 2 * 3, snake_case, *stars* and _under_\n"
    "1. not a list\n> not a quote\n{=answer with | bar =second}\n\n"
    "::Options::Pick{\n~\\# hash#> quote\n~1. numbered\n=- dash\n~* star\n}\n\n"
    "::Markdown::[markdown]Intro **bold**\n- item\n- ( ) like an option\n- left => right\n"
    "? like a hint\n---\n{T}\n\n"
    "::Html::[html]<p>? hint</p><ul><li>( ) x</li></ul><h2>Heading</h2>{\n"
    "=<p>1. first</p>\n~<p>\\# second</p>\n}"
)


def test_text_that_looks_like_quiz_syntax_stays_text() -> None:
    emitted = emit_blocks(parse_gift(QUIZ_SYNTAX_HAZARDS).questions, "en")
    quizzes, findings = module(emitted.text)
    assert findings == []
    plain, options, md, html = quizzes
    assert (plain.kind, plain.text_answers, plain.hint) == (
        "text",
        ["answer with | bar", "second"],
        "",
    )
    shown = render_block(plain.prompt).html
    for literal in ("::: not a block", "? not a hint", "---", "# not a heading",
                    "- ( ) not an option", "- a =&gt; b", "[[x]]", "&lt;b&gt;tags&lt;/b&gt;",
                    "&amp; 2 * 3", "snake_case", "*stars*", "_under_", "1. not a list",
                    "&gt; not a quote"):  # fmt: skip
        assert literal in shown, literal
    assert "<h1>" not in shown and "<ol>" not in shown and "<em>" not in shown
    assert [render_inline(o.text).html for o in options.options] == [
        "# hash", "1. numbered", "- dash", "* star"
    ]  # fmt: skip
    assert [o.correct for o in options.options] == [False, False, True, False]
    assert render_block(" ".join(options.options[0].feedback)).html == "<p>&gt; quote</p>"
    assert md.kind == "single" and md.pairs == [] and md.hint == "" and md.explanation == ""
    md_html = render_block(md.prompt).html
    assert "<strong>bold</strong>" in md_html and "( ) like an option" in md_html
    assert html.kind == "single" and [o.correct for o in html.options] == [True, False]
    assert "<strong>Heading</strong>" in render_block(html.prompt).html


def test_moodle_files_are_reported() -> None:
    emitted = emit_blocks(
        parse_gift(
            '[html]<p><img src\\="@@PLUGINFILE@@/a.png" alt\\="A map"></p>Where?{T}'
        ).questions,
        "en",
    )
    assert "![A map](@@PLUGINFILE@@/a.png)" in emitted.text
    assert [w.params["detail_code"] for w in emitted.warnings] == ["moodle-files"]


# --------------------------------------------------------------------------------------------
# The import-gift command


def run(args: list[str]):
    return CliRunner().invoke(import_gift_command, args)


def test_command_prints_blocks_and_lists_what_it_could_not_convert() -> None:
    path = MOODLE / "fixtures" / "questions.gift.txt"
    result = run([str(path), "--lang", "lv"])
    assert result.exit_code == 0
    assert result.stdout.count("::: quiz {#") == 8
    assert "- (x) Patiesi" in result.stdout
    assert f"{path}:2: warning: essay question 'Q8' cannot be converted" in result.stderr
    assert f"{path}:31: warning: text" in result.stderr
    assert "8 questions converted, 1 question could not be converted" in result.stderr


def test_command_writes_out_file(tmp_path: Path) -> None:
    out = tmp_path / "quiz.lv.md"
    result = run([str(MOODLE / "fixtures" / "examples.txt"), "--lang", "lv", "--out", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.count("::: quiz {#") == 43
    assert f"written to {out}" in result.stderr
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_command_refuses_syntax_errors_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_text("Good{T}\n\nBroken {\n=a\n\nNumber{#abc}\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = run([str(source), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 1
    assert not out.exists() and result.stdout == ""
    assert f"{source}:3: error: this {{ opens an answer block" in result.stderr
    assert f'{source}:6: error: "abc" is not a number' in result.stderr
    assert "2 errors; nothing written" in result.stderr


def test_command_reports_non_utf8_with_offset_and_line(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_bytes("Pirmais?{T}\n\nKas ir šis?{T}\n".encode("cp1257"))
    out = tmp_path / "out.md"
    result = run([str(source), "--lang", "lv", "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert (
        f"{source}:3: error: the file is not UTF-8 text (byte 0xF0 at offset 20)" in result.stderr
    )
    again = run([str(source), "--lang", "lv", "--encoding", "cp1257"])
    assert again.exit_code == 0
    assert "Kas ir šis?" in again.stdout and f"{source}: read as cp1257" in again.stderr


def test_command_reads_bom_and_utf16(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_bytes("\ufeffĀbols?{T}".encode())
    assert "Ābols?" in run([str(source), "--lang", "lv"]).stdout
    source.write_bytes("Ābols?{T}".encode("utf-16"))
    result = run([str(source), "--lang", "lv"])
    assert result.exit_code == 0 and "Ābols?" in result.stdout
    assert "read as utf-16" in result.stderr


def test_command_with_only_unconvertible_questions(tmp_path: Path) -> None:
    source = tmp_path / "essays.gift"
    source.write_text("::One::Write.{}\n\n::Two::Read this.\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = run([str(source), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0 and not out.exists()
    assert f"{source}:1: warning: essay question 'One' cannot be converted" in result.stderr
    assert f"{source}:3: warning: description question 'Two' cannot be converted" in result.stderr
    assert "0 questions converted, 2 questions could not be converted" in result.stderr
    assert "nothing written" in result.stderr


def test_command_usage_errors(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_text("// only a comment\n", encoding="utf-8")
    empty = run([str(source), "--lang", "en"])
    assert empty.exit_code == 1 and "the file contains no questions" in empty.stderr
    assert run([str(source)]).exit_code == 2  # --lang is required
    assert run([str(source), "--lang", "de"]).exit_code == 2
    same = run([str(source), "--lang", "en", "--out", str(source)])
    assert same.exit_code == 1 and source.read_text(encoding="utf-8") == "// only a comment\n"
    unknown = run([str(source), "--lang", "en", "--encoding", "klingon"])
    assert unknown.exit_code == 1 and 'unknown encoding "klingon"' in unknown.stderr


def test_command_id_prefix() -> None:
    result = run([str(PEG / "tf2.gift"), "--lang", "en", "--id-prefix", "Unit 3"])
    assert "::: quiz {#unit-3-q-3}" in result.stdout and "::: quiz {#unit-3-q-5}" in result.stdout


def test_command_names() -> None:
    assert import_gift_command.name == "import-gift"
