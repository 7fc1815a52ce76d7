"""The courses shipped in PROJECT_ROOT/courses pass the checker without a single finding, with
the certificate templates of PROJECT_ROOT/certificates (as ``flask courses check`` sees them)."""

from __future__ import annotations

from app import create_app
from app.config import PROJECT_ROOT
from app.courses.checker import check_courses, course_folders, format_findings
from app.courses.cli import courses_cli, template_names
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
