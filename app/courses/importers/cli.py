"""``flask --app wsgi courses import-gift|import-aiken FILE --lang lv|lt|en [--out PATH]``.

The course engine's ``courses`` group adds ``import_gift_command`` and ``import_aiken_command``.
Quiz blocks go to standard output, or to ``--out``; everything else goes to standard error in
the checker's form ``FILE:line: error|warning: message`` (English, like all terminal output).

Exit status 1, and nothing written (no ``--out`` file is created), when the file cannot be read
or has syntax errors. Questions that cannot be converted (essay, description, cloze, …) are
listed with their line, the rest is written, and the exit status is 0.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from app.courses.importers import ImportIssue, ImportResult, issue
from app.courses.importers.aiken import parse_aiken
from app.courses.importers.emit import TRUE_FALSE_LABELS, emit_blocks
from app.courses.importers.gift import parse_gift


class UnreadableFileError(Exception):
    def __init__(self, problem: ImportIssue) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_question_file(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the encoding used. Without ``encoding``: UTF-8 (a byte-order mark is
    allowed), or UTF-16 when the file starts with its byte-order mark. A byte that does not
    decode raises ``UnreadableFileError`` with its offset and line."""
    raw = path.read_bytes()
    if encoding is None:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
        explicit = False
    else:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise UnreadableFileError(issue(0, "unknown-encoding", encoding=encoding)) from None
        explicit = True
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        if explicit or encoding == "utf-16":
            problem = issue(line, "bad-encoding", encoding=encoding, offset=exc.start)
        else:
            problem = issue(line, "not-utf8", byte=f"{raw[exc.start]:02X}", offset=exc.start)
        raise UnreadableFileError(problem) from None
    return text.lstrip("\ufeff"), ("utf-8" if encoding == "utf-8-sig" else encoding)


def _err(text: str) -> None:
    click.echo(text, err=True)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def run_import(
    path: Path,
    lang: str,
    out: Path | None,
    encoding: str | None,
    parse: Callable[[str], ImportResult],
    *,
    id_prefix: str = "",
) -> int:
    """Convert ``path`` and write the quiz blocks; returns the exit status."""
    name = str(path)
    if out is not None and out.resolve() == path.resolve():
        _err(f"{name}: error: --out must not be the file being imported")
        return 1
    try:
        text, used = read_question_file(path, encoding)
    except UnreadableFileError as exc:
        _err(exc.problem.format(name))
        _err(f"{name}: nothing written")
        return 1
    if used != "utf-8":
        _err(f"{name}: read as {used}")

    parsed = parse(text)
    if parsed.errors:
        for problem in sorted(parsed.errors + parsed.warnings, key=lambda i: i.line):
            _err(problem.format(name))
        _err(f"{name}: {_plural(len(parsed.errors), 'error', 'errors')}; nothing written")
        return 1
    if not parsed.questions:
        for problem in parsed.warnings:
            _err(problem.format(name))
        _err(issue(0, "no-questions").format(name))
        _err(f"{name}: nothing written")
        return 1

    emitted = emit_blocks(parsed.questions, lang=lang, id_prefix=id_prefix)
    notices = parsed.warnings + emitted.unconvertible + emitted.warnings
    for problem in sorted(notices, key=lambda i: i.line):
        _err(problem.format(name))

    summary = f"{name}: {_plural(emitted.converted, 'question', 'questions')} converted"
    if emitted.unconvertible:
        summary += (
            f", {_plural(len(emitted.unconvertible), 'question', 'questions')} could not be "
            "converted (listed above)"
        )
    if not emitted.converted:
        _err(summary + "; nothing written")
        return 0
    if out is None:
        click.echo(emitted.text, nl=False)
    else:
        try:
            _write_atomically(out, emitted.text)
        except OSError as exc:
            _err(f"{out}: error: cannot write: {exc.strerror or exc}")
            return 1
        summary += f"; written to {out}"
    _err(summary)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no half-written file."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_FILE = click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
_LANG = click.option(
    "--lang",
    type=click.Choice(sorted(TRUE_FALSE_LABELS)),
    required=True,
    help="Language of the module file the quizzes go into (true/false option labels).",
)
_OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the quiz blocks to this file instead of standard output.",
)
_PREFIX = click.option(
    "--id-prefix",
    default="",
    help="Put this in front of every quiz id (e.g. the module name), so that several imports "
    "into one course get different ids.",
)
_ENCODING = click.option(
    "--encoding",
    default=None,
    help="Encoding of FILE when it is not UTF-8, for example cp1257 (Baltic Windows).",
)


@click.command("import-gift")
@_FILE
@_LANG
@_OUT
@_PREFIX
@_ENCODING
def import_gift_command(
    file: Path, lang: str, out: Path | None, id_prefix: str, encoding: str | None
) -> None:
    """Convert a Moodle GIFT question bank into quiz blocks.

    Essay, description and embedded-answer (cloze) questions cannot be converted; they are
    listed with their line numbers. Syntax errors: exit status 1 and nothing is written.
    """
    click.get_current_context().exit(
        run_import(file, lang, out, encoding, parse_gift, id_prefix=id_prefix)
    )


@click.command("import-aiken")
@_FILE
@_LANG
@_OUT
@_PREFIX
@_ENCODING
def import_aiken_command(
    file: Path, lang: str, out: Path | None, id_prefix: str, encoding: str | None
) -> None:
    """Convert a Moodle Aiken question file into quiz blocks.

    Errors are reported with Moodle's wording and line numbers; then the exit status is 1 and
    nothing is written.
    """
    click.get_current_context().exit(
        run_import(file, lang, out, encoding, parse_aiken, id_prefix=id_prefix)
    )


__all__ = ["import_aiken_command", "import_gift_command", "read_question_file", "run_import"]
