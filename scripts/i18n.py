"""Maintain the interface translation catalogues (translations/<lang>/LC_MESSAGES/messages.po).

    python scripts/i18n.py update            extract strings, merge into lv/lt/en, compile
    python scripts/i18n.py missing [LANG]    print untranslated or fuzzy entries as JSON to fill in
    python scripts/i18n.py set FILE.json     update, then apply translations from FILE.json, compile
    python scripts/i18n.py check             exit 1 when lv or lt has an empty or fuzzy entry

FILE.json maps msgid -> {"lv": "...", "lt": "..."}; for plural entries the value is
{"lv": [form0, form1, form2], "lt": [form0, form1, form2]}. Plural form order (from CLDR via Babel):
  lv: [0] n%10==0 or 11..19 ("0 moduļu", "10 moduļu")  [1] ends in 1, not 11 ("1 modulis", "21 modulis")
      [2] the rest ("2 moduļi")
  lt: [0] ends in 1, not 11 ("1 modulis")  [1] ends in 2..9, not 12..19 ("2 moduliai")
      [2] the rest: 0, 10..20 ("10 modulių")
Every write happens under a file lock, so several people can run it at the same time.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGS = ("lv", "lt", "en")
BIN = Path(sys.executable).parent


@contextmanager
def locked():
    TRANSLATIONS.mkdir(exist_ok=True)
    with open(TRANSLATIONS / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(*args: str) -> None:
    subprocess.run(
        [str(BIN / "pybabel"), "-q", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _update() -> None:
    _run(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "N_",
        "--no-location",
        "--sort-output",
        "--project",
        "Lasitava",
        "--copyright-holder",
        "Lasitava",
        "-o",
        str(POT),
        "app",
        "certificates",
    )
    for lang in LANGS:
        if po_path(lang).exists():
            _run(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            _run("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


def _compile() -> None:
    _run("compile", "-d", str(TRANSLATIONS), "-D", "messages")


def _load(lang: str):
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang)


def _save(lang: str, catalog) -> None:
    with open(po_path(lang), "wb") as fh:
        write_po(
            fh, catalog, width=100, omit_header=False, ignore_obsolete=True, include_previous=False
        )


def _is_missing(message) -> bool:
    if not message.id:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


def cmd_update() -> int:
    with locked():
        _update()
        _compile()
    return 0


def cmd_missing(langs: list[str]) -> int:
    out: dict[str, dict] = {}
    for lang in langs or ["lv", "lt"]:
        for message in _load(lang):
            if _is_missing(message):
                key = message.id if isinstance(message.id, str) else message.id[0]
                entry = out.setdefault(key, {})
                if isinstance(message.id, tuple):
                    entry["_plural"] = message.id[1]
                    entry[lang] = ["", "", ""]
                else:
                    entry[lang] = ""
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


def cmd_set(path: str) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = []
    with locked():
        _update()
        for lang in ("lv", "lt"):
            catalog = _load(lang)
            for msgid, entry in data.items():
                if lang not in entry:
                    continue
                message = catalog.get(msgid)
                if message is None:
                    if lang == "lv":
                        unknown.append(msgid)
                    continue
                value = entry[lang]
                if isinstance(message.id, tuple):
                    if not (isinstance(value, list) and len(value) == 3):
                        raise SystemExit(f"{lang}: plural entry needs 3 forms: {msgid!r}")
                    message.string = tuple(value)
                else:
                    message.string = value
                message.flags.discard("fuzzy")
            _save(lang, catalog)
        _compile()
    for msgid in unknown:
        print(f"not in the code (skipped): {msgid!r}", file=sys.stderr)
    return 0


def cmd_check() -> int:
    bad = 0
    for lang in ("lv", "lt"):
        for message in _load(lang):
            if _is_missing(message):
                bad += 1
                print(f"{lang}: untranslated or fuzzy: {message.id!r}")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "update":
        return cmd_update()
    if command == "missing":
        return cmd_missing(rest)
    if command == "set" and len(rest) == 1:
        return cmd_set(rest[0])
    if command == "check":
        return cmd_check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
