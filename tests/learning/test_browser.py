"""The whole journey in a real browser, like a learner: sign in through the login page, choose
a course, read modules, fail a quiz, retry and pass, finish the course, sign out, sign in again
and find everything where it was. axe-core checks the pages on the way; the quiz is answered
with the keyboard only."""

from __future__ import annotations

import re
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.learning import content
from tests.conftest import PASSWORD, Factory
from tests.learning.conftest import FIXTURES

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
EMAIL = "ilze@example.org"


@pytest.fixture()
def journey_app(live_app, tmp_path):
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURES, folder)
    previous = live_app.config["COURSES_DIR"]
    live_app.config["COURSES_DIR"] = str(folder)
    with live_app.app_context():
        content.reset_registry()
    Factory(live_app).user(email=EMAIL, name="Ilze Bērziņa-Ūdre", language="lv")
    yield live_app
    live_app.config["COURSES_DIR"] = previous
    with live_app.app_context():
        content.reset_registry()


def accessible(page) -> None:
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, f"{page.url}\n{result.generate_report()}"


def sign_in(page) -> None:
    page.goto("/login")
    page.get_by_label("E-pasta adrese").fill(EMAIL)
    page.get_by_label("Parole").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def press_until_focused(page, selector: str, limit: int = 200) -> None:
    """Tab forward until ``selector`` has the focus (keyboard-only operation)."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received the focus")


def answer_with_keyboard(page, answers: dict) -> None:
    """Answer the safety quiz using Tab, Space, arrow keys and typing only."""
    # Single choice: focus the group's first radio, move with the arrow keys.
    for name, index in (("q-exit-route", answers["exit-route"]), ("q-blanket", answers["blanket"])):
        press_until_focused(page, f"input[name='{name}']")
        page.keyboard.press("Space")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
    for index in answers["hazards"]:
        press_until_focused(page, f"#q-hazards-{index}")
        page.keyboard.press("Space")
    press_until_focused(page, "#q-room-name")
    page.keyboard.type(answers["room-name"])
    press_until_focused(page, "#q-lux")
    page.keyboard.type(answers["lux"])
    for i, choice in enumerate(answers["senses"]):
        press_until_focused(page, f"#q-senses-{i}")
        page.locator(f"#q-senses-{i}").select_option(choice)  # a native <select>
    press_until_focused(page, "button[value=review]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


WRONG = {
    "exit-route": 0,
    "blanket": 0,
    "hazards": [2],
    "room-name": "lasītava",
    "lux": "1000",
    "senses": ["Oža", "Oža", "Oža"],
}
RIGHT = {
    "exit-route": 1,
    "blanket": 1,
    "hazards": [0, 1],
    "room-name": "Sensorā telpa",
    "lux": "320",
    "senses": ["Redze", "Tauste", "Oža"],
}


def test_a_learner_completes_a_course_in_the_browser(page, journey_app):
    sign_in(page)
    assert "Ilze Bērziņa-Ūdre" in page.locator("h1").inner_text()  # the home page greets

    # Choose a course from the catalogue.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Galvenā izvēlne").get_by_role(
            "link", name="Kursi"
        ).click()
    accessible(page)
    assert page.get_by_text("Melnraksta kurss").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="Bibliotēkas pamati").click()
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Sākt kursu").click()

    # Module 1: read, table of contents, mark as read.
    assert page.locator("h1").inner_text() == "Laipni lūdzam"
    assert page.get_by_role("navigation", name="Šajā lapā").count() == 1
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Atzīmēt kā izlasītu un turpināt").click()

    # Module 2: fail the quiz.
    assert page.locator("h1").inner_text() == "Drošība lasītavā"
    accessible(page)
    answer_with_keyboard(page, WRONG)
    assert page.locator("h1").inner_text() == "Pārbaudiet savas atbildes"
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Iesniegt atbildes").click()
    verdict = page.locator(".result-verdict").inner_text()
    assert "Nav nokārtots" in verdict
    assert "Jums ir atlikuši 2 mēģinājumi." in page.locator("main").inner_text()
    accessible(page)

    # Retry: answers are reviewed, changed once without losing them, then passed.
    with page.expect_navigation():
        page.get_by_role("link", name="Pildīt testu vēlreiz").click()
    answer_with_keyboard(page, {**RIGHT, "lux": "999"})
    with page.expect_navigation():
        page.get_by_role("button", name="Mainīt atbildes").click()
    lux = page.locator("#q-lux")
    assert lux.input_value() == "999"
    assert page.locator("#q-room-name").input_value() == "Sensorā telpa"
    assert page.locator("#q-exit-route-1").is_checked()
    lux.fill("3,2e2")  # not a number: the error summary takes the focus
    with page.expect_navigation():
        page.get_by_role("button", name="Pārbaudīt atbildes").click()
    assert page.title().startswith("Kļūda:")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    accessible(page)
    page.locator("#q-lux").fill("320")
    with page.expect_navigation():
        page.get_by_role("button", name="Pārbaudīt atbildes").click()
    assert "320" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Iesniegt atbildes").click()
    assert "Nokārtots" in page.locator(".result-verdict").inner_text()
    assert "Brīvs ceļš līdz izejai glābj dzīvības." in page.locator("main").inner_text()
    accessible(page)

    # Module 3 (no Lithuanian text, but this learner reads Latvian): finish the course.
    with page.expect_navigation():
        page.get_by_role("link", name="Uz nākamo moduli").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Atzīmēt kā izlasītu un turpināt").click()
    assert "Apsveicam" in page.locator(".flash-messages").inner_text()
    assert "Moduļi pabeigti: 3 no 3." in page.locator("main").inner_text()

    # Sign out, sign in again: everything is where it was.
    with page.expect_navigation():
        page.get_by_role("button", name="Iziet").click()
    sign_in(page)
    page.goto("/my")
    accessible(page)
    completed = page.locator("section", has=page.locator("#completed-title"))
    assert "Bibliotēkas pamati" in completed.inner_text()
    page.goto("/courses/library-basics")
    main = page.locator("main").inner_text()
    assert "Moduļi pabeigti: 3 no 3." in main
    assert re.search(r"Jūs pabeidzāt šo kursu \d", main)
    page.goto("/courses/library-basics/safety")
    history = page.locator(".attempt-list").inner_text()
    assert "Mēģinājums 1" in history and "Mēģinājums 2" in history


def test_module_pages_reflow_at_320_px_and_fallback_is_marked(page, journey_app):
    sign_in(page)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/courses", "/courses/library-basics", "/courses/library-basics/safety", "/my"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.set_viewport_size({"width": 1280, "height": 900})
    # Switch the interface to Lithuanian: module 3 has no Lithuanian text.
    with page.expect_navigation():
        page.get_by_role("button", name="Lietuviškai").click()
    page.goto("/courses/library-basics/closing")
    assert page.locator("html").get_attribute("lang") == "lt"
    assert page.locator(".module-content").get_attribute("lang") == "lv"
    assert page.locator(".notice").count() >= 1
    accessible(page)
