"""Font checks for certificate rendering.

Certificates name their fonts explicitly (Noto Serif and Noto Sans from Debian's
``fonts-noto-core``). If a named family is missing, Pango silently substitutes another
font, which may lack Latvian or Lithuanian letters; this module turns that silent
substitution into a clear error at start-up or at the first render.

The check asks fontconfig (``fc-list``, the same configuration WeasyPrint uses through
Pango) for each family restricted to a charset of the Baltic letters: an empty answer
means the family is absent or does not cover them.
"""

import functools
import shutil
import subprocess

from app.certificates.errors import CertificateRenderError

#: Families named in the certificate stylesheets.
REQUIRED_FAMILIES: tuple[str, ...] = ("Noto Serif", "Noto Sans")

#: Letters every certificate font must have (Latvian and Lithuanian, both cases).
BALTIC_LETTERS = "āčēģīķļņšūžąęėįųĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ"

FONT_PACKAGE = "fonts-noto-core"
FONTCONFIG_PACKAGE = "fontconfig"


class MissingFontError(CertificateRenderError, RuntimeError):
    """A font named by the certificate templates is not installed or lacks letters (a render
    error like any other: the routes that catch CertificateRenderError report it politely)."""


def _escape_family(family: str) -> str:
    """Escape the characters that have a meaning in a fontconfig pattern."""
    for char in "\\-:,=":
        family = family.replace(char, "\\" + char)
    return family


def _fc_list(pattern: str) -> list[str]:
    """Return the files fontconfig lists for a pattern (one per face)."""
    executable = shutil.which("fc-list")
    if executable is None:
        raise MissingFontError(
            "Cannot check the certificate fonts: the fc-list command is missing. "
            f"Install it with: apt-get install {FONTCONFIG_PACKAGE}"
        )
    result = subprocess.run(
        [executable, "--format", "%{file}\n", pattern],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        raise MissingFontError(
            f"Cannot check the certificate fonts: fc-list failed ({result.stderr.strip()})."
        )
    return [line for line in result.stdout.splitlines() if line.strip()]


def check_fonts(
    families: tuple[str, ...] = REQUIRED_FAMILIES, letters: str = BALTIC_LETTERS
) -> None:
    """Raise MissingFontError unless every family is installed and covers ``letters``."""
    charset = _charset(letters)
    for family in families:
        escaped = _escape_family(family)
        if _fc_list(f"{escaped}:charset={charset}"):
            continue
        if _fc_list(escaped):
            missing = "".join(
                char
                for char in sorted(set(letters))
                if not _fc_list(f"{escaped}:charset={ord(char):x}")
            )
            raise MissingFontError(
                f'The font family "{family}" used by the certificates is installed but '
                f"lacks these letters: {missing}. Install the full family with: "
                f"apt-get install {FONT_PACKAGE}"
            )
        raise MissingFontError(
            f'The font family "{family}" used by the certificates is not installed. '
            f"Install it with: apt-get install {FONT_PACKAGE}"
        )


def _charset(chars: str) -> str:
    return " ".join(f"{ord(char):x}" for char in sorted(set(chars)))


@functools.lru_cache(maxsize=4096)
def _family_covers(escaped_family: str, chars: str) -> bool:
    """Whether fontconfig has a face of the family with every one of ``chars`` (cached)."""
    return bool(_fc_list(f"{escaped_family}:charset={_charset(chars)}"))


def unprintable(text: str, families: tuple[str, ...] = REQUIRED_FAMILIES) -> str:
    """The characters of ``text`` that one of ``families`` cannot print (each once, in the order
    they appear), which would come out as boxes or in another font; "" when all can be printed.

    White space is not checked. One fc-list call per family for a name it covers (cached), one
    per character otherwise. Raises MissingFontError when a family is not installed at all (or
    fc-list is missing): that is a render failure, not a problem of the text.
    """
    chars = "".join(dict.fromkeys(char for char in text if not char.isspace()))
    if not chars:
        return ""
    lacking: set[str] = set()
    for family in families:
        escaped = _escape_family(family)
        if _family_covers(escaped, "".join(sorted(chars))):
            continue
        if not _fc_list(escaped):
            raise MissingFontError(
                f'The font family "{family}" used by the certificates is not installed. '
                f"Install it with: apt-get install {FONT_PACKAGE}"
            )
        lacking.update(char for char in chars if not _family_covers(escaped, char))
    return "".join(char for char in chars if char in lacking)


@functools.lru_cache(maxsize=8)
def ensure_fonts(families: tuple[str, ...] = REQUIRED_FAMILIES) -> None:
    """Check the certificate fonts once per process (a success is cached, a failure is not)."""
    check_fonts(families)
