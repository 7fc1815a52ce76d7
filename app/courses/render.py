"""Markdown → sanitised HTML for course pages and quiz texts.

Python-Markdown with tables, footnotes, def_list, admonition, attr_list, toc, sane_lists and
fenced_code, plus three small processors of our own:

- heading anchors keep Latvian and Lithuanian letters (``Sensorās telpas aprīkojums`` →
  ``sensorās-telpas-aprīkojums``), unique within the page;
- relative links and images are resolved inside the course: ``media/x.png`` → the media URL (a
  language-specific ``x.lv.png`` wins when it exists), ``02-equipment.md`` (or ``.lv.md``) → the
  module URL; what cannot be resolved is reported (``RenderResult.problems``) for the checker;
- GitHub/DocFX alerts (``> [!NOTE]``) become admonitions, and admonition titles that were not
  written explicitly are in the language of the text.

The result always goes through ``sanitise.sanitise_html``. Markdown instances are not thread-safe:
one instance per thread and language is kept.
"""

from __future__ import annotations

import html as html_lib
import posixpath
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element, SubElement

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from app.courses.model import TocEntry
from app.courses.sanitise import sanitise_html

MediaUrl = Callable[[str, str], str]  # (course_id, path inside media/) -> URL
ModuleUrl = Callable[[str, str], str]  # (course_id, module_id) -> URL


def default_media_url(course_id: str, path: str) -> str:
    return f"/courses/{quote(course_id)}/media/{quote(path)}"


def default_module_url(course_id: str, module_id: str) -> str:
    return f"/courses/{quote(course_id)}/{quote(module_id)}"


def slugify(value: str, separator: str = "-") -> str:
    """Readable Unicode slug: NFC, lower case, letters with diacritics kept, punctuation dropped,
    spaces → ``separator``."""
    value = unicodedata.normalize("NFC", html_lib.unescape(value))
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    value = re.sub(rf"[{re.escape(separator)}\s]+", separator, value)
    return value.strip(separator) or "section"


# Admonition titles in the language of the text (content language, not the interface language).
ALERT_TITLES: dict[str, dict[str, str]] = {
    "note": {"lv": "Piezīme", "lt": "Pastaba", "en": "Note"},
    "tip": {"lv": "Padoms", "lt": "Patarimas", "en": "Tip"},
    "hint": {"lv": "Padoms", "lt": "Patarimas", "en": "Hint"},
    "important": {"lv": "Svarīgi", "lt": "Svarbu", "en": "Important"},
    "warning": {"lv": "Brīdinājums", "lt": "Įspėjimas", "en": "Warning"},
    "caution": {"lv": "Uzmanību", "lt": "Atsargiai", "en": "Caution"},
    "danger": {"lv": "Bīstami", "lt": "Pavojinga", "en": "Danger"},
}
FOOTNOTE_BACKLINK_TITLE = {
    "lv": "Atpakaļ uz tekstu (atsauce {})",
    "lt": "Grįžti į tekstą (išnaša {})",
    "en": "Back to the text (footnote {})",
}


@dataclass(frozen=True)
class RenderContext:
    """Where relative links and images point. Without ``course_id`` links are left as written."""

    course_id: str = ""
    lang: str = "en"
    media_files: frozenset[str] = frozenset()  # posix paths under media/
    module_ids: tuple[tuple[str, str], ...] = ()  # (file stem, module id) pairs
    media_url: MediaUrl = default_media_url
    module_url: ModuleUrl = default_module_url


@dataclass(frozen=True)
class LinkProblem:
    code: str  # image-no-alt | broken-link | broken-image | broken-anchor
    target: str


@dataclass(frozen=True)
class RenderResult:
    html: str
    toc: tuple[TocEntry, ...]
    problems: tuple[LinkProblem, ...]


_ALERT_RE = re.compile(r"^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
_MODULE_LINK_RE = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:\.(lv|lt|en))?\.md$")
_LEGACY_ANCHOR_RE = re.compile(r'<a\s+name="([^"<>]+)"\s*>\s*</a>', re.I)
_RAW_ID_RE = re.compile(r'\s(?:id|name)\s*=\s*"([^"]+)"', re.I)


class _CourseTreeprocessor(Treeprocessor):
    """Alerts, localised admonition titles, link/image resolution and problem collection."""

    def run(self, root: Element) -> None:
        ctx: RenderContext = self.md.lasitava_ctx  # type: ignore[attr-defined]
        problems: list[LinkProblem] = self.md.lasitava_problems  # type: ignore[attr-defined]
        ids: set[str] = set()
        anchors: list[str] = []
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "blockquote":
                    self._alert(parent, i, el, ctx.lang)
        for el in root.iter():
            if el.get("id"):
                ids.add(el.get("id"))
            if el.tag == "div" and "admonition" in (el.get("class") or "").split():
                self._localise_title(el, ctx.lang)
            elif el.tag == "img":
                src = el.get("src", "")
                if not (el.get("alt") or "").strip():
                    problems.append(LinkProblem("image-no-alt", src))
                new = self._resolve(src, ctx, image=True, problems=problems)
                if new is not None:
                    el.set("src", new)
            elif el.tag == "a" and el.get("href") is not None:
                href = el.get("href", "")
                if href.startswith("#"):
                    anchors.append(href)
                    continue
                new = self._resolve(href, ctx, image=False, problems=problems)
                if new is not None:
                    el.set("href", new)
        for raw in self.md.htmlStash.rawHtmlBlocks:
            ids.update(_RAW_ID_RE.findall(str(raw)))
        self.md.lasitava_ids = ids  # type: ignore[attr-defined]
        self.md.lasitava_anchors = anchors  # type: ignore[attr-defined]

    @staticmethod
    def _alert(parent: Element, index: int, quote_el: Element, lang: str) -> None:
        first = quote_el[0] if len(quote_el) else None
        if first is None or first.tag != "p" or not first.text:
            return
        m = _ALERT_RE.match(first.text)
        if not m:
            return
        kind = m.group(1).lower()
        first.text = first.text[m.end() :]
        if first.text == "" and len(first) and first[0].tag == "br":
            br = first[0]
            first.text = br.tail.lstrip() if br.tail else ""
            first.remove(br)
        elif first.text.startswith("\n"):
            first.text = first.text.lstrip("\n")
        div = Element("div", {"class": f"admonition {kind}"})
        title = SubElement(div, "p", {"class": "admonition-title"})
        title.text = ALERT_TITLES[kind].get(lang, ALERT_TITLES[kind]["en"])
        if not (first.text or len(first)):
            quote_el.remove(first)
        for child in list(quote_el):
            div.append(child)
        div.tail = quote_el.tail
        parent.remove(quote_el)
        parent.insert(index, div)

    @staticmethod
    def _localise_title(div: Element, lang: str) -> None:
        classes = (div.get("class") or "").split()
        kind = next((c for c in classes if c in ALERT_TITLES), None)
        if kind is None or not len(div) or div[0].get("class") != "admonition-title":
            return
        title = div[0]
        if title.text == kind.title() and not len(title):  # the automatic English title
            title.text = ALERT_TITLES[kind].get(lang, title.text)

    @staticmethod
    def _resolve(
        url: str, ctx: RenderContext, *, image: bool, problems: list[LinkProblem]
    ) -> str | None:
        """New URL for a relative course link, or None to leave it as written."""
        if not ctx.course_id or not url:
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/"):
            return None
        path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
        if not path:
            return None
        if path.startswith("../") or path == "..":
            problems.append(LinkProblem("broken-image" if image else "broken-link", url))
            return None
        media = path[len("media/") :] if path.startswith("media/") else path
        if path.startswith("media/") or image:
            found = _media_variant(media, ctx)
            if found is None:
                problems.append(LinkProblem("broken-image" if image else "broken-link", url))
                return None
            return ctx.media_url(ctx.course_id, found) + (
                f"#{parts.fragment}" if parts.fragment else ""
            )
        m = _MODULE_LINK_RE.match(path)
        module_ids = dict(ctx.module_ids)
        if m and m.group(1) in module_ids:
            target = ctx.module_url(ctx.course_id, module_ids[m.group(1)])
            return target + (f"#{parts.fragment}" if parts.fragment else "")
        problems.append(LinkProblem("broken-link", url))
        return None


def _media_variant(path: str, ctx: RenderContext) -> str | None:
    """``lamp.png`` → ``lamp.lv.png`` when that exists for the language, else ``lamp.png``."""
    stem, dot, ext = path.rpartition(".")
    if dot:
        localised = f"{stem}.{ctx.lang}.{ext}"
        if localised in ctx.media_files:
            return localised
    return path if path in ctx.media_files else None


class _CourseExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown API name
        # After toc (5) so heading ids exist; before inline placeholders are restored.
        md.treeprocessors.register(_CourseTreeprocessor(md), "lasitava_course", 4)


_local = threading.local()


def _markdown_for(lang: str) -> markdown.Markdown:
    cache: dict[str, markdown.Markdown] | None = getattr(_local, "md", None)
    if cache is None:
        cache = _local.md = {}
    md = cache.get(lang)
    if md is None:
        md = markdown.Markdown(
            extensions=[
                "tables",
                "footnotes",
                "def_list",
                "admonition",
                "attr_list",
                "toc",
                "sane_lists",
                "fenced_code",
                _CourseExtension(),
            ],
            extension_configs={
                "toc": {"slugify": slugify, "toc_depth": "1-6"},
                "tables": {"use_align_attribute": True},
                "footnotes": {
                    "BACKLINK_TITLE": FOOTNOTE_BACKLINK_TITLE.get(
                        lang, FOOTNOTE_BACKLINK_TITLE["en"]
                    )
                },
            },
            output_format="html",
        )
        cache[lang] = md
    return md


def _flatten_toc(tokens: list[dict], out: list[TocEntry]) -> None:
    for token in tokens:
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", token.get("name", ""))).strip()
        out.append(TocEntry(level=int(token["level"]), anchor=token["id"], text=text))
        _flatten_toc(token.get("children", []), out)


def render_markdown(text: str, ctx: RenderContext | None = None) -> RenderResult:
    """Render trainer Markdown to sanitised HTML with a table of contents and link problems."""
    ctx = ctx or RenderContext()
    md = _markdown_for(ctx.lang)
    md.reset()
    md.lasitava_ctx = ctx  # type: ignore[attr-defined]
    md.lasitava_problems = []  # type: ignore[attr-defined]
    md.lasitava_ids = set()  # type: ignore[attr-defined]
    md.lasitava_anchors = []  # type: ignore[attr-defined]
    raw = md.convert(text)
    raw = _LEGACY_ANCHOR_RE.sub(lambda m: f'<a id="{m.group(1)}"></a>', raw)
    toc: list[TocEntry] = []
    _flatten_toc(getattr(md, "toc_tokens", []), toc)
    problems: list[LinkProblem] = list(md.lasitava_problems)  # type: ignore[attr-defined]
    ids: set[str] = md.lasitava_ids  # type: ignore[attr-defined]
    for anchor in md.lasitava_anchors:  # type: ignore[attr-defined]
        name = unquote(anchor[1:])
        if name and name not in ids and unicodedata.normalize("NFC", name) not in ids:
            problems.append(LinkProblem("broken-anchor", anchor))
    return RenderResult(html=sanitise_html(raw), toc=tuple(toc), problems=tuple(problems))


_PLAIN_RE = re.compile(r"[\\`*_{}\[\]<>&!#|~=:^\n]|^\s*(?:[-+>]|\d+[.)])\s|\s{2,}$")


def render_inline(text: str, ctx: RenderContext | None = None) -> RenderResult:
    """Render a short text (an option, a matching side, a hint) without the enclosing ``<p>``."""
    if not text:
        return RenderResult("", (), ())
    if not _PLAIN_RE.search(text):  # fast path: plain words need no Markdown
        return RenderResult(html_lib.escape(text, quote=False), (), ())
    result = render_markdown(text, ctx)
    body = result.html.strip()
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
        body = body[3:-4]
    return RenderResult(body, result.toc, result.problems)


def render_block(text: str, ctx: RenderContext | None = None) -> RenderResult:
    """Render a quiz prompt, feedback or explanation (block Markdown, no table of contents)."""
    if not text:
        return RenderResult("", (), ())
    if not _PLAIN_RE.search(text):
        return RenderResult(f"<p>{html_lib.escape(text, quote=False)}</p>", (), ())
    return render_markdown(text, ctx)


_RENDERERS = {"page": render_markdown, "inline": render_inline, "block": render_block}


@lru_cache(maxsize=20_000)
def cached_render(kind: str, text: str, ctx: RenderContext) -> RenderResult:
    """``render_markdown``/``render_inline``/``render_block`` (``kind`` = page|inline|block),
    memoised on (text, context): reloading a course re-renders only what changed."""
    return _RENDERERS[kind](text, ctx)
