"""Serial numbers, verification codes, names and file names: pure functions, no Flask.

**Serial number** ``<PREFIX>-<YEAR>-<NUMBER>``, e.g. ``LV-LT-2026-000123``: the prefix is
configurable (``CERTIFICATE_SERIAL_PREFIX``, default ``LV-LT``), the year is the year of issue,
the number counts up from 1 within each year, zero-padded to six digits (more digits after
999999). Serials are public (printed on the certificate) and guessable, so a serial alone
never reveals anything: see ``surname_matches``.

**Verification code**: 20 characters drawn with ``secrets`` from 31 letters and digits that
cannot be confused with each other (no 0/O, 1/I/L), printed in groups of four:
``K7QX-9MZ2-PRW4-R8TD-HN3C`` (about 99 bits; cannot be guessed or enumerated). Input is
forgiving: lower case, spaces, missing or extra dashes and a pasted verification URL are
accepted.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 20
CODE_GROUP = 4
DEFAULT_SERIAL_PREFIX = "LV-LT"
SERIAL_DIGITS = 6

_DASHES = re.compile(r"[\s\u2010-\u2015\u2212_.-]+")
_SERIAL_RE = re.compile(r"^(?P<prefix>[A-Z]{2}(?:-[A-Z]{2})*)-(?P<year>\d{4})-(?P<number>\d{6,})$")
_PREFIX_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z]{2})*$")
_SPACES = re.compile(r"\s+")
_FILE_UNSAFE = re.compile(r"[^\w-]+")


# --- verification codes ---------------------------------------------------------------------


def new_verification_code() -> str:
    """A fresh random code in its printed form (groups of four joined by dashes)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return _group(raw)


def _group(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def normalise_code(text: str | None) -> str | None:
    """The code in its printed form, or None when ``text`` cannot be a verification code.

    Accepts the code as printed, in lower case, with spaces or other dashes, or a whole
    verification URL (``…/verify/<code>``).
    """
    if not text:
        return None
    text = text.strip()
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    raw = _DASHES.sub("", text).upper()
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return None
    return _group(raw)


# --- serial numbers -------------------------------------------------------------------------


def check_serial_prefix(prefix: str) -> str:
    """Return ``prefix`` when usable (two capital letters, optionally more groups: ``LV-LT``)."""
    if not _PREFIX_RE.match(prefix):
        raise ValueError(f"Certificate serial prefix must look like 'LV-LT', got {prefix!r}")
    return prefix


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{check_serial_prefix(prefix)}-{year:04d}-{number:0{SERIAL_DIGITS}d}"


def serial_pattern(prefix: str, year: int) -> str:
    """The SQL LIKE pattern of the serials of one prefix and year (no LIKE wildcards inside)."""
    return f"{check_serial_prefix(prefix)}-{year:04d}-%"


def serial_number(serial: str) -> int:
    """The running number of a serial (``LV-LT-2026-000123`` → 123)."""
    match = _SERIAL_RE.match(serial)
    if match is None:
        raise ValueError(f"Not a certificate serial number: {serial!r}")
    return int(match["number"])


def normalise_serial(text: str | None) -> str | None:
    """The serial in its printed form, or None when ``text`` cannot be a serial number."""
    if not text:
        return None
    raw = _DASHES.sub("-", text.strip().upper()).strip("-")
    return raw if _SERIAL_RE.match(raw) else None


# --- names ----------------------------------------------------------------------------------


def clean_name(text: str) -> str:
    """A name as it will be printed: NFC, single spaces, no control characters, trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C" or char == " ")
    return _SPACES.sub(" ", text).strip()


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Šņore-Ūdre' and 'snore-udre' compare equal."""
    decomposed = unicodedata.normalize("NFKD", clean_name(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def surname_matches(printed_name: str, typed: str) -> bool:
    """True when ``typed`` is the surname printed on a certificate.

    The surname is the last word of the printed name (a double-barrelled surname is one word:
    ``Šņore-Ūdre``); the whole printed name is accepted too. The comparison ignores case and
    diacritics, so a verifier abroad can type ``Snore-Udre``.
    """
    wanted = _fold(typed)
    if not wanted:
        return False
    name = _fold(printed_name)
    return wanted == name or wanted == name.split(" ")[-1]


# --- file names -----------------------------------------------------------------------------

#: The word for "certificate" in file names, in the certificate's language.
FILE_WORDS = {"lv": "Apliecība", "lt": "Pažymėjimas", "en": "Certificate"}


def _file_part(text: str) -> str:
    """Letters (diacritics kept), digits and dashes; spaces become dashes."""
    part = _FILE_UNSAFE.sub("-", unicodedata.normalize("NFC", text).replace(" ", "-"))
    return re.sub(r"-{2,}", "-", part).strip("-_") or "x"


def download_name(language: str, serial: str, course_id: str) -> str:
    """The PDF's file name, e.g. ``Apliecība_LV-LT-2026-000123_sensory-reading-room.pdf``."""
    word = FILE_WORDS.get(language, FILE_WORDS["en"])
    return f"{word}_{_file_part(serial)}_{_file_part(course_id)}.pdf"


def archive_member_name(serial: str, learner_name: str) -> str:
    """A file name inside a ZIP export: ``LV-LT-2026-000123_Līga-Šņore-Ūdre.pdf``."""
    return f"{_file_part(serial)}_{_file_part(learner_name)[:80]}.pdf"
