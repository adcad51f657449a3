"""A customer's mail as HTML that is safe inside our pages, written once here for the parser that
stores it (mail.parsing) and the pages that show it (workspace).

nh3 keeps an allow-list of formatting tags and a handful of attributes; no script, style, iframe,
form, event handler, `style`/`class` attribute or `javascript:` URL survives. Links keep
http(s)/mailto and get rel="noopener noreferrer nofollow". Images keep only `cid:` sources: an
external image loses its src (its alt text stays), so opening a mail never tells a tracker it was
read and nothing loads that the page did not choose. When the page shows the mail,
`with_images` cleans it again (what was stored under an older allow-list obeys today's) and points
each `cid:` at the stored attachment with that Content-ID; a `cid:` with no such attachment loses
its src too.
"""

import re
from collections.abc import Mapping
from html import escape, unescape
from urllib.parse import unquote

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"dir", "lang"},
}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.strip().lower().startswith("cid:") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "title", "template", "noscript"},
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto", "cid"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
# A source as nh3 writes it back: always double-quoted, with `&` and `"` escaped.
_CID_SOURCE = re.compile(r'\ssrc="cid:([^"]*)"', re.IGNORECASE)


def sanitise(html: str) -> str:
    """The mail's HTML made safe to show inside our page ("" if it cannot be read at all)."""
    try:
        return _CLEANER.clean(html.replace("\x00", "")).replace("\x00", "")
    except Exception:
        return ""


def content_id_key(content_id: str) -> str:
    """How a Content-ID is matched: `<…>` and case aside (RFC 2392 compares them as addresses,
    and mail clients disagree on the case they write)."""
    return content_id.strip().strip("<>").strip().lower()


def with_images(html: str, sources: Mapping[str, str]) -> str:
    """`html` cleaned, with each `cid:` image pointing at `sources[content_id_key(cid)]` (a URL
    on our own site) or, with none there, without a source."""

    def source(match: re.Match) -> str:
        url = sources.get(content_id_key(unquote(unescape(match.group(1)))))
        return f' src="{escape(url)}"' if url else ""

    return _CID_SOURCE.sub(source, sanitise(html))
