"""Markdown to HTML, once, for every free text a user writes (ticket descriptions, chat).

python-Markdown renders; nh3 (ammonia) then keeps only an allow-list of tags and attributes, so
that `<script>`, event-handler attributes and `javascript:`/`data:` links never reach a page,
whatever the Markdown produced or the user typed as raw HTML.

A page shows the same texts again and again (a ticket's chat on every visit, the board chat on
every live redraw), and building a converter costs more than converting a short text: each
thread keeps one converter, and the last texts rendered are remembered with their HTML (the
output depends on the text and on who may be mentioned alone).

@username of a board member is drawn as `<span class="mention">`. The converter marks a mention
with a class only this process knows (`_MENTION_MARK`) and the sanitiser turns that class, and
no other, into "mention": a `<span class="mention">` typed as raw HTML loses its class, so
nobody can dress a name up as a mention of a member.

`plain_text` gives the words of a text without its formatting, for previews (notifications)."""

import re
import secrets
import threading
import xml.etree.ElementTree as etree
from functools import lru_cache
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "span": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.+-]{1,150})")
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
REMEMBERED = 512  # texts whose HTML is kept, per process
REMEMBERED_LENGTH = 10_000  # longer texts (a pasted log in a description) are not kept

# After links, autolinks and raw HTML (priorities 160, 120, 90): an @name inside a URL or a tag
# stays as written; code spans and blocks are never searched.
MENTION_PRIORITY = 75
_MENTION_MARK = f"mention-{secrets.token_hex(16)}"
NOBODY: frozenset[str] = frozenset()

_local = threading.local()


class _Mentions(InlineProcessor):
    """@username, where username is one of `members` (lower-cased), set before each text."""

    members: frozenset[str] = NOBODY

    def handleMatch(self, m, data):
        name = m.group(1).rstrip(".")
        if name.lower() not in self.members:
            return None, None, None
        span = etree.Element("span", {"class": _MENTION_MARK})
        span.text = AtomicString(f"@{name}")  # not searched again
        return span, m.start(0), m.start(0) + 1 + len(name)


def render(text: str, members: frozenset[str] = NOBODY) -> SafeString:
    """`text`'s Markdown as sanitised HTML; `members` (lower-cased usernames) are the names an
    @mention highlights, the board's members."""
    text = text or ""
    if len(text) > REMEMBERED_LENGTH:
        return _render(text, members)
    return _remembered(text, members)


def _converter() -> markdown_lib.Markdown:
    """This thread's converter, reset: a converter holds the state of the text it converts, so
    threads never share one."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=EXTENSIONS)
        converter.mentions = _Mentions(MENTION.pattern, converter)
        converter.inlinePatterns.register(converter.mentions, "mention", MENTION_PRIORITY)
    return converter.reset()


def _only_our_mentions(tag: str, attribute: str, value: str) -> str | None:
    if tag == "span" and attribute == "class":
        return "mention" if value == _MENTION_MARK else None
    return value


def _render(text: str, members: frozenset[str] = NOBODY) -> SafeString:
    converter = _converter()
    converter.mentions.members = members
    html = converter.convert(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_our_mentions,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


_remembered = lru_cache(maxsize=REMEMBERED)(_render)


class _Words(HTMLParser):
    """The text of sanitised HTML, a space where a block, a line or a cell ends."""

    BREAKS = {"p", "br", "li", "tr", "td", "th", "pre", "blockquote", "hr", "h1", "h2", "h3",
              "h4", "h5", "h6", "ul", "ol", "table"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, ())

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(text: str, limit: int | None = None) -> str:
    """`text`'s Markdown as plain words, for a preview: no formatting marks, a link as its text,
    code as its characters, raw HTML as its text; white space collapsed. Cut to `limit`
    characters with an ellipsis. The result is text, to be escaped where it is shown."""
    words = _Words()
    words.feed(render(text))
    words.close()
    flat = " ".join("".join(words.parts).split())
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


def mentions(text: str) -> set[str]:
    """The usernames written as @username in `text` (lower-cased)."""
    return {name.rstrip(".").lower() for name in MENTION.findall(text or "")}
