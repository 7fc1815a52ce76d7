"""Loading, the registry's change detection and last-good rule, fallback, status, public view."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from app.courses.loader import CourseRegistry, build_course, load_courses
from app.courses.model import normalise_answer_text, parse_number, public_question
from app.courses.status import format_status, status
from tests.courses.conftest import MINI


def touch_later(path: Path, text: str | None = None) -> None:
    """Write (optionally) and move the mtime forward, so the change is visible to stat()."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    touch_later(path, text.replace(old, new, 1))


def test_load_courses_builds_the_mini_course(courses_dir: Path):
    catalog = load_courses(courses_dir)
    course = catalog.get("mini-course")
    assert course is not None and catalog.refused == {}
    assert (course.version, course.published, course.default_language) == (2, True, "lv")
    assert course.module_ids == ("introduction", "equipment")
    assert course.title_for("lt") == "Sensorinė skaitykla"
    assert course.total_minutes == 35
    equipment = course.module("equipment")
    assert equipment.order == 2 and equipment.has_quiz
    assert equipment.answer_key_revision == (
        "calm-signs:1,lux:2,term:1,pairs:1,true-false:1,range:1"
    )
    assert equipment.max_points == 7
    assert [q.kind for q in equipment.questions] == [
        "multiple", "numeric", "text", "matching", "single", "numeric",
    ]  # fmt: skip
    variant = equipment.variants["lv"]
    assert '<h1 id="sensorās-telpas-aprīkojums">' in variant.html
    assert 'src="/courses/mini-course/media/tube.png"' in variant.html
    assert "::: quiz" not in variant.html and "Aizspiež" not in variant.html
    assert len(variant.content_hash) == 64
    # The lv image has a Latvian version; the lt text uses the shared one.
    intro = course.module("introduction")
    assert "media/lamp.lv.png" in intro.variants["lv"].html
    assert "media/lamp.png" in intro.variants["lt"].html
    assert 'href="/courses/mini-course/equipment#sensorās-telpas-aprīkojums"' in (
        intro.variants["lv"].html
    )


def test_questions_render_markdown_and_keep_the_key():
    course = build_course(MINI).course
    q = course.module("introduction").question("room-purpose")
    assert q.correct_indices == (1,)
    assert q.options[0].feedback_html == "<p>Grāmatas glabā krātuvē.</p>"
    assert q.explanation_html == "<p>Sensorā telpa rada <strong>drošu</strong> vidi.</p>"
    assert q.hint_html == "Padomājiet par apmeklētāju labsajūtu."
    pairs = course.module("equipment").question("pairs")
    assert pairs.choices == ("Garša", "Oža", "Redze un dzirde", "Tauste")
    assert [pairs.choices[p.choice] for p in pairs.pairs] == ["Redze un dzirde", "Tauste", "Oža"]


def test_text_and_numeric_answers_are_compared_leniently():
    equipment = build_course(MINI).course.module("equipment")
    term, lux, minutes = (equipment.question(i) for i in ("term", "lux", "range"))
    assert term.accepts_text("  SENSORĀ   telpa ")
    assert term.accepts_text("Multisensorā telpa")
    assert not term.accepts_text("sensora telpa")
    assert not term.accepts_text("")
    assert lux.accepts_number("350") and lux.accepts_number("250,0")
    assert not lux.accepts_number("351") and not lux.accepts_number("trīssimt")
    assert minutes.accepts_number("10") and minutes.accepts_number("19.5")
    assert normalise_answer_text("Ā\u00a0b") == "ā b"
    assert parse_number("1 000,5") == 1000.5 and parse_number("−3") == -3


def test_public_question_reveals_no_answers():
    course = build_course(MINI).course
    for module in course.modules:
        for variant in module.variants.values():
            for q in variant.questions:
                public = public_question(q, seed="user-7:attempt-1")
                dumped = json.dumps(public, ensure_ascii=False)
                assert set(public) <= {
                    "id", "kind", "points", "rev", "prompt_html", "hint_html",
                    "options", "lefts", "choices",
                }  # fmt: skip
                for item in public.get("options", []) + public.get("lefts", []):
                    assert set(item) == {"key", "html"}
                for alternative in q.text_answers:
                    assert alternative not in dumped
                if q.numeric is not None:
                    assert "300" not in dumped and "10..20" not in dumped
                for option in q.options:
                    if option.feedback_html:
                        assert option.feedback_html not in dumped
                if q.explanation_html:
                    assert q.explanation_html not in dumped
    pairs = course.module("equipment").question("pairs")
    public = public_question(pairs, seed=1)
    assert sorted(c["text"] for c in public["choices"]) == sorted(pairs.choices)
    assert {left["key"] for left in public["lefts"]} == {0, 1, 2}


def test_shuffle_is_deterministic_per_seed_and_absent_without_shuffle():
    course = build_course(MINI).course
    calm = course.module("equipment").question("calm-signs")  # shuffle
    orders = {tuple(o["key"] for o in public_question(calm, seed=s)["options"]) for s in range(30)}
    assert len(orders) > 1
    assert public_question(calm, seed=5) == public_question(calm, seed=5)
    fixed = course.module("introduction").question("room-purpose")  # no shuffle
    assert [o["key"] for o in public_question(fixed, seed=99)["options"]] == [0, 1, 2]


def test_missing_translation_falls_back_to_the_default_language():
    course = build_course(MINI).course
    view = course.module("equipment").view("lt")
    assert view.fallback and view.lang == "lv" and view.requested_lang == "lt"
    assert view.title == "Sensorās telpas aprīkojums"
    own = course.module("introduction").view("lt")
    assert not own.fallback and own.lang == "lt" and own.title == "Įvadas"
    assert [q.id for q in own.questions] == ["room-purpose"]
    assert course.text("summary", "en") == ("A short course for tests.", "en")


def test_status_table(mini: Path):
    course = build_course(mini).course
    table = status(course)
    cells = {
        (row.module_id, lang): cell.state for row in table.rows for lang, cell in row.cells.items()
    }
    assert cells == {
        ("introduction", "lv"): "present",
        ("introduction", "lt"): "present",
        ("introduction", "en"): "missing",
        ("equipment", "lv"): "present",
        ("equipment", "lt"): "missing",
        ("equipment", "en"): "outdated",
    }
    text = format_status(table)
    assert "02-equipment" in text and "outdated" in text
    # Editing the Latvian source makes its Lithuanian translation outdated.
    replace_in(mini / "01-introduction.lv.md", "Sapulcēm", "Sanāksmēm")
    table = status(build_course(mini).course)
    assert table.rows[0].cells["lt"].state == "outdated"
    # Recording the new hash (a 12-character prefix is enough) makes it current again.
    new_hash = table.rows[0].cells["lv"].content_hash
    lt = mini / "01-introduction.lt.md"
    text = lt.read_text(encoding="utf-8")
    old = text.split("source_hash: ")[1].split("}")[0]
    touch_later(lt, text.replace(old, new_hash[:12]))
    assert status(build_course(mini).course).rows[0].cells["lt"].state == "present"


def test_registry_caches_until_a_file_changes(courses_dir: Path, mini: Path):
    registry = CourseRegistry(courses_dir)
    first = registry.get()
    assert registry.builds == 1
    assert registry.get() is not None and registry.builds == 1
    assert registry.get().get("mini-course") is first.get("mini-course")
    replace_in(
        mini / "02-equipment.lv.md", "title: Sensorās telpas aprīkojums", "title: Aprīkojums"
    )
    second = registry.get()
    assert registry.builds == 2
    course = second.get("mini-course")
    assert course.module("equipment").title["lv"] == "Aprīkojums"
    # The unchanged module was not rendered again: its HTML is the very same object.
    before = first.get("mini-course").module("introduction").variants["lv"].html
    assert course.module("introduction").variants["lv"].html is before


def test_registry_in_production_mode_waits_for_reload(
    courses_dir: Path, mini: Path, tmp_path: Path
):
    stamp = tmp_path / "instance" / "courses-reload.stamp"
    web1 = CourseRegistry(courses_dir, stamp_path=stamp)
    web2 = CourseRegistry(courses_dir, stamp_path=stamp)
    assert web1.get(reload_changed=False).get("mini-course").title["lv"] == "Sensorā lasītava"
    web2.get(reload_changed=False)
    replace_in(mini / "course.yml", "lv: Sensorā lasītava", "lv: Sensorā lasītava 2")
    assert web1.get(reload_changed=False).get("mini-course").title["lv"] == "Sensorā lasītava"
    # `flask courses reload` in another process touches the stamp: every process notices.
    CourseRegistry(courses_dir, stamp_path=stamp).touch_stamp()
    assert web1.get(reload_changed=False).get("mini-course").title["lv"] == "Sensorā lasītava 2"
    assert web2.get(reload_changed=False).get("mini-course").title["lv"] == "Sensorā lasītava 2"
    # reload() works without a stamp file too.
    replace_in(mini / "course.yml", "lv: Sensorā lasītava 2", "lv: Sensorā lasītava 3")
    plain = CourseRegistry(courses_dir)
    plain.get(reload_changed=False)
    replace_in(mini / "course.yml", "lv: Sensorā lasītava 3", "lv: Sensorā lasītava 4")
    assert plain.get(reload_changed=False).get("mini-course").title["lv"] == "Sensorā lasītava 3"
    assert plain.reload().get("mini-course").title["lv"] == "Sensorā lasītava 4"


def test_a_version_with_errors_is_refused_and_the_last_good_one_stays(
    courses_dir: Path, mini: Path
):
    registry = CourseRegistry(courses_dir)
    good = registry.get().get("mini-course")
    replace_in(
        mini / "02-equipment.lv.md",
        "- [x] Aizspiež ausis\n- [x] Cenšas",
        "- [ ] Aizspiež ausis\n- [ ] Cenšas",
    )
    replace_in(mini / "course.yml", "lv: Sensorā lasītava", "lv: Jauns nosaukums")
    catalog = registry.get()
    assert catalog.get("mini-course") is good  # learners still see the last good version
    refusal = catalog.refused["mini-course"]
    assert refusal.serving_last_good
    (err,) = refusal.errors
    assert (Path(err.path).name, err.line, err.code) == (
        "02-equipment.lv.md", 15, "quiz-multiple-none-correct",
    )  # fmt: skip
    assert "02-equipment.lv.md:15: error:" in err.format()
    # The trainer fixes it: the new version goes live and the refusal is gone.
    replace_in(
        mini / "02-equipment.lv.md",
        "- [ ] Aizspiež ausis\n- [ ] Cenšas",
        "- [x] Aizspiež ausis\n- [x] Cenšas",
    )
    catalog = registry.get()
    assert "mini-course" not in catalog.refused
    assert catalog.get("mini-course").title["lv"] == "Jauns nosaukums"


def test_a_new_course_with_errors_is_never_shown(courses_dir: Path, mini: Path):
    shutil.copytree(mini, courses_dir / "broken")
    registry = CourseRegistry(courses_dir)
    catalog = registry.get()
    assert "broken" not in catalog.courses  # its id does not match the folder name
    refusal = catalog.refused["broken"]
    assert not refusal.serving_last_good
    assert {f.code for f in refusal.errors} == {"course-id-folder-mismatch"}
    assert [c.id for c in catalog.published()] == ["mini-course"]
    # A folder that disappears is no longer offered.
    shutil.rmtree(courses_dir / "broken")
    assert "broken" not in registry.get().findings


def test_media_change_is_detected(courses_dir: Path, mini: Path):
    registry = CourseRegistry(courses_dir)
    html = registry.get().get("mini-course").module("equipment").variants["lv"].html
    assert "media/tube.png" in html
    (mini / "media" / "tube.lv.png").write_bytes(b"PNG")
    html = registry.get().get("mini-course").module("equipment").variants["lv"].html
    assert "media/tube.lv.png" in html


def test_a_course_that_crashes_the_builder_does_not_take_the_others_down(
    courses_dir: Path, mini: Path, monkeypatch
):
    import app.courses.loader as loader

    shutil.copytree(mini, courses_dir / "second")
    real = loader.build_course

    def flaky(course_dir, **kwargs):
        if Path(course_dir).name == "second":
            raise PermissionError("permission denied")
        return real(course_dir, **kwargs)

    monkeypatch.setattr(loader, "build_course", flaky)
    catalog = CourseRegistry(courses_dir).get()
    assert "mini-course" in catalog.courses
    (finding,) = catalog.refused["second"].errors
    assert finding.code == "course-unreadable" and "permission denied" in finding.message
