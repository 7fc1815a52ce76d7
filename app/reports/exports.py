"""CSV and XLSX files of report tables. Pure functions: a ``Table`` in, bytes out.

CSV: UTF-8 with a byte-order mark (``utf-8-sig``), so Excel shows ā, š, ų correctly. For the
Latvian and Lithuanian interfaces the delimiter is ``;`` and the decimal separator ``,`` — what
Excel expects in those locales when a file is opened by double-click; for English ``,`` and ``.``.
Dates are ISO 8601 (2025-03-31), which Excel reads as dates in every locale; percentages carry a
``%`` sign (Excel reads "82,5%" as the number 0.825).

XLSX (XlsxWriter): a bold header row, frozen below the header, numbers as numbers, percentages as
numbers with a percent format, dates as dates, an autofilter, and column widths that fit.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import xlsxwriter

from app.reports.tables import HIDDEN, SUPPRESSED, Column, Table

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_dialect(lang: str) -> tuple[str, str]:
    """(delimiter, decimal separator) that Excel expects for the interface language."""
    return (";", ",") if lang in ("lv", "lt") else (",", ".")


def _csv_cell(value: Any, column: Column, decimal: str) -> str:
    if value is None:
        return ""
    if value is SUPPRESSED or value is HIDDEN:
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "share":
        return f"{value * 100:.1f}%".replace(".", decimal)
    if column.kind == "score":
        return f"{value:.1f}%".replace(".", decimal)
    if column.kind == "days":
        return f"{value:.1f}".replace(".", decimal)
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal)
    return str(value)


def to_csv(table: Table, lang: str) -> bytes:
    delimiter, decimal = csv_dialect(lang)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v, c, decimal) for v, c in zip(row, table.columns, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def _display_width(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if column.kind in ("share", "score"):
        return 7
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(table: Table, sheet_title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(_sheet_name(sheet_title or table.title))
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    formats = {
        "count": workbook.add_format({"num_format": "0"}),
        "share": workbook.add_format({"num_format": "0.0%"}),
        "score": workbook.add_format({"num_format": "0.0%"}),
        "days": workbook.add_format({"num_format": "0.0"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "marker": workbook.add_format({"align": "right"}),
    }
    bold = workbook.add_format({"bold": True})
    widths = [len(c.label) for c in table.columns]
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.label, header)
    for r, (row, kind) in enumerate(
        zip(table.rows, table.row_kinds or [""] * len(table.rows), strict=True), start=1
    ):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            widths[col] = max(widths[col], _display_width(value, column))
            if value is None:
                continue
            if value is SUPPRESSED or value is HIDDEN:
                sheet.write_string(r, col, str(value), formats["marker"])
            elif isinstance(value, datetime):
                sheet.write_datetime(r, col, value.replace(tzinfo=None), formats["date"])
            elif isinstance(value, date):
                sheet.write_datetime(r, col, value, formats["date"])
            elif isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                number = value / 100 if column.kind == "score" else value
                sheet.write_number(r, col, number, formats.get(column.kind))
            else:
                sheet.write_string(r, col, str(value), bold if kind else None)
    for col, width in enumerate(widths):
        # Header labels wrap, so a long label does not make a numeric column very wide.
        label_need = min(len(table.columns[col].label), 18) if table.columns[col].numeric else 0
        sheet.set_column(col, col, min(max(width, label_need, 6) + 2, 60))
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Report"
    return cleaned[:31]


def render(table: Table, fmt: str, lang: str) -> bytes:
    if fmt == "csv":
        return to_csv(table, lang)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(fmt)
