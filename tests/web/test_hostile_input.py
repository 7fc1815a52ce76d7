"""Input no form expects — a NUL character, a mail server that does not answer — gets a clear
answer and changes nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from app.accounts.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "ona@example.org\x00", "password": PASSWORD}),
        ("/password/forgot", {"email": "ona@example.org\x00"}),
        ("/verify", {"code": "ABCD\x00"}),
    ],
)
def test_a_nul_character_in_a_form_is_a_plain_400(client, factory, url, data):
    factory.user(email="ona@example.org", name="Ona Žemaitė")
    response = client.post(url, data=data, headers={"Accept-Language": "lt"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Klaida: Užklausos nepavyko suprasti" in page  # the translated 400 page


def test_a_nul_character_in_the_profile_name_changes_nothing(app, client, factory):
    user_id = factory.user(email="ona@example.org", name="Ona Žemaitė")
    login(client, "ona@example.org", PASSWORD)
    response = client.post("/account", data={"full_name": "Ona\x00 Ž", "preferred_language": "lt"})
    assert response.status_code == 400
    assert client.get("/courses?q=%00").status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id).full_name == "Ona Žemaitė"


@pytest.fixture()
def mail_down(app, monkeypatch):
    # Port 1 on the loopback refuses connections at once.
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)


def test_forgot_password_with_the_mail_server_down_looks_the_same_for_any_address(
    client, factory, mail_down, caplog
):
    factory.user(email="ona@example.org", name="Ona Žemaitė")
    known = client.post("/password/forgot", data={"email": "ona@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "could not send mail to ona@example.org" in caplog.text


def test_an_invitation_with_the_mail_server_down_saves_nothing(app, client, factory, mail_down):
    factory.user(email="admin@example.org", name="Admins", role="admin")
    login(client, "admin@example.org", PASSWORD)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "jurgita@example.org",
            "full_name": "Jurgita Čepulė",
            "role": "learner",
            "preferred_language": "lt",
        },
        headers={"Accept-Language": "lv"},
    )
    assert response.status_code == 400
    assert "Ielūguma e-pastu neizdevās nosūtīt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="jurgita@example.org")) is None


@pytest.mark.parametrize(
    ("seconds", "language", "phrase"),
    [
        (3600, "lv", "pēc 1 stundas"),
        (7200, "lv", "pēc 2 stundām"),
        (3600, "lt", "galioja 1 valandą"),
        (7200, "lt", "galioja 2 valandas"),
        (36000, "lt", "galioja 10 valandų"),
        (3600, "en", "expires in 1 hour:"),
    ],
)
def test_the_reset_mail_says_how_long_the_link_works_in_good_grammar(
    app, client, factory, monkeypatch, seconds, language, phrase
):
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", seconds)
    factory.user(email="ona@example.org", name="Ona Žemaitė", language=language)
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    assert client.post("/password/forgot", data={"email": "ona@example.org"}).status_code == 200
    (written,) = set(outbox.glob("*.eml")) - before
    body = email.message_from_bytes(written.read_bytes()).get_payload(decode=True).decode()
    assert phrase in body


def test_without_public_base_url_in_production_no_link_is_built_from_the_host_header(
    app, client, factory, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setattr(app, "testing", False)
    factory.user(email="ona@example.org", name="Ona Žemaitė")
    headers = {"Host": "evil.example"}
    known = client.post("/password/forgot", data={"email": "ona@example.org"}, headers=headers)
    unknown = client.post("/password/forgot", data={"email": "x@example.org"}, headers=headers)
    assert known.status_code == unknown.status_code == 200
    assert "PUBLIC_BASE_URL" in caplog.text
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    assert not any("evil.example" in p.read_text() for p in outbox.glob("*.eml"))
    feedback = client.post(
        "/accessibility/report", data={"message": "The contrast of the footer is too low."}
    )
    assert feedback.status_code == 302  # stored; the admins were not e-mailed, which is logged
