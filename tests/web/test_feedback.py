"""The accessibility feedback form: messages are stored, e-mailed to every active administrator,
listed in an inbox where administrators mark them as handled, and the form is rate-limited."""

from __future__ import annotations

import email
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.admin.models import AuditEvent, FeedbackMessage
from app.extensions import db
from tests.conftest import login


@pytest.fixture()
def outbox(app) -> Path:
    path = Path(app.config["MAIL_OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.eml"):
        old.unlink()
    return path


def _mails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]


def _messages(app) -> list[FeedbackMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(FeedbackMessage).order_by(FeedbackMessage.id)))
        db.session.expunge_all()
        return rows


@pytest.fixture()
def admins(factory):
    factory.user(email="gintare@example.org", name="Gintarė Žemaitytė", role="admin", language="lt")
    factory.user(email="maris@example.org", name="Māris Ozoliņš", role="admin")
    factory.user(email="former@example.org", role="admin", active=False)
    factory.user(email="ilze@example.org")  # a learner gets no mail


def test_a_message_reaches_every_active_administrator_in_their_language(
    app, client, admins, outbox
):
    response = client.post(
        "/accessibility/report",
        data={
            "message": "Testa poga “Iesniegt” nav redzama, ja teksts ir 200 %.",
            "page_url": "/courses/sensory-rooms/quiz",
            "name": "Ilze Bērziņa",
            "email": "ilze@example.lv",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/accessibility/report/sent?answer=yes"
    [stored] = _messages(app)
    assert stored.message == "Testa poga “Iesniegt” nav redzama, ja teksts ir 200 %."
    assert (stored.name, stored.email, stored.page_url, stored.language, stored.handled) == (
        "Ilze Bērziņa",
        "ilze@example.lv",
        "/courses/sensory-rooms/quiz",
        "lv",
        False,
    )
    mails = {m["To"]: m for m in _mails(outbox)}
    assert set(mails) == {"gintare@example.org", "maris@example.org"}
    lt_mail, lv_mail = mails["gintare@example.org"], mails["maris@example.org"]
    assert lt_mail["Subject"] == f"„Lasītava“: atsiliepimas apie prieinamumą Nr. {stored.id}"
    assert lv_mail["Subject"] == f"Lasītava: atsauksme par piekļūstamību Nr. {stored.id}"
    body = lv_mail.get_content()
    assert "Testa poga “Iesniegt” nav redzama, ja teksts ir 200 %." in body
    assert "ilze@example.lv" in body and "/courses/sensory-rooms/quiz" in body
    assert "https://lasitava.example/accessibility/feedback" in body
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mēs jums atbildēsim pa e-pastu." in thanks


def test_only_the_message_is_required(app, client, admins, outbox):
    response = client.post(
        "/accessibility/report",
        data={"message": "  Too small buttons  "},
        headers={"Accept-Language": "en"},
    )
    assert response.headers["Location"] == "/accessibility/report/sent?answer=no"
    [stored] = _messages(app)
    assert (stored.message, stored.name, stored.email, stored.page_url, stored.language) == (
        "Too small buttons",
        None,
        None,
        None,
        "en",
    )
    thanks = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "we cannot answer you directly" in thanks.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"message": "   "}, "message", "Uzrakstiet savu ziņojumu."),
        ({"message": "x", "email": "not-an-address"}, "email", "Ievadiet e-pasta adresi formā"),
        ({"message": "x" * 5001}, "message", "Saīsiniet ziņojumu līdz 5000 rakstzīmēm"),
    ],
)
def test_a_message_with_mistakes_is_not_sent_and_says_what_to_fix(
    app, client, admins, outbox, data, field, words
):
    response = client.post("/accessibility/report", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Kļūda: Ziņot par piekļūstamības problēmu" in body
    assert f'<a href="#{field}">{words}' in body
    assert (
        f'aria-describedby="{field}-hint {field}-error"' in body
        or f'aria-describedby="{field}-error"' in body
    )
    assert _messages(app) == [] and _mails(outbox) == []


def test_the_page_field_is_filled_in_from_the_page_the_person_came_from(client):
    body = client.get("/accessibility/report?page=/courses/abc?lang=lt").get_data(as_text=True)
    assert 'value="/courses/abc?lang=lt"' in body
    body = client.get(
        "/accessibility/report", headers={"Referer": "http://localhost/help"}
    ).get_data(as_text=True)
    assert 'value="/help"' in body
    # Another site's address is never copied into the form.
    body = client.get(
        "/accessibility/report", headers={"Referer": "https://evil.example/x"}
    ).get_data(as_text=True)
    assert 'name="page_url" spellcheck="false" type="text" value=""' in body


def test_sending_is_rate_limited_but_corrections_do_not_count(app, client, admins, outbox):
    for _ in range(12):
        assert client.post("/accessibility/report", data={"message": ""}).status_code == 400
    for n in range(10):
        assert (
            client.post("/accessibility/report", data={"message": f"message {n}"}).status_code
            == 302
        )
    response = client.post("/accessibility/report", data={"message": "one too many"})
    assert response.status_code == 429
    assert "Pārāk daudz ziņojumu" in response.get_data(as_text=True)  # not the password advice
    assert "Iestatīt jaunu paroli" not in response.get_data(as_text=True)
    assert len(_messages(app)) == 10


def test_a_failing_mail_server_does_not_lose_the_message(app, client, admins, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr("app.web.services.send_mail", broken)
    response = client.post("/accessibility/report", data={"message": "Still stored"})
    assert response.status_code == 302
    assert [m.message for m in _messages(app)] == ["Still stored"]


def test_only_administrators_see_the_inbox(client, factory, admins):
    assert client.get("/accessibility/feedback").status_code == 302  # to the sign-in page
    login(client, "ilze@example.org")
    assert client.get("/accessibility/feedback").status_code == 403
    assert client.post("/accessibility/feedback/1", data={"handled": "yes"}).status_code == 403


def test_administrators_mark_messages_as_handled_and_back(app, client, admins):
    client.post("/accessibility/report", data={"message": "Pirmais", "email": "a@example.lv"})
    client.post(
        "/accessibility/report", data={"message": "Antrasis"}, headers={"Accept-Language": "lt"}
    )
    first, second = _messages(app)
    login(client, "maris@example.org")
    inbox = client.get("/accessibility/feedback").get_data(as_text=True)
    assert "2 jauni ziņojumi" in inbox and "0 izskatītu ziņojumu" in inbox
    assert '<blockquote class="feedback-text" lang="lt">Antrasis</blockquote>' in inbox
    assert 'href="mailto:a@example.lv"' in inbox

    response = client.post(f"/accessibility/feedback/{first.id}", data={"handled": "yes"})
    assert response.status_code == 302
    inbox = client.get("/accessibility/feedback").get_data(as_text=True)
    assert f"Ziņojums Nr. {first.id} ir atzīmēts kā izskatīts." in inbox
    assert "1 jauns ziņojums" in inbox and "1 izskatīts ziņojums" in inbox
    assert [m.handled for m in _messages(app)] == [True, False]

    client.post(f"/accessibility/feedback/{first.id}", data={"handled": "no"})
    assert [m.handled for m in _messages(app)] == [False, False]
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["feedback.handled", "feedback.reopened"]
    assert (
        client.post(f"/accessibility/feedback/{second.id}", data={"handled": "maybe"}).status_code
        == 400
    )
    assert client.post("/accessibility/feedback/999999", data={"handled": "yes"}).status_code == 404


def test_handled_messages_can_be_deleted_after_a_confirmation(app, client, admins):
    client.post("/accessibility/report", data={"message": "Mans vārds ir Jānis", "name": "Jānis"})
    [message] = _messages(app)
    login(client, "maris@example.org")
    assert client.get(f"/accessibility/feedback/{message.id}/delete").status_code == 409  # new
    client.post(f"/accessibility/feedback/{message.id}", data={"handled": "yes"})
    inbox = client.get("/accessibility/feedback").get_data(as_text=True)
    assert f'href="/accessibility/feedback/{message.id}/delete"' in inbox
    confirm = client.get(f"/accessibility/feedback/{message.id}/delete").get_data(as_text=True)
    assert f"Dzēst ziņojumu Nr. {message.id}?" in confirm and "Mans vārds ir Jānis" in confirm
    assert _messages(app) != []  # opening the confirmation deletes nothing
    response = client.post(f"/accessibility/feedback/{message.id}/delete", follow_redirects=True)
    assert f"Ziņojums Nr. {message.id} ir dzēsts." in response.get_data(as_text=True)
    assert _messages(app) == []
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.target_id).order_by(AuditEvent.id)
        ).all()
    assert events[-1] == ("feedback.deleted", str(message.id))
    assert client.get(f"/accessibility/feedback/{message.id}/delete").status_code == 404


def test_only_administrators_delete_messages(client, admins):
    login(client, "ilze@example.org")
    assert client.post("/accessibility/feedback/1/delete").status_code == 403
