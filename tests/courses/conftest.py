"""Helpers for the course-engine tests: no Flask app is needed for these."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
MINI = FIXTURES / "mini-course"
SHARED = HERE.parents[1] / ".." / "shared"
TESTDATA = SHARED / "testdata"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    """A COURSES_DIR holding a copy of the mini course (tests may break it freely)."""
    root = tmp_path / "courses"
    root.mkdir()
    shutil.copytree(MINI, root / "mini-course")
    return root


@pytest.fixture
def mini(courses_dir: Path) -> Path:
    return courses_dir / "mini-course"


def keyed(findings, root: Path) -> set[tuple[str, int, str, str]]:
    """(path relative to root, line, severity, code) of each finding."""
    return {
        (Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.severity, f.code)
        for f in findings
    }
