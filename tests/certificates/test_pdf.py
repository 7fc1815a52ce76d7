"""Certificate PDFs, checked on real rendered files.

What a learner, a verifier or an archivist would notice: the name with every diacritic,
the text in the certificate's language, a QR code that scans to the verification URL,
archival and accessibility identifiers, nothing spilling off the page, and a renderer
that fetches nothing outside its template folder.
"""

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from app.certificates.codes import new_verification_code, normalise_code
from app.certificates.fonts import REQUIRED_FAMILIES, MissingFontError, check_fonts, unprintable
from app.certificates.pdf import (
    CertificateRenderError,
    CertificateSnapshot,
    ResourceRefusedError,
    TemplateURLFetcher,
    available_templates,
    layout_certificate,
    render_certificate_pdf,
    warm_up,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "certificates"

LV_NAME = "Ģirts Ķēniņš-Žūriņa"
LT_NAME = "Čėsnaitė-Šųrienė"
#: A verification code of the real length (codes.CODE_LENGTH: five groups of four).
CODE = "K7QX-9MZ2-PRW4-R8TD-HN3C"
VERIFY_URL = f"https://lasitava.example/verify/{CODE}"

# Every fixed string of the certificate templates with its Latvian and Lithuanian text
# (the same list goes into the platform catalogues through scripts/i18n.py).
TRANSLATIONS = {
    "Certificate": {"lv": "Apliecība", "lt": "Pažymėjimas"},
    "Certificate – %(name)s – %(course)s": {
        "lv": "Apliecība – %(name)s – %(course)s",
        "lt": "Pažymėjimas – %(name)s – %(course)s",
    },
    "Course completion certificate no. %(serial)s": {
        "lv": "Apliecība par kursa pabeigšanu Nr. %(serial)s",
        "lt": "Kurso baigimo pažymėjimas Nr. %(serial)s",
    },
    "This is to certify that": {"lv": "Ar šo apliecina, ka", "lt": "Šiuo patvirtinama, kad"},
    "has completed the course": {"lv": "pabeidza mācību kursu", "lt": "baigė mokymo kursą"},
    "Hours": {"lv": "Stundu skaits", "lt": "Valandų skaičius"},
    "Completed on": {"lv": "Pabeigšanas datums", "lt": "Baigimo data"},
    "Score": {"lv": "Rezultāts", "lt": "Rezultatas"},
    "Issued by": {"lv": "Izsniedza", "lt": "Išdavė"},
    "Verify this certificate at": {
        "lv": "Apliecības īstumu var pārbaudīt",
        "lt": "Pažymėjimo tikrumą galima patikrinti",
    },
    "Certificate number: %(serial)s": {
        "lv": "Apliecības numurs: %(serial)s",
        "lt": "Pažymėjimo numeris: %(serial)s",
    },
    "Verification code: %(code)s": {
        "lv": "Pārbaudes kods: %(code)s",
        "lt": "Patikros kodas: %(code)s",
    },
    "QR code linking to the verification page: %(url)s": {
        "lv": "QR kods ar saiti uz apliecības pārbaudes lapu: %(url)s",
        "lt": "QR kodas su nuoroda į pažymėjimo tikrinimo puslapį: %(url)s",
    },
    "Issued on the %(platform)s e-learning platform for library staff": {
        "lv": "Izsniegta bibliotēku darbinieku e-mācību platformā „%(platform)s”",
        "lt": "Išduotas bibliotekų darbuotojų e. mokymosi platformoje „%(platform)s“",
    },
    "Course code %(course_id)s, version %(version)s": {
        "lv": "Kursa kods %(course_id)s, versija %(version)s",
        "lt": "Kurso kodas %(course_id)s, versija %(version)s",
    },
}

NAMES = {"lv": LV_NAME, "lt": LT_NAME, "en": LV_NAME}


def make_snapshot(**overrides) -> CertificateSnapshot:
    values = {
        "serial": "LAS-2026-000123",
        "verification_code": CODE,
        "verify_url": VERIFY_URL,
        "learner_name": LV_NAME,
        "course_id": "accessible-services",
        "course_version": 3,
        "course_title": "Pieejami bibliotēkas pakalpojumi senioriem",
        "hours": Decimal("12.5"),
        "completed_on": date(2026, 11, 27),
        "score_percent": 92,
        "issuer": "Latvijas Nacionālā bibliotēka",
        "language": "lv",
        "template": "default",
    }
    values.update(overrides)
    return CertificateSnapshot(**values)


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory) -> Path:
    """A translations folder with lv and lt catalogues of the template strings."""
    directory = tmp_path_factory.mktemp("translations")
    for lang in ("lv", "lt"):
        catalog = Catalog(locale=lang, domain="messages")
        for msgid, texts in TRANSLATIONS.items():
            catalog.add(msgid, texts[lang])
        target = directory / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as fh:
            write_mo(fh, catalog)
    return directory


@pytest.fixture(scope="module")
def no_catalogues(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("no-translations")


@pytest.fixture(scope="module")
def pdfs(catalogues) -> dict[str, bytes]:
    """One certificate per language, rendered once for the module."""
    warm_up(templates_dir=TEMPLATES, translations_dir=catalogues)
    return {
        lang: render_certificate_pdf(
            make_snapshot(language=lang, learner_name=name),
            templates_dir=TEMPLATES,
            translations_dir=catalogues,
        )
        for lang, name in NAMES.items()
    }


def page_text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def words(text: str) -> str:
    """Collapse every run of white space (including no-break spaces) to one space."""
    return " ".join(text.split())


# --- text and language ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_learner_name_is_extractable_with_every_diacritic(pdfs, lang):
    assert NAMES[lang] in page_text(pdfs[lang])


@pytest.mark.parametrize(
    ("lang", "completed", "hours", "score"),
    [
        ("lv", "2026. gada 27. novembris", "12,5", "92%"),
        ("lt", "2026 m. lapkričio 27 d.", "12,5", "92 %"),
        ("en", "27 November 2026", "12.5", "92%"),
    ],
)
def test_date_and_numbers_follow_the_certificate_language(pdfs, lang, completed, hours, score):
    text = words(page_text(pdfs[lang]))
    assert completed in text
    assert re.search(rf"(^| ){re.escape(hours)}( |$)", text)
    assert score in text


@pytest.mark.parametrize("lang", ["lv", "lt"])
def test_fixed_text_comes_from_the_language_catalogue(pdfs, lang):
    text = words(page_text(pdfs[lang]))
    folded = text.casefold()  # labels are set in capitals by the stylesheet
    for msgid in ("This is to certify that", "has completed the course", "Completed on"):
        assert TRANSLATIONS[msgid][lang].casefold() in folded
        assert msgid.casefold() not in folded
    serial_line = TRANSLATIONS["Certificate number: %(serial)s"][lang]
    assert serial_line % {"serial": "LAS-2026-000123"} in text


def test_without_a_catalogue_the_text_is_english_and_the_formats_stay_local(no_catalogues):
    pdf_bytes = render_certificate_pdf(
        make_snapshot(language="lt", learner_name=LT_NAME),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    text = words(page_text(pdf_bytes))
    assert "This is to certify that" in text
    assert "2026 m. lapkričio 27 d." in text
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert str(pdf.Root.Lang) == "lt"


def test_certificate_prints_every_detail(pdfs):
    text = words(page_text(pdfs["en"]))
    for expected in (
        "Certificate number: LAS-2026-000123",
        f"Verification code: {CODE}",
        "Pieejami bibliotēkas pakalpojumi senioriem",
        "Latvijas Nacionālā bibliotēka",
        "Lasītava",
        "Course code accessible-services, version 3",
    ):
        assert expected in text
    # The URL may wrap, just before the code (see the test below).
    assert VERIFY_URL in "".join(text.split())


def test_score_is_left_out_when_the_course_has_no_quiz(no_catalogues):
    pdf_bytes = render_certificate_pdf(
        make_snapshot(language="en", score_percent=None),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    text = page_text(pdf_bytes)
    assert "Score" not in text
    assert "%" not in text


def test_template_strings_are_exactly_the_translated_ones():
    """Babel finds every fixed string of certificates/ (what scripts/i18n.py extracts)."""
    extracted = {
        message[2]
        for message in extract_from_dir(
            str(TEMPLATES),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"trimmed": "true"}},
        )
    }
    assert extracted == set(TRANSLATIONS)


# --- archival and accessibility structure ------------------------------------------------------


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_pdf_declares_pdfa3a_and_pdfua1_and_is_tagged(pdfs, lang):
    with pikepdf.open(io.BytesIO(pdfs[lang])) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == lang
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        title = str(pdf.docinfo.Title)
        assert NAMES[lang] in title
        assert "Pieejami bibliotēkas pakalpojumi senioriem" in title
        assert meta["dc:title"] == title
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        assert intent.DestOutputProfile.N == 3


def _struct_elements(node):
    if isinstance(node, pikepdf.Array):
        for item in node:
            yield from _struct_elements(item)
    elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
        yield node
        if "/K" in node:
            yield from _struct_elements(node.K)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_qr_code_is_a_figure_with_alternative_text(pdfs, lang):
    with pikepdf.open(io.BytesIO(pdfs[lang])) as pdf:
        figures = [e for e in _struct_elements(pdf.Root.StructTreeRoot.K) if e.S == "/Figure"]
    assert len(figures) == 1
    alt = str(figures[0].Alt)
    assert VERIFY_URL in alt
    expected = "QR code linking to the verification page: %(url)s"
    assert alt == TRANSLATIONS.get(expected, {}).get(lang, expected) % {"url": VERIFY_URL}


def test_dates_in_the_metadata_come_from_the_snapshot_and_output_is_repeatable(no_catalogues):
    snapshot = make_snapshot(completed_on=date(2025, 3, 4))
    first = render_certificate_pdf(
        snapshot, templates_dir=TEMPLATES, translations_dir=no_catalogues
    )
    second = render_certificate_pdf(
        snapshot, templates_dir=TEMPLATES, translations_dir=no_catalogues
    )
    assert first == second
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20250304"
        assert str(pdf.docinfo.ModDate) == "D:20250304"
        assert pdf.open_metadata()["xmp:CreateDate"] == "2025-03-04"
        assert str(pdf.docinfo.Author) == "Latvijas Nacionālā bibliotēka"


# --- QR code ------------------------------------------------------------------------------------


def decode_qr(pdf_bytes: bytes, tmp_path: Path) -> list[str]:
    missing = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
    assert not missing, f"{missing} missing: apt-get install -y poppler-utils zbar-tools"
    (tmp_path / "c.pdf").write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "c.pdf", "c"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "c.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize("template", ["default", "compact"])
def test_qr_code_on_the_page_scans_to_the_verification_url(no_catalogues, tmp_path, template):
    url = "https://lasitava.example/lv/verify/Z9Y8-X7W6-V5U4?ref=qr"
    pdf_bytes = render_certificate_pdf(
        make_snapshot(template=template, verify_url=url),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    assert decode_qr(pdf_bytes, tmp_path) == [url]


def test_the_snapshot_code_has_the_real_length():
    assert normalise_code(CODE) == CODE
    assert len(CODE) == len(new_verification_code())


# --- templates and layout -----------------------------------------------------------------------


@pytest.mark.parametrize("template", ["default", "compact"])
@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
@pytest.mark.parametrize(
    "base",
    [
        "https://lasitava.example",
        # Too long for one line in the default template: the URL must wrap, but not in the code.
        "https://macibas.latvijas-un-lietuvas-biblioteku-tikls.example.lv/lasitava",
    ],
)
def test_the_verification_code_is_never_broken_across_lines(catalogues, template, lang, base):
    url = f"{base}/verify/{CODE}"
    pdf_bytes = render_certificate_pdf(
        make_snapshot(template=template, language=lang, verify_url=url),
        templates_dir=TEMPLATES,
        translations_dir=catalogues,
    )
    lines = [line.strip() for line in page_text(pdf_bytes).splitlines()]
    # Printed twice, whole each time: in the URL and after "Verification code:".
    assert len([line for line in lines if CODE in line]) == 2, lines
    for group in CODE.split("-"):
        for line in lines:
            if group in line:
                assert CODE in line, (group, line)
    # The URL reads back whole; when it wraps, the line before the code ends with /verify/.
    assert url in "".join(lines)
    assert any(
        line.endswith(f"/verify/{CODE}") or (line == CODE and lines[i - 1].endswith("/verify/"))
        for i, line in enumerate(lines)
    ), lines


def test_templates_describe_themselves():
    found = {template.slug: template for template in available_templates(TEMPLATES)}
    assert set(found) >= {"default", "compact"}
    assert found["default"].page_size == "A4 landscape"
    assert found["compact"].page_size == "A4 portrait"
    assert all(template.name and template.description for template in found.values())


@pytest.mark.parametrize(("template", "landscape"), [("default", True), ("compact", False)])
def test_a_course_may_name_its_template(no_catalogues, template, landscape):
    pdf_bytes = render_certificate_pdf(
        make_snapshot(template=template, language="en"),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].MediaBox)
    width_mm, height_mm = (x1 - x0) * 25.4 / 72, (y1 - y0) * 25.4 / 72
    expected = (297, 210) if landscape else (210, 297)
    assert (round(width_mm), round(height_mm)) == expected


def test_unknown_template_is_an_error(no_catalogues):
    with pytest.raises(CertificateRenderError, match="not found"):
        render_certificate_pdf(
            make_snapshot(template="no-such-design"),
            templates_dir=TEMPLATES,
            translations_dir=no_catalogues,
        )


@pytest.mark.parametrize("name", ["../default", "Default", "a/b", ""])
def test_template_name_cannot_point_outside_the_templates_folder(name):
    with pytest.raises(ValueError, match="template"):
        make_snapshot(template=name)


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        if isinstance(child, AbsolutePlaceholder):
            child = child._box
        yield from _walk(child)


def _classes(box) -> set[str]:
    if box.element is None:
        return set()
    return set((box.element.get("class") or "").split())


def _text_runs(box, paragraph=None):
    """Yield (text box, id of the block it belongs to) for every piece of text."""
    if isinstance(box, boxes.TextBox):
        yield box, paragraph
        return
    if isinstance(box, boxes.BlockContainerBox):
        paragraph = id(box)
    for child in getattr(box, "children", ()):
        if isinstance(child, AbsolutePlaceholder):
            child = child._box
        yield from _text_runs(child, paragraph)


def _overlap(first, second) -> float:
    """The smaller of the horizontal and vertical overlaps of two boxes (<= 0: apart)."""
    horizontal = min(first.position_x + first.width, second.position_x + second.width) - max(
        first.position_x, second.position_x
    )
    vertical = min(first.position_y + first.height, second.position_y + second.height) - max(
        first.position_y, second.position_y
    )
    return min(horizontal, vertical)


LONG_NAME = (
    "Anna-Marija Ģertrūde Ķēniņa-Žūriņa-Vītoliņa fon Šaltenienė-Čėsnaitė-Bērziņa-"
    "Ozoliņa-Jankauskaitė-Petrauskienė Ąžuolaitė-Žemaitytė-Kalniņa-Liepiņa"
)
LONG_TITLE = (
    "Pieejami bibliotēkas pakalpojumi cilvēkiem ar redzes, dzirdes, kustību un "
    "kognitīviem traucējumiem: praktiskas metodes, digitālie rīki, vieglā valoda, "
    "komunikācija ar apmeklētājiem un vides pielāgošana lasītavās, filiālēs un "
    "pārvietojamās bibliotēkās Latvijas un Lietuvas pierobežā (padziļinātais kurss)"
)


LONG_ISSUER = "Lietuvos nacionalinė Martyno Mažvydo biblioteka, Kauno apskrities viešoji biblioteka"

# The longest values the certificate table stores: name 200, title 300, issuer 300 characters.
MAX_NAME = (LONG_NAME + " " + LONG_NAME)[:200]
MAX_TITLE = (LONG_TITLE + " " + LONG_TITLE)[:300]
MAX_ISSUER = (LONG_ISSUER + "; " + LONG_ISSUER + "; " + LONG_ISSUER + "; " + LONG_ISSUER)[:300]


@pytest.mark.parametrize("template", ["default", "compact"])
@pytest.mark.parametrize(
    ("name", "title", "issuer"),
    [
        (LV_NAME, "Ievads", "LNB"),
        (LONG_NAME, LONG_TITLE, LONG_ISSUER),
        (MAX_NAME, MAX_TITLE, MAX_ISSUER),
    ],
    ids=["short", "long", "longest-stored"],
)
def test_long_values_stay_inside_the_frame(no_catalogues, template, name, title, issuer):
    document = layout_certificate(
        make_snapshot(template=template, learner_name=name, course_title=title, issuer=issuer),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    assert len(document.pages) == 1
    page_box = document.pages[0]._page_box
    left, top = page_box.content_box_x(), page_box.content_box_y()
    right, bottom = left + page_box.width, top + page_box.height

    footer = next(box for box in _walk(page_box) if "footer" in _classes(box))
    footer_top = footer.border_box_y()
    inside_footer = {id(box) for box in _walk(footer)}
    runs = list(_text_runs(page_box))
    assert runs
    tolerance = 0.5  # CSS px
    for box, _ in runs:
        assert left - tolerance <= box.position_x, box.text
        assert box.position_x + box.width <= right + tolerance, box.text
        assert top - tolerance <= box.position_y, box.text
        assert box.position_y + box.height <= bottom + tolerance, box.text
        if id(box) in inside_footer:
            assert box.position_y >= footer_top - tolerance, box.text
        else:
            assert box.position_y + box.height <= footer_top + tolerance, box.text
    # No block (the details list, the QR code) reaches into the footer either.
    around_footer = set(inside_footer)
    for box in _walk(page_box):
        if id(footer) in {id(inner) for inner in _walk(box)}:
            around_footer.add(id(box))
    for box in _walk(page_box):
        if isinstance(box, boxes.BlockBox) and id(box) not in around_footer:
            assert box.border_box_y() + box.border_height() <= footer_top + tolerance, _classes(box)
    # Lines of one paragraph may touch (line-height below the font's height); text of
    # different paragraphs or columns must not.
    for index, (first, first_block) in enumerate(runs):
        for second, second_block in runs[index + 1 :]:
            if first_block != second_block:
                assert _overlap(first, second) <= tolerance, (first.text, second.text)


# --- fonts --------------------------------------------------------------------------------------


def test_installed_certificate_fonts_cover_latvian_and_lithuanian():
    check_fonts()


def test_missing_font_family_is_a_clear_error():
    with pytest.raises(MissingFontError) as error:
        check_fonts(("Lasitava Missing Serif",))
    assert "Lasitava Missing Serif" in str(error.value)
    assert "apt-get install fonts-noto-core" in str(error.value)


def test_font_without_the_needed_letters_is_a_clear_error():
    with pytest.raises(MissingFontError, match="lacks these letters: ᚠ"):
        check_fonts(("Noto Sans",), letters="āᚠ")


@pytest.mark.parametrize(
    "name",
    [
        "Ģirts Ķēniņš-Žūriņa",  # Latvian
        "Čėsnaitė-Šųrienė Ąžuolaitė",  # Lithuanian
        "Jürgen Weiß-Öztürk",  # German
        "Łucja Żółć-Ślęzak",  # Polish
        "Õnne Šõškin-Ääremaa",  # Estonian
        "ĀČĒĢĪĶĻŅŠŪŽ ĄČĘĖĮŠŲŪŽ ÄÖÜ ŁŃŚŹŻĆ ÕO'Brien",
    ],
)
def test_names_in_the_regions_latin_letters_can_be_printed(name):
    assert unprintable(name, REQUIRED_FAMILIES) == ""


def test_characters_the_fonts_cannot_print_are_named_once_in_order():
    assert unprintable("Ģirts 李 Šņore 李", REQUIRED_FAMILIES) == "李"
    assert unprintable("😀 Anna 李", ("Noto Sans",)) == "😀李"


def test_checking_a_name_against_a_missing_font_is_a_render_error():
    with pytest.raises(CertificateRenderError, match="Lasitava Missing Serif"):
        unprintable("Anna", ("Lasitava Missing Serif",))


def _copy_template(tmp_path: Path, slug: str = "default") -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / slug, templates / slug)
    return templates / slug


def test_render_refuses_a_template_whose_font_is_missing(tmp_path, no_catalogues):
    folder = _copy_template(tmp_path)
    meta = (folder / "template.yml").read_text(encoding="utf-8")
    (folder / "template.yml").write_text(
        meta.replace("- Noto Sans", "- Lasitava Missing Sans"), encoding="utf-8"
    )
    with pytest.raises(MissingFontError, match="Lasitava Missing Sans"):
        render_certificate_pdf(
            make_snapshot(), templates_dir=folder.parent, translations_dir=no_catalogues
        )


# --- resource fetching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:5000/static/css/main.css",
        "ftp://example.org/logo.png",
        "file:///etc/passwd",
        (TEMPLATES / "default" / ".." / "compact" / "certificate.css").as_uri(),
        "file://otherhost" + (TEMPLATES / "default" / "certificate.css").as_posix(),
        (TEMPLATES / "default" / "missing.css").as_uri(),
    ],
)
def test_fetcher_refuses_anything_outside_the_template_folder(url):
    with pytest.raises(ResourceRefusedError):
        TemplateURLFetcher(TEMPLATES / "default").fetch(url)


def test_fetcher_refuses_a_symbolic_link_leading_out_of_the_folder(tmp_path):
    folder = _copy_template(tmp_path)
    (folder / "escape.css").symlink_to(ROOT / "pyproject.toml")
    with pytest.raises(ResourceRefusedError):
        TemplateURLFetcher(folder).fetch((folder / "escape.css").as_uri())


def test_fetcher_serves_files_inside_the_template_folder():
    css = TEMPLATES / "default" / "certificate.css"
    response = TemplateURLFetcher(TEMPLATES / "default").fetch(css.as_uri())
    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "reference",
    [
        '<link rel="stylesheet" href="https://example.org/evil.css">',
        '<link rel="stylesheet" href="../../outside.css">',
        '<img src="file:///etc/hostname" alt="">',
    ],
)
def test_rendering_stops_when_a_template_reaches_outside(tmp_path, no_catalogues, reference):
    folder = _copy_template(tmp_path)
    (tmp_path / "outside.css").write_text("body { color: red }", encoding="utf-8")
    html = (folder / "certificate.html").read_text(encoding="utf-8")
    (folder / "certificate.html").write_text(
        html.replace("</head>", reference + "\n</head>"), encoding="utf-8"
    )
    with pytest.raises(ResourceRefusedError):
        render_certificate_pdf(
            make_snapshot(), templates_dir=folder.parent, translations_dir=no_catalogues
        )


def test_learner_data_cannot_inject_markup(no_catalogues):
    name = '<img src="https://example.org/x.png"> Ģirts'
    pdf_bytes = render_certificate_pdf(
        make_snapshot(learner_name=name),
        templates_dir=TEMPLATES,
        translations_dir=no_catalogues,
    )
    assert name in words(page_text(pdf_bytes))
