"""Report pages and exports.

Coordinators (and administrators) see completion per course, by organisation with drill-down to a
library's learners, the module funnel and the funder indicator — only for learners whose home
library lies in their scope. Trainers see the quiz item analysis of the courses they author.
Every table can be downloaded as CSV or XLSX with the same scope and filters; downloads are
recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.accounts.models import CHILD_KIND, Organisation, OrgKind, Role
from app.admin.services import record_audit
from app.extensions import db
from app.i18n import _, current_language, format_date, format_decimal, format_percent
from app.reports import charts, exports, queries, tables
from app.reports.forms import FilterError, ReportFilterForm, Resolved, resolve_filters

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

EXPORTABLE = ("courses", "breakdown", "funnel", "funder", "learners", "items")
FILTER_ARGS = ("start", "end", "course", "language", "org", "shared")


@dataclass
class Context:
    form: ReportFilterForm
    paths: list[str] | None
    catalog: object
    lang: str
    resolved: Resolved | None = None

    @property
    def filters(self) -> queries.Filters:
        return self.resolved.filters

    @property
    def shared(self) -> bool:
        return self.resolved.shared


class BadFiltersError(Exception):
    """Ends a request early with a rendered response (bad filters)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


@bp.errorhandler(BadFiltersError)
def _bad_filters(error: BadFiltersError):
    return error.response


@bp.errorhandler(FilterError)
def _filter_error(error: FilterError):
    title = _("You cannot see this report") if error.status == 403 else _("Not found")
    return render_template(
        "errors/error.html", code=error.status, title=title, message=error.message
    ), error.status


def _org_label(org: Organisation, lang: str) -> str:
    name = org.display_name(lang)
    parent = org.parent
    return f"{name} ({parent.display_name(lang)})" if parent is not None else name


def _context(template: str, *, coordinator: bool = True, allow_org: bool = True, **page) -> Context:
    """Check the role, read and validate the filters; invalid filters end the request with the
    page's form and its errors (status 400), a forbidden or unknown choice with 403/404."""
    if coordinator and not queries.is_coordinator(current_user):
        abort(403)
    lang = current_language()
    paths = queries.coordinator_paths(current_user) if coordinator else None
    catalog = queries.course_catalog()
    form = ReportFilterForm(formdata=request.args)
    courses = sorted(((c.id, c.title_for(lang)) for c in catalog), key=lambda c: c[1].casefold())
    organisations = []
    if coordinator and allow_org:
        organisations = [
            (str(o.id), _org_label(o, lang)) for o in queries.organisations_in_scope(paths)
        ]
    form.set_choices(courses, organisations)
    ctx = Context(form, paths, catalog, lang)
    if not form.validate():
        raise BadFiltersError(
            (render_template(template, ctx=ctx, invalid=True, page_has_errors=True, **page), 400)
        )
    ctx.resolved = resolve_filters(form, paths, catalog, allow_org=allow_org)
    return ctx


@bp.context_processor
def _report_globals() -> dict:
    return {"keep_args": _args()}


def _args(exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """The current filters as query arguments (for links that keep them)."""
    return {k: v for k in FILTER_ARGS if k not in exclude and (v := request.args.get(k))}


def _export_urls(table_id: str, **extra) -> dict[str, str]:
    return {
        fmt: url_for("reports.export", table=table_id, format=fmt, **{**_args(), **extra})
        for fmt in exports.FORMATS
    }


def _percent_bars(
    table: tables.Table, label_keys: tuple[str, ...], value_key: str
) -> list[charts.Bar]:
    bars = []
    index = [c.key for c in table.columns]
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        if kind:
            continue
        value = row[index.index(value_key)]
        label = " · ".join(str(row[index.index(k)]) for k in label_keys)
        shown = value if isinstance(value, int | float) else None
        bars.append(charts.Bar(label, (shown,), (format_cell(value, "share"),)))
    return bars


def _funder_chart(funder: tables.Table) -> Markup:
    """Per country (the subtotal rows): staff who completed, and of them certified."""
    index = [c.key for c in funder.columns]
    bars = []
    for row, kind in zip(funder.rows, funder.row_kinds, strict=True):
        if kind != "subtotal":
            continue
        values = [row[index.index(key)] for key in ("completed", "certified")]
        bars.append(
            charts.Bar(
                str(row[index.index("country")]),
                tuple(v if isinstance(v, int) else None for v in values),
                tuple(format_cell(v, "count") for v in values),
            )
        )
    return charts.bar_chart(
        "chart-funder",
        _("Staff who completed a course in the period, per country"),
        _(
            "Staff who completed at least one course, and how many of them are certified, per "
            "country. The same figures, also per municipality, are in the table below."
        ),
        bars,
        [
            charts.Series(_("Staff who completed")),
            charts.Series(_("Of them certified"), hatched=True),
        ],
    )


def format_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if value is tables.SUPPRESSED or value is tables.HIDDEN:
        return str(value)
    if kind == "share":
        return format_percent(value, "#,##0.0%")
    if kind == "score":
        return format_percent(value / 100, "#,##0.0%")
    if kind == "days":
        return format_decimal(value, "#,##0.0")
    if kind == "count":
        return format_decimal(value)
    return str(value)


# --- coordinator pages ------------------------------------------------------------------------


def _courses_table(ctx: Context) -> tables.Table:
    stats = queries.course_stats(ctx.paths, ctx.filters)
    return tables.courses_table(stats, ctx.catalog, ctx.lang, ctx.shared)


def _funder_table(ctx: Context) -> tables.Table:
    return tables.funder_table(
        queries.funder_indicator(ctx.paths, ctx.filters), ctx.lang, ctx.shared
    )


@bp.get("")
@login_required
def index():
    ctx = _context("reports/index.html")
    courses = _courses_table(ctx)
    funder = _funder_table(ctx)
    chart = charts.bar_chart(
        "chart-courses",
        _("Completion rate per course"),
        _(
            "Share of enrolled learners who completed each course. The same figures are in the table below."
        ),
        _percent_bars(courses, ("course",), "completion_rate"),
        [charts.Series(_("Completion rate"))],
        maximum=1,
    )
    return render_template(
        "reports/index.html",
        ctx=ctx,
        courses=courses,
        funder=funder,
        chart=chart,
        funder_chart=_funder_chart(funder),
        courses_export=_export_urls("courses"),
        funder_export=_export_urls("funder"),
    )


_DEPTH = {OrgKind.COUNTRY.value: 0, OrgKind.MUNICIPALITY.value: 1, OrgKind.LIBRARY.value: 2}


def _breakdown_level(org: Organisation | None) -> str:
    """The level whose rows the breakdown shows: the chosen organisation's children; without one,
    countries for administrators and otherwise the coordinator's own (deepest) scope level, so that
    every row lies inside the scope and can be opened."""
    if org is not None:
        return CHILD_KIND.get(OrgKind(org.kind), OrgKind.LIBRARY).value
    scopes = current_user.scopes(Role.COORDINATOR)
    if current_user.is_admin or not scopes or any(s is None for s in scopes):
        return OrgKind.COUNTRY.value
    return max((s.kind for s in scopes), key=lambda k: _DEPTH[k])


def _breakdown_table(ctx: Context) -> tuple[tables.Table, str]:
    org = ctx.resolved.organisation
    level = _breakdown_level(org)
    stats = queries.course_stats(ctx.paths, ctx.filters, level)
    keep = _args(exclude=("org",))

    def link(stat: queries.CourseStat) -> str | None:
        if not stat.group_id:
            return None
        if level == OrgKind.LIBRARY.value:
            return url_for("reports.library", library_id=stat.group_id, **keep)
        return url_for("reports.breakdown", org=stat.group_id, **keep)

    return tables.breakdown_table(stats, ctx.catalog, ctx.lang, ctx.shared, level, link), level


def _ancestors(org: Organisation | None) -> list[Organisation]:
    chain = []
    while org is not None:
        chain.append(org)
        org = org.parent
    return list(reversed(chain))


@bp.get("/breakdown")
@login_required
def breakdown():
    ctx = _context("reports/breakdown.html")
    table, level = _breakdown_table(ctx)
    org = ctx.resolved.organisation
    keep = _args(exclude=("org",))
    crumbs = [
        (
            o.display_name(ctx.lang),
            url_for("reports.breakdown", org=o.id, **keep) if _can_see(ctx.paths, o) else None,
        )
        for o in _ancestors(org)
    ]
    chart = charts.bar_chart(
        "chart-breakdown",
        _("Completion rate by organisation"),
        _(
            "Share of enrolled learners who completed the course, per organisation and course. The same figures are in the table below."
        ),
        _percent_bars(table, ("organisation", "course"), "completion_rate"),
        [charts.Series(_("Completion rate"))],
        maximum=1,
    )
    return render_template(
        "reports/breakdown.html",
        ctx=ctx,
        table=table,
        level=level,
        crumbs=crumbs,
        chart=chart,
        export=_export_urls("breakdown"),
        top_url=url_for("reports.breakdown", **keep),
    )


def _can_see(paths: list[str] | None, org: Organisation) -> bool:
    return paths is None or any(org.path.startswith(p) for p in paths)


def _funnel_data(ctx: Context):
    return queries.module_funnel(ctx.paths, ctx.filters)


@bp.get("/funnel")
@login_required
def funnel():
    ctx = _context("reports/funnel.html")
    steps = _funnel_data(ctx)
    sections = []
    for number, (course_id, table) in enumerate(
        tables.funnel_tables(steps, ctx.catalog, ctx.lang, ctx.shared), start=1
    ):
        enrolled = tables.funnel_enrolled(steps, course_id)
        title = tables.course_title(ctx.catalog, course_id, ctx.lang)
        bars = []
        index = [c.key for c in table.columns]
        for row in table.rows:
            reached, completed = row[index.index("reached")], row[index.index("completed")]
            bars.append(
                charts.Bar(
                    f"{row[0]}. {row[1]}",
                    tuple(v if isinstance(v, int) else None for v in (reached, completed)),
                    (format_cell(reached, "count"), format_cell(completed, "count")),
                )
            )
        chart = charts.bar_chart(
            f"chart-funnel-{number}",
            _("Module funnel: %(course)s", course=title),
            _(
                "How many of the enrolled learners opened and completed each module. The same figures are in the table below."
            ),
            bars,
            [charts.Series(_("Opened")), charts.Series(_("Completed"), hatched=True)],
            maximum=max(enrolled, 1),
        )
        sections.append(
            {
                "course_id": course_id,
                "title": title,
                "enrolled": tables.count(enrolled, ctx.shared),
                "table": table,
                "chart": chart,
                "export": {
                    fmt: url_for(
                        "reports.export",
                        table="funnel",
                        format=fmt,
                        **{**_args(), "course": course_id},
                    )
                    for fmt in exports.FORMATS
                },
            }
        )
    return render_template(
        "reports/funnel.html", ctx=ctx, sections=sections, export=_export_urls("funnel")
    )


def _library(ctx: Context, library_id: int) -> Organisation:
    library = queries.organisation(library_id)
    if library is None or library.kind != OrgKind.LIBRARY.value:
        raise FilterError(404, _("There is no library with this number."))
    if not _can_see(ctx.paths, library):
        raise FilterError(
            403,
            _(
                "This library is outside your area: you can only see the learners of your own organisations."
            ),
        )
    return library


@bp.get("/libraries/<int:library_id>")
@login_required
def library(library_id: int):
    ctx = _context("reports/library.html", allow_org=False, library=None)
    org = _library(ctx, library_id)
    rows = queries.library_learners(org.id, ctx.filters)
    table = tables.learners_table(rows, ctx.catalog, ctx.lang)
    keep = _args(exclude=("org",))
    crumbs = [
        (
            o.display_name(ctx.lang),
            url_for("reports.breakdown", org=o.id, **keep)
            if _can_see(ctx.paths, o) and o.id != org.id
            else None,
        )
        for o in _ancestors(org)
    ]
    return render_template(
        "reports/library.html",
        ctx=ctx,
        library=org,
        table=table,
        crumbs=crumbs,
        top_url=url_for("reports.breakdown", **keep),
        export=_export_urls("learners", library=org.id),
    )


# --- trainer pages ----------------------------------------------------------------------------


def _require_trainer() -> list:
    if not queries.is_trainer(current_user):
        abort(403)
    return queries.authored_courses(current_user)


@bp.get("/items")
@login_required
def items():
    courses = _require_trainer()
    lang = current_language()
    courses = sorted(courses, key=lambda c: c.title_for(lang).casefold())
    return render_template("reports/items.html", courses=courses, lang=lang)


def _authored_course(course_id: str):
    courses = _require_trainer()
    course = queries.course_catalog().get(course_id)
    if course is None:
        raise FilterError(404, _("There is no course with this identifier."))
    if course.id not in {c.id for c in courses}:
        raise FilterError(
            403, _("Item analysis is open to the authors of the course and to administrators.")
        )
    return course


def _items_table(ctx: Context, course) -> tables.Table:
    stats = queries.item_analysis(course.id, ctx.filters)
    return tables.items_table(stats, course, ctx.lang, ctx.shared)


@bp.get("/items/<course_id>")
@login_required
def item_analysis(course_id: str):
    course = _authored_course(course_id)
    ctx = _context("reports/item_analysis.html", coordinator=False, allow_org=False, course=course)
    table = _items_table(ctx, course)
    index = [c.key for c in table.columns]
    bars = [
        charts.Bar(
            str(row[index.index("question_id")])
            + (f" (r{row[index.index('revision')]})" if row[index.index("revision")] != 1 else ""),
            (
                row[index.index("first_correct_share")]
                if isinstance(row[index.index("first_correct_share")], float)
                else None,
            ),
            (format_cell(row[index.index("first_correct_share")], "share"),),
        )
        for row in table.rows
    ]
    chart = charts.bar_chart(
        "chart-items",
        _("Correct on the first attempt, per question"),
        _(
            "Share of learners' first attempts in which the question was answered fully correctly. The same figures are in the table below."
        ),
        bars,
        [charts.Series(_("Correct on the first attempt"))],
        maximum=1,
    )
    return render_template(
        "reports/item_analysis.html",
        ctx=ctx,
        course=course,
        table=table,
        chart=chart,
        export=_export_urls("items", course=course.id),
    )


# --- exports ----------------------------------------------------------------------------------


@bp.get("/export/<table>")
@login_required
def export(table: str):
    if table not in EXPORTABLE:
        abort(404)
    fmt = request.args.get("format", "")
    if fmt not in exports.FORMATS:
        title = _("This file format is not available")
        message = _(
            "Reports can be downloaded as CSV or XLSX (Excel). Choose one of these formats."
        )
        return render_template("errors/error.html", code=400, title=title, message=message), 400
    if table == "items":
        course_id = request.args.get("course", "")
        course = _authored_course(course_id)
        ctx = _context(
            "reports/item_analysis.html", coordinator=False, allow_org=False, course=course
        )
        result = _items_table(ctx, course)
        target = course.id
    else:
        if table == "learners":
            ctx = _context("reports/library.html", allow_org=False, library=None)
            library_id = request.args.get("library", "")
            if not library_id.isdigit():
                raise FilterError(404, _("There is no library with this number."))
            org = _library(ctx, int(library_id))
            result = tables.learners_table(
                queries.library_learners(org.id, ctx.filters), ctx.catalog, ctx.lang
            )
            target = f"library:{org.id}"
        else:
            ctx = _context("reports/index.html")
            if table == "courses":
                result = _courses_table(ctx)
            elif table == "funder":
                result = _funder_table(ctx)
            elif table == "breakdown":
                result, _level = _breakdown_table(ctx)
            else:
                result = tables.funnel_export_table(
                    _funnel_data(ctx), ctx.catalog, ctx.lang, ctx.shared
                )
            target = table
    data = exports.render(result, fmt, ctx.lang)
    record_audit(
        "report.exported",
        actor_id=current_user.id,
        target_type="report",
        target_id=target,
        details={
            "table": table,
            "format": fmt,
            "filters": _args(),
            "shared": ctx.shared,
            "rows": len(result.rows),
        },
    )
    db.session.commit()
    filename = f"lasitava-{table}-{date.today().isoformat()}.{fmt}"
    return Response(
        data,
        mimetype=exports.MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.app_template_filter("report_cell")
def _report_cell(value, kind: str) -> str:
    if isinstance(value, date):
        return format_date(value, "medium")
    return format_cell(value, kind)
