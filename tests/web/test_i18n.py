"""Interface languages: choice of locale, the switcher, and complete catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT, login

CATALOGUES = ROOT / "translations"


def _lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


def test_default_language_is_latvian(client):
    response = client.get("/login")
    assert _lang(response) == "lv"
    assert "Pieteikties" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("lt-LT,lt;q=0.9", "lt"),
        ("en-GB,en;q=0.8", "en"),
        ("de-DE,de;q=0.9", "lv"),
        ("ru,lt;q=0.5", "lt"),
    ],
)
def test_accept_language_is_honoured(client, header, expected):
    assert _lang(client.get("/", headers={"Accept-Language": header})) == expected


def test_switcher_keeps_the_choice_in_the_session(client):
    response = client.post("/language", data={"lang": "lt", "next": "/help"})
    assert response.status_code == 302 and response.headers["Location"] == "/help"
    page = client.get("/help", headers={"Accept-Language": "en"})
    assert _lang(page) == "lt"
    assert "Pagalba" in page.get_data(as_text=True)


def test_switcher_names_each_language_in_itself(client):
    body = client.get("/").get_data(as_text=True)
    for code, name in (("lv", "Latviešu"), ("lt", "Lietuviškai"), ("en", "English")):
        assert f'value="{code}" lang="{code}"' in body and name in body


def test_switcher_rejects_unknown_languages_and_open_redirects(client):
    assert client.post("/language", data={"lang": "ru"}).status_code == 400
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_saved_preference_beats_session_and_header(client, factory):
    factory.user(email="lt@example.org", language="lt")
    login(client, "lt@example.org")
    client.post("/language", data={"lang": "en"})  # signed in: the switcher saves the preference
    assert _lang(client.get("/", headers={"Accept-Language": "lv"})) == "en"
    client.post("/logout")
    login(client, "lt@example.org")
    assert _lang(client.get("/", headers={"Accept-Language": "lv"})) == "en"


def test_error_pages_are_translated(client):
    for lang, words in (
        ("lv", "Lapa nav atrasta"),
        ("lt", "Puslapis nerastas"),
        ("en", "Page not found"),
    ):
        response = client.get("/no-such-page", headers={"Accept-Language": lang})
        assert response.status_code == 404
        assert words in response.get_data(as_text=True)


def test_dates_are_formatted_for_the_locale(app):
    from datetime import date

    from app.i18n import force_locale, format_date

    with app.test_request_context():
        with force_locale("lv"):
            assert format_date(date(2026, 11, 27), "long") == "2026. gada 27. novembris"
        with force_locale("lt"):
            assert format_date(date(2026, 11, 27), "long") == "2026 m. lapkričio 27 d."


def _catalogue(lang: str):
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["lv", "lt"])
def test_catalogue_is_complete(lang):
    problems = []
    for message in _catalogue(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id)
        if isinstance(message.id, tuple) and len(strings) != 3:
            problems.append(("wrong number of plural forms", message.id))
    assert problems == []


@pytest.mark.parametrize("lang", ["lv", "lt"])
def test_catalogue_placeholders_match(lang):
    placeholder = re.compile(r"%\((\w+)\)[sdif]")
    wrong = []
    for message in _catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1]))
        for s in strings:
            if not s:
                continue  # an empty entry is reported by test_catalogue_is_complete
            if set(placeholder.findall(s)) - set(placeholder.findall(" ".join(ids))) or (
                not isinstance(message.id, tuple) and set(placeholder.findall(s)) != wanted
            ):
                wrong.append((message.id, s))
    assert wrong == []


def test_catalogue_covers_every_string_in_the_code():
    """Every msgid the code uses is in the committed catalogues (nobody forgot `make messages`)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "check.pot"
        subprocess.run(
            [
                str(Path(sys.executable).parent / "pybabel"),
                "-q",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "N_",
                "--no-location",
                "-o",
                str(pot),
                "app",
                "certificates",
            ],
            cwd=ROOT,
            check=True,
        )
        with open(pot, "rb") as fh:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("lv")}
    missing = sorted(wanted - have)
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
