"""A module page prints cleanly: the module's text (with its tables whole and link addresses
written out) and nothing of the site's navigation, forms or quiz."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.a11y.pages.learning import COURSE
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser


def test_a_module_page_prints_only_its_content(browser, live_app, live_server):
    Factory(live_app).user(email="ilze@example.org")
    context = browser.new_context(base_url=live_server)
    context.request.post("/login", form={"email": "ilze@example.org", "password": PASSWORD})
    page = context.new_page()
    page.goto(f"/courses/{COURSE}/equipment")
    title = page.locator("main h1").inner_text()
    first_paragraph = page.locator(".module-content p").first.inner_text()
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header', '.site-footer', '.quiz', '.pager', '.skip-link',
        '.breadcrumbs', '.toc'].filter(s => document.querySelector(s)
        && document.querySelector(s).getClientRects().length > 0)""")
    assert hidden == [], f"printed although it should not be: {hidden}"
    tables = page.evaluate(
        "[...document.querySelectorAll('.module-content table')]"
        ".map(t => getComputedStyle(t).display)"
    )
    assert all(display == "table" for display in tables)
    pdf = page.pdf(format="A4")
    context.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    normalised = " ".join(text.split())
    assert " ".join(title.split()) in normalised
    assert " ".join(first_paragraph.split())[:60] in normalised
    for absent in (
        "Pāriet uz galveno saturu",
        "Paziņojums par piekļūstamību",
        "Pārbaudīt atbildes",
    ):
        assert absent not in normalised, absent
