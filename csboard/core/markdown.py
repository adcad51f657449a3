"""Markdown to HTML, once, for every free text a user writes (ticket descriptions, chat).

python-Markdown renders; nh3 (ammonia) then keeps only an allow-list of tags and attributes, so
that `<script>`, event-handler attributes and `javascript:`/`data:` links never reach a page,
whatever the Markdown produced or the user typed as raw HTML.

A page shows the same texts again and again (a ticket's chat on every visit, the board chat on
every live redraw), and building a converter costs more than converting a short text: each
thread keeps one converter, and the last texts rendered are remembered with their HTML (the
output depends on the text alone)."""

import re
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.+-]{1,150})")
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
REMEMBERED = 512  # texts whose HTML is kept, per process
REMEMBERED_LENGTH = 10_000  # longer texts (a pasted log in a description) are not kept

_local = threading.local()


def render(text: str) -> SafeString:
    text = text or ""
    if len(text) > REMEMBERED_LENGTH:
        return _render(text)
    return _remembered(text)


def _converter() -> markdown_lib.Markdown:
    """This thread's converter, reset: a converter holds the state of the text it converts, so
    threads never share one."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=EXTENSIONS)
    return converter.reset()


def _render(text: str) -> SafeString:
    html = _converter().convert(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


_remembered = lru_cache(maxsize=REMEMBERED)(_render)


def mentions(text: str) -> set[str]:
    """The usernames written as @username in `text` (lower-cased)."""
    return {name.rstrip(".").lower() for name in MENTION.findall(text or "")}
