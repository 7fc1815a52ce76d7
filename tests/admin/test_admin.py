"""Administration: access, invitations, user changes, roles, organisations, audit, GDPR tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import Organisation, RoleGrant, User
from app.admin.models import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.learning.models import Enrolment, QuizAnswer, QuizAttempt

ADMIN_PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/organisations",
    "/admin/audit",
]


@pytest.fixture()
def people(factory):
    ids = factory.org_tree()
    return {
        "ids": ids,
        "admin": factory.user(email="admin@example.org", name="Gintarė Žemaitytė", role="admin"),
        "learner": factory.user(
            email="learner@example.org", name="Ilze Bērziņa", library_id=ids["Elejas bibliotēka"]
        ),
        "coordinator": factory.user(
            email="coord@example.org", role="coordinator", scope_id=ids["Latvija"]
        ),
    }


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_only_administrators_get_in(client, people, login_as, url):
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    login_as("learner@example.org")
    assert client.get(url).status_code == 403
    client.post("/logout")
    login_as("coord@example.org")
    assert client.get(url).status_code == 403
    client.post("/logout")
    login_as("admin@example.org")
    assert client.get(url).status_code == 200


def test_user_detail_pages_need_an_administrator(client, people, login_as):
    login_as("learner@example.org")
    assert client.get(f"/admin/users/{people['learner']}").status_code == 403
    assert client.get(f"/admin/users/{people['learner']}/data.json").status_code == 403
    assert (
        client.post(
            f"/admin/users/{people['admin']}/erase", data={"erase-confirm": "admin@example.org"}
        ).status_code
        == 403
    )


def test_invite_sends_a_link_and_records_it(app, client, people, login_as):
    login_as("admin@example.org")
    response = client.post(
        "/admin/users/new",
        data={
            "email": " Ona.Petraitiene@Example.org",
            "full_name": "Ona Petraitienė",
            "library_id": str(people["ids"]["Joniškėlio biblioteka"]),
            "role": "coordinator",
            "scope_id": str(people["ids"]["Pasvalio rajono savivaldybė"]),
            "preferred_language": "lt",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ona.petraitiene@example.org"))
        assert user.full_name == "Ona Petraitienė" and user.password_hash is None
        assert {(g.role, g.organisation.name if g.organisation else None) for g in user.grants} == {
            ("coordinator", "Pasvalio rajono savivaldybė"),
            ("learner", None),
        }
    mails = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*ona_petraitiene*.eml"))
    assert mails and "/invite/" in mails[-1].read_text()
    assert len(_audit(app, "user.invited")) == 1


def test_invite_errors_change_nothing(app, client, people, login_as):
    login_as("admin@example.org")
    before = _count(app, User)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "learner@example.org",
            "full_name": "Dup",
            "role": "learner",
            "preferred_language": "",
        },
    )
    assert response.status_code == 400
    assert "jau ir reģistrēts" in response.get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "not-an-address",
            "full_name": "",
            "role": "learner",
            "preferred_language": "",
        },
    )
    assert response.status_code == 400
    assert _count(app, User) == before
    assert _audit(app, "user.invited") == []


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_edit_user_and_roles(app, client, people, login_as):
    login_as("admin@example.org")
    learner = people["learner"]
    response = client.post(
        f"/admin/users/{learner}",
        data={
            "full_name": "Ilze Bērziņa-Ķēniņa",
            "library_id": str(people["ids"]["Ozolnieku bibliotēka"]),
            "preferred_language": "lv",
            "active": "y",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/admin/users/{learner}/roles", data={"role-role": "trainer", "role-scope_id": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, learner)
        assert (
            user.full_name == "Ilze Bērziņa-Ķēniņa" and user.library.name == "Ozolnieku bibliotēka"
        )
        assert user.roles == {"learner", "trainer"}
        grant_id = next(g.id for g in user.grants if g.role == "trainer")
    again = client.post(
        f"/admin/users/{learner}/roles", data={"role-role": "trainer", "role-scope_id": ""}
    )
    assert again.status_code == 400
    assert client.post(f"/admin/users/{learner}/roles/{grant_id}/delete").status_code == 302
    assert client.post(f"/admin/users/{learner}/roles/999999/delete").status_code == 404
    with app.app_context():
        assert db.session.get(User, learner).roles == {"learner"}
    assert [e.action for e in _audit(app, "role.granted")] == ["role.granted"]
    assert len(_audit(app, "role.revoked")) == 1 and len(_audit(app, "user.updated")) == 1


def test_admin_cannot_lock_themselves_out(app, client, people, login_as):
    login_as("admin@example.org")
    admin = people["admin"]
    response = client.post(
        f"/admin/users/{admin}",
        data={"full_name": "Gintarė Žemaitytė", "library_id": "", "preferred_language": ""},
    )
    assert response.status_code == 400
    with app.app_context():
        grant = db.session.scalar(
            sa.select(RoleGrant).where(RoleGrant.user_id == admin, RoleGrant.role == "admin")
        )
        assert db.session.get(User, admin).active
    client.post(f"/admin/users/{admin}/roles/{grant.id}/delete")
    with app.app_context():
        assert db.session.get(User, admin).is_admin


def test_organisation_tree_is_kept_in_shape(app, client, people, login_as):
    login_as("admin@example.org")
    muni = people["ids"]["Jelgavas novads"]
    ok = client.post(
        "/admin/organisations",
        data={
            "kind": "library",
            "name": "Kalnciema bibliotēka",
            "parent_id": str(muni),
            "code": "LV-041-KALN",
        },
    )
    assert ok.status_code == 302
    wrong_parent = client.post(
        "/admin/organisations",
        data={"kind": "library", "name": "Bez novada", "parent_id": str(people["ids"]["Latvija"])},
    )
    assert wrong_parent.status_code == 400
    duplicate_code = client.post(
        "/admin/organisations",
        data={"kind": "library", "name": "Cita", "parent_id": str(muni), "code": "LV-041-KALN"},
    )
    assert duplicate_code.status_code == 400
    with app.app_context():
        names = db.session.scalars(
            sa.select(Organisation.name).where(Organisation.parent_id == muni)
        ).all()
    assert sorted(names) == ["Elejas bibliotēka", "Kalnciema bibliotēka", "Ozolnieku bibliotēka"]
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Kalnciema bibliotēka" in page and "(LV-041-KALN)" in page


def _learning_records(app, user_id):
    with app.app_context():
        db.session.add(
            Enrolment(
                user_id=user_id,
                course_id="sensory-reading-room",
                language="lv",
                completed_at=utcnow(),
                completed_version=1,
            )
        )
        attempt = QuizAttempt(
            user_id=user_id,
            course_id="sensory-reading-room",
            module_id="equipment",
            attempt_no=1,
            submission_key="k1",
            key_revision="q:1",
            language="lv",
            score=2,
            max_score=2,
            percent=100,
            passed=True,
        )
        db.session.add(attempt)
        db.session.flush()
        db.session.add(
            QuizAnswer(
                attempt_id=attempt.id,
                position=0,
                question_id="q",
                response={"text": "Ilze"},
                correct=True,
                points=2,
                max_points=2,
            )
        )
        db.session.commit()


def test_learner_downloads_their_own_data(app, client, people, login_as):
    _learning_records(app, people["learner"])
    login_as("learner@example.org")
    assert client.get("/account/data").status_code == 200
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["full_name"] == "Ilze Bērziņa"
    assert data["enrolments"][0]["course_id"] == "sensory-reading-room"
    assert data["quiz_attempts"][0]["answers"][0]["response"] == {"text": "Ilze"}
    assert len(_audit(app, "user.data_exported")) == 1


def test_erasure_needs_the_exact_address_and_keeps_anonymous_figures(app, client, people, login_as):
    learner = people["learner"]
    _learning_records(app, learner)
    login_as("admin@example.org")
    wrong = client.post(
        f"/admin/users/{learner}/erase", data={"erase-confirm": "someone@example.org"}
    )
    assert wrong.status_code == 400
    with app.app_context():
        assert db.session.get(User, learner).full_name == "Ilze Bērziņa"
    response = client.post(
        f"/admin/users/{learner}/erase", data={"erase-confirm": "Learner@example.org"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, learner)
        assert (
            user.full_name == "—"
            and "learner" not in user.email
            and not user.active
            and not user.grants
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 1
        attempt = db.session.scalar(sa.select(QuizAttempt))
        assert attempt.percent == 100 and attempt.answers[0].response is None
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.erased"))
        assert "Ilze" not in json.dumps(event.details, ensure_ascii=False)
    from tests.conftest import login

    client.post("/logout")
    assert login(client, "learner@example.org").status_code == 401


def test_audit_log_lists_changes(client, people, login_as):
    login_as("admin@example.org")
    client.post("/admin/organisations", data={"kind": "country", "name": "Igaunija"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "organisation.created" in page and "Gintarė Žemaitytė" in page


def test_people_list_is_paginated_and_keeps_the_search(app, client, people, login_as):
    with app.app_context():
        for n in range(55):
            db.session.add(User(email=f"ona{n:02d}@example.org", full_name=f"Ona Šimkutė {n:02d}"))
        db.session.commit()
    login_as("admin@example.org")
    first = client.get("/admin/users?q=šimkutė").get_data(as_text=True)
    assert "55" in first  # the number of people found
    assert "1. lapa no 2" in first and "page=2" in first and "q=%C5%A1imkut%C4%97" in first
    second = client.get("/admin/users?q=šimkutė&page=2").get_data(as_text=True)
    assert (
        "2. lapa no 2" in second and "Ona Šimkutė 54" in second and "Ona Šimkutė 00" not in second
    )
