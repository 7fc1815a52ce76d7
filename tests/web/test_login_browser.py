"""Signing in through the real login page in Chromium."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser


def test_learner_signs_in_and_out_through_the_login_page(page, live_app):
    Factory(live_app).user(email="ruta@example.org", name="Rūta Čėsnaitė-Šųrienė", language="lt")
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "lv"
    page.get_by_label("E-pasta adrese").fill("Ruta@Example.org")
    page.get_by_label("Parole").fill("wrong password")
    page.get_by_role("button", name="Pieteikties").click()
    assert page.title().startswith("Kļūda:")
    alert = page.get_by_role("alert")
    assert "E-pasta adrese vai parole nav pareiza." in alert.inner_text()
    # The error summary takes the focus so a screen reader announces it.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieteikties").click()
    # The saved preference (Lithuanian) now decides the interface language.
    assert page.locator("html").get_attribute("lang") == "lt"
    assert page.get_by_role("heading", level=1).inner_text() == "Sveiki, Rūta Čėsnaitė-Šųrienė!"
    page.get_by_role("button", name="Atsijungti").click()
    assert page.get_by_role("banner").get_by_role("link", name="Prisijungti").is_visible()


def test_skip_link_is_the_first_focus_stop(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
