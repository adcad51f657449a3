"""The matching words of a result, marked: PostgreSQL's ts_headline (search.selectors) or, on the
fallback, `mark` here put two control characters around each match in the plain text; `as_html`
escapes the text and only then turns those characters into <mark> and </mark>. The document's
text never holds them (search.services strips them), so a title written as "<script>" or
"<mark>" stays text."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\x02", "\x03"
MARKS = str.maketrans("", "", START + STOP)  # str.translate: the text without them

SNIPPET_WORDS = 30


def as_html(marked: str | None) -> SafeString:
    """Text with our marks as HTML: escaped, each marked run in <mark>."""
    html = escape(marked or "")
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # The whole word a term is found in, as ts_headline marks it ("invo" marks "invoice").
    alternatives = sorted({re.escape(term) for term in terms}, key=len, reverse=True)
    return re.compile(rf"\w*(?:{'|'.join(alternatives)})\w*", re.IGNORECASE)


def mark(text: str, terms: list[str]) -> str:
    """`text` with every word holding a term (whatever its case) between the marks."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return text
    return pattern.sub(lambda found: f"{START}{found.group(0)}{STOP}", text)


def snippet(text: str, terms: list[str], words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `text` around its first match, marked ("…" where it was cut);
    the beginning when nothing matches."""
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern is not None and text else None
    all_words = text.split()
    start = 0 if found is None else max(0, len(text[: found.start()].split()) - words // 3)
    kept = all_words[start : start + words]
    cut = " ".join(kept)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(all_words) else ""
    return prefix + mark(cut, terms) + suffix
