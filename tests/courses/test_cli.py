"""``flask courses check|status|reload`` through Flask's CLI runner (no database needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from app.config import PROJECT_ROOT
from app.courses.cli import courses_cli, current_catalog, current_registry
from tests.conftest import base_config


@pytest.fixture
def cli_app(tmp_path: Path, courses_dir: Path):
    config = base_config(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)
    config.update(
        COURSES_DIR=str(courses_dir),
        COURSES_RELOAD_STAMP=str(tmp_path / "instance" / "courses-reload.stamp"),
    )
    return create_app(config)


def run(app, *args: str):
    return app.test_cli_runner().invoke(courses_cli, list(args))


def test_check_passes_with_warnings_and_fails_on_errors(cli_app, mini: Path):
    result = run(cli_app, "check")
    assert result.exit_code == 0, result.output
    assert "02-equipment.en.md:5: warning: this translation was made from an older version" in (
        result.output
    )
    assert "0 error(s), 3 warning(s) in 1 course(s)" in result.output
    lv = mini / "01-introduction.lv.md"
    lv.write_text(lv.read_text(encoding="utf-8").replace("- (x) Drošai", "- [x] Drošai"))
    result = run(cli_app, "check", str(mini))
    assert result.exit_code == 1
    assert "mini-course/01-introduction.lv.md:14: error: the quiz mixes ( ) and [ ]" in (
        result.output
    )


def test_check_update_lock_records_new_ids(cli_app, mini: Path):
    for name in ("02-equipment.lv.md", "02-equipment.en.md"):
        path = mini / name
        path.write_text(path.read_text(encoding="utf-8").replace("{#range}", "{#range-2}"))
    edit = mini / "course.yml"
    edit.write_text(
        edit.read_text(encoding="utf-8").replace("[old-question]", "[old-question, range]")
    )
    result = run(cli_app, "check", "--update-lock")
    assert result.exit_code == 0, result.output
    assert "mini-course: published-ids.txt written" in result.output
    assert "question equipment/range-2" in (mini / "published-ids.txt").read_text()
    assert "lock-outdated" not in run(cli_app, "check").output


def test_status_prints_the_module_language_table(cli_app):
    result = run(cli_app, "status", "mini-course")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "mini-course"
    assert lines[1].split() == ["module", "lv*", "lt", "en"]
    assert lines[2].split()[0] == "01-introduction" and lines[2].split()[2:] == ["ok", "missing"]
    assert lines[3].split()[2:] == ["missing", "outdated"]
    assert "missing: 2, outdated: 1" in result.output
    assert run(cli_app, "status", "no-such-course").exit_code != 0


def test_reload_touches_the_stamp_and_reports_refusals(cli_app, mini: Path, tmp_path: Path):
    with cli_app.app_context():
        assert current_catalog().get("mini-course").title["lv"] == "Sensorā lasītava"
    yml = mini / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("pass_mark: 80", "pass_mark: 180"))
    result = run(cli_app, "reload")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "courses-reload.stamp").is_file()
    assert "mini-course: refused (1 error(s)); the last good version stays live" in result.output
    assert "course.yml:10: error:" in result.output
    with cli_app.app_context():
        registry = current_registry()
        assert current_catalog().get("mini-course").pass_mark == 80
        assert registry.refusals["mini-course"].serving_last_good


def test_importer_commands_are_in_the_group():
    assert {"import-gift", "import-aiken"} <= set(courses_cli.commands)


def test_check_of_a_folder_without_any_course_fails_clearly(cli_app, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(cli_app, "check", str(empty))
    assert result.exit_code == 1
    assert f"no course found in {empty}: a course is a folder with a course.yml" in result.output
    (empty / "docs").mkdir()  # folders, but none of them a course
    (empty / "docs" / "notes.md").write_text("# Piezīmes\n", encoding="utf-8")
    result = run(cli_app, "check", str(empty))
    assert result.exit_code == 1
    assert "no course found in" in result.output
    cli_app.config["COURSES_DIR"] = str(empty)
    assert run(cli_app, "check").exit_code == 1


def test_a_certificate_template_that_does_not_exist_is_an_error(cli_app, mini: Path, tmp_path):
    templates = tmp_path / "certificates"
    shutil.copytree(PROJECT_ROOT / "certificates" / "default", templates / "plain")
    (templates / "half-made").mkdir()  # no certificate.html/template.yml: not a template
    cli_app.config["CERTIFICATES_DIR"] = str(templates)
    result = run(cli_app, "check")
    assert result.exit_code == 1
    assert (
        'course.yml:15: error: there is no certificate template "default"; the templates are: plain'
    ) in result.output
    # The app refuses the course too (it was never good: nothing is shown).
    with cli_app.app_context():
        catalog = current_catalog()
        assert catalog.get("mini-course") is None
        (refused,) = catalog.refused["mini-course"].errors
        assert refused.code == "certificate-template-unknown"
    yml = mini / "course.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "certificate: {template: default}", "certificate:\n  template: plain"
        ),
        encoding="utf-8",
    )
    assert run(cli_app, "check").exit_code == 0
    with cli_app.app_context():
        assert current_registry().reload().get("mini-course").certificate_template == "plain"
