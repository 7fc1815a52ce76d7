"""Translation status of a course: module × language → present, missing, outdated or untracked.

A translation is outdated when its front matter says ``translation: {source: lv, source_hash: …}``
and that hash is not (a prefix of) the current content hash of the source-language file. A
translation without ``translation:`` (or without its ``source_hash``) is untracked: nothing says
what it was made from, so it could never be reported as outdated (the checker warns about it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.courses.loader import hash_matches
from app.courses.model import Course, Module

State = Literal["present", "missing", "outdated", "untracked"]


@dataclass(frozen=True)
class StatusCell:
    lang: str
    state: State
    content_hash: str = ""  # of this language's file ("" when missing)
    source_lang: str | None = None
    recorded_hash: str | None = None  # translation.source_hash as written
    source_hash: str | None = None  # current hash of the source file


@dataclass(frozen=True)
class StatusRow:
    module_id: str
    stem: str
    cells: dict[str, StatusCell]


@dataclass(frozen=True)
class StatusTable:
    course_id: str
    languages: tuple[str, ...]
    default_language: str
    rows: tuple[StatusRow, ...]

    def count(self, state: State) -> int:
        return sum(1 for row in self.rows for cell in row.cells.values() if cell.state == state)


def module_status(module: Module, languages: tuple[str, ...]) -> StatusRow:
    cells: dict[str, StatusCell] = {}
    for lang in languages:
        variant = module.variants.get(lang)
        if variant is None:
            cells[lang] = StatusCell(lang, "missing")
            continue
        state: State = "present"
        source_hash = None
        if lang != module.default_language and not (
            variant.source_lang and variant.source_hash and variant.source_lang != lang
        ):
            state = "untracked"
        elif variant.source_lang and variant.source_hash and variant.source_lang != lang:
            source = module.variants.get(variant.source_lang)
            if source is not None:
                source_hash = source.content_hash
                if not hash_matches(source.content_hash, variant.source_hash):
                    state = "outdated"
        cells[lang] = StatusCell(
            lang,
            state,
            content_hash=variant.content_hash,
            source_lang=variant.source_lang,
            recorded_hash=variant.source_hash,
            source_hash=source_hash,
        )
    return StatusRow(module.id, module.stem, cells)


def status(course: Course) -> StatusTable:
    """The module × language table of a course."""
    return StatusTable(
        course_id=course.id,
        languages=course.languages,
        default_language=course.default_language,
        rows=tuple(module_status(m, course.languages) for m in course.modules),
    )


SYMBOLS = {"present": "ok", "missing": "missing", "outdated": "outdated", "untracked": "untracked"}


def format_status(table: StatusTable) -> str:
    """A plain-text table for the terminal; the default language column shows the short content
    hash to copy into translations' ``source_hash``."""
    header = [
        "module",
        *(f"{lang}*" if lang == table.default_language else lang for lang in table.languages),
    ]
    rows = [header]
    for row in table.rows:
        line = [row.stem]
        for lang in table.languages:
            cell = row.cells[lang]
            if lang == table.default_language:
                line.append(cell.content_hash[:12])
            else:
                line.append(SYMBOLS[cell.state])
        rows.append(line)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )
