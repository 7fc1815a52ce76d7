"""The certificate journey in Chromium: the certificate appears in "My learning", the learner
chooses another language and confirms the name, downloads the PDF, and anyone can verify it
signed out; the replaced certificate says so."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from app.certificates.models import Certificate
from app.extensions import db
from app.learning import content
from tests.certificates.conftest import FIXTURE_COURSES, TITLES, complete_course
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
EMAIL = "girts@example.org"
NAME = "Ģirts Ķēniņš-Žūriņa"


@pytest.fixture()
def graduate(live_app, tmp_path):
    """A learner who has completed the fixture course (through the learning services)."""
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, folder)
    previous = live_app.config["COURSES_DIR"]
    live_app.config["COURSES_DIR"] = str(folder)
    with live_app.app_context():
        content.reset_registry()
    user_id = Factory(live_app).user(email=EMAIL, name=NAME, language="lv")
    complete_course(live_app, user_id)
    yield user_id
    live_app.config["COURSES_DIR"] = previous
    with live_app.app_context():
        content.reset_registry()


def accessible(page) -> None:
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, f"{page.url}\n{result.generate_report()}"


def test_choose_language_and_name_download_and_verify(
    page, browser, live_app, live_server, graduate
):
    page.goto("/login")
    page.get_by_label("E-pasta adrese").fill(EMAIL)
    page.get_by_label("Parole").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # "My learning" shows the certificate issued at completion.
    page.goto("/my")
    section = page.locator("section.certificates-section")
    assert section.get_by_role("heading", name="Manas apliecības").is_visible()
    assert TITLES["lv"] in section.inner_text()
    accessible(page)

    # Choose English and confirm the name (pre-filled from the profile), adding a second surname.
    with page.expect_navigation():
        section.get_by_role("link", name="Mainīt valodu vai vārdu").click()
    name_field = page.get_by_label("Jūsu vārds un uzvārds, kā tam jābūt apliecībā")
    assert name_field.input_value() == NAME
    assert page.get_by_label("Latviešu").is_checked()
    accessible(page)
    page.get_by_label("English").check()
    name_field.fill(NAME + " Bērziņš")
    with page.expect_navigation():
        page.get_by_role("button", name="Izsniegt jauno apliecību").click()

    assert page.url.endswith("/certificates")
    assert "Jūsu jaunā apliecība" in page.get_by_role("status").first.inner_text()
    accessible(page)
    card = page.locator("ul.certificate-list > li").first
    assert TITLES["en"] in card.inner_text()
    code = card.locator("dd.certificate-code").inner_text().strip()

    # Download the PDF and read it.
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Lejupielādēt apliecību (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("Certificate_LV-LT-")
    pdf = Path(download.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert NAME + " Bērziņš" in text
    assert TITLES["en"] in text
    assert code in text
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "en"
    with live_app.app_context():
        new, old = (
            db.session.scalar(db.select(Certificate).where(Certificate.verification_code == code)),
            db.session.scalar(db.select(Certificate).order_by(Certificate.id)),
        )
        assert pdf == new.pdf
        old_code, new_serial = old.verification_code, new.serial

    # Anyone can verify it, signed out (a fresh browser context).
    visitor = browser.new_context(base_url=live_server, locale="en-GB")
    try:
        other = visitor.new_page()
        other.goto(f"/verify/{code}")
        assert other.locator("html").get_attribute("lang") == "en"
        main = other.locator("main").inner_text()
        assert "Valid" in main and NAME + " Bērziņš" in main and new.sha256 in main
        accessible(other)
        # The replaced certificate points to its replacement.
        other.goto(f"/verify/{old_code}")
        assert f"Replaced by certificate {new_serial}" in other.locator("main").inner_text()
        # Typing the code into the form works too, in lower case.
        other.goto("/verify")
        other.get_by_label("Verification code or certificate number").fill(code.lower())
        with other.expect_navigation():
            other.get_by_role("button", name="Check the certificate").click()
        assert NAME + " Bērziņš" in other.locator("main").inner_text()
        # An unknown code: a plain "not found".
        response = other.goto("/verify/AAAA-BBBB-CCCC-DDDD-EEEE")
        assert response.status == 404
        assert other.get_by_role("heading", level=1).inner_text() == "Certificate not found"
    finally:
        visitor.close()
