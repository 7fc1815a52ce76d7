"""The accessibility statement and the privacy notice, in Latvian, Lithuanian and English, linked
from every page."""

from __future__ import annotations

import pytest


def _get(client, url, lang):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/help", "/login", "/display", "/privacy", "/no-such-page"])
def test_every_page_links_to_the_statement_settings_and_privacy_notice(client, url):
    body = client.get(url).get_data(as_text=True)
    footer = body[body.index('<footer class="site-footer">') :]
    for href, text in (
        ("/accessibility", "Paziņojums par piekļūstamību"),
        ("/display", "Attēlojuma iestatījumi"),
        ("/privacy", "Privātuma paziņojums"),
    ):
        assert f'href="{href}"' in footer and text in footer


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        (
            "lv",
            [
                "daļēji atbilst",
                "27.11.2026.",
                "Ministru kabineta 2020. gada 14. jūlija noteikumiem Nr. 445",
                "Latvijas Republikas tiesībsargs",
                "Valsts digitālās attīstības aģentūra",
                "Neviens PDF/UA validators tās nav pārbaudījis",
                "neatkarīgs audits vēl nav veikts",
                '<span lang="lt">Lygių galimybių kontrolieriaus tarnyba</span>',
            ],
        ),
        (
            "lt",
            [
                "iš dalies atitinka",
                "2026 m. lapkričio 27 d.",
                "nutarimą Nr. 480",
                '<span lang="lv">Latvijas Republikas tiesībsargs</span>',
                "Lygių galimybių kontrolieriaus tarnyba",
                "Jų netikrino joks PDF/UA tikrinimo įrankis",
            ],
        ),
        (
            "en",
            [
                "partially compliant",
                "27 November 2026",
                "Directive (EU) 2016/2102",
                '<span lang="lv">Latvijas Republikas tiesībsargs</span>',
                '<span lang="lt">Lygių galimybių kontrolieriaus tarnyba</span>',
                "No PDF/UA validator has checked them",
                "no independent audit",
            ],
        ),
    ],
)
def test_the_statement_is_honest_and_complete_in_each_language(client, lang, facts):
    body = _get(client, "/accessibility", lang)
    for fact in facts:
        assert fact in body, fact
    assert 'href="/accessibility/report"' in body  # the feedback mechanism
    for anchor in (
        "status",
        "not-accessible",
        "alternatives",
        "evaluation",
        "feedback",
        "enforcement",
    ):
        assert f'id="{anchor}"' in body


def test_the_statement_names_the_contact_address_when_one_is_configured(app, client):
    app.config["CONTACT_EMAIL"] = "piekluve@example.lv"
    try:
        body = client.get("/accessibility").get_data(as_text=True)
    finally:
        app.config.pop("CONTACT_EMAIL")
    assert 'href="mailto:piekluve@example.lv"' in body


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        (
            "lv",
            [
                "Vispārīgo datu aizsardzības regulu",
                "VDAR 6. panta 1. punkta e) apakšpunkts",
                "Datu valsts inspekcija",
                '<span lang="lt">Valstybinė duomenų apsaugos inspekcija</span>',
                "Mēs nekad nejautājam par jūsu veselību",
                "Pēdējoreiz atjaunināts: 27.11.2026.",
            ],
        ),
        (
            "lt",
            [
                "Bendrąjį duomenų apsaugos reglamentą",
                "BDAR 6 straipsnio 1 dalies e punktas",
                '<span lang="lv">Datu valsts inspekcija</span>',
                "Valstybinė duomenų apsaugos inspekcija",
                "Niekada neklausiame apie jūsų sveikatą",
            ],
        ),
        (
            "en",
            [
                "Article 6(1)(e) GDPR",
                "Article 6(1)(c) GDPR",
                "We never ask about your health",
                "Last updated: 27 November 2026",
            ],
        ),
    ],
)
def test_the_privacy_notice_covers_data_basis_retention_and_rights(client, lang, facts):
    body = _get(client, "/privacy", lang)
    for fact in facts:
        assert fact in body, fact
    for anchor in ("controller", "data", "purpose", "recipients", "retention", "rights", "cookies"):
        assert f'id="{anchor}"' in body
    assert 'href="/account"' in body  # where to correct your name


def test_static_files_are_fingerprinted_and_cached(client):
    body = client.get("/").get_data(as_text=True)
    import re

    css = re.search(r'href="(/static/css/main\.css\?v=\w+)"', body).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    response.close()
    plain = client.get("/static/css/main.css")
    assert "max-age=31536000" not in plain.headers.get("Cache-Control", "")
    plain.close()


def test_production_without_a_contact_address_is_warned_about(tmp_path, caplog):
    from app import create_app

    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "CONTACT_EMAIL": ""})
    assert "CONTACT_EMAIL is not set" in caplog.text
    caplog.clear()
    create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "CONTACT_EMAIL": "a@b.lv"}
    )
    assert "CONTACT_EMAIL" not in caplog.text
