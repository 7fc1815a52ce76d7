"""Serial numbers, verification codes, surname matching and file names (pure functions)."""

from __future__ import annotations

import re

import pytest

from app.certificates import codes

CODE_RE = re.compile(
    r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}){4}$"
)


def test_verification_codes_are_grouped_unambiguous_and_random():
    generated = {codes.new_verification_code() for _ in range(2000)}
    assert len(generated) == 2000
    for code in generated:
        assert CODE_RE.match(code), code
        assert not set(code) & set("01OIL")


@pytest.mark.parametrize(
    "typed",
    [
        "K7QX-9MZ2-PRW4-R8TD-HN3C",
        "k7qx-9mz2-prw4-r8td-hn3c",
        " K7QX 9MZ2 PRW4 R8TD HN3C ",
        "K7QX9MZ2PRW4R8TDHN3C",
        "K7QX–9MZ2–PRW4–R8TD–HN3C",  # en dashes from a word processor
        "https://lasitava.example/verify/K7QX-9MZ2-PRW4-R8TD-HN3C",
        "https://lasitava.example/verify/K7QX-9MZ2-PRW4-R8TD-HN3C/",
    ],
)
def test_codes_are_accepted_as_people_type_or_paste_them(typed):
    assert codes.normalise_code(typed) == "K7QX-9MZ2-PRW4-R8TD-HN3C"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "K7QX-9MZ2-PRW4-R8TD",  # too short
        "K7QX-9MZ2-PRW4-R8TD-HN3C-AAAA",  # too long
        "K7QX-9MZ2-PRW4-R8TD-HN3O",  # O is not in the alphabet
        "K7QX-9MZ2-PRW4-R8TD-HN31",
        "LV-LT-2026-000123",
        "'; DROP TABLE certificate; --",
        "../../etc/passwd",
    ],
)
def test_malformed_codes_are_rejected(typed):
    assert codes.normalise_code(typed) is None


def test_serials_count_per_year_with_six_digits_and_more_after_a_million():
    assert codes.format_serial("LV-LT", 2026, 123) == "LV-LT-2026-000123"
    assert codes.format_serial("LV-LT", 2027, 1) == "LV-LT-2027-000001"
    assert codes.format_serial("LV-LT", 2026, 1234567) == "LV-LT-2026-1234567"
    assert codes.serial_number("LV-LT-2026-000123") == 123
    assert codes.serial_pattern("LV-LT", 2026) == "LV-LT-2026-%"
    with pytest.raises(ValueError):
        codes.format_serial("lv_lt%", 2026, 1)


@pytest.mark.parametrize(
    "typed",
    ["LV-LT-2026-000123", "lv-lt-2026-000123", " LV LT 2026 000123 ", "LV–LT–2026–000123"],
)
def test_serials_are_normalised(typed):
    assert codes.normalise_serial(typed) == "LV-LT-2026-000123"


@pytest.mark.parametrize("typed", ["", "LV-LT-26-000123", "LV-LT-2026-12", "2026-000123", "x"])
def test_malformed_serials_are_rejected(typed):
    assert codes.normalise_serial(typed) is None


@pytest.mark.parametrize(
    ("printed", "typed", "matches"),
    [
        ("Līga Šņore-Ūdre", "Šņore-Ūdre", True),
        ("Līga Šņore-Ūdre", "snore-udre", True),  # typed abroad, without diacritics
        ("Līga Šņore-Ūdre", "  ŠŅORE-ŪDRE ", True),
        ("Līga Šņore-Ūdre", "Līga Šņore-Ūdre", True),
        ("Līga Šņore-Ūdre", "Līga", False),  # the given name is not enough
        ("Līga Šņore-Ūdre", "Šņore", False),
        ("Līga Šņore-Ūdre", "", False),
        ("Rūta Čėsnaitė-Šųrienė", "Cesnaite-Suriene", True),
        ("Rūta Čėsnaitė-Šųrienė", "Čėsnaitė", False),
    ],
)
def test_surname_matching(printed, typed, matches):
    assert codes.surname_matches(printed, typed) is matches


def test_names_are_cleaned_but_keep_every_letter():
    assert codes.clean_name("  Ģirts \t Ķēniņš-Žūriņa\u200b ") == "Ģirts Ķēniņš-Žūriņa"
    # Decomposed input (a Mac keyboard) is stored composed.
    assert codes.clean_name("S\u030cn\u0327ore") == "Šņore"


def test_download_names_are_in_the_certificate_language():
    assert (
        codes.download_name("lv", "LV-LT-2026-000123", "reading-aloud")
        == "Apliecība_LV-LT-2026-000123_reading-aloud.pdf"
    )
    assert codes.download_name("lt", "LV-LT-2026-000123", "x").startswith("Pažymėjimas_")
    assert codes.download_name("en", "LV-LT-2026-000123", "x").startswith("Certificate_")
    assert (
        codes.archive_member_name("LV-LT-2026-000123", "Līga Šņore/Ūdre")
        == "LV-LT-2026-000123_Līga-Šņore-Ūdre.pdf"
    )
