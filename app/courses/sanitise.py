"""HTML sanitising of rendered course Markdown, with nh3 and an explicit allow-list.

Trainers may write raw HTML in Markdown. Everything that is not on the lists below is removed:
scripts and styles with their content; unknown tags (iframe, object, embed, base, meta, form,
input, svg, math, ...) are dropped while their text is kept as text; event-handler and ``style``
attributes; URLs other than http, https, mailto and relative ones (so no ``javascript:``,
``vbscript:`` or ``data:``). Links get ``rel="noopener noreferrer"``. ``class`` keeps only the
classes the Markdown extensions produce; ``id`` keeps only plain anchor names.

``raw_html_problems`` tells the checker which raw HTML in a trainer's file would be removed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "time", "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip

# Removed together with their content (everything else unknown keeps its text).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset({"script", "style", "template", "noscript"})

GLOBAL_ATTRIBUTES: frozenset[str] = frozenset({"id", "class", "lang", "dir", "title"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

ALLOWED_CLASSES: frozenset[str] = frozenset(
    {
        "admonition", "admonition-title", "note", "tip", "hint", "important", "warning",
        "caution", "danger", "error", "attention", "info", "success", "question", "example",
        "footnote", "footnote-ref", "footnote-backref", "toc",
    }
)  # fmt: skip
_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")
_ID_RE = re.compile(r"^[\w:.\-]{1,200}$")
_VALUE_RE = {
    "align": re.compile(r"^(left|right|center|justify)$", re.I),
    "dir": re.compile(r"^(ltr|rtl|auto)$", re.I),
    "lang": re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    "loading": re.compile(r"^(lazy|eager)$", re.I),
    "scope": re.compile(r"^(row|col|rowgroup|colgroup)$", re.I),
    "width": re.compile(r"^\d{1,4}$"),
    "height": re.compile(r"^\d{1,4}$"),
}


_URL_NOISE = re.compile(
    r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]"
)
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_url(value: str) -> str | None:
    """The URL with leading/trailing (Unicode) spaces removed, or None when it has a scheme other
    than http, https or mailto once the invisible characters browsers or users might ignore are
    dropped (``\u2028javascript:``, ``java&#9;script:``)."""
    stripped = value.strip(
        " \t\n\r\f\v\x00\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004"
        "\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f"
        "\u3000\ufeff"
    )
    m = _URL_SCHEME.match(_URL_NOISE.sub("", stripped))
    if m and m.group(1).lower() not in URL_SCHEMES:
        return None
    return stripped


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in ("href", "src"):
        return safe_url(value)
    if attr == "class":
        kept = [c for c in value.split() if c in ALLOWED_CLASSES or _CLASS_RE.match(c)]
        return " ".join(kept) or None
    if attr == "id":
        return value if _ID_RE.match(value) else None
    pattern = _VALUE_RE.get(attr)
    if pattern is not None and not pattern.match(value.strip()):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{k: set(v) for k, v in TAG_ATTRIBUTES.items()}},
    attribute_filter=_attribute_filter,
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed (see the module docstring)."""
    return _CLEANER.clean(html)


# --------------------------------------------------------------------------------------------
# Reporting raw HTML that would be removed (for the checker)

_URL_ATTRS = {"href", "src"}
_SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
            return
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if tag == "a" and name == "name":
                continue  # legacy anchors <a name="x"> become ids
            if name not in allowed:
                self.problems.append(f'{name}="…" on <{tag}>')
            elif name in _URL_ATTRS and value:
                m = _SCHEME_RE.match(value)
                if m and m.group(1).lower() not in URL_SCHEMES:
                    self.problems.append(f"{m.group(1).lower()}: in <{tag} {name}>")

    handle_startendtag = handle_starttag


def raw_html_problems(fragment: str) -> list[str]:
    """What the sanitiser would strip from a raw HTML fragment, e.g. ``['<iframe>',
    'onclick="…" on <a>']``. Empty when the fragment is fine."""
    collector = _TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector.problems
