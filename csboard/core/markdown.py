"""Markdown to HTML, once, for every free text a user writes (ticket descriptions, chat).

python-Markdown renders; nh3 (ammonia) then keeps only an allow-list of tags and attributes, so
that `<script>`, event-handler attributes and `javascript:`/`data:` links never reach a page,
whatever the Markdown produced or the user typed as raw HTML."""

import re

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


def render(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


def mentions(text: str) -> set[str]:
    """The usernames written as @username in `text` (lower-cased)."""
    return {name.rstrip(".").lower() for name in MENTION.findall(text or "")}
