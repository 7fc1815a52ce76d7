"""Rendering: real Latvian/Lithuanian documents, readable anchors, tables, alerts, course links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.courses.render import RenderContext, render_block, render_inline, render_markdown, slugify
from tests.courses.conftest import TESTDATA

MSDOCS = TESTDATA / "markdown" / "msdocs"


def body_of(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("---", 2)[2] if text.startswith("---") else text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_slugify_keeps_baltic_letters():
    assert slugify("Sensorās telpas aprīkojums") == "sensorās-telpas-aprīkojums"
    assert slugify("Šviesos ir garso įranga: ką žinoti?") == "šviesos-ir-garso-įranga-ką-žinoti"
    assert slugify("„Office“ produktams") == "office-produktams"
    # Decomposed input (a + combining macron) gives the same anchor as composed input.
    assert slugify("Sensora\u0304s") == slugify("Sensorās")


def test_heading_anchors_are_readable_and_unique():
    result = render_markdown("# Sensorās telpas aprīkojums\n\n## Sensorās telpas aprīkojums\n")
    assert '<h1 id="sensorās-telpas-aprīkojums">' in result.html
    assert [e.anchor for e in result.toc] == [
        "sensorās-telpas-aprīkojums",
        "sensorās-telpas-aprīkojums_1",
    ]
    assert [(e.level, e.text) for e in result.toc] == [
        (1, "Sensorās telpas aprīkojums"),
        (2, "Sensorās telpas aprīkojums"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "lv-lv/office-web-privacy-controls.md",
        "lv-lv/products-versions-privacy-controls.md",
        "lt-lt/office-web-privacy-controls.md",
        "lt-lt/products-versions-privacy-controls.md",
    ],
)
def test_msdocs_documents_render_with_diacritics_tables_and_anchors(name):
    source = body_of(MSDOCS / name)
    lang = name[:2]
    result = render_markdown(source, RenderContext(lang=lang))
    html = result.html
    parsed = parse_html(html)
    text = "".join(parsed.text)
    # Every heading is in the table of contents with a readable, unique anchor present in the page.
    headings = [line for line in source.splitlines() if re.match(r"^#{1,6} ", line)]
    assert len(result.toc) == len(headings)
    anchors = [e.anchor for e in result.toc]
    assert len(set(anchors)) == len(anchors)
    assert set(anchors) <= set(parsed.ids)
    # Diacritics survive in text and anchors.
    letters = "āēīūčšžņļķģ" if lang == "lv" else "ąčęėįšųūž"
    assert any(ch in text for ch in letters)
    assert any(any(ch in a for ch in letters) for a in anchors)
    # Legacy <a name="..."> anchors in headings become ids, so old in-page links keep working.
    legacy = re.findall(r'<a name="([^"]+)"></a>', source)
    assert legacy and set(legacy) <= set(parsed.ids)
    # No raw Markdown table syntax is left.
    if "|---" in source or "| ---" in source or "|:--" in source:
        assert "table" in parsed.tags
        assert "|---" not in text
    # DocFX alerts become admonitions titled in the text's language.
    if "> [!NOTE]" in source:
        assert '<div class="admonition note">' in html
        assert ("Piezīme" if lang == "lv" else "Pastaba") in html
        assert "[!NOTE]" not in html


def test_large_latvian_document_renders_with_all_headings():
    source = body_of(MSDOCS / "lv-lv" / "essential-services_LARGE.md")
    result = render_markdown(source, RenderContext(lang="lv"))
    assert len(result.toc) == 488
    anchors = [e.anchor for e in result.toc]
    assert len(set(anchors)) == 488
    assert result.html.count("<table") == 1
    assert "Office būtiskie pakalpojumi" in result.html
    # The table's in-page links point at the document's legacy anchors, which exist as ids.
    ids = set(parse_html(result.html).ids)
    links = re.findall(r'href="#([^"]+)"', result.html)
    assert len(links) >= 8
    assert set(links) <= ids
    assert not [p for p in result.problems if p.code == "broken-anchor"]


def test_tables_footnotes_definition_lists_and_code():
    result = render_markdown(
        "| Priekšmets | Skaits |\n|:--|--:|\n| Šķiedru optika | 2 |\n\n"
        "Teksts[^1]\n\n[^1]: Piezīme.\n\nLux\n:   Apgaismojuma mērvienība.\n\n"
        "```python\nprint('ā')\n```\n",
        RenderContext(lang="lv"),
    )
    html = result.html
    assert '<td align="left">Šķiedru optika</td>' in html
    assert '<td align="right">2</td>' in html
    assert 'class="footnote-ref"' in html and 'id="fn:1"' in html
    assert "<dt>Lux</dt>" in html
    assert '<code class="language-python">' in html
    assert "style=" not in html


def test_admonition_default_title_in_the_language_of_the_text():
    lv = render_markdown("!!! warning\n    Uzmanīgi ar vadiem.\n", RenderContext(lang="lv"))
    lt = render_markdown("!!! warning\n    Atsargiai su laidais.\n", RenderContext(lang="lt"))
    own = render_markdown('!!! note "Svarīgi zināt"\n    Teksts.\n', RenderContext(lang="lv"))
    assert '<p class="admonition-title">Brīdinājums</p>' in lv.html
    assert '<p class="admonition-title">Įspėjimas</p>' in lt.html
    assert '<p class="admonition-title">Svarīgi zināt</p>' in own.html


def test_course_links_and_images_are_resolved():
    ctx = RenderContext(
        course_id="sensory-room",
        lang="lv",
        media_files=frozenset({"lamp.png", "lamp.lv.png", "tube.png", "guide.pdf"}),
        module_ids=(("02-equipment", "equipment"),),
        media_url=lambda c, p: f"https://cdn.example/{c}/{p}",
    )
    result = render_markdown(
        "![Lampa](media/lamp.png) ![Kolonna](media/tube.png) [PDF](media/guide.pdf) "
        "[Aprīkojums](02-equipment.lt.md#sensorās-telpas) [Ārējā](https://lbi.lv/x) "
        "[Nav](03-missing.md) ![](media/none.png)",
        ctx,
    )
    html = result.html
    assert 'src="https://cdn.example/sensory-room/lamp.lv.png"' in html  # language-specific wins
    assert 'src="https://cdn.example/sensory-room/tube.png"' in html
    assert 'href="https://cdn.example/sensory-room/guide.pdf"' in html
    assert 'href="/courses/sensory-room/equipment#sensorās-telpas"' in html
    assert 'href="https://lbi.lv/x" rel="noopener noreferrer"' in html
    assert {(p.code, p.target) for p in result.problems} == {
        ("broken-link", "03-missing.md"),
        ("broken-image", "media/none.png"),
        ("image-no-alt", "media/none.png"),
    }


def test_raw_html_in_markdown_is_sanitised():
    result = render_markdown(
        'Teksts <span onclick="alert(1)" style="color:red">ā</span>\n\n'
        "<script>alert(1)</script>\n\n<iframe src='https://evil.example'></iframe>\n\n"
        "[klikšķis](javascript:alert(1))\n"
    )
    html = result.html
    assert "<span>ā</span>" in html
    for bad in ("onclick", "style=", "<script", "alert(1)</", "<iframe", "javascript:"):
        assert bad not in html


def test_inline_and_block_helpers():
    assert render_inline("Vienkāršs teksts").html == "Vienkāršs teksts"
    assert render_inline("Ar **treknu** tekstu").html == "Ar <strong>treknu</strong> tekstu"
    assert render_inline("<b onmouseover=x>ā</b> & <").html == "<b>ā</b> &amp; &lt;"
    assert render_block("Rindkopa").html == "<p>Rindkopa</p>"
    assert render_block("").html == ""
