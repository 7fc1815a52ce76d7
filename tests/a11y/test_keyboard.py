"""Keyboard-only journeys in Chromium: signing in, changing the display settings, taking a quiz
and downloading a certificate with Tab, Shift+Tab, Enter and Space (plus typing, and the arrow
keys where the browser's own controls need them: a radio group that already has a choice, and a
drop-down list). At every stop the focus must be visible (an outline or a ring) and not hidden
behind anything."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.a11y.pages.learning import COURSE, complete_course
from tests.conftest import PASSWORD, Factory, get_user

pytestmark = pytest.mark.browser

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const label = el.labels && el.labels.length ? el.labels[0] : null;
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, name: el.name || '',
    value: el.value || '', checked: !!el.checked, href: el.getAttribute('href') || '',
    cls: typeof el.className === 'string' ? el.className : '',
    text: (el.innerText || el.value || '').trim().slice(0, 80),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    ring: style.boxShadow !== 'none',
    inView: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
    onTop: !!top && (el === top || el.contains(top) || (label !== null && label.contains(top))),
  };
}"""


def focus(page) -> dict:
    return page.evaluate(_FOCUS)


def assert_focus_visible(page) -> dict:
    info = focus(page)
    if info["tag"] in ("body", "main"):  # after a page load or the skip link: nothing to see
        return info
    where = f"{info['tag']}#{info['id']} {info['text']!r}"
    assert info["outline"] or info["ring"], f"focus not visible on {where}"
    assert info["inView"], f"focused element outside the window: {where}"
    assert info["onTop"], f"focused element hidden behind another element: {where}"
    return info


def tab_until(page, wanted, *, key: str = "Tab", limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until ``wanted(focus)`` holds, checking the focus at every stop."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = assert_focus_visible(page)
        if wanted(info):
            return info
    raise AssertionError(f"{key} never reached the wanted element; last: {focus(page)}")


def enter(page, key: str = "Enter") -> None:
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


def test_signing_in_with_the_keyboard_alone(page, live_app):
    Factory(live_app).user(email="ilze@example.org", name="Ilze Bērziņa-Ķēniņa")
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert "skip-link" in skip["cls"] and skip["href"] == "#main", "the skip link is the first stop"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_until(page, lambda f: f["id"] == "email")
    page.keyboard.type("Ilze@Example.org")
    tab_until(page, lambda f: f["id"] == "password")
    page.keyboard.type("not the password")
    enter(page)  # Enter in a field sends the form

    assert page.title().startswith("Kļūda:")
    summary = focus(page)
    assert "error-summary" in summary["cls"], "the error summary takes the focus"
    link = tab_until(page, lambda f: f["tag"] == "a")
    assert link["href"] == "#password"
    page.keyboard.press("Enter")  # the summary's link moves the focus into the field
    assert focus(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    back = tab_until(page, lambda f: f["id"] == "email", key="Shift+Tab")
    assert back["value"] == "Ilze@Example.org", "what was typed is kept"
    tab_until(page, lambda f: f["id"] == "password")
    remember = tab_until(page, lambda f: f["id"] == "remember")
    assert not remember["checked"]
    page.keyboard.press("Space")
    assert focus(page)["checked"]
    tab_until(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Sveicināti, Ilze Bērziņa-Ķēniņa!"


def test_changing_the_display_settings_with_the_keyboard(page, live_app):
    page.goto("/")
    tab_until(page, lambda f: f["href"] == "/display")  # the footer link
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Attēlojuma iestatījumi"
    size = tab_until(page, lambda f: f["name"] == "text_size")
    assert size["value"] == "100" and size["checked"]
    page.keyboard.press("ArrowDown")  # a radio group: the arrow keys move the choice
    page.keyboard.press("ArrowDown")
    assert focus(page)["value"] == "150" and focus(page)["checked"]
    tab_until(page, lambda f: f["id"] == "high_contrast")
    page.keyboard.press("Space")
    tab_until(page, lambda f: f["id"] == "dyslexia_spacing")
    page.keyboard.press("Space")
    save = tab_until(page, lambda f: f["tag"] == "button")
    assert save["name"] == "" and "Saglabāt" in save["text"]
    enter(page)
    classes = page.evaluate("document.documentElement.className").split()
    assert set(classes) == {"text-150", "theme-contrast", "dyslexia-spacing"}
    assert "Jūsu attēlojuma iestatījumi ir saglabāti." in page.locator(".flash").inner_text()
    # The confirmation takes the focus (a screen reader reads it out); the skip link is one
    # Shift+Tab away. With the larger text and high contrast the focus is still visible.
    assert "flash-messages" in assert_focus_visible(page)["cls"]
    assert "skip-link" in tab_until(page, lambda f: "skip-link" in f["cls"], key="Shift+Tab")["cls"]
    tab_until(page, lambda f: f["name"] == "reset")
    enter(page, "Space")  # Space activates a button too
    assert page.evaluate("document.documentElement.className") == ""


def _answer_with_keys(page, info: dict, seen_groups: set[str]) -> None:
    """Answer the focused quiz control with the keyboard."""
    if info["type"] == "radio" and info["name"] not in seen_groups:
        seen_groups.add(info["name"])
        page.keyboard.press("Space")  # no choice yet in this group: Space chooses this one
        assert focus(page)["checked"]
    elif info["type"] == "checkbox" and info["name"] not in seen_groups:
        seen_groups.add(info["name"])
        page.keyboard.press("Space")
        assert focus(page)["checked"]
    elif info["tag"] == "input" and info["type"] == "text":
        page.keyboard.type(
            "3,5" if "decimal" in page.evaluate("document.activeElement.inputMode") else "Snoezelen"
        )
    elif info["tag"] == "select":
        page.keyboard.press("ArrowDown")  # picks the first answer in the list
        assert focus(page)["value"] != ""


def test_taking_a_quiz_with_the_keyboard(page, live_app):
    Factory(live_app).user(email="ilze@example.org", name="Ilze Bērziņa-Ķēniņa")
    page.goto("/login")
    page.fill("#email", "ilze@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"/courses/{COURSE}/equipment")

    seen: set[str] = set()
    stops = 0
    while True:
        page.keyboard.press("Tab")
        info = assert_focus_visible(page)
        stops += 1
        assert stops < 200, "never reached the quiz's button"
        if info["tag"] == "button" and info["value"] == "review":
            break
        if page.evaluate("!!document.activeElement.closest('form.quiz-form')"):
            _answer_with_keys(page, info, seen)
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Pārbaudiet savas atbildes"
    submit = tab_until(page, lambda f: f["tag"] == "button" and f["value"] == "submit")
    assert submit["text"]
    enter(page)
    assert "/attempts/1" in page.url
    assert page.locator("main h1").is_visible()
    with live_app.app_context():
        from app.learning.models import QuizAttempt

        attempt = db.session.scalar(db.select(QuizAttempt))
        assert attempt.module_id == "equipment" and attempt.attempt_no == 1


def test_downloading_a_certificate_with_the_keyboard(page, live_app):
    user_id = Factory(live_app).user(email="girts@example.org", name="Ģirts Ķēniņš-Žūriņa")
    with live_app.app_context():
        complete_course(user_id, COURSE)
        db.session.commit()
    page.goto("/login")
    page.fill("#email", "girts@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/certificates")
    link = tab_until(page, lambda f: "/download" in f["href"])
    assert "Lejupielādēt" in link["text"]
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")
    assert get_user(live_app, "girts@example.org").full_name == "Ģirts Ķēniņš-Žūriņa"
