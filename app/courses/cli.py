"""``flask --app wsgi courses ...``: check, status, reload (and the importers' commands).

Also the app-side access to the course registry, ``current_registry()`` / ``current_catalog()``,
for routes: one ``CourseRegistry`` per process, kept in ``app.extensions``.

Terminal output is English, like the checker's ``path:line: error|warning: message`` lines.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.certificates.pdf import available_templates
from app.courses.checker import check_courses, course_folders, format_findings, update_lock
from app.courses.importers.cli import import_aiken_command, import_gift_command
from app.courses.loader import (
    COURSE_FILE,
    RELOAD_STAMP,
    CourseCatalog,
    CourseRegistry,
    build_course,
    shared_registry,
)
from app.courses.status import format_status, status

courses_cli = AppGroup("courses", help="Check, inspect and reload the courses in COURSES_DIR.")


def reload_stamp_path() -> Path:
    """``COURSES_RELOAD_STAMP`` if configured, else ``instance/courses-reload.stamp``."""
    configured = current_app.config.get("COURSES_RELOAD_STAMP")
    return Path(configured) if configured else Path(current_app.instance_path) / RELOAD_STAMP


def template_names(templates_dir: Path) -> frozenset[str] | None:
    """The usable certificate templates in ``templates_dir`` (as the certificates feature finds
    them), for the checker; None when the folder does not exist (then they are not checked)."""
    if not templates_dir.is_dir():
        return None
    return frozenset(t.slug for t in available_templates(templates_dir))


def certificate_template_names() -> frozenset[str] | None:
    """``template_names`` of the app's CERTIFICATES_DIR."""
    return template_names(Path(current_app.config["CERTIFICATES_DIR"]))


def current_registry() -> CourseRegistry:
    """This process's course registry (created on first use). ``flask courses reload`` reaches
    every process through the reload stamp file (see ``reload_stamp_path``)."""
    templates_dir = Path(current_app.config["CERTIFICATES_DIR"])
    return shared_registry(
        current_app.extensions,
        current_app.config["COURSES_DIR"],
        stamp_path=reload_stamp_path(),
        certificate_templates=lambda: template_names(templates_dir),
    )


def current_catalog() -> CourseCatalog:
    """The catalog to serve. Changed files are picked up on every call when
    ``COURSES_AUTO_RELOAD`` is true (default: in debug mode); otherwise after a reload."""
    auto = current_app.config.get("COURSES_AUTO_RELOAD", current_app.debug)
    return current_registry().get(reload_changed=bool(auto))


def _summary(errors: int, warnings: int, courses: int) -> str:
    return f"{errors} error(s), {warnings} warning(s) in {courses} course(s)"


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--update-lock",
    "update_lock_ids",
    is_flag=True,
    help="Record the published ids of every course without errors in its published-ids.txt.",
)
def check_command(path: Path | None, update_lock_ids: bool) -> None:
    """Check the courses (COURSES_DIR, one course folder or a file in it); exit 1 on any error."""
    target = path or Path(current_app.config["COURSES_DIR"])
    folders = course_folders(target)
    if not any((folder / COURSE_FILE).is_file() for folder in folders):
        raise click.ClickException(
            f"no course found in {target}: a course is a folder with a {COURSE_FILE}. "
            "Give COURSES_DIR (the folder of the course folders), a course folder or a file in one."
        )
    templates = certificate_template_names()
    findings = check_courses(target, certificate_templates=templates)
    if findings:
        click.echo(format_findings(findings))
    errors = sum(1 for f in findings if f.is_error)
    click.echo(_summary(errors, len(findings) - errors, len(folders)))
    if update_lock_ids:
        for folder in folders:
            result = update_lock(folder, certificate_templates=templates)
            click.echo(f"{folder.name}: published-ids.txt {result.reason}")
    if errors:
        raise SystemExit(1)


@courses_cli.command("status")
@click.argument("course_id", required=False)
def status_command(course_id: str | None) -> None:
    """Translation status: module × language (ok, missing, outdated, untracked); the default
    language's column shows the content hash to copy into a translation's source_hash."""
    root = Path(current_app.config["COURSES_DIR"])
    folders = course_folders(root)
    if course_id:
        folders = [f for f in folders if f.name == course_id]
        if not folders:
            raise click.ClickException(f"no course folder {course_id!r} in {root}")
    templates = certificate_template_names()
    for folder in folders:
        build = build_course(folder, certificate_templates=templates)
        click.echo(f"{folder.name}")
        if build.course is None:
            click.echo("  cannot be loaded; run `flask courses check` to see why\n")
            continue
        table = status(build.course)
        for line in format_status(table).splitlines():
            click.echo(f"  {line}")
        note = "" if build.ok else "  (has errors: not shown to learners; see `courses check`)"
        counts = ", ".join(f"{s}: {table.count(s)}" for s in ("missing", "outdated", "untracked"))
        click.echo(f"  {counts}{note}\n")


@courses_cli.command("reload")
def reload_command() -> None:
    """Make every running app process re-read changed courses (touches the reload stamp)."""
    registry = current_registry()
    stamp = registry.touch_stamp()
    catalog = registry.reload()
    click.echo(f"reload stamp: {stamp}")
    click.echo(f"{len(catalog)} course(s) live: {', '.join(sorted(catalog.courses)) or '-'}")
    for name, refusal in catalog.refused.items():
        kept = "the last good version stays live" if refusal.serving_last_good else "not shown"
        click.echo(f"{name}: refused ({len(refusal.errors)} error(s)); {kept}")
        click.echo(format_findings(list(refusal.errors)))


# The importers' commands (GIFT, Aiken) live with the importers and join this group.
courses_cli.add_command(import_gift_command)
courses_cli.add_command(import_aiken_command)
