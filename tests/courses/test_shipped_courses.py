"""The courses shipped in PROJECT_ROOT/courses pass the checker without a single finding, with
the certificate templates of PROJECT_ROOT/certificates (as ``flask courses check`` sees them)."""

from __future__ import annotations

import shutil

import pytest

from app import create_app
from app.config import PROJECT_ROOT
from app.courses.checker import check_courses, course_folders, format_findings
from app.courses.cli import courses_cli, template_names
from app.courses.loader import build_course
from app.courses.status import status
from tests.conftest import base_config

COURSES = PROJECT_ROOT / "courses"


def test_shipped_courses_have_no_errors_and_no_warnings():
    assert len(course_folders(COURSES)) >= 3
    templates = template_names(PROJECT_ROOT / "certificates")
    assert templates and "default" in templates
    findings = check_courses(COURSES, certificate_templates=templates)
    assert findings == [], "\n" + format_findings(findings, relative_to=PROJECT_ROOT)


def test_flask_courses_check_accepts_the_shipped_courses(tmp_path):
    config = base_config(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)
    config.update(COURSES_DIR=str(COURSES), CERTIFICATES_DIR=str(PROJECT_ROOT / "certificates"))
    result = create_app(config).test_cli_runner().invoke(courses_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("0 error(s), 0 warning(s) in ")


@pytest.mark.parametrize(
    "course_id", ["sensory-reading-room", "inclusive-service", "accessible-formats"]
)
def test_every_shipped_translation_becomes_outdated_when_its_source_changes(tmp_path, course_id):
    shutil.copytree(COURSES / course_id, tmp_path / course_id)
    before = status(build_course(tmp_path / course_id).course)
    assert before.count("untracked") == before.count("outdated") == 0
    for lv in (tmp_path / course_id).glob("*.lv.md"):
        lv.write_text(lv.read_text(encoding="utf-8") + "\nJauns teikums.\n", encoding="utf-8")
    table = status(build_course(tmp_path / course_id).course)
    assert table.count("outdated") == len(table.rows) * (len(table.languages) - 1)
