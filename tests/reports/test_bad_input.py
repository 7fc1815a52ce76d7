"""Bad filters: a clear, translated message with the right status, and never anybody's data."""

from __future__ import annotations

import pytest

from tests.reports.conftest import ADMIN, COORDINATOR, COURSE, TRAINER, html_tables

LV = {"Accept-Language": "lv"}
LT = {"Accept-Language": "lt"}


@pytest.fixture()
def coordinator(client, login_as, world):
    return login_as(COORDINATOR)


def no_figures(html: str) -> None:
    assert not html_tables(html).tables, "a refused request must not show report tables"
    assert "Ilze Bērziņa" not in html and "Atskaišu kurss</th>" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2025-02-30", "Ievadiet īstu datumu formā GGGG-MM-DD, piemēram, 2025-03-31."),
        ("end=31.12.2025", "Ievadiet īstu datumu formā GGGG-MM-DD, piemēram, 2025-03-31."),
        (
            "start=2025-05-01&end=2025-04-30",
            "Beigu datumam jābūt tādam pašam kā sākuma datums vai vēlākam.",
        ),
        ("start=0001-01-01", "Ievadiet datumu no 2000-01-01 līdz 2099-12-31."),
        ("end=9999-12-31", "Ievadiet datumu no 2000-01-01 līdz 2099-12-31."),
        ("language=de", "Izvēlieties valodu no saraksta."),
        ("org=Riga", "Izvēlieties organizāciju no saraksta."),
    ],
)
def test_invalid_filters_are_refused_with_400_and_a_message(coordinator, query, message):
    for path in (
        "/reports",
        "/reports/breakdown",
        "/reports/funnel",
        "/reports/export/courses?format=csv",
    ):
        url = f"{path}{'&' if '?' in path else '?'}{query}"
        response = coordinator.get(url, headers=LV)
        assert response.status_code == 400, url
        html = response.get_data(as_text=True)
        assert message in html
        assert "<title>Kļūda:" in html
        assert 'class="error-summary"' in html
        no_figures(html)


def test_the_message_is_translated_into_lithuanian(coordinator):
    html = coordinator.get("/reports?start=2025-13-01", headers=LT).get_data(as_text=True)
    assert "Įveskite tikrą datą formatu MMMM-MM-DD, pavyzdžiui, 2025-03-31." in html
    assert "<title>Klaida:" in html


def test_an_organisation_outside_the_scope_is_forbidden(coordinator, world):
    lithuania = world.orgs["Pasvalio rajono savivaldybė"]
    for url in (
        f"/reports?org={lithuania}",
        f"/reports/breakdown?org={lithuania}",
        f"/reports/libraries/{world.orgs['Joniškėlio biblioteka']}",
        f"/reports/export/learners?format=csv&library={world.orgs['Joniškėlio biblioteka']}",
        f"/reports/export/funder?format=xlsx&org={lithuania}",
    ):
        response = coordinator.get(url, headers=LV)
        assert response.status_code == 403, url
        html = response.get_data(as_text=True)
        assert "ārpus jūsu pārziņas" in html
        assert "Jonas Petrauskas" not in html and "Joniškėlio" not in html.split("<main")[1]


def test_unknown_organisation_course_library_and_table_are_not_found(coordinator, world):
    for url in (
        "/reports?org=99999",
        "/reports?course=no-such-course",
        "/reports/libraries/99999",
        f"/reports/libraries/{world.orgs['Jelgavas novads']}",  # a municipality, not a library
        "/reports/export/no-such-table?format=csv",
        "/reports/export/learners?format=csv&library=abc",
    ):
        response = coordinator.get(url, headers=LV)
        assert response.status_code == 404, url
        no_figures(response.get_data(as_text=True))


def test_unknown_export_format(coordinator):
    for fmt in ("pdf", "", "CSV"):
        response = coordinator.get(f"/reports/export/courses?format={fmt}", headers=LV)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Pārskatus var lejupielādēt CSV vai XLSX (Excel) formātā." in html
        assert response.mimetype == "text/html"


def test_item_analysis_of_a_course_one_does_not_author(client, login_as, world):
    login_as(TRAINER)
    assert client.get("/reports/items/no-such-course").status_code == 404
    login_as(ADMIN)
    assert client.get(f"/reports/items/{COURSE}?start=2025-02-30").status_code == 400
    # A stray course argument beside the course in the path changes nothing.
    assert client.get(f"/reports/items/{COURSE}?course={COURSE}").status_code == 200
