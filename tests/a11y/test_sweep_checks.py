"""The sweep's own checks notice real problems (so a green sweep means something): a page with
known faults, served in place of a route, is reported on every count."""

from __future__ import annotations

import pytest

from tests.a11y.sweep import EMPTY, State, Sweep

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kļūda: broken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<header><a href="/">Home</a></header>
<main id="main"><h1>One</h1><h3>Skipped a level</h3><h1>Two</h1>
<img src="/static/favicon.svg"><input type="text" name="unlabelled">
<p style="color:#bbb">Pale text</p><div style="width:900px">Too wide for a phone</div>
<img src="https://cdn.example.org/pixel.png" alt="from elsewhere"></main>
</body></html>"""

GOOD = """<!doctype html><html lang="lv"><head><meta charset="utf-8"><title>Labi</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/main.css"></head><body>
<a class="skip-link" href="#main">Pāriet uz galveno saturu</a>
<header class="site-header"><div class="header-inner"><a class="site-name" href="/">Lasītava</a></div></header>
<main id="main" tabindex="-1"><h1>Virsraksts</h1><h2>Apakšvirsraksts</h2><p>Teksts.</p></main>
<footer>Kājene</footer></body></html>"""


def _serve(page, live_server, body: str, status: int = 200) -> None:
    page.route(
        f"{live_server}/sweep-test-page",
        lambda route: route.fulfill(
            status=status, content_type="text/html; charset=utf-8", body=body
        ),
    )
    page.route("https://cdn.example.org/**", lambda route: route.abort())
    page.goto("/sweep-test-page")


def test_a_faulty_page_is_reported_on_every_count(browser, live_app, live_server):
    sweep = Sweep(browser, live_app, live_server, {})
    try:
        page = sweep.page_for(None)
        _serve(page, live_server, BROKEN, status=500)
        problems = "\n".join(sweep.check(page, "lv", EMPTY))
        for expected in (
            "HTTP 500",
            '<html lang="en">, expected "lv"',
            "in the title of a state without errors",
            "first focusable element is not the skip link",
            "landmarks",
            "exactly one h1, found 2",
            "heading levels skip from h1 to h3",
            "image-alt",
            "label",
            "color-contrast",
            "at 320 px the page scrolls sideways",
        ):
            assert expected in problems, f"not reported: {expected}\n{problems}"
        assert "div (900 px)" in problems  # says what is too wide
        assert sweep.foreign_requests == ["https://cdn.example.org/pixel.png"]
        error_state = State("error", status=500, errors=True)
        assert "the error summary" not in "\n".join(sweep.check(page, "lv", error_state))
    finally:
        sweep.close()


def test_a_sound_page_passes(browser, live_app, live_server):
    sweep = Sweep(browser, live_app, live_server, {})
    try:
        page = sweep.page_for(None)
        _serve(page, live_server, GOOD)
        assert sweep.check(page, "lv", EMPTY) == []
        assert sweep.check(page, "lv", State("error", errors=True)) == [
            "error state without “Kļūda:” in the title: 'Labi'"
        ]
    finally:
        sweep.close()
