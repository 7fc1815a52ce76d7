"""The platform follows the computer's own settings: more contrast, forced colours (Windows
contrast themes) and reduced motion, without anyone having to find the display settings."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.a11y.sweep import AXE_OPTIONS

pytestmark = pytest.mark.browser

_ANIMATED = """() => {
  const el = document.createElement('div');
  el.textContent = 'moving';
  el.style.animation = 'a11y-test-spin 2s linear infinite';
  el.style.transition = 'opacity 3s';
  document.querySelector('main').appendChild(el);
  const style = getComputedStyle(el);
  return {animation: style.animationName, transition: style.transitionDuration};
}"""


def _color(page, selector: str, prop: str = "color") -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r}))[{prop!r}]")


def test_more_contrast_uses_the_high_contrast_colours(page):
    page.goto("/display")
    assert _color(page, ".hint") == "rgb(74, 74, 74)"
    page.emulate_media(contrast="more")
    assert _color(page, ".hint") == "rgb(0, 0, 0)"
    assert _color(page, ".site-header", "backgroundColor") == "rgb(0, 0, 0)"
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, result.generate_report()


def test_reduced_motion_stops_animations_from_the_system_setting_and_from_the_page_setting(page):
    page.goto("/help")
    assert page.evaluate(_ANIMATED) == {"animation": "a11y-test-spin", "transition": "3s"}
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(_ANIMATED) == {"animation": "none", "transition": "0s"}
    page.emulate_media(reduced_motion="no-preference")
    page.goto("/display")
    with page.expect_navigation():
        page.locator("#reduced_motion").check()
        page.locator("main button[type=submit]").first.click()
    assert "reduce-motion" in page.evaluate("document.documentElement.className")
    assert page.evaluate(_ANIMATED) == {"animation": "none", "transition": "0s"}


def test_forced_colours_keep_the_focus_and_the_buttons_visible(page):
    page.emulate_media(forced_colors="active")
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; }""")
    assert skip[0] == "skip-link" and skip[1] != "none" and float(skip[2].rstrip("px")) >= 2
    border = page.evaluate(
        "getComputedStyle(document.querySelector('main .button')).borderTopStyle"
    )
    assert border == "solid"
