"""The checker on deliberately broken copies of the mini course: every problem, at its line."""

from __future__ import annotations

from pathlib import Path

from app.courses.checker import check_courses, format_findings, update_lock
from app.courses.findings import EXPECTED, MESSAGES, has_errors
from app.courses.loader import build_course
from app.courses.status import status
from tests.courses.conftest import MINI, dedent, keyed


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def lock_line(course: Path, start: str) -> int:
    """The 1-based line of published-ids.txt that starts with ``start``."""
    lines = (course / "published-ids.txt").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def test_the_mini_course_has_only_the_expected_warnings():
    findings = check_courses(MINI)
    assert not has_errors(findings)
    assert keyed(findings, MINI) == {
        ("02-equipment.en.md", 5, "warning", "translation-outdated"),
        ("course.yml", 9, "warning", "translation-missing"),  # 01-introduction.en.md
    } | {("course.yml", 9, "warning", "translation-missing")}  # 02-equipment.lt.md
    assert len(findings) == 3


def test_output_format_is_path_line_severity_message(courses_dir: Path, mini: Path):
    edit(mini / "02-equipment.lv.md", "- (x) Patiesi", "- ( ) Patiesi")
    findings = check_courses(courses_dir)
    text = format_findings(findings, relative_to=courses_dir)
    assert (
        "mini-course/02-equipment.lv.md:41: error: a single-choice question needs exactly one "
        "right option (x), found: 0"
    ) in text.splitlines()


def test_course_yml_problems(courses_dir: Path, mini: Path):
    (mini / "course.yml").write_text(
        dedent(
            """
            id: other-name
            version: 0
            published: yes please
            default_language: de
            languages: [lv, lt, en, lv]
            title: {lv: Sensorā lasītava}
            modules: [01-introduction, 02-equipment, Bad Stem, 01-introduction]
            pass_mark: 120
            max_attempts: -1
            show_answers: sometimes
            colour: blue
            authors: [not-an-email]
            """
        ),
        encoding="utf-8",
    )
    got = keyed(check_courses(courses_dir), courses_dir)
    y = "mini-course/course.yml"
    assert {
        (y, 1, "error", "course-id-folder-mismatch"),
        (y, 2, "error", "meta-bad-value"),  # version
        (y, 3, "error", "meta-bad-value"),  # published
        (y, 4, "error", "unknown-language"),  # default_language
        (y, 5, "error", "yaml-duplicate-key"),  # lv twice
        (y, 6, "warning", "meta-missing-language-text"),  # no lt title
        (y, 7, "error", "bad-module-stem"),
        (y, 7, "error", "duplicate-module-stem"),
        (y, 8, "error", "meta-bad-value"),  # pass_mark
        (y, 9, "error", "meta-bad-value"),  # max_attempts
        (y, 10, "error", "meta-bad-value"),  # show_answers
        (y, 11, "warning", "meta-unknown-field"),
        (y, 12, "error", "meta-bad-value"),  # authors
    } <= got


def test_missing_required_fields_and_yaml_errors(courses_dir: Path, mini: Path):
    (mini / "course.yml").write_text("id: mini-course\nversion: 1\nid: again\n", encoding="utf-8")
    got = keyed(check_courses(courses_dir), courses_dir)
    y = "mini-course/course.yml"
    assert (y, 3, "error", "yaml-duplicate-key") in got
    for missing in ("default_language", "languages", "title", "modules"):
        assert any(f.params.get("field") == missing for f in check_courses(courses_dir))
    (mini / "course.yml").write_text("id: mini-course\ntitle: {lv: [unclosed\n", encoding="utf-8")
    (finding,) = check_courses(courses_dir)
    assert (finding.code, finding.line) == ("yaml-syntax", 3)


def test_folder_without_course_yml(courses_dir: Path):
    (courses_dir / "half-copied").mkdir()
    (courses_dir / "_drafts").mkdir()  # ignored: starts with _
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("half-copied", 0, "error", "course-file-missing") in got
    assert not any(path.startswith("_drafts") for path, *_ in got)


def test_missing_default_language_module_and_unlisted_files(courses_dir: Path, mini: Path):
    (mini / "02-equipment.lv.md").unlink()
    (mini / "03-extra.lv.md").write_text("---\nid: extra\ntitle: X\nminutes: 1\n---\n")
    (mini / "01-introduction.de.md").write_text("---\nid: introduction\ntitle: X\n---\n")
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("mini-course/course.yml", 9, "error", "module-file-missing") in got
    assert ("mini-course/03-extra.lv.md", 1, "warning", "module-file-unlisted") in got
    assert ("mini-course/01-introduction.de.md", 1, "warning", "file-language-unknown") in got


def test_bad_and_duplicate_ids(courses_dir: Path, mini: Path):
    edit(mini / "02-equipment.lv.md", "id: equipment", "id: introduction")
    edit(mini / "02-equipment.lv.md", "{#lux rev=2}", "{#room-purpose rev=2}")
    edit(mini / "02-equipment.lv.md", "{#term}", "{#Term_1}")
    edit(mini / "01-introduction.lt.md", "id: introduction", "id: ievads")
    got = keyed(check_courses(courses_dir), courses_dir)
    lv2 = "mini-course/02-equipment.lv.md"
    assert (lv2, 2, "error", "duplicate-id") in got  # module id used by 01-introduction
    assert (lv2, 24, "error", "duplicate-id") in got  # question id used in 01-introduction
    assert (lv2, 28, "error", "bad-id") in got
    assert ("mini-course/01-introduction.lt.md", 2, "error", "module-id-mismatch") in got
    dup = next(f for f in check_courses(courses_dir) if f.code == "duplicate-id" and f.line == 24)
    assert dup.params["first"].endswith("01-introduction.lv.md:14")
    edit(mini / "02-equipment.lv.md", "id: introduction", "id: media")
    got = keyed(check_courses(courses_dir), courses_dir)
    assert (lv2, 2, "error", "reserved-id") in got


def test_translation_quiz_set_and_answer_key_must_agree(courses_dir: Path, mini: Path):
    en = mini / "02-equipment.en.md"
    edit(en, "- [x] Tries to leave the room", "- [ ] Tries to leave the room")  # calm-signs
    edit(en, "[[300 +- 50]]", "[[300 +- 60]]")  # lux
    edit(en, "{#lux rev=2}", "{#lux rev=2 points=3}")
    edit(en, "- Weighted blanket => Touch", "- Weighted blanket => Sight and hearing")  # pairs
    edit(en, "::: quiz {#range}", "::: quiz {#range-en}")
    edit(en, "- (x) True\n- ( ) False", "- [x] True\n- [ ] False")  # true-false: kind differs
    findings = check_courses(courses_dir)
    got = keyed(findings, courses_dir)
    assert {
        ("mini-course/02-equipment.en.md", 11, "error", "answer-key-differs"),
        ("mini-course/02-equipment.en.md", 19, "error", "answer-key-differs"),
        ("mini-course/02-equipment.en.md", 27, "error", "answer-key-differs"),
        ("mini-course/02-equipment.en.md", 36, "error", "answer-key-differs"),
        ("mini-course/02-equipment.en.md", 1, "error", "quiz-missing-in-translation"),
        ("mini-course/02-equipment.en.md", 43, "error", "quiz-extra-in-translation"),
    } <= got
    details = {f.line: f.params["detail"] for f in findings if f.code == "answer-key-differs"}
    assert details[11] == "right options 1,2 ≠ 1"
    assert details[19] == "points 1 ≠ 3; numbers 250..350 ≠ 240..360"
    assert details[27] == "right-hand choices 4 ≠ 3"
    assert details[36] == "kind single ≠ multiple"


def test_text_alternatives_may_differ_between_languages(courses_dir: Path, mini: Path):
    edit(mini / "02-equipment.en.md", "[[sensory room | multisensory room]]", "[[sensory room]]")
    assert not has_errors(check_courses(courses_dir))


def test_quiz_order_differs_is_a_warning(courses_dir: Path, mini: Path):
    en = mini / "02-equipment.en.md"
    text = en.read_text(encoding="utf-8")
    lux = text[text.index("::: quiz {#lux") : text.index("::: quiz {#term}")]
    en.write_text(text.replace(lux, "") + "\n" + lux, encoding="utf-8")
    findings = check_courses(courses_dir)
    assert not has_errors(findings)
    assert "quiz-order-differs" in {f.code for f in findings}


def test_published_id_removed_unless_retired(courses_dir: Path, mini: Path):
    lv2 = mini / "02-equipment.lv.md"
    text = lv2.read_text(encoding="utf-8")
    start, end = text.index("::: quiz {#range}"), len(text)
    lv2.write_text(text[:start], encoding="utf-8")
    en2 = mini / "02-equipment.en.md"
    en_text = en2.read_text(encoding="utf-8")
    en2.write_text(en_text[: en_text.index("::: quiz {#range}")], encoding="utf-8")
    assert end > start
    got = keyed(check_courses(courses_dir), courses_dir)
    line = lock_line(mini, "question equipment/range ")
    assert ("mini-course/published-ids.txt", line, "error", "published-id-removed") in got
    # Retiring it on purpose makes the course acceptable again.
    edit(mini / "course.yml", "retired: [old-question]", "retired: [old-question, range]")
    assert not has_errors(check_courses(courses_dir))


def test_removed_module_and_lowered_version(courses_dir: Path, mini: Path):
    edit(
        mini / "course.yml",
        "modules: [01-introduction, 02-equipment]",
        "modules: [01-introduction]",
    )
    edit(mini / "course.yml", "version: 2", "version: 1")
    for f in ("02-equipment.lv.md", "02-equipment.en.md"):
        (mini / f).unlink()
    got = keyed(check_courses(courses_dir), courses_dir)
    lock_lines = (mini / "published-ids.txt").read_text().splitlines()
    assert (
        "mini-course/published-ids.txt",
        lock_lines.index("module equipment") + 1,
        "error",
        "published-id-removed",
    ) in got
    assert ("mini-course/course.yml", 2, "error", "version-lowered") in got


def test_lock_missing_outdated_and_update(courses_dir: Path, mini: Path):
    (mini / "published-ids.txt").unlink()
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("mini-course/course.yml", 3, "warning", "lock-missing") in got
    assert update_lock(mini).reason == "written"
    assert update_lock(mini).reason == "unchanged"
    edit(mini / "02-equipment.lv.md", "{#range}", "{#range-new}")
    edit(mini / "02-equipment.en.md", "{#range}", "{#range-new}")
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("mini-course/course.yml", 3, "warning", "lock-outdated") in got
    line = lock_line(mini, "question equipment/range ")
    assert ("mini-course/published-ids.txt", line, "error", "published-id-removed") in got
    # A course with errors does not get its lock updated.
    assert update_lock(mini).reason == "errors"


def test_retired_id_still_present_and_bad_lock_line(courses_dir: Path, mini: Path):
    edit(mini / "course.yml", "retired: [old-question]", "retired: [old-question, lux]")
    with (mini / "published-ids.txt").open("a", encoding="utf-8") as fh:
        fh.write("questions equipment/lux\n")
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("mini-course/course.yml", 13, "warning", "retired-id-present") in got
    lock_len = len((mini / "published-ids.txt").read_text().splitlines())
    assert ("mini-course/published-ids.txt", lock_len, "error", "lock-bad-line") in got


def test_images_links_and_raw_html(courses_dir: Path, mini: Path):
    (mini / "01-introduction.lv.md").write_text(
        dedent(
            """
            ---
            id: introduction
            title: Ievads
            minutes: 10
            ---
            # Ievads

            ![](media/lamp.png)
            ![Nav faila](media/missing.png)
            [Nav modulis](03-nothing.md) un [ārpus](../other/file.md) un [labs](02-equipment.md)
            [Nav virsraksta](#nekas) un [ir virsraksts](#ievads)

            <iframe src="https://example.org"></iframe>
            <a href="#ievads" onclick="alert(1)">klikšķis</a>
            `<script>` kodā nav problēma

            ```html
            <script>alert(1)</script>
            ```

            ::: quiz {#room-purpose}
            Kam? ![](media/tube.png)

            - ( ) A
            - (x) B
            - ( ) C
            :::
            """
        ),
        encoding="utf-8",
    )
    got = keyed(check_courses(courses_dir), courses_dir)
    f = "mini-course/01-introduction.lv.md"
    expected = {
        (f, 8, "warning", "image-no-alt"),
        (f, 9, "warning", "broken-image"),
        (f, 10, "warning", "broken-link"),  # 03-nothing.md and ../other/file.md
        (f, 11, "warning", "broken-anchor"),
        (f, 13, "warning", "raw-html-stripped"),
        (f, 14, "warning", "raw-html-stripped"),
        (f, 22, "warning", "image-no-alt"),
    }
    assert expected <= got
    mine = {k for k in got if k[0] == f}
    assert mine == expected
    broken = [x for x in check_courses(courses_dir) if x.code == "broken-link"]
    assert sorted(x.params["target"] for x in broken) == ["../other/file.md", "03-nothing.md"]


def test_checker_never_stops_at_the_first_error(courses_dir: Path, mini: Path):
    edit(mini / "01-introduction.lv.md", "- (x) Drošai", "- ( ) Drošai")
    edit(
        mini / "02-equipment.lv.md",
        "- [x] Aizspiež ausis\n- [x] Cenšas",
        "- [ ] Aizspiež ausis\n- [ ] Cenšas",
    )
    edit(mini / "02-equipment.lv.md", "[[10..20]]", "[[20..10]]")
    (courses_dir / "second").mkdir()
    got = keyed(check_courses(courses_dir), courses_dir)
    assert {
        ("mini-course/01-introduction.lv.md", 14, "error", "quiz-single-correct"),
        ("mini-course/02-equipment.lv.md", 15, "error", "quiz-multiple-none-correct"),
        ("mini-course/02-equipment.lv.md", 49, "error", "quiz-bad-range"),
        ("second", 0, "error", "course-file-missing"),
    } <= got


def test_every_message_formats_with_its_own_parameters():
    import re

    for code, template in MESSAGES.items():
        names = set(re.findall(r"%\((\w+)\)s", template))
        assert template % {n: "x" for n in names}, code
    assert all(EXPECTED.values())


def test_a_file_not_saved_as_utf8_is_an_error(courses_dir: Path, mini: Path):
    lt = mini / "01-introduction.lt.md"
    lt.write_bytes(lt.read_text(encoding="utf-8").encode("cp1257"))
    got = keyed(check_courses(courses_dir), courses_dir)
    assert ("mini-course/01-introduction.lt.md", 3, "error", "not-utf8") in got  # "Įvadas"


def test_certificate_template_must_exist_when_the_templates_are_known(courses_dir, mini):
    edit(mini / "course.yml", "certificate: {template: default}", "certificate:\n  template: fancy")
    assert not has_errors(check_courses(courses_dir))  # templates unknown: not checked
    findings = check_courses(courses_dir, certificate_templates={"default", "compact"})
    (finding,) = [f for f in findings if f.is_error]
    assert (finding.line, finding.code) == (16, "certificate-template-unknown")
    assert finding.message == (
        'there is no certificate template "fancy"; the templates are: compact, default'
    )
    assert not has_errors(check_courses(courses_dir, certificate_templates={"fancy"}))


def test_a_translation_without_translation_front_matter_is_untracked(courses_dir, mini: Path):
    lt = mini / "01-introduction.lt.md"
    edit(lt, "translation: {source: lv, source_hash: 49a7fe733228}\n", "")
    build = build_course(mini)
    (finding,) = [f for f in build.findings if f.code == "translation-untracked"]
    assert (Path(finding.path).name, finding.line, finding.severity) == (lt.name, 1, "warning")
    lv_hash = build.course.module("introduction").variants["lv"].content_hash[:12]
    assert finding.message.endswith(
        f"add this line to the front matter: translation: {{source: lv, source_hash: {lv_hash}}}"
    )
    assert status(build.course).rows[0].cells["lt"].state == "untracked"
    # A source without its hash says no more.
    edit(lt, "minutes: 10\n", "minutes: 10\ntranslation: {source: lv}\n")
    build = build_course(mini)
    assert [f.line for f in build.findings if f.code == "translation-untracked"] == [5]
    assert status(build.course).rows[0].cells["lt"].state == "untracked"
    # The default-language file is never untracked.
    assert status(build.course).rows[0].cells["lv"].state == "present"
