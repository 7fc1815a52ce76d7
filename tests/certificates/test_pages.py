"""The learner's pages: downloads (same bytes every time, headers, someone else's → 404), the
language and name change (a re-issue that replaces the old certificate), and who may open what."""

from __future__ import annotations

import io
from hashlib import sha256
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from app.admin.models import AuditEvent
from app.certificates import services
from app.certificates.fonts import MissingFontError
from app.certificates.models import Certificate
from app.certificates.pdf import CertificateRenderError
from app.extensions import db
from tests.certificates.conftest import COURSE_ID, TITLES, complete_course
from tests.conftest import login


def all_certificates(app) -> list[Certificate]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Certificate).order_by(Certificate.id)))
        db.session.expunge_all()
        return rows


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture()
def learner(app, factory, courses_dir):
    """A learner with a certificate (Latvian), signed in on ``client``."""
    user_id = factory.user(email="liga@example.org", name="Līga Šņore-Ūdre", language="lv")
    complete_course(app, user_id)
    return user_id


def test_download_returns_the_stored_pdf_with_a_sensible_file_name(app, client, learner):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    response = client.get(f"/certificates/{cert.serial}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == cert.pdf
    assert sha256(response.data).hexdigest() == cert.sha256
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # An ASCII name for old browsers and the UTF-8 name for the rest.
    assert "filename=Apliec" in disposition
    assert disposition.encode("ascii")  # the header itself is ASCII
    utf8_name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert utf8_name == f"Apliecība_{cert.serial}_{COURSE_ID}.pdf"
    assert "no-store" in response.headers["Cache-Control"]
    # The same bytes every time.
    assert client.get(f"/certificates/{cert.serial}/download").data == response.data


def test_someone_elses_certificate_is_not_found(app, client, factory, learner):
    [cert] = all_certificates(app)
    factory.user(email="other@example.org")
    login(client, "other@example.org")
    assert client.get(f"/certificates/{cert.serial}/download").status_code == 404
    assert client.get(f"/certificates/{cert.serial}/change").status_code == 404
    assert (
        client.post(
            f"/certificates/{cert.serial}/change", data={"learner_name": "X", "language": "en"}
        ).status_code
        == 404
    )
    assert client.get("/certificates/LV-LT-2026-999999/download").status_code == 404
    assert len(all_certificates(app)) == 1


def test_an_administrator_downloads_through_the_admin_page_only(app, client, factory, learner):
    [cert] = all_certificates(app)
    factory.user(email="admin@example.org", role="admin")
    login(client, "admin@example.org")
    # The learner's own download address is the learner's alone, even for an administrator.
    assert client.get(f"/certificates/{cert.serial}/download").status_code == 404
    response = client.get(f"/admin/certificates/{cert.serial}/download")
    assert response.status_code == 200 and response.data == cert.pdf
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.downloaded")
        )


def test_signed_out_visitors_are_sent_to_sign_in(app, client, learner):
    [cert] = all_certificates(app)
    for url in (
        "/certificates",
        f"/certificates/{cert.serial}/download",
        f"/certificates/{cert.serial}/change",
        "/certificates/export",
        "/admin/certificates",
        f"/admin/certificates/{cert.serial}",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("learner", 403), ("trainer", 403), ("coordinator", 403), ("admin", 200)],
)
def test_only_administrators_open_the_admin_pages(app, client, factory, learner, role, expected):
    [cert] = all_certificates(app)
    orgs = factory.org_tree()
    factory.user(email="someone@example.org", role=role, scope_id=orgs["Latvija"])
    login(client, "someone@example.org")
    for url in (
        "/admin/certificates",
        f"/admin/certificates/{cert.serial}",
        f"/admin/certificates/{cert.serial}/download",
    ):
        assert client.get(url).status_code == expected, url
    status = client.post(
        f"/admin/certificates/{cert.serial}/revoke", data={"revoke-reason": "Wrong person"}
    ).status_code
    assert status == (302 if role == "admin" else 403)


@pytest.mark.parametrize(
    ("role", "expected"), [("learner", 403), ("coordinator", 200), ("admin", 200)]
)
def test_only_coordinators_and_administrators_export(app, client, factory, role, expected):
    orgs = factory.org_tree()
    factory.user(email="someone@example.org", role=role, scope_id=orgs["Latvija"])
    login(client, "someone@example.org")
    assert client.get("/certificates/export").status_code == expected


def test_my_certificates_lists_the_certificate(app, client, learner):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    page = client.get("/certificates").get_data(as_text=True)
    assert "Manas apliecības" in page
    assert TITLES["lv"] in page
    assert cert.serial in page
    assert cert.verification_code in page
    assert "Līga Šņore-Ūdre" in page
    assert "50" in page  # the score


def test_the_learner_changes_language_and_name(app, client, learner):
    login(client, "liga@example.org")
    [old] = all_certificates(app)
    form = client.get(f"/certificates/{old.serial}/change").get_data(as_text=True)
    # The name and language printed on the certificate are pre-filled.
    assert 'value="Līga Šņore-Ūdre"' in form
    assert (
        '<input checked id="language-0" name="language" required type="radio" value="lv">' in form
    )

    response = client.post(
        f"/certificates/{old.serial}/change",
        data={"learner_name": "  Līga   Šņore-Ūdre-Bērziņa ", "language": "en"},
    )
    assert response.status_code == 302
    old_now, new = all_certificates(app)
    assert old_now.status == "replaced" and old_now.replaced_by_id == new.id
    assert old_now.pdf == old.pdf  # the old record is not touched otherwise
    assert new.status == "valid"
    assert (new.learner_name, new.language, new.course_title) == (
        "Līga Šņore-Ūdre-Bērziņa",
        "en",
        TITLES["en"],
    )
    # Everything else is copied from the old certificate.
    for field in (
        "course_id",
        "course_version",
        "hours",
        "completed_on",
        "score_percent",
        "issuer",
    ):
        assert getattr(new, field) == getattr(old, field), field
    assert new.serial != old.serial and new.verification_code != old.verification_code
    text = pdf_text(new.pdf)
    assert "Līga Šņore-Ūdre-Bērziņa" in text
    assert TITLES["en"] in text
    page = client.get("/certificates").get_data(as_text=True)
    assert f"Jūsu jaunā apliecība {new.serial} ir gatava" in page
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.reissued")
        )
        assert event.actor_id == learner
        assert event.target_id == new.serial
        assert event.details["replaces"] == old.serial
        assert sorted(event.details["changed"]) == ["language", "learner_name"]
    # The replaced certificate can no longer be changed.
    assert client.get(f"/certificates/{old.serial}/change").status_code == 404


def test_the_change_form_starts_from_the_name_on_the_certificate(app, client, learner):
    """A learner who corrected the printed name and later changes only the language keeps the
    corrected name (the profile still has the old one)."""
    login(client, "liga@example.org")
    [old] = all_certificates(app)
    client.post(
        f"/certificates/{old.serial}/change",
        data={"learner_name": "Līga Šņore-Ūdre-Bērziņa", "language": "lv"},
    )
    _, corrected = all_certificates(app)
    form = client.get(f"/certificates/{corrected.serial}/change").get_data(as_text=True)
    assert 'value="Līga Šņore-Ūdre-Bērziņa"' in form
    assert 'value="Līga Šņore-Ūdre"' not in form

    # Submitting the form as shown, with only the language changed.
    response = client.post(
        f"/certificates/{corrected.serial}/change",
        data={"learner_name": "Līga Šņore-Ūdre-Bērziņa", "language": "en"},
    )
    assert response.status_code == 302
    newest = all_certificates(app)[-1]
    assert (newest.learner_name, newest.language) == ("Līga Šņore-Ūdre-Bērziņa", "en")


def test_changing_nothing_issues_nothing(app, client, learner):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    response = client.post(
        f"/certificates/{cert.serial}/change",
        data={"learner_name": "Līga Šņore-Ūdre", "language": "lv"},
        follow_redirects=True,
    )
    assert "nekas netika mainīts" in response.get_data(as_text=True)
    assert len(all_certificates(app)) == 1


def test_an_empty_name_is_refused_with_an_error_summary(app, client, learner):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    response = client.post(
        f"/certificates/{cert.serial}/change", data={"learner_name": "   ", "language": "lt"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Kļūda:" in page
    assert 'role="alert"' in page
    assert 'href="#learner_name"' in page
    assert 'aria-invalid="true"' in page
    assert len(all_certificates(app)) == 1


def test_a_name_the_fonts_cannot_print_is_refused_with_the_characters_named(app, client, learner):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    response = client.post(
        f"/certificates/{cert.serial}/change",
        data={"learner_name": "Ģirts 李 Šņore", "language": "lv"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Šīs rakstzīmes apliecībā nevar izdrukāt: 李." in page
    assert 'href="#learner_name"' in page
    assert [c.status for c in all_certificates(app)] == ["valid"]


def test_a_render_failure_during_a_change_leaves_the_certificate_valid(
    app, client, learner, monkeypatch
):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)

    def broken(*args, **kwargs):
        raise CertificateRenderError("no fonts")

    monkeypatch.setattr(services, "render_pdf", broken)
    response = client.post(
        f"/certificates/{cert.serial}/change",
        data={"learner_name": "Līga Ūdre", "language": "lt"},
        follow_redirects=True,
    )
    assert "neizdevās izveidot" in response.get_data(as_text=True)
    assert [c.status for c in all_certificates(app)] == ["valid"]


def test_a_missing_font_during_a_change_is_reported_not_a_server_error(
    app, client, learner, monkeypatch
):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)

    def no_fonts(*args, **kwargs):
        raise MissingFontError('The font family "Noto Serif" is not installed.')

    monkeypatch.setattr(services, "render_pdf", no_fonts)
    response = client.post(
        f"/certificates/{cert.serial}/change",
        data={"learner_name": "Līga Ūdre", "language": "lt"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "neizdevās izveidot" in response.get_data(as_text=True)
    assert [c.status for c in all_certificates(app)] == ["valid"]


def test_a_certificate_is_replaced_only_once(app, learner):
    with app.app_context():
        cert = db.session.scalar(db.select(Certificate))
        services.reissue(cert, learner_name="Līga Ūdre", language="lt", actor_id=learner)
        db.session.commit()
    with app.app_context():
        # A second request that still saw the old certificate as valid (a second tab).
        stale = db.session.scalar(db.select(Certificate).order_by(Certificate.id))
        stale.replaced_by_id = None  # as that request read it
        with pytest.raises(services.AlreadyReplaced) as caught:
            services.reissue(stale, learner_name="Līga Ū.", language="en", actor_id=learner)
        db.session.rollback()
        assert caught.value.certificate.learner_name == "Līga Ūdre"
    assert len(all_certificates(app)) == 2


def test_a_certificate_downloads_byte_identical_after_profile_and_course_edits(
    app, client, learner, courses_dir
):
    login(client, "liga@example.org")
    [cert] = all_certificates(app)
    before = client.get(f"/certificates/{cert.serial}/download").data

    client.post("/account", data={"full_name": "Līga Bērziņa", "preferred_language": "lt"})
    yml = courses_dir / COURSE_ID / "course.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8")
        .replace("Skaļā lasīšana senioriem", "Skaļā lasīšana (2. izdevums)")
        .replace("hours: 1.5", "hours: 3")
        .replace("version: 1", "version: 2"),
        encoding="utf-8",
    )
    from app.accounts.models import User

    with app.app_context():
        assert db.session.get(User, learner).full_name == "Līga Bērziņa"

    client.get("/my")  # the dashboard (and its retry) has run after the edits
    client.get("/certificates")
    after = client.get(f"/certificates/{cert.serial}/download").data
    assert after == before
    assert sha256(after).hexdigest() == cert.sha256
    assert "Līga Šņore-Ūdre" in pdf_text(after)
    assert len(all_certificates(app)) == 1


def test_forms_carry_and_check_the_csrf_token(app, client, factory, learner, monkeypatch):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    [cert] = all_certificates(app)
    factory.user(email="admin@example.org", role="admin")

    def token(page: str, name: str) -> str:
        return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)

    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": "admin@example.org",
            "password": "correct horse battery",
            "csrf_token": token(page, "csrf_token"),
        },
    )
    url = f"/admin/certificates/{cert.serial}/revoke"
    assert client.post(url, data={"revoke-reason": "Issued by mistake"}).status_code == 400
    page = client.get(f"/admin/certificates/{cert.serial}").get_data(as_text=True)
    response = client.post(
        url,
        data={
            "revoke-reason": "Issued by mistake",
            "revoke-csrf_token": token(page, "revoke-csrf_token"),
        },
    )
    assert response.status_code == 302
    assert [c.status for c in all_certificates(app)] == ["revoked"]
