"""Report tables: query results turned into labelled rows, shared by the pages and the exports.

A ``Table`` holds plain values (int, float, str, date, None) plus two markers: ``SUPPRESSED``
("<5") and ``HIDDEN`` ("–"). The same ``Table`` is rendered as HTML, CSV and XLSX, so a page and
its exports can never disagree.

Small-count suppression (``shared=True``, for aggregates that leave the organisation): a count
from 1 to 4 is shown as "<5"; zero stays 0. A rate, average or median is hidden ("–") when it
rests on fewer than 5 people, or when its numerator is a suppressed count (the rate would give the
count back). Lists of named learners are never shared and have no such option.

Suppressing the small counts alone is not enough where figures add up. Within a row, "in progress"
and "completed" add up to "enrolled": when only one of the three is hidden, a second one is hidden
("–") too, and so is the completion rate. In a breakdown, the rows of one course add up to that
course's total on the overview (or to the row one level up), so each count column of a course is
protected the same way, repeated with the rows until nothing changes. In the funder table, the municipalities add up to their country's subtotal and the countries
to the total: when exactly one figure of such a group is "<5", the smallest other non-zero figure
of the group (or, between countries, the total) is hidden as well, so that no "<5" can be worked
out by subtraction.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup

from app.i18n import _
from app.reports import queries

SMALL_COUNT = 5


class _Marker:
    def __init__(self, text: str, name: str):
        self.text = text
        self.name = name

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.name


SUPPRESSED = _Marker("<5", "SUPPRESSED")  # a count from 1 to 4 in a shared report
HIDDEN = _Marker("–", "HIDDEN")  # a derived figure resting on fewer than 5 people


def count(value: int, shared: bool) -> int | _Marker:
    """A count as it may be shown: "<5" for 1–4 when the report is shared."""
    return SUPPRESSED if shared and 0 < value < SMALL_COUNT else value


def hidden(cell: Any) -> bool:
    return cell is SUPPRESSED or cell is HIDDEN


def complement(cells: list[Any], raw: list[int]) -> bool:
    """Secondary suppression in place, for figures bound by one sum: either ``cells`` add up to a
    total shown elsewhere, or one of them is the total of the others. If exactly one of them is
    hidden, it could be worked out by subtraction, so the smallest other non-zero figure is
    hidden as well. (With no such figure the hidden one equals the total and is itself "<5".)
    Returns whether anything was hidden."""
    if sum(1 for c in cells if hidden(c)) != 1:
        return False
    others = [i for i, c in enumerate(cells) if not hidden(c) and raw[i]]
    if not others:
        return False
    cells[min(others, key=lambda i: (raw[i], i))] = HIDDEN
    return True


def derived(value: Any, shared: bool, base: int, *numerators: int) -> Any:
    """A rate, average or median: hidden when shared and its base has fewer than 5 people or a
    numerator would be suppressed."""
    if value is None:
        return None
    if shared and (base < SMALL_COUNT or any(0 < n < SMALL_COUNT for n in numerators)):
        return HIDDEN
    return value


# Column kinds: text, count, share (a fraction 0–1 shown as a percentage), score (a percentage
# 0–100), days (a decimal number of days), date.
@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in {"count", "share", "score", "days"}


@dataclass
class Table:
    id: str  # the export's name: /reports/export/<id>
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)  # per row: column key -> URL
    row_kinds: list[str] = field(default_factory=list)  # per row: "" or "subtotal" / "total"
    shared: bool = False
    header_key: str | None = None  # the column whose cells head their rows (default: the first)

    @property
    def header_index(self) -> int:
        keys = [c.key for c in self.columns]
        return keys.index(self.header_key) if self.header_key in keys else 0

    def add(
        self, values: Iterable[Any], links: dict[str, str] | None = None, kind: str = ""
    ) -> None:
        self.rows.append(list(values))
        self.links.append(links or {})
        self.row_kinds.append(kind)

    def column_values(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    @property
    def has_hidden(self) -> bool:
        return any(v is SUPPRESSED or v is HIDDEN for row in self.rows for v in row)


# --- names in the reader's language -----------------------------------------------------------


def course_title(catalog, course_id: str, lang: str) -> str:
    course = catalog.get(course_id) if catalog is not None else None
    return course.title_for(lang) if course is not None else course_id


def module_title(course, module_id: str | None, lang: str) -> str:
    module = course.module(module_id) if course is not None and module_id else None
    if module is None:
        return module_id or ""
    return module.title.get(lang) or module.title.get(module.default_language) or module.id


def org_name(name: str | None, name_en: str | None, lang: str) -> str:
    if lang == "en" and name_en:
        return name_en
    return name or ""


def local_date(value: datetime | None) -> date | None:
    """The calendar date of an instant in the platform's time zone."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Riga")
    return value.astimezone(zone).date()


def _text(html: str) -> str:
    return Markup(html).striptags()  # noqa: S704 - only read as plain text


# --- per course --------------------------------------------------------------------------------


def _stat_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column("enrolled", _("Enrolled"), "count"),
        Column("in_progress", _("In progress"), "count"),
        Column("completed", _("Completed"), "count"),
        Column("completion_rate", _("Completion rate"), "share"),
        Column("certified", _("Certified"), "count"),
        Column("avg_score", _("Average best quiz score"), "score"),
        Column("median_days", _("Median days to completion"), "days"),
    ]


# The count columns of a statistics row, in order, and their raw values.
_COUNTS = ("enrolled", "in_progress", "completed", "certified")


def _raw_counts(s: queries.CourseStat) -> list[int]:
    return [s.enrolled, s.in_progress, s.completed, s.certified]


def _row_values(s: queries.CourseStat, cells: list[Any], shared: bool) -> list[Any]:
    """The shown statistics of a row: its (protected) count cells plus the derived figures. The
    completion rate is hidden whenever one of the counts it rests on is."""
    rate = derived(s.completion_rate, shared, s.enrolled, s.completed, s.in_progress)
    if shared and any(hidden(c) for c in cells[:3]) and rate is not None:
        rate = HIDDEN
    enrolled, in_progress, completed, certified = cells
    return [
        enrolled,
        in_progress,
        completed,
        rate,
        certified,
        derived(s.avg_score, shared, s.scored),
        derived(s.median_days, shared, s.completed),
    ]


def _protected_rows(stats: list[queries.CourseStat], shared: bool, by_course: bool) -> list[list]:
    """Count cells per row, with secondary suppression when shared: within each row, and — for a
    breakdown, whose rows of one course add up to that course's total shown in the per-course
    table — down each count column of a course, repeated until nothing changes."""
    raws = [_raw_counts(s) for s in stats]
    rows = [[count(v, shared) for v in raw] for raw in raws]
    if not shared:
        return rows
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(stats):
        groups[s.course_id].append(i)
    changed = True
    while changed:
        changed = False
        for cells, raw in zip(rows, raws, strict=True):
            head = cells[:3]
            if complement(head, raw[:3]):
                cells[:3] = head
                changed = True
        if not by_course:
            continue
        for members in groups.values():
            for col in range(len(_COUNTS)):
                total = sum(raws[i][col] for i in members)
                if count(total, shared) is SUPPRESSED:
                    continue  # the total is "<5" itself: nothing to subtract from
                column = [rows[i][col] for i in members]
                if complement(column, [raws[i][col] for i in members]):
                    for i, cell in zip(members, column, strict=True):
                        rows[i][col] = cell
                    changed = True
    return rows


def _stat_values(s: queries.CourseStat, shared: bool) -> list[Any]:
    (cells,) = _protected_rows([s], shared, by_course=False)
    return _row_values(s, cells, shared)


def courses_table(stats: list[queries.CourseStat], catalog, lang: str, shared: bool) -> Table:
    table = Table(
        "courses",
        _("Completion per course"),
        _stat_columns([Column("course", _("Course"))]),
        shared=shared,
    )
    for s in sorted(stats, key=lambda s: course_title(catalog, s.course_id, lang).casefold()):
        table.add([course_title(catalog, s.course_id, lang), *_stat_values(s, shared)])
    return table


LEVEL_LABELS = {
    "country": lambda: _("Country"),
    "municipality": lambda: _("Municipality"),
    "library": lambda: _("Library"),
}


def breakdown_table(
    stats: list[queries.CourseStat],
    catalog,
    lang: str,
    shared: bool,
    level: str,
    link: Callable[[queries.CourseStat], str | None],
) -> Table:
    table = Table(
        "breakdown",
        _("Completion by organisation"),
        _stat_columns(
            [Column("organisation", LEVEL_LABELS[level]()), Column("course", _("Course"))]
        ),
        shared=shared,
    )

    def key(s: queries.CourseStat):
        name = org_name(s.group_name, s.group_name_en, lang) if s.group_id else "\uffff"
        return (name.casefold(), course_title(catalog, s.course_id, lang).casefold())

    ordered = sorted(stats, key=key)
    for s, cells in zip(ordered, _protected_rows(ordered, shared, by_course=True), strict=True):
        name = org_name(s.group_name, s.group_name_en, lang) if s.group_id else _("No home library")
        url = link(s)
        table.add(
            [name, course_title(catalog, s.course_id, lang), *_row_values(s, cells, shared)],
            {"organisation": url} if url else None,
        )
    return table


# --- module funnel -----------------------------------------------------------------------------


def funnel_tables(
    steps: list[queries.FunnelStep], catalog, lang: str, shared: bool
) -> list[tuple[str, Table]]:
    """One table per course (course id, table): enrolled, then each module in course order."""
    by_course: dict[str, list[queries.FunnelStep]] = defaultdict(list)
    for step in steps:
        by_course[step.course_id].append(step)
    result = []
    for course_id in sorted(by_course, key=lambda c: course_title(catalog, c, lang).casefold()):
        result.append(
            (course_id, _funnel_table(course_id, by_course[course_id], catalog, lang, shared))
        )
    return result


def _funnel_columns(with_course: bool) -> list[Column]:
    first = [Column("course", _("Course"))] if with_course else []
    return [
        *first,
        Column("position", _("No."), "count"),
        Column("module", _("Module")),
        Column("reached", _("Opened"), "count"),
        Column("reached_share", _("Opened, share of enrolled"), "share"),
        Column("completed", _("Completed"), "count"),
        Column("completed_share", _("Completed, share of enrolled"), "share"),
    ]


def _funnel_rows(course_id, steps, catalog, lang, shared) -> list[list[Any]]:
    course = catalog.get(course_id) if catalog is not None else None
    total = next((s for s in steps if s.module_id is None), None)
    enrolled = total.reached if total else 0
    order = {m.id: m.order for m in course.modules} if course is not None else {}
    modules = {s.module_id: s for s in steps if s.module_id is not None}
    ids = sorted(modules, key=lambda m: (order.get(m, 10_000), m))
    # Modules nobody has opened yet still belong in the funnel.
    ids = [m for m in order if m not in modules] + ids if course is not None else ids
    ids = sorted(set(ids), key=lambda m: (order.get(m, 10_000), m))
    rows = []
    for position, module_id in enumerate(ids, start=1):
        step = modules.get(module_id) or queries.FunnelStep(course_id, module_id, 0, 0)
        rows.append(
            [
                position,
                module_title(course, module_id, lang),
                count(step.reached, shared),
                derived(
                    step.reached / enrolled if enrolled else None, shared, enrolled, step.reached
                ),
                count(step.completed, shared),
                derived(
                    step.completed / enrolled if enrolled else None,
                    shared,
                    enrolled,
                    step.completed,
                ),
            ]
        )
    return rows


def _funnel_table(course_id, steps, catalog, lang, shared) -> Table:
    table = Table(
        "funnel",
        _("Module funnel: %(course)s", course=course_title(catalog, course_id, lang)),
        _funnel_columns(False),
        shared=shared,
        header_key="module",
    )
    for row in _funnel_rows(course_id, steps, catalog, lang, shared):
        table.add(row)
    return table


def funnel_export_table(steps: list[queries.FunnelStep], catalog, lang: str, shared: bool) -> Table:
    """Every course's funnel in one table (with a course column), for the export."""
    table = Table("funnel", _("Module funnel"), _funnel_columns(True), shared=shared)
    for course_id, _table in funnel_tables(steps, catalog, lang, shared):
        title = course_title(catalog, course_id, lang)
        course_steps = [s for s in steps if s.course_id == course_id]
        for row in _funnel_rows(course_id, course_steps, catalog, lang, shared):
            table.add([title, *row])
    return table


def funnel_enrolled(steps: list[queries.FunnelStep], course_id: str) -> int:
    total = next((s for s in steps if s.course_id == course_id and s.module_id is None), None)
    return total.reached if total else 0


# --- funder indicator -------------------------------------------------------------------------


def funder_table(rows: list[queries.FunderRow], lang: str, shared: bool) -> Table:
    table = Table(
        "funder",
        _("Staff who completed a course in the period"),
        [
            Column("country", _("Country")),
            Column("municipality", _("Municipality")),
            Column("completed", _("Staff who completed"), "count"),
            Column("certified", _("Of them certified"), "count"),
        ],
        shared=shared,
    )
    by_country: dict[int, list[queries.FunderRow]] = defaultdict(list)
    for row in rows:
        by_country[row.country_id].append(row)

    def country_key(cid: int):
        first = by_country[cid][0]
        return org_name(first.country_name, first.country_name_en, lang).casefold()

    # Each person belongs to one library, hence one municipality: the sums are distinct people.
    # Rows are built column by column first, so that groups adding up can be protected together.
    groups = []  # per country: (name, [(municipality, completed, certified)], subtotal cells)
    totals_raw = {"completed": [], "certified": []}
    totals_shown = {"completed": [], "certified": []}
    for country_id in sorted(by_country, key=country_key):
        items = by_country[country_id]
        country = org_name(items[0].country_name, items[0].country_name_en, lang)
        items = sorted(
            items,
            key=lambda r: org_name(r.municipality_name, r.municipality_name_en, lang).casefold(),
        )
        columns = {}
        subtotal = {}
        for key in ("completed", "certified"):
            raw = [getattr(r, key) for r in items]
            cells = [count(v, shared) for v in raw]
            subtotal[key] = count(sum(raw), shared)
            if shared and subtotal[key] is not SUPPRESSED:
                complement(cells, raw)
            columns[key] = cells
            totals_raw[key].append(sum(raw))
            totals_shown[key].append(subtotal[key])
        names = [org_name(r.municipality_name, r.municipality_name_en, lang) for r in items]
        groups.append((country, names, columns, subtotal))

    for country, names, columns, subtotal in groups:
        for i, name in enumerate(names):
            table.add([country, name, columns["completed"][i], columns["certified"][i]])
        table.add(
            [country, _("All municipalities"), subtotal["completed"], subtotal["certified"]],
            kind="subtotal",
        )
    if len(by_country) > 1:
        total = {}
        for key in ("completed", "certified"):
            total[key] = count(sum(totals_raw[key]), shared)
            one_hidden = sum(1 for c in totals_shown[key] if c is SUPPRESSED) == 1
            if shared and one_hidden and total[key] is not SUPPRESSED:
                total[key] = HIDDEN  # total minus the other countries would give it back
        table.add(
            [_("All countries"), "", total["completed"], total["certified"]],
            kind="total",
        )
    return table


# --- learners of a library --------------------------------------------------------------------


def learners_table(rows: list[queries.LearnerRow], catalog, lang: str) -> Table:
    table = Table(
        "learners",
        _("Learners"),
        [
            Column("name", _("Name")),
            Column("course", _("Course")),
            Column("status", _("Status")),
            Column("modules_done", _("Modules done"), "count"),
            Column("modules_total", _("Modules in the course"), "count"),
            Column("started", _("Started"), "date"),
            Column("last_activity", _("Last activity"), "date"),
            Column("completed", _("Completed on"), "date"),
            Column("certificate", _("Certificate")),
        ],
    )
    for r in sorted(rows, key=lambda r: (_collation_key(r.full_name), r.user_id, r.course_id)):
        course = catalog.get(r.course_id) if catalog is not None else None
        table.add(
            [
                r.full_name,
                course_title(catalog, r.course_id, lang),
                _("Completed") if r.completed_at else _("In progress"),
                r.modules_done,
                len(course.modules) if course is not None else None,
                local_date(r.started_at),
                local_date(r.last_activity_at),
                local_date(r.completed_at),
                r.certificate_serial or "",
            ]
        )
    return table


def _collation_key(name: str) -> tuple[str, str]:
    """Alphabetical order close to Latvian and Lithuanian dictionaries: letters with diacritics
    right after their base letter (Ā after A, Č after C), not after Z as byte order would put them."""
    base = "".join(
        ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch)
    ).casefold()
    return base, name.casefold()


# --- quiz item analysis -----------------------------------------------------------------------


def describe_response(question, response_json: str | None) -> str:
    """A stored answer (QuizAnswer.response, as JSON text) in words: the option text for choices,
    the typed text for text and numeric answers, "left → right" for matching."""
    if response_json is None:
        return ""
    try:
        response = json.loads(response_json)
    except (TypeError, ValueError):
        return str(response_json)
    if response is None:
        return _("(no answer)")
    if question is None:
        return json.dumps(response, ensure_ascii=False)
    options = {o.index: _text(o.html) for o in question.options}
    if question.kind == "single" and isinstance(response, int) and not isinstance(response, bool):
        return options.get(response, str(response))
    if question.kind == "multiple" and isinstance(response, list):
        chosen = [options.get(i, str(i)) for i in response if isinstance(i, int)]
        return "; ".join(chosen) if chosen else _("(nothing ticked)")
    if question.kind == "matching" and isinstance(response, list):
        parts = []
        for pair, chosen in zip(question.pairs, response, strict=False):
            right = (
                question.choices[chosen]
                if isinstance(chosen, int) and 0 <= chosen < len(question.choices)
                else "—"
            )
            parts.append(f"{_text(pair.left_html)} → {right}")
        return "; ".join(parts)
    if isinstance(response, str | int | float):
        return _("“%(text)s”", text=response)
    return json.dumps(response, ensure_ascii=False)


def _question(course, module_id: str, question_id: str, lang: str):
    module = course.module(module_id) if course is not None else None
    if module is None:
        return None, None, None
    variant = module.variants.get(lang) or module.variants.get(module.default_language)
    questions = variant.questions if variant is not None else module.questions
    for position, q in enumerate(questions, start=1):
        if q.id == question_id:
            return module, q, position
    return module, None, None


def items_table(stats: list[queries.ItemStat], course, lang: str, shared: bool) -> Table:
    table = Table(
        "items",
        _("Quiz item analysis"),
        [
            Column("module", _("Module")),
            Column("question", _("Question")),
            Column("question_id", _("Question id")),
            Column("revision", _("Answer key revision"), "count"),
            Column("answers", _("Answers (all attempts)"), "count"),
            Column("learners", _("Learners"), "count"),
            Column("first_correct_share", _("Correct on the first attempt"), "share"),
            Column("top_wrong", _("Most chosen wrong answer")),
            Column("top_wrong_count", _("Times chosen"), "count"),
        ],
        shared=shared,
        header_key="question",
    )

    def key(s: queries.ItemStat):
        module, _q, position = _question(course, s.module_id, s.question_id, lang)
        return (
            module.order if module else 10_000,
            s.module_id,
            position or 10_000,
            s.question_id,
            -s.question_rev,
        )

    for s in sorted(stats, key=key):
        module, question, _position = _question(course, s.module_id, s.question_id, lang)
        current = question is not None and question.rev == s.question_rev
        text = _text(question.prompt_html) if question is not None else ""
        if question is not None and not current:
            text = _("%(text)s (earlier answer key)", text=text)
        table.add(
            [
                module_title(course, s.module_id, lang),
                text or s.question_id,
                s.question_id,
                s.question_rev,
                count(s.answers, shared),
                count(s.learners, shared),
                derived(s.first_correct_share, shared, s.first_answers, s.first_correct),
                describe_response(question if current else None, s.top_wrong_response)
                if s.top_wrong_response is not None
                else "",
                count(s.top_wrong_count, shared) if s.top_wrong_response is not None else None,
            ]
        )
    return table
