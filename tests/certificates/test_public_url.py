"""Links printed in certificates (and their QR codes) and sent in e-mails never come from the
request's Host header: PUBLIC_BASE_URL, or — only in debug mode and tests — the request's host.
Without it in production, certificates stay pending (issued later by the retry) and e-mails
with links are refused, rather than carrying an attacker's address."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import create_app
from app.accounts.services import absolute_url
from app.certificates.models import Certificate
from app.config import PublicBaseURLMissing
from app.extensions import db
from app.learning.models import Enrolment
from tests.certificates.conftest import complete_course
from tests.certificates.test_pdf import decode_qr
from tests.conftest import PASSWORD

EVIL = "evil.example"
PUBLIC = "https://lasitava.example"


def sign_in(client, email: str) -> None:
    """Sign in at the forged host (the test client keeps cookies per host)."""
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD}, headers={"Host": EVIL}
    )
    assert response.status_code == 302


@pytest.fixture()
def production(app, monkeypatch):
    """The app as deployed without PUBLIC_BASE_URL: neither debug mode nor TESTING."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "DEBUG", False)
    return app


def certificates(app) -> list[Certificate]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Certificate).order_by(Certificate.id)))
        db.session.expunge_all()
        return rows


def outbox_text(app) -> str:
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    return "".join(path.read_text(errors="replace") for path in sorted(outbox.glob("*.eml")))


@pytest.fixture()
def empty_outbox(app):
    for path in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"):
        path.unlink()


# --- absolute_url ------------------------------------------------------------------------------


def test_public_base_url_wins_over_the_host_header(app):
    with app.test_request_context("/", headers={"Host": EVIL}):
        assert absolute_url("certificates.verify", code="AB") == f"{PUBLIC}/verify/AB"


def test_in_production_without_public_base_url_no_link_is_made(production):
    with production.test_request_context("/", headers={"Host": EVIL}):
        with pytest.raises(PublicBaseURLMissing, match="PUBLIC_BASE_URL"):
            absolute_url("certificates.verify", code="AB")
    with production.app_context(), pytest.raises(PublicBaseURLMissing):
        absolute_url("certificates.verify", code="AB")


@pytest.mark.parametrize(("testing", "debug"), [(True, False), (False, True)])
def test_in_debug_and_tests_the_request_host_is_used(app, monkeypatch, testing, debug):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "TESTING", testing)
    monkeypatch.setitem(app.config, "DEBUG", debug)
    with app.test_request_context("/", base_url="http://127.0.0.1:8123"):
        assert absolute_url("certificates.verify", code="AB") == "http://127.0.0.1:8123/verify/AB"
    with app.app_context():
        assert absolute_url("certificates.verify", code="AB") == "http://127.0.0.1:5000/verify/AB"


def test_app_creation_warns_when_public_base_url_is_missing(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "PUBLIC_BASE_URL": ""}
    with caplog.at_level(logging.WARNING):
        create_app({**settings, "TESTING": True})
        assert "PUBLIC_BASE_URL" not in caplog.text
        create_app({**settings, "PUBLIC_BASE_URL": PUBLIC})
        assert "PUBLIC_BASE_URL" not in caplog.text
        create_app(settings)
    [warning] = [r for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]
    assert warning.levelno == logging.WARNING


# --- certificates ------------------------------------------------------------------------------


def test_a_completion_without_public_base_url_stays_pending_until_it_is_set(
    production, factory, courses_dir, client, runner, caplog, monkeypatch, tmp_path
):
    app = production
    user_id = factory.user(email="ruta@example.org", language="lv")
    complete_course(app, user_id)
    assert certificates(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(Enrolment)).completed_at is not None
    assert "PUBLIC_BASE_URL" in caplog.text

    # The retry on "My certificates", asked for with a forged Host header, issues nothing.
    sign_in(client, "ruta@example.org")
    response = client.get("/certificates", headers={"Host": EVIL})
    assert response.status_code == 200
    assert certificates(app) == []

    # Once the address is configured, the pending certificate is issued with it.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    result = runner.invoke(args=["certificates", "issue-pending"])
    assert result.exit_code == 0, result.output
    [cert] = certificates(app)
    url = f"{PUBLIC}/verify/{cert.verification_code}"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(cert.pdf)).pages)
    assert url in "".join(text.split())
    assert EVIL not in text
    assert decode_qr(cert.pdf, tmp_path) == [url]


def test_a_change_without_public_base_url_is_refused_politely(
    app, factory, courses_dir, client, monkeypatch
):
    user_id = factory.user(email="liga@example.org", name="Līga Šņore-Ūdre", language="lv")
    complete_course(app, user_id)
    [cert] = certificates(app)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "TESTING", False)
    sign_in(client, "liga@example.org")
    response = client.post(
        f"/certificates/{cert.serial}/change",
        data={"learner_name": "Līga Ūdre", "language": "lt"},
        headers={"Host": EVIL},
    )
    assert response.status_code == 302
    page = client.get("/certificates", headers={"Host": EVIL}).get_data(as_text=True)
    assert "neizdevās izveidot" in page
    assert [c.status for c in certificates(app)] == ["valid"]


# --- e-mails -----------------------------------------------------------------------------------


def test_a_reset_e_mail_links_to_the_public_address_whatever_the_host(
    app, factory, client, empty_outbox
):
    factory.user(email="reset@example.org")
    response = client.post(
        "/password/forgot", data={"email": "reset@example.org"}, headers={"Host": EVIL}
    )
    assert response.status_code == 200
    mail = outbox_text(app)
    assert f"{PUBLIC}/password/reset/" in mail
    assert EVIL not in mail


def test_without_public_base_url_no_reset_e_mail_carries_the_request_host(
    production, factory, client, empty_outbox, caplog
):
    factory.user(email="reset@example.org")
    client.post("/password/forgot", data={"email": "reset@example.org"}, headers={"Host": EVIL})
    assert EVIL not in outbox_text(production)
    assert "PUBLIC_BASE_URL" in caplog.text
