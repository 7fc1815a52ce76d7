"""Coordinators' ZIP export: only valid certificates of learners in their scope, for one course
and period, with a manifest; recorded in the audit log."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.admin.models import AuditEvent
from app.certificates import services
from app.certificates.models import Certificate
from app.extensions import db
from tests.certificates.conftest import COURSE_ID, complete_course
from tests.conftest import login

# Completion dates are days in the platform's time zone (Europe/Riga), not in UTC.
TODAY = datetime.now(ZoneInfo("Europe/Riga")).date()


@pytest.fixture()
def people(app, factory, courses_dir) -> dict[str, int]:
    orgs = factory.org_tree()
    ids = {
        "ozolnieki": factory.user(name="Anna Ozola", library_id=orgs["Ozolnieku bibliotēka"]),
        "eleja": factory.user(name="Jānis Bērziņš", library_id=orgs["Elejas bibliotēka"]),
        "pasvalys": factory.user(
            name="Rūta Čėsnaitė", library_id=orgs["Pasvalio Mariaus Katiliškio viešoji biblioteka"]
        ),
        "nowhere": factory.user(name="Pēteris Bez Bibliotēkas"),
    }
    for user_id in ids.values():
        complete_course(app, user_id)
    with app.app_context():
        anna = db.session.scalar(
            db.select(Certificate).where(Certificate.user_id == ids["ozolnieki"])
        )
        services.reissue(
            anna, learner_name="Anna Ozola-Kalniņa", language="lv", actor_id=anna.user_id
        )
        db.session.commit()
    factory.user(email="jelgava@example.org", role="coordinator", scope_id=orgs["Jelgavas novads"])
    factory.user(email="lietuva@example.org", role="coordinator", scope_id=orgs["Lietuva"])
    factory.user(email="admin@example.org", role="admin")
    return ids


def export(client, start=TODAY - timedelta(days=1), end=TODAY, course_id=COURSE_ID):
    response = client.post(
        "/certificates/export",
        data={"course_id": course_id, "start": start.isoformat(), "end": end.isoformat()},
    )
    response.get_data()
    response.close()  # what the WSGI server does: the ZIP's temporary file is closed
    return response


def open_zip(response) -> tuple[zipfile.ZipFile, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = archive.read(services.MANIFEST_NAME)
    assert manifest.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads ā, š, ų correctly
    rows = list(csv.DictReader(io.StringIO(manifest.decode("utf-8-sig"))))
    return archive, rows


def test_a_coordinator_gets_only_the_valid_certificates_of_their_area(app, client, people):
    login(client, "jelgava@example.org")
    form = client.get("/certificates/export").get_data(as_text=True)
    assert "Skaļā lasīšana senioriem" in form

    response = export(client)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive, rows = open_zip(response)
    assert sorted(row["learner_name"] for row in rows) == ["Anna Ozola-Kalniņa", "Jānis Bērziņš"]
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert len(pdfs) == 2
    assert any("Jānis-Bērziņš" in name for name in pdfs)  # UTF-8 file names
    with app.app_context():
        for row in rows:
            stored = db.session.scalar(
                db.select(Certificate).where(Certificate.serial == row["serial"])
            )
            assert archive.read(row["file"]) == stored.pdf
            assert row["sha256"] == stored.sha256
            assert stored.status == "valid"
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.exported")
        )
        assert event.target_id == COURSE_ID
        assert event.details["count"] == 2
        assert event.details["from"] == (TODAY - timedelta(days=1)).isoformat()


def test_another_coordinator_sees_another_area(client, people):
    login(client, "lietuva@example.org")
    _archive, rows = open_zip(export(client))
    assert [row["learner_name"] for row in rows] == ["Rūta Čėsnaitė"]


def test_an_administrator_gets_everyone(client, people):
    login(client, "admin@example.org")
    _archive, rows = open_zip(export(client))
    assert len(rows) == 4


def test_the_period_and_course_filter(app, client, people):
    login(client, "jelgava@example.org")
    response = export(client, start=TODAY - timedelta(days=30), end=TODAY - timedelta(days=1))
    assert response.status_code == 404
    assert "nav derīgu apliecību" in response.get_data(as_text=True)
    response = export(client, course_id="another-course")
    assert response.status_code == 400  # not one of the offered courses
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(AuditEvent).where(AuditEvent.action == "certificate.exported")
            )
            is None
        )


def test_a_reversed_period_is_refused(client, people):
    login(client, "jelgava@example.org")
    response = export(client, start=TODAY, end=TODAY - timedelta(days=3))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Pēdējā diena nedrīkst būt pirms pirmās dienas." in page
    response = client.post(
        "/certificates/export", data={"course_id": COURSE_ID, "start": "31.12.2026", "end": ""}
    )
    page = response.get_data(as_text=True)
    assert "gads-mēnesis-diena" in page
    assert "Ierakstiet perioda pēdējo dienu" in page
