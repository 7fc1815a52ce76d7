"""A question's answer key may only change together with its ``rev``: published-ids.txt records a
fingerprint of each published question's key (``question m/q rev=1 key=…``), and a changed key
under the same rev is an error at the quiz line. Lock files without fingerprints still load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.courses.checker import check_courses, update_lock
from app.courses.findings import has_errors
from tests.courses.conftest import keyed

LV2 = "mini-course/02-equipment.lv.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def both(mini: Path, lv: tuple[str, str], en: tuple[str, str]) -> None:
    """The same change of the key in the default language and in the translation."""
    edit(mini / "02-equipment.lv.md", *lv)
    edit(mini / "02-equipment.en.md", *en)


def key_errors(courses_dir: Path) -> set[tuple[str, int, str, str]]:
    return {
        k for k in keyed(check_courses(courses_dir), courses_dir) if k[3] == "answer-key-changed"
    }


def test_the_lock_file_records_rev_and_key_of_every_question(mini: Path):
    text = (mini / "published-ids.txt").read_text(encoding="utf-8")
    assert re.search(r"^question equipment/lux rev=2 key=[0-9a-f]{10}$", text, re.M)
    assert "question equipment/old-question\n" in text  # retired: nothing to fingerprint
    assert not has_errors(check_courses(mini))


def test_a_new_right_option_without_a_new_rev_is_an_error(courses_dir: Path, mini: Path):
    both(mini, ("- (x) Patiesi\n- ( ) Nepatiesi", "- ( ) Patiesi\n- (x) Nepatiesi"),
         ("- (x) True\n- ( ) False", "- ( ) True\n- (x) False"))  # fmt: skip
    assert key_errors(courses_dir) == {(LV2, 41, "error", "answer-key-changed")}
    (finding,) = [f for f in check_courses(courses_dir) if f.code == "answer-key-changed"]
    assert finding.message == (
        'the answer key of "true-false" has changed since it was published, but its rev is still '
        "1: raise it to rev=2 in every language, so that earlier attempts keep the key they were "
        "graded with"
    )
    assert update_lock(mini).reason == "errors"
    # Raising rev (in both languages) is what the checker asks for; then the lock is updated.
    both(mini, ("{#true-false}", "{#true-false rev=2}"), ("{#true-false}", "{#true-false rev=2}"))
    findings = check_courses(courses_dir)
    assert not has_errors(findings)
    (outdated,) = [f for f in findings if f.code == "lock-keys-outdated"]
    assert outdated.params["ids"] == "equipment/true-false"
    assert update_lock(mini).reason == "written"
    assert "question equipment/true-false rev=2 key=" in (mini / "published-ids.txt").read_text()
    assert "lock-keys-outdated" not in {f.code for f in check_courses(courses_dir)}


@pytest.mark.parametrize(
    ("lv", "en", "line"),
    [
        (("[[300 +- 50]]", "[[300 +- 80]]"), ("[[300 +- 50]]", "[[300 +- 80]]"), 24),
        (("[[10..20]]", "[[10..25]]"), ("[[10..20]]", "[[10..25]]"), 48),
        (("- [ ] Smaida", "- [x] Smaida"), ("- [ ] Smiles", "- [x] Smiles"), 15),
        (
            ("- Svērtā sega => Tauste", "- Svērtā sega => Garša"),
            ("- Weighted blanket => Touch", "- Weighted blanket => Taste"),
            32,
        ),
        # Another accepted text in the default language changes who gets the point.
        (("| multisensorā telpa]]", "| multisensorā telpa | snoezelen]]"), ("]]", "]]"), 28),
    ],
)
def test_changed_numbers_options_pairs_and_texts_need_a_new_rev(
    courses_dir: Path, mini: Path, lv, en, line
):
    both(mini, lv, en)
    assert key_errors(courses_dir) == {(LV2, line, "error", "answer-key-changed")}


def test_wording_points_and_translated_texts_are_not_key_changes(courses_dir: Path, mini: Path):
    both(
        mini,
        ("- [x] Aizspiež ausis", "- [x] Aizspiež ausis ar rokām"),
        ("- [x] Covers their ears", "- [x] Covers their ears with their hands"),
    )
    both(mini, ("{#calm-signs points=2", "{#calm-signs points=3"),
         ("{#calm-signs points=2", "{#calm-signs points=3"))  # fmt: skip
    both(mini, ("[[Sensorā telpa |", "[[sensorā  telpa |"), ("]]", "]]"))  # same after folding
    edit(mini / "02-equipment.en.md", "[[sensory room |", "[[sensory room | snoezelen room |")
    edit(mini / "02-equipment.lv.md", "- Aromātu difuzors => Oža", "- Aromāta difuzors => oža")
    findings = check_courses(courses_dir)
    assert not has_errors(findings), [f.format() for f in findings if f.is_error]


def test_a_lock_file_without_fingerprints_still_loads(courses_dir: Path, mini: Path):
    lock = mini / "published-ids.txt"
    old = re.sub(r" rev=\d+ key=[0-9a-f]+$", "", lock.read_text(encoding="utf-8"), flags=re.M)
    assert not re.search(r"rev=\d+ key=", old)
    lock.write_text(old, encoding="utf-8")
    both(mini, ("- (x) Patiesi\n- ( ) Nepatiesi", "- ( ) Patiesi\n- (x) Nepatiesi"),
         ("- (x) True\n- ( ) False", "- ( ) True\n- (x) False"))  # fmt: skip
    findings = check_courses(courses_dir)
    assert not has_errors(findings)  # nothing was recorded to compare with
    (outdated,) = [f for f in findings if f.code == "lock-keys-outdated"]
    assert (Path(outdated.path).name, outdated.line, outdated.severity) == (
        "course.yml", 3, "warning",
    )  # fmt: skip
    assert outdated.params["ids"].startswith("introduction/room-purpose, equipment/calm-signs")
    assert update_lock(mini).reason == "written"
    assert re.search(r"^question equipment/true-false rev=1 key=[0-9a-f]{10}$",
                     lock.read_text(encoding="utf-8"), re.M)  # fmt: skip
    assert "lock-keys-outdated" not in {f.code for f in check_courses(courses_dir)}


def test_rev_and_key_belong_to_question_lines_only(courses_dir: Path, mini: Path):
    with (mini / "published-ids.txt").open("a", encoding="utf-8") as fh:
        fh.write("module extra rev=1 key=0123456789\n")
    got = keyed(check_courses(courses_dir), courses_dir)
    lines = (mini / "published-ids.txt").read_text(encoding="utf-8").splitlines()
    assert ("mini-course/published-ids.txt", len(lines), "error", "lock-bad-line") in got
