"""Display settings: text size, high contrast, wider spacing and less motion, saved per user or in
the visitor's session, with clear errors for bad input."""

from __future__ import annotations

import re

from app.accounts.models import User
from app.extensions import db
from tests.conftest import get_user, login


def _html_classes(response) -> set[str]:
    match = re.search(r'<html lang="\w+" class="([^"]*)"', response.get_data(as_text=True))
    return set(match.group(1).split())


def test_the_page_offers_every_setting_in_fieldsets(client):
    body = client.get("/display").get_data(as_text=True)
    assert "<h1>Attēlojuma iestatījumi</h1>" in body
    assert "<legend>Teksta lielums</legend>" in body
    for size in (100, 125, 150, 175, 200):
        assert f'value="{size}"' in body
    assert re.search(r'<input checked id="text_size-0" name="text_size"[^>]* value="100">', body)
    for name in ("high_contrast", "dyslexia_spacing", "reduced_motion"):
        assert f'name="{name}"' in body
    assert "tikai līdz pārlūka aizvēršanai" in body  # a visitor is told the settings are temporary


def test_a_visitor_s_settings_are_kept_in_the_session_and_apply_on_every_page(client):
    response = client.post(
        "/display",
        data={
            "text_size": "150",
            "high_contrast": "y",
            "dyslexia_spacing": "y",
            "reduced_motion": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/display"
    page = client.get("/display")
    assert "Jūsu attēlojuma iestatījumi ir saglabāti." in page.get_data(as_text=True)
    assert _html_classes(page) == {
        "text-150",
        "theme-contrast",
        "dyslexia-spacing",
        "reduce-motion",
    }
    assert _html_classes(client.get("/help")) == {
        "text-150",
        "theme-contrast",
        "dyslexia-spacing",
        "reduce-motion",
    }
    # The form shows what is saved.
    assert 'checked id="text_size-2"' in page.get_data(as_text=True)


def test_a_text_size_outside_the_list_is_refused_and_nothing_changes(client):
    client.post("/display", data={"text_size": "125"})
    for bad in ("999", "abc", "-100", ""):
        response = client.post("/display", data={"text_size": bad, "high_contrast": "y"})
        body = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "<title>Kļūda:" in body
        assert 'role="alert"' in body and 'href="#text_size"' in body
        assert (
            "Izvēlieties vienu no parādītajiem teksta lielumiem — no 100 % līdz 200 %." in body
            or "Izvēlieties teksta lielumu." in body
        )
    assert _html_classes(client.get("/help")) == {"text-125"}


def test_a_missing_text_size_is_named_in_the_error(client):
    response = client.post(
        "/display", data={"high_contrast": "y"}, headers={"Accept-Language": "en"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Display settings" in body
    assert '<a href="#text_size">Choose a text size.</a>' in body
    assert 'id="text_size-error"' in body
    assert 'aria-describedby="text_size-hint text_size-error"' in body
    assert _html_classes(client.get("/help")) == set()


def test_a_signed_in_user_s_settings_are_saved_on_the_account(app, client, factory):
    factory.user(email="ilze@example.org")
    login(client, "ilze@example.org")
    client.post("/display", data={"text_size": "200", "dyslexia_spacing": "y"})
    user = get_user(app, "ilze@example.org")
    assert (user.text_size, user.high_contrast, user.dyslexia_spacing, user.reduced_motion) == (
        200,
        False,
        True,
        False,
    )
    # They follow the person to another browser.
    other = app.test_client()
    login(other, "ilze@example.org")
    assert _html_classes(other.get("/")) == {"text-200", "dyslexia-spacing"}
    assert "saglabāti jūsu kontā" in other.get("/display").get_data(as_text=True)


def test_the_standard_settings_can_be_restored_in_one_step(app, client, factory):
    factory.user(email="ilze@example.org")
    login(client, "ilze@example.org")
    client.post("/display", data={"text_size": "175", "high_contrast": "y"})
    response = client.post("/display", data={"reset": "1"}, follow_redirects=True)
    assert "Ir atjaunoti standarta attēlojuma iestatījumi." in response.get_data(as_text=True)
    assert _html_classes(response) == set()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "ilze@example.org"))
        assert (user.text_size, user.high_contrast) == (100, False)


def test_the_form_is_protected_against_forged_posts(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/display", data={"text_size": "200"})
        assert response.status_code == 400
        assert _html_classes(client.get("/help")) == set()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_settings_chosen_before_signing_in_stay_after_signing_in(app, client, factory):
    user_id = factory.user(email="ona@example.org", name="Ona Žemaitė")
    client.post("/display", data={"text_size": "200", "high_contrast": "y"})
    assert _html_classes(client.get("/login")) == {"text-200", "theme-contrast"}
    assert login(client, "ona@example.org").status_code == 302
    assert _html_classes(client.get("/my")) == {"text-200", "theme-contrast"}
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.text_size, user.high_contrast, user.reduced_motion) == (200, True, False)


def test_an_account_s_own_settings_win_over_a_visitor_s(app, client, factory):
    user_id = factory.user(email="ona@example.org", name="Ona Žemaitė")
    login(client, "ona@example.org")
    client.post("/display", data={"text_size": "150", "reduced_motion": "y"})
    client.post("/logout")
    client.post("/display", data={"text_size": "200"})
    login(client, "ona@example.org")
    assert _html_classes(client.get("/my")) == {"text-150", "reduce-motion"}
    with app.app_context():
        assert db.session.get(User, user_id).text_size == 150
