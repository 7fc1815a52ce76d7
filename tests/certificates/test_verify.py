"""Public verification: valid, revoked, replaced, not found; what is shown (and what is not);
look-up by code or by serial + surname; rate limit; administrators' revocation and search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.admin.models import AuditEvent
from app.certificates import services
from app.certificates.fonts import MissingFontError
from app.certificates.models import Certificate
from app.extensions import db
from tests.certificates.conftest import TITLES, complete_course
from tests.conftest import login


@pytest.fixture()
def cert(app, factory, courses_dir) -> Certificate:
    user_id = factory.user(email="liga@example.org", name="Līga Šņore-Ūdre", language="lv")
    complete_course(app, user_id)
    with app.app_context():
        row = db.session.scalar(db.select(Certificate))
        db.session.expunge_all()
        return row


def main_text(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_a_valid_certificate_verifies_without_signing_in(client, cert):
    response = client.get(f"/verify/{cert.verification_code}")
    assert response.status_code == 200
    main = main_text(response)
    assert "Derīga" in main
    for shown in ("Līga Šņore-Ūdre", TITLES["lv"], cert.sha256, cert.serial, "1,5"):
        assert shown in main, shown
    # Only what an employer needs: no score, issuer, e-mail address or verification code.
    for hidden in ("Rezultāts", "Izsniedza", "liga@example.org", cert.verification_code):
        assert hidden not in main, hidden
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_codes_are_accepted_loosely(client, cert):
    loose = cert.verification_code.lower().replace("-", " ")
    assert client.get(f"/verify/{cert.verification_code.replace('-', '')}").status_code == 200
    response = client.post("/verify", data={"code": loose})
    assert response.status_code == 200
    main = main_text(response)
    assert "Līga Šņore-Ūdre" in main
    # "Check another certificate" starts empty rather than repeating the code just checked.
    assert loose not in main and 'name="code" value' not in main


def test_a_code_that_is_not_found_stays_in_the_form_to_correct(client, cert):
    response = client.post("/verify", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert response.status_code == 404
    assert 'value="AAAA-BBBB-CCCC-DDDD-EEEE"' in main_text(response)


@pytest.mark.parametrize(
    "code",
    [
        "AAAA-BBBB-CCCC-DDDD-EEEE",  # well-formed, unknown
        "not-a-code",
        "0000",
        "LV-LT-2026-000001",  # a serial in the code's place
    ],
)
def test_unknown_and_malformed_codes_give_the_same_plain_not_found(client, cert, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    main = main_text(response)
    assert "Apliecība nav atrasta" in main
    assert "Līga" not in main
    reference = main_text(client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE"))
    assert main == reference  # no hint whether it ever existed


def test_serial_lookup_needs_the_surname(client, cert):
    response = client.post("/verify", data={"code": cert.serial})
    assert response.status_code == 400
    assert "uzvārdu" in main_text(response)
    assert "Līga" not in main_text(response)

    wrong = client.post("/verify", data={"code": cert.serial, "surname": "Bērziņa"})
    unknown = client.post("/verify", data={"code": "LV-LT-2026-999999", "surname": "Šņore-Ūdre"})
    assert wrong.status_code == unknown.status_code == 404
    assert "Līga" not in main_text(wrong)

    right = client.post("/verify", data={"code": cert.serial.lower(), "surname": "snore-udre"})
    assert right.status_code == 200
    assert "Līga Šņore-Ūdre" in main_text(right)


def test_an_empty_form_shows_an_error(client):
    response = client.post("/verify", data={"code": " "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Kļūda:" in page and 'href="#code"' in page


def test_verification_is_rate_limited(app, client, cert, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_VERIFY_LIMIT", "3 per minute")
    codes = [cert.verification_code, "AAAA-BBBB-CCCC-DDDD-EEEE", cert.verification_code]
    assert [client.get(f"/verify/{c}").status_code for c in codes] == [200, 404, 200]
    # The form and the links share one budget.
    response = client.post("/verify", data={"code": cert.verification_code})
    assert response.status_code == 429
    assert "Pārāk daudz pārbaužu" in response.get_data(as_text=True)
    assert client.get(f"/verify/{cert.verification_code}").status_code == 429
    # Showing the empty form costs nothing.
    assert client.get("/verify").status_code == 200


def test_revocation_shows_the_date_but_not_the_reason(app, client, factory, cert):
    factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")
    # A reason is required.
    response = client.post(f"/admin/certificates/{cert.serial}/revoke", data={"revoke-reason": ""})
    assert response.status_code == 400
    assert "Ierakstiet, kāpēc apliecība tiek anulēta." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, cert.id).revoked_at is None

    response = client.post(
        f"/admin/certificates/{cert.serial}/revoke",
        data={"revoke-reason": "Kursu pabeidza cits cilvēks"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert f"Apliecība {cert.serial} ir anulēta." in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Certificate, cert.id)
        assert row.status == "revoked" and row.revoked_reason == "Kursu pabeidza cits cilvēks"
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
        )
        assert event.target_id == cert.serial and event.details["reason"]
    client.post("/logout")

    response = client.get(f"/verify/{cert.verification_code}")
    assert response.status_code == 200
    main = main_text(response)
    assert "Anulēta" in main
    assert "Kursu pabeidza" not in main
    assert "Derīga" not in main


def test_the_revocation_date_is_the_local_date(app, client, cert):
    """Revoked at 00:30 in Riga on 2 March is 22:30 UTC on 1 March: the page says 2 March."""
    with app.app_context():
        row = db.session.get(Certificate, cert.id)
        row.revoked_at = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
        row.revoked_reason = "Kursu pabeidza cits cilvēks"
        db.session.commit()
    main = main_text(client.get(f"/verify/{cert.verification_code}"))
    assert "2026. gada 2. marts" in main
    assert "1. marts" not in main


def test_a_replaced_certificate_names_its_replacement(app, client, cert):
    with app.app_context():
        old = db.session.get(Certificate, cert.id)
        new = services.reissue(old, learner_name="Līga Ūdre", language="lt", actor_id=old.user_id)
        db.session.commit()
        new_serial, new_code = new.serial, new.verification_code
    main = main_text(client.get(f"/verify/{cert.verification_code}"))
    assert f"Aizstāta ar apliecību {new_serial}" in main
    assert new_code not in main
    main = main_text(client.get(f"/verify/{new_code}"))
    assert "Derīga" in main and "Līga Ūdre" in main and TITLES["lt"] in main
    assert 'lang="lt"' in main  # the course title is marked as Lithuanian


def test_administrators_find_certificates_by_name_serial_and_code(app, client, factory, cert):
    factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")
    for query in ("Šņore", cert.serial, cert.verification_code.lower(), "liga@example", "reading"):
        page = client.get("/admin/certificates", query_string={"q": query}).get_data(as_text=True)
        assert f"/admin/certificates/{cert.serial}" in page, query
    page = client.get("/admin/certificates", query_string={"q": "nobody"}).get_data(as_text=True)
    assert f"/admin/certificates/{cert.serial}" not in page
    page = client.get("/admin/certificates", query_string={"status": "revoked"}).get_data(
        as_text=True
    )
    assert f"/admin/certificates/{cert.serial}" not in page
    detail = client.get(f"/admin/certificates/{cert.serial}").get_data(as_text=True)
    assert cert.sha256 in detail and "Izsniegta" in detail
    assert client.get("/admin/certificates/LV-LT-2000-000001").status_code == 404


def test_administrators_correct_a_name(app, client, factory, cert):
    admin_id = factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")
    response = client.post(
        f"/admin/certificates/{cert.serial}/reissue",
        data={"reissue-learner_name": "Līga Šņore-Ūdre-Kalniņa", "reissue-language": "lv"},
    )
    assert response.status_code == 302
    with app.app_context():
        old, new = db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()
        assert old.replaced_by_id == new.id
        assert new.learner_name == "Līga Šņore-Ūdre-Kalniņa"
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.reissued")
        )
        assert event.actor_id == admin_id
    assert response.headers["Location"].endswith(f"/admin/certificates/{new.serial}")


def test_administrators_cannot_print_a_name_the_fonts_lack(app, client, factory, cert):
    factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")
    response = client.post(
        f"/admin/certificates/{cert.serial}/reissue",
        data={"reissue-learner_name": "Līga 李 Šņore-Ūdre", "reissue-language": "lv"},
    )
    assert response.status_code == 400
    assert "Šīs rakstzīmes apliecībā nevar izdrukāt: 李." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1
        assert db.session.get(Certificate, cert.id).status == "valid"


def test_the_public_form_works_with_csrf_protection_on(app, client, cert, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/verify", data={"code": cert.verification_code})
    assert response.status_code == 200
    assert "Līga Šņore-Ūdre" in main_text(response)


def test_a_missing_font_during_an_administrators_correction_is_reported(
    app, client, factory, cert, monkeypatch
):
    factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")

    def no_fonts(*args, **kwargs):
        raise MissingFontError('The font family "Noto Serif" is not installed.')

    monkeypatch.setattr(services, "render_pdf", no_fonts)
    response = client.post(
        f"/admin/certificates/{cert.serial}/reissue",
        data={"reissue-learner_name": "Līga Šņore-Ūdre-Kalniņa", "reissue-language": "lv"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "neizdevās izveidot" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, cert.id).status == "valid"
        assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1
