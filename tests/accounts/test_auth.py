"""Signing in and out, sign-in links, rate limits and CSRF."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login


def _user_row(app, email_address):
    with app.app_context():
        return db.session.execute(
            sa.select(User.password_hash, User.last_login_at).where(User.email == email_address)
        ).one()


def test_login_matches_email_case_insensitively_and_logout(app, client, factory):
    factory.user(email="ilze@example.org")
    response = login(client, "  ILZE@Example.ORG ")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Līga Šņore-Ūdre" in page
    assert _user_row(app, "ilze@example.org").last_login_at is not None
    response = client.post("/logout")
    assert response.status_code == 302
    assert "Līga Šņore-Ūdre" not in client.get("/").get_data(as_text=True)


def test_logout_is_post_only(client, factory, login_as):
    factory.user(email="a@example.org")
    login_as("a@example.org")
    assert client.get("/logout").status_code == 405


def test_wrong_password_and_unknown_email_look_the_same(app, client, factory):
    factory.user(email="ilze@example.org")
    before = _user_row(app, "ilze@example.org")
    wrong = login(client, "ilze@example.org", "not the password")
    unknown = login(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "Kļūda:" in wrong.get_data(as_text=True)  # default language lv, error title prefix
    assert _user_row(app, "ilze@example.org") == before


def test_inactive_user_cannot_sign_in(client, factory):
    factory.user(email="gone@example.org", active=False)
    assert login(client, "gone@example.org").status_code == 401


def test_missing_fields_give_400_with_messages(client):
    response = client.post("/login", data={"email": ""}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Enter your e-mail address." in body and "Enter your password." in body
    assert 'role="alert"' in body and 'href="#email"' in body


def test_next_parameter_only_follows_local_paths(client, factory):
    factory.user(email="n@example.org")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": "n@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login?next=/help", data={"email": "n@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/help"


def test_csrf_token_is_required(app, client, factory):
    factory.user(email="c@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/login",
            data={"email": "c@example.org", "password": PASSWORD},
            headers={"Accept-Language": "lt"},
        )
        assert response.status_code == 400
        assert "Forma negalėjo būti išsiųsta" in response.get_data(as_text=True)
        assert _user_row(app, "c@example.org").last_login_at is None
        # With the token from the page the same request works.
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": "c@example.org", "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_failed_logins_are_limited_per_account(app, client, factory):
    factory.user(email="r@example.org")
    for _ in range(5):
        assert login(client, "r@example.org", "wrong password!").status_code == 401
    blocked = login(client, "r@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "Pārāk daudz mēģinājumu" in blocked.get_data(as_text=True)
    # Another account from the same address is not locked by this one.
    factory.user(email="other@example.org")
    assert login(client, "other@example.org", PASSWORD).status_code == 302


def test_failed_logins_are_limited_per_address(client, factory):
    for n in range(20):
        assert login(client, f"guess{n}@example.org", "wrong password!").status_code == 401
    factory.user(email="late@example.org")
    assert login(client, "late@example.org", PASSWORD).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, factory):
    factory.user(email="ok@example.org")
    for _ in range(8):
        assert login(client, "ok@example.org").status_code == 302
        client.post("/logout")


# --- sign-in links ------------------------------------------------------------------------------


def _last_mail(app) -> email.message.Message:
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    files = sorted(outbox.glob("*.eml"))
    assert files, "no mail written"
    return email.message_from_bytes(files[-1].read_bytes())


def _link_in(message, kind: str) -> str:
    body = message.get_payload(decode=True).decode()
    url = re.search(rf"https?://\S+/{kind}/\S+", body).group(0)
    return url.split("lasitava.example", 1)[-1]


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    for f in outbox.glob("*.eml"):
        f.unlink()


def test_password_reset_link_works_once(app, client, factory):
    factory.user(email="reset@example.org", language="lt")
    response = client.post("/password/forgot", data={"email": "Reset@example.org"})
    assert response.status_code == 200
    message = _last_mail(app)
    assert message["To"] == "reset@example.org"
    assert "slaptažod" in message.get_payload(decode=True).decode()  # in the user's language
    link = _link_in(message, "password/reset")
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert response.status_code == 302
    client.post("/logout")
    assert login(client, "reset@example.org", "a brand new secret").status_code == 302
    client.post("/logout")
    assert login(client, "reset@example.org", PASSWORD).status_code == 401
    reused = client.get(link)
    assert reused.status_code == 410


def test_reset_form_errors_change_nothing(app, client, factory):
    factory.user(email="reset2@example.org")
    client.post("/password/forgot", data={"email": "reset2@example.org"})
    link = _link_in(_last_mail(app), "password/reset")
    before = _user_row(app, "reset2@example.org").password_hash
    response = client.post(
        link, data={"password": "short", "confirm": "short"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "at least 10 characters" in response.get_data(as_text=True)
    response = client.post(link, data={"password": "long enough one", "confirm": "different one!!"})
    assert response.status_code == 400
    assert _user_row(app, "reset2@example.org").password_hash == before


def test_expired_and_tampered_reset_links_are_refused(app, client, factory):
    factory.user(email="old@example.org")
    client.post("/password/forgot", data={"email": "old@example.org"})
    link = _link_in(_last_mail(app), "password/reset")
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(link, headers={"Accept-Language": "en"})
        assert response.status_code == 410
        assert "expired" in response.get_data(as_text=True)
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = 7200
    assert client.get(link[:-3] + "abc").status_code == 404


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert not list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))


def test_malformed_forgot_form_is_400(client):
    assert client.post("/password/forgot", data={"email": "not-an-address"}).status_code == 400


def test_invitation_from_the_command_line(app, client, runner, factory):
    ids = factory.org_tree()
    with app.app_context():
        from app.accounts.models import Organisation

        db.session.get(Organisation, ids["Elejas bibliotēka"]).code = "LV-ELEJA"
        db.session.commit()
    result = runner.invoke(
        args=[
            "users",
            "invite",
            "Janis.Ekis@Example.org",
            "--name",
            "Jānis Ēķis",
            "--library",
            "LV-ELEJA",
            "--language",
            "lv",
        ]
    )
    assert result.exit_code == 0, result.output
    message = _last_mail(app)
    assert message["To"] == "janis.ekis@example.org"
    link = _link_in(message, "invite")
    page = client.get(link).get_data(as_text=True)
    assert "Jānis Ēķis" in page
    response = client.post(
        link, data={"password": "mana jaunā parole", "confirm": "mana jaunā parole"}
    )
    assert response.status_code == 302
    client.post("/logout")
    assert login(client, "JANIS.EKIS@example.org", "mana jaunā parole").status_code == 302
    assert client.get(link).status_code == 410  # single use
    # Inviting the same address twice is refused with a message and changes nothing.
    again = runner.invoke(args=["users", "invite", "janis.ekis@example.org", "--name", "Other"])
    assert again.exit_code != 0 and "already exists" in again.output
