"""CSV and XLSX downloads: read back with the csv module and openpyxl; the same scope, filters and
figures as the pages; small counts hidden when shared; every download in the audit log."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import sqlalchemy as sa

from app.admin.models import AuditEvent
from app.extensions import db
from tests.reports.conftest import ADMIN, COORDINATOR, COURSE, TRAINER

LV = {"Accept-Language": "lv"}
EN = {"Accept-Language": "en"}


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    raw = response.data
    text = raw.decode("utf-8-sig")
    delimiter = csv.Sniffer().sniff(text.splitlines()[0]).delimiter
    return raw, list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    return workbook.active


def test_csv_has_a_bom_keeps_diacritics_and_suits_latvian_excel(client, login_as, world):
    login_as(COORDINATOR)
    response = client.get(
        f"/reports/export/learners?format=csv&library={world.orgs['Ozolnieku bibliotēka']}",
        headers=LV,
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw, rows = read_csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b";" in raw.splitlines()[0]  # Excel in Latvia and Lithuania splits on ';'
    names = [row[0] for row in rows[1:]]
    assert names == ["Ilze Bērziņa", "Jānis Ozoliņš"]
    assert rows[1][5] == "2025-01-10"  # dates in ISO 8601
    assert rows[1][8] == "LV-A"


def test_csv_numbers_use_the_interface_languages_conventions(client, login_as, world):
    login_as(ADMIN)
    _raw, lv_rows = read_csv(client.get("/reports/export/courses?format=csv", headers=LV))
    assert lv_rows[0][0] == "Kurss"
    assert lv_rows[1] == ["Atskaišu kurss", "7", "3", "4", "57,1%", "3", "92,5%", "13,0"]
    raw, en_rows = read_csv(client.get("/reports/export/courses?format=csv", headers=EN))
    assert b"," in raw.splitlines()[0]
    assert en_rows[1] == ["Atskaišu kurss", "7", "3", "4", "57.1%", "3", "92.5%", "13.0"]


def test_xlsx_is_a_real_workbook_with_types_and_frozen_header(client, login_as, world):
    login_as(ADMIN)
    response = client.get("/reports/export/courses?format=xlsx", headers=EN)
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = read_xlsx(response)
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [
        "Course",
        "Enrolled",
        "In progress",
        "Completed",
        "Completion rate",
        "Certified",
        "Average best quiz score",
        "Median days to completion",
    ]
    assert sheet["A1"].font.b
    row = [c.value for c in sheet[2]]
    assert row[0] == "Atskaišu kurss"
    assert row[1:4] == [7, 3, 4] and all(isinstance(v, int) for v in row[1:4])
    assert abs(row[4] - 4 / 7) < 1e-9 and sheet["E2"].number_format == "0.0%"
    assert abs(row[6] - 0.925) < 1e-9 and sheet["G2"].number_format == "0.0%"
    assert row[7] == 13.0
    # Column widths fit the longest value.
    assert sheet.column_dimensions["A"].width >= len("Atskaišu kurss")


def test_xlsx_dates_are_dates(client, login_as, world):
    login_as(ADMIN)
    library = world.orgs["Ozolnieku bibliotēka"]
    sheet = read_xlsx(
        client.get(f"/reports/export/learners?format=xlsx&library={library}", headers=EN)
    )
    started = sheet["F2"]
    assert isinstance(started.value, datetime) and started.value.date().isoformat() == "2025-01-10"
    assert started.is_date
    assert sheet["A2"].value == "Ilze Bērziņa"
    assert sheet.column_dimensions["A"].width >= len("Jānis Ozoliņš")


def test_exports_respect_scope_and_filters(client, login_as, world):
    login_as(COORDINATOR)
    _raw, rows = read_csv(client.get("/reports/export/courses?format=csv", headers=EN))
    assert rows[1][1:4] == ["3", "1", "2"]  # A, B, C only
    _raw, rows = read_csv(
        client.get("/reports/export/courses?format=csv&start=2025-02-01&end=2025-12-31", headers=EN)
    )
    assert rows[1][1:4] == ["2", "1", "1"]  # B and C started in the period
    _raw, rows = read_csv(client.get("/reports/export/funder?format=csv", headers=EN))
    assert [r[1] for r in rows[1:]] == ["Jelgavas novads", "All municipalities"]
    _raw, rows = read_csv(client.get("/reports/export/breakdown?format=csv", headers=EN))
    assert [r[0] for r in rows[1:]] == ["Jelgavas novads"]
    _raw, rows = read_csv(client.get("/reports/export/funnel?format=csv", headers=EN))
    assert rows[0][:3] == ["Course", "No.", "Module"]
    assert rows[1][:5] == ["Atskaišu kurss", "1", "Sveiciens", "3", "100.0%"]


def test_shared_exports_hide_small_counts(client, login_as, world):
    login_as(COORDINATOR)
    _raw, rows = read_csv(client.get("/reports/export/courses?format=csv&shared=y", headers=EN))
    # 3 enrolled, 1 in progress, 2 completed, 1 certified: all below 5; rates resting on them too.
    assert rows[1] == ["Atskaišu kurss", "<5", "<5", "<5", "–", "<5", "–", "–"]
    sheet = read_xlsx(client.get("/reports/export/courses?format=xlsx&shared=y", headers=EN))
    assert [c.value for c in sheet[2]][1:4] == ["<5", "<5", "<5"]
    page = client.get("/reports?shared=y", headers=EN).get_data(as_text=True)
    assert "Counts from 1 to 4 are shown as" in page


def test_shared_keeps_counts_of_five_and_more(client, login_as, world):
    login_as(ADMIN)
    _raw, rows = read_csv(client.get("/reports/export/courses?format=csv&shared=y", headers=EN))
    # 7 enrolled and 4 completed: the rate would give the 4 back, so it is hidden as well.
    assert rows[1] == ["Atskaišu kurss", "7", "<5", "<5", "–", "<5", "92.5%", "–"]


def test_item_analysis_export_for_the_author(client, login_as, world):
    login_as(TRAINER)
    _raw, rows = read_csv(
        client.get(f"/reports/export/items?format=csv&course={COURSE}", headers=LV)
    )
    greet = next(r for r in rows if r[2] == "q-greet")
    assert greet[1] == "Kā sveicināt apmeklētāju, kurš lieto ratiņkrēslu?"
    assert greet[4:] == ["9", "6", "33,3%", "Runāt ar pavadoni", "3"]


def test_every_export_is_in_the_audit_log(app, client, login_as, world):
    login_as(COORDINATOR)
    client.get("/reports/export/courses?format=xlsx&start=2025-01-01&shared=y")
    client.get(f"/reports/export/learners?format=csv&library={world.orgs['Elejas bibliotēka']}")
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.actor_id, e.target_id) for e in events] == [
            ("report.exported", world.users["coordinator"], "courses"),
            (
                "report.exported",
                world.users["coordinator"],
                f"library:{world.orgs['Elejas bibliotēka']}",
            ),
        ]
        assert events[0].details["format"] == "xlsx"
        assert events[0].details["shared"] is True
        assert events[0].details["filters"] == {"start": "2025-01-01", "shared": "y"}
        assert events[1].details["rows"] == 1
