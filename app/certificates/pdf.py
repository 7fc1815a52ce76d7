"""Certificate PDF rendering: a pure function from a plain snapshot to PDF bytes.

The issuing and verification flows build a :class:`CertificateSnapshot` (plain values,
never ORM objects) and call :func:`render_certificate_pdf`. Rendering does not touch
Flask: the certificate template is rendered with a standalone Jinja2 environment whose
gettext functions come from the platform's catalogues for the certificate's language
(English, the source language, when no catalogue exists), so a certificate is always
rendered under its own locale whatever the current request's locale is.

The output is PDF/A-3a (tagged, archival, sRGB output intent) as written by WeasyPrint,
with the PDF/UA-1 identifier added to the same XMP packet. WeasyPrint may fetch only
files inside the certificate template's folder (and ``data:`` URIs): no network, no
other file.

Dates in the PDF metadata come from the snapshot (``completed_on``), and the file
identifier is derived from the content, so the same snapshot renders to the same bytes
with the same fonts and library versions.
"""

import io
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import segno
import yaml
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.document import Document
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from app.certificates.errors import CertificateRenderError
from app.certificates.fonts import REQUIRED_FAMILIES, ensure_fonts

PLATFORM_NAME = "Lasītava"
LANGUAGES: tuple[str, ...] = ("lv", "lt", "en")
DEFAULT_TEMPLATE = "default"
PDF_VARIANT = "pdf/a-3a"

#: Babel locale used for dates and numbers of each certificate language. English
#: certificates use the day-month-year order familiar in Europe ("27 November 2026").
FORMAT_LOCALES = {"lv": "lv_LV", "lt": "lt_LT", "en": "en_GB"}

# The PDF/A output intent: WeasyPrint's own sRGB profile under a name of ours. With
# output_intent="srgb", WeasyPrint 70 opens that file and never closes it (a ResourceWarning,
# an error under the test suite's filterwarnings); handing it the profile avoids the leak
# and gives the same OutputIntent (GTS_PDFA1, "IEC 61966-2-1 Default RGB Colour Space").
_OUTPUT_INTENT = "lasitava-srgb"

_TEMPLATE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_PAGE_SIZE_RE = re.compile(
    r"^(A3|A4|A5|B4|B5|letter|legal)( (portrait|landscape))?$", re.IGNORECASE
)
_TEMPLATE_FILE = "certificate.html"
_TEMPLATE_META_FILE = "template.yml"

# PDF/UA-1 identifier, declared through a PDF/A extension schema so that the XMP stays
# valid PDF/A (ISO 19005 requires custom properties to be declared).
_PDFUA_DESCRIPTION = (
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
    b'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    b'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    b'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b"<pdfuaid:part>1</pdfuaid:part><pdfaExtension:schemas><rdf:Bag>"
    b'<rdf:li rdf:parseType="Resource">'
    b"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b'<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    b"<pdfaProperty:name>part</pdfaProperty:name>"
    b"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed"
    b"</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
    b"</rdf:Description>"
)


class ResourceRefusedError(CertificateRenderError):
    """A template asked for a resource outside its own folder."""


@dataclass(frozen=True)
class CertificateSnapshot:
    """Everything printed on one certificate, frozen at the moment of issue."""

    serial: str
    verification_code: str
    verify_url: str
    learner_name: str
    course_id: str
    course_version: int
    course_title: str
    hours: Decimal | float
    completed_on: date
    score_percent: int | None
    issuer: str
    language: str
    template: str = DEFAULT_TEMPLATE

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"Unsupported certificate language: {self.language!r}")
        if not _TEMPLATE_NAME_RE.match(self.template):
            raise ValueError(f"Invalid certificate template name: {self.template!r}")
        if self.score_percent is not None and not 0 <= self.score_percent <= 100:
            raise ValueError(f"Score out of range: {self.score_percent!r}")
        if self.hours < 0:
            raise ValueError(f"Negative hours: {self.hours!r}")
        if urlsplit(self.verify_url).scheme not in ("http", "https"):
            raise ValueError(f"Verification URL must be http(s): {self.verify_url!r}")
        for name in ("serial", "verification_code", "learner_name", "course_title", "issuer"):
            if not getattr(self, name).strip():
                raise ValueError(f"Certificate field {name} is empty")


@dataclass(frozen=True)
class CertificateTemplate:
    """A certificate design: a folder with certificate.html, its assets and template.yml."""

    slug: str
    name: str
    description: str
    page_size: str
    fonts: tuple[str, ...]
    directory: Path


@lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _color_profiles() -> dict[str, ColorProfile]:
    # A new object per document: WeasyPrint stores the PDF object number on it.
    profile = ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {_OUTPUT_INTENT: profile}


def load_template(templates_dir: Path, slug: str) -> CertificateTemplate:
    """Read a template's template.yml; raise CertificateRenderError if it is unusable."""
    if not _TEMPLATE_NAME_RE.match(slug):
        raise CertificateRenderError(f"Invalid certificate template name: {slug!r}")
    directory = (Path(templates_dir) / slug).resolve()
    meta_path = directory / _TEMPLATE_META_FILE
    if not (directory / _TEMPLATE_FILE).is_file() or not meta_path.is_file():
        raise CertificateRenderError(
            f"Certificate template {slug!r} not found: {directory} needs "
            f"{_TEMPLATE_FILE} and {_TEMPLATE_META_FILE}"
        )
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CertificateRenderError(f"{meta_path}: invalid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise CertificateRenderError(f"{meta_path}: expected a mapping")
    page_size = str(meta.get("page_size", ""))
    if not _PAGE_SIZE_RE.match(page_size):
        raise CertificateRenderError(
            f"{meta_path}: page_size must look like 'A4 landscape', got {page_size!r}"
        )
    fonts = meta.get("fonts", list(REQUIRED_FAMILIES))
    if not isinstance(fonts, list) or not all(isinstance(font, str) for font in fonts):
        raise CertificateRenderError(f"{meta_path}: fonts must be a list of family names")
    return CertificateTemplate(
        slug=slug,
        name=str(meta.get("name") or slug),
        description=str(meta.get("description") or ""),
        page_size=page_size,
        fonts=tuple(fonts),
        directory=directory,
    )


def available_templates(templates_dir: Path) -> list[CertificateTemplate]:
    """List the usable templates in ``templates_dir`` (for course validation and admin)."""
    found = []
    for child in sorted(Path(templates_dir).iterdir()):
        if child.is_dir() and _TEMPLATE_NAME_RE.match(child.name):
            try:
                found.append(load_template(templates_dir, child.name))
            except CertificateRenderError:
                continue
    return found


class TemplateURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files inside one folder.

    ``data:`` URIs are allowed (they carry their content); every other scheme, a file
    outside the folder (including through ``..`` or a symbolic link) or a missing file
    raises :class:`ResourceRefusedError`. With ``root=None`` no file at all is served.
    Errors are fatal, so a certificate is never issued with a silently missing
    stylesheet or image.
    """

    def __init__(self, root: Path | None) -> None:
        super().__init__(
            allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True
        )
        self.root = None if root is None else Path(root).resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefusedError(f"Certificate templates may not fetch {url!r}")
        path = Path(unquote(parts.path)).resolve()
        if self.root is None or not path.is_relative_to(self.root) or not path.is_file():
            raise ResourceRefusedError(
                f"Certificate templates may only use files inside {self.root}, not {url!r}"
            )
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url=path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@lru_cache(maxsize=32)
def _translations(translations_dir: Path, language: str) -> Translations:
    # Translations.load returns NullTranslations (the English msgids) without a catalogue.
    return Translations.load(str(translations_dir), [language], domain="messages")


@lru_cache(maxsize=32)
def _environment(template_dir: Path, translations_dir: Path, language: str) -> Environment:
    """One Jinja2 environment per template folder and language (gettext is per env)."""
    environment = Environment(
        loader=FileSystemLoader(template_dir),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        _translations(translations_dir, language), newstyle=True
    )
    return environment


def _length_class(text: str, long: int, very_long: int) -> str:
    """A CSS class that lets the template shrink long names and titles to fit the page."""
    if len(text) > very_long:
        return "very-long"
    if len(text) > long:
        return "long"
    return "normal"


def _qr_code(url: str) -> Callable[[str], Markup]:
    """A template helper: the URL as an inline SVG QR code whose <title> is ``alt``."""

    def qr_code(alt: str) -> Markup:
        # The alt text arrives as Markup from the autoescaping template; segno escapes
        # the title itself, and its SVG output is markup-safe by construction.
        title = alt.unescape() if isinstance(alt, Markup) else str(alt)
        svg = segno.make(url, error="m").svg_inline(
            scale=1, omitsize=True, title=title, dark="#000000", light="#ffffff"
        )
        return Markup(svg)  # noqa: S704

    return qr_code


def _split_verify_url(url: str, code: str) -> tuple[str, str]:
    """The verification URL as (everything before the code, the code and what follows).

    Templates print the second part unbroken (``white-space: nowrap``) after a line-break
    opportunity, so a URL too long for its line wraps before the code, never inside it at
    one of its hyphens (a code split over two lines is easily mistyped). Without the code in
    the URL, the whole URL is the first part.
    """
    index = url.rfind(code) if code else -1
    if index <= 0:
        return url, ""
    return url[:index], url[index:]


def _context(snapshot: CertificateSnapshot) -> dict[str, object]:
    """Plain, pre-formatted values for the template, formatted for its language."""
    locale = FORMAT_LOCALES[snapshot.language]
    score = None
    if snapshot.score_percent is not None:
        score = format_percent(Decimal(snapshot.score_percent) / 100, locale=locale)
    return {
        "lang": snapshot.language,
        "platform_name": PLATFORM_NAME,
        "serial": snapshot.serial,
        "verification_code": snapshot.verification_code,
        "verify_url": snapshot.verify_url,
        "verify_url_parts": _split_verify_url(snapshot.verify_url, snapshot.verification_code),
        "learner_name": snapshot.learner_name,
        "learner_name_class": _length_class(snapshot.learner_name, 32, 56),
        "course_id": snapshot.course_id,
        "course_version": snapshot.course_version,
        "course_title": snapshot.course_title,
        "course_title_class": _length_class(snapshot.course_title, 70, 140),
        "hours": format_decimal(snapshot.hours, locale=locale),
        "completed_on": format_date(snapshot.completed_on, format="long", locale=locale),
        "completed_on_iso": snapshot.completed_on.isoformat(),
        "score": score,
        "issuer": snapshot.issuer,
        "issuer_class": _length_class(snapshot.issuer, 60, 120),
        "qr_code": _qr_code(snapshot.verify_url),
    }


def _render_html(
    snapshot: CertificateSnapshot, template: CertificateTemplate, translations_dir: Path
) -> str:
    environment = _environment(
        template.directory, Path(translations_dir).resolve(), snapshot.language
    )
    return environment.get_template(_TEMPLATE_FILE).render(_context(snapshot))


def render_certificate_html(
    snapshot: CertificateSnapshot, *, templates_dir: Path, translations_dir: Path
) -> str:
    """The certificate's HTML (the first half of :func:`render_certificate_pdf`)."""
    return _render_html(snapshot, load_template(templates_dir, snapshot.template), translations_dir)


def _add_pdfua_identifier(pdf_bytes: bytes) -> bytes:
    """Add pdfuaid:part=1 to the XMP packet and save with a content-derived /ID."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes()
        if b"</rdf:RDF>" not in xmp:
            raise CertificateRenderError("WeasyPrint wrote no XMP packet to extend")
        pdf.Root.Metadata.write(xmp.replace(b"</rdf:RDF>", _PDFUA_DESCRIPTION + b"</rdf:RDF>", 1))
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, fix_metadata_version=False)
        return output.getvalue()


def layout_certificate(
    snapshot: CertificateSnapshot, *, templates_dir: Path, translations_dir: Path
) -> Document:
    """Lay out the certificate (WeasyPrint pages and boxes) without writing the PDF.

    Checks the template's fonts first (once per process). Raises MissingFontError,
    CertificateRenderError (unknown or broken template) or ResourceRefusedError.
    """
    template = load_template(templates_dir, snapshot.template)
    ensure_fonts(template.fonts)
    html = _render_html(snapshot, template, translations_dir)
    page_size = CSS(string=f"@page {{ size: {template.page_size}; }}")
    try:
        return HTML(
            string=html,
            base_url=template.directory.as_uri() + "/",
            url_fetcher=TemplateURLFetcher(template.directory),
        ).render(
            pdf_variant=PDF_VARIANT,
            output_intent=_OUTPUT_INTENT,
            color_profiles=_color_profiles(),
            stylesheets=[page_size],
        )
    except FatalURLFetchingError as exc:
        raise ResourceRefusedError(f"{exc}: {exc.__cause__}") from exc


def render_certificate_pdf(
    snapshot: CertificateSnapshot, *, templates_dir: Path, translations_dir: Path
) -> bytes:
    """Render one certificate as PDF/A-3a bytes that declare PDF/UA-1.

    ``templates_dir`` holds one folder per template (``certificates/`` at the project
    root); ``translations_dir`` holds the gettext catalogues
    (``<lang>/LC_MESSAGES/messages.mo``; without one the text stays in English).
    Raises MissingFontError if the template's fonts are not installed,
    CertificateRenderError for an unknown or broken template, ResourceRefusedError
    if the template asks for anything outside its folder.
    """
    document = layout_certificate(
        snapshot, templates_dir=templates_dir, translations_dir=translations_dir
    )
    pdf_bytes = document.write_pdf(pdf_variant=PDF_VARIANT, output_intent=_OUTPUT_INTENT)
    return _add_pdfua_identifier(pdf_bytes)


_WARM_UP_HTML = """<!doctype html><html lang="lv"><head><meta charset="utf-8">
<title>Lasītava</title></head><body>
<p style="font-family: 'Noto Serif'">ā č ē ģ ī ķ ļ ņ š ū ž ą ę ė į ų <b>ĀČĒĢ</b> <i>ĪĶĻŅ</i></p>
<p style="font-family: 'Noto Sans'">ā č ē ģ ī ķ ļ ņ š ū ž ą ę ė į ų <b>ŠŪŽĄ</b> <i>ĘĖĮŲ</i></p>
</body></html>"""

_WARM_UP_SNAPSHOT = CertificateSnapshot(
    serial="WARM-UP",
    verification_code="WARM-UP",
    verify_url="https://lasitava.invalid/verify/WARM-UP",
    learner_name="Ģirts Ķēniņš-Žūriņa, Čėsnaitė-Šųrienė",
    course_id="warm-up",
    course_version=1,
    course_title="Āčēģīķļņšūž ąčęėįšųūž",
    hours=Decimal("1.5"),
    completed_on=date(2000, 1, 1),
    score_percent=100,
    issuer="Lasītava",
    language="en",
)


def warm_up(*, templates_dir: Path | None = None, translations_dir: Path | None = None) -> None:
    """Check the fonts and render throw-away documents so the first learner does not wait.

    Without arguments: one small document in the certificate fonts (fills fontconfig's
    cache; the first render after fonts are installed is several times slower). With
    ``templates_dir`` (and ``translations_dir``): also one sample certificate per
    available template, which compiles the Jinja2 templates and loads every font face
    they use (the first certificate otherwise takes about twice as long).
    """
    ensure_fonts()
    HTML(string=_WARM_UP_HTML, url_fetcher=TemplateURLFetcher(None)).render(
        pdf_variant=PDF_VARIANT, output_intent=_OUTPUT_INTENT, color_profiles=_color_profiles()
    ).write_pdf(pdf_variant=PDF_VARIANT, output_intent=_OUTPUT_INTENT)
    if templates_dir is None:
        return
    for template in available_templates(templates_dir):
        render_certificate_pdf(
            replace(_WARM_UP_SNAPSHOT, template=template.slug),
            templates_dir=templates_dir,
            # The sample is in English, the source language: any folder will do.
            translations_dir=translations_dir or templates_dir,
        )
