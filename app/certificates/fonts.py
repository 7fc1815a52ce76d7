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
    charset = " ".join(f"{ord(char):x}" for char in sorted(set(letters)))
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


@functools.lru_cache(maxsize=8)
def ensure_fonts(families: tuple[str, ...] = REQUIRED_FAMILIES) -> None:
    """Check the certificate fonts once per process (a success is cached, a failure is not)."""
    check_fonts(families)
