"""Raw RFC 822 bytes in, one plain value out: the parsing layer of incoming customer mail.

Whatever delivers the bytes (IMAP, a provider's webhook, an MTA pipe) calls `parse(raw)` and gets a
frozen `ParsedMail`; a later service turns that into a ticket or a reply. Nothing here touches the
database or another app: only the standard library's `email` (with `policy.default`), nh3 for the
HTML (csboard.core.mailhtml) and mail-parser-reply for folding quoted history away.

`parse` never raises on bad input. Mail from the wild is often broken (a charset that does not
exist or is not the one used, raw 8-bit bytes in headers, boundaries that never close, headers of
megabytes); each such fault is noted in `ParsedMail.defects` and parsing carries on with the best
reading it can make. Every str it returns is free of NUL characters.

Decisions, each written once here:

- Charsets: the declared charset is tried first, through `_CHARSET_ALIASES` (the WHATWG habit of
  reading iso-8859-1/us-ascii as windows-1252 and gb2312 as gb18030, supersets that mail clients
  actually send). Bytes that are valid UTF-8 with non-ASCII in them are read as UTF-8 whatever the
  label says: legacy text is almost never valid UTF-8 by accident, mislabelled UTF-8 is common.
  Anything still undecodable is replaced (U+FFFD), never dropped silently or raised.
- HTML (`ParsedMail.html`): cleaned by csboard.core.mailhtml (an allow-list of formatting tags;
  images keep only `cid:` sources, left as written so the page can map them to the inline
  attachments, `ParsedAttachment.content_id`).
- Auto-submitted mail (`is_auto`, with the header that decided in `auto_reason`) means "never answer
  this automatically" (RFC 3834 section 2), see `_auto_reason` for each rule. A bounce is auto too.
- Bounces (`is_bounce`): a delivery-status report, or mail from mailer-daemon/postmaster, or an
  Exim `X-Failed-Recipients` header; `bounced_message_id` is the Message-ID of the mail that failed,
  from the returned message or headers, else from the first Message-ID line quoted in the text.
- Attachments: every leaf part that is not the chosen text or HTML body, a forwarded message
  (message/rfc822) whole as one .eml attachment, a detached PGP/S-MIME signature left out (it is
  not something the customer meant to send; the signed text is the body).
"""

from __future__ import annotations

import codecs
import contextlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from mailparser_reply.parser import EmailMessage as ReplySplitter

from csboard.core import mailhtml

# Past these, input is cut (and a defect noted) rather than parsed in full: no legitimate header is
# this long, and the reply parser's regular expressions are not meant for megabytes of text.
MAX_HEADER_CHARS = 16_384
MAX_REPLY_SCAN_CHARS = 30_000
MAX_REPLY_LINE_CHARS = 200
MAX_PARTS = 500
MAX_FILENAME_CHARS = 150
MAX_DEFECTS = 50

REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]

_CHARSET_ALIASES = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "utf8": "utf-8",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I
)
_ID = re.compile(r"<([^<>\s]+)>")
_MESSAGE_ID_LINE = re.compile(r"^\s*>?\s*Message-ID:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)
_ADDRESS_HEADERS = {"from", "sender", "reply-to", "to", "cc", "bcc"}
_SIGNATURE_TYPES = {
    "application/pgp-signature",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
}
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)
    content_id: str | None = None
    is_inline: bool = False


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str | None = None
    reply_to: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    reply_text: str = ""
    quoted_text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto: bool = False
    auto_reason: str | None = None
    is_bounce: bool = False
    bounced_message_id: str | None = None
    defects: list[str] = field(default_factory=list)


def ticket_reference(subject: str, key: str) -> int | None:
    """The number in the first `[KEY-123]` of a subject, or None. The key matches in any case
    (`[cs-12]` is CS-12: people retype it, some gateways change case); the brackets and digits
    must be exact, so `[CS-12x]` or `CS-12` alone match nothing."""
    if not subject or not key:
        return None
    match = re.search(rf"\[{re.escape(key)}-(\d{{1,9}})\]", subject, re.IGNORECASE)
    return int(match.group(1)) if match else None


def parse(raw: bytes) -> ParsedMail:
    defects = _Defects()
    raw = bytes(raw or b"")
    message = _message(raw, defects)
    headers = _Headers(message, defects)

    from_name, from_address = headers.first_address("From")
    _, reply_to = headers.first_address("Reply-To")
    references = _ids(headers.text("References"))
    in_reply_to = _ids(headers.text("In-Reply-To"))
    message_id = _ids(headers.text("Message-ID"))

    parts = _leaf_parts(message, defects)
    for part in [message, *parts]:
        defects.extend(type(defect).__name__ for defect in part.defects)
    plain_part, html_part = _body_parts(message)
    plain = _part_text(plain_part, defects) if plain_part is not None else ""
    html_source = _part_text(html_part, defects) if html_part is not None else ""
    text = plain if plain.strip() else _html_to_text(html_source)
    reply_text, quoted_text = _split_reply(text, defects)

    is_bounce, bounced_message_id = _bounce(message, headers, from_address, parts, text)
    auto_reason = _auto_reason(headers) or ("bounce" if is_bounce else None)
    body_parts = {id(plain_part), id(html_part)}
    attachments = [
        _attachment(part, index, defects)
        for index, part in enumerate(
            (
                p
                for p in parts
                if id(p) not in body_parts and p.get_content_type() not in _SIGNATURE_TYPES
            ),
            start=1,
        )
    ]

    return ParsedMail(
        message_id=message_id[0] if message_id else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=references,
        subject=" ".join(headers.unstructured("Subject").split()),
        from_name=from_name,
        from_address=from_address,
        reply_to=reply_to,
        to=headers.addresses("To"),
        cc=headers.addresses("Cc"),
        date=headers.date(),
        text=text,
        html=sanitise_html(html_source).strip() if html_source else "",
        reply_text=reply_text,
        quoted_text=quoted_text,
        attachments=attachments,
        is_auto=auto_reason is not None,
        auto_reason=auto_reason,
        is_bounce=is_bounce,
        bounced_message_id=bounced_message_id,
        defects=defects.items,
    )


def _message(raw: bytes, defects: _Defects) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser's recursion on absurd nesting, chiefly
        defects.add(f"unparseable: {type(error).__name__}")
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        message.set_payload(_split_body(raw))
        return message
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        repaired = _quote_boundary(raw)
        if repaired != raw:
            try:
                again = BytesParser(policy=policy.default).parsebytes(repaired)
            except Exception:
                return message
            if again.is_multipart():
                defects.add("boundary-repaired")
                return again
    return message


_UNQUOTED_BOUNDARY = re.compile(rb'(?i)(boundary\s*=\s*)([^"\s;][^\s;]*)')


def _quote_boundary(raw: bytes) -> bytes:
    """Outlook Express wrote `boundary=----=_NextPart_...` unquoted, which the standard parser
    cuts at the "=": quote it in the top-level header block so the parts can be found."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(separator)
        if found:
            return _UNQUOTED_BOUNDARY.sub(rb'\1"\2"', head, count=1) + found + body
    return raw


class _Defects:
    def __init__(self):
        self.items: list[str] = []

    def add(self, defect: str):
        if defect not in self.items and len(self.items) < MAX_DEFECTS:
            self.items.append(defect)

    def extend(self, defects):
        for defect in defects:
            self.add(defect)


def _clean(value: str) -> str:
    return value.replace("\x00", "")


def _split_body(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        _head, found, body = raw.partition(separator)
        if found:
            return body
    return b""


class _Headers:
    """Header values read one at a time, each behind its own guard: a header the policy cannot
    parse is noted and read as absent, never allowed to take the rest of the mail with it."""

    def __init__(self, message: EmailMessage, defects: _Defects):
        self.message = message
        self.defects = defects
        self.first: dict[str, str] = {}
        for key, value in message.raw_items():
            self.first.setdefault(str(key).lower(), value)

    def raw(self, name: str) -> str | None:
        value = self.first.get(name.lower())
        if value is None:
            return None
        if len(value) > MAX_HEADER_CHARS:
            self.defects.add(f"header-too-long: {name}")
            value = value[:MAX_HEADER_CHARS]
            if name.lower() in _ADDRESS_HEADERS and "," in value:
                value = value.rpartition(",")[0]  # whole addresses only
        return _eight_bit_header(value)

    def parsed(self, name: str):
        value = self.raw(name)
        if value is None:
            return None
        try:
            header = self.message.policy.header_fetch_parse(name, value)
            self.defects.extend(type(defect).__name__ for defect in header.defects)
            return header
        except Exception as error:
            self.defects.add(f"bad-header: {name}: {type(error).__name__}")
            return None

    def text(self, name: str) -> str:
        header = self.parsed(name)
        if header is None:
            value = self.raw(name)
            return _clean(value) if value else ""
        try:
            return _clean(str(header))
        except Exception:
            return _clean(self.raw(name) or "")

    def unstructured(self, name: str) -> str:
        """A free-text header (Subject), its encoded words decoded with the same charset rules
        as bodies. Adjacent words in one charset are joined before decoding, as senders split
        multibyte characters across them (Outlook Express did, for GB2312)."""
        value = self.raw(name)
        if value is None:
            return ""
        try:
            chunks = decode_header("".join(value.splitlines()))
            text = "".join(self._chunk(chunk, charset) for chunk, charset in chunks)
            return _clean(text)
        except Exception:
            return self.text(name)

    def _chunk(self, chunk: bytes | str, charset: str | None) -> str:
        if isinstance(chunk, str):
            return chunk
        if charset is None:  # text between encoded words, which decode_header escaped so
            return chunk.decode("raw-unicode-escape", "replace")
        return _decode(chunk, charset, self.defects)

    def _pairs(self, name: str) -> list[tuple[str, str]]:
        header = self.parsed(name)
        try:
            if header is not None and hasattr(header, "addresses"):
                return [(a.display_name, a.addr_spec) for a in header.addresses]
        except Exception as error:
            self.defects.add(f"bad-address: {name}: {type(error).__name__}")
        try:
            return getaddresses([self.text(name)])
        except Exception:
            return []

    def addresses(self, name: str) -> list[str]:
        found = []
        for _, address in self._pairs(name):
            address = _clean(address).strip().lower()
            if "@" in address and address not in found:
                found.append(address)
        return found

    def first_address(self, name: str) -> tuple[str, str | None]:
        for display_name, address in self._pairs(name):
            address = _clean(address).strip().lower()
            if address and address != "<>":
                return " ".join(_clean(display_name).split()), address
        return "", None

    def date(self) -> datetime | None:
        header = self.parsed("Date")
        value = getattr(header, "datetime", None)
        if value is None:
            try:
                value = parsedate_to_datetime(self.text("Date"))
            except Exception:
                return None
        if value.tzinfo is None:  # "-0000": the time is UTC, the zone unknown (RFC 5322 3.3)
            value = value.replace(tzinfo=UTC)
        return value


def _eight_bit_header(value: str) -> str:
    """Raw 8-bit bytes in a header (against RFC 5322, common all the same) reach us as
    surrogate escapes: read them as UTF-8 if they are that, else as windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _ids(value: str) -> list[str]:
    """Message ids in order, angle brackets stripped, each once. A bare id with no brackets (some
    Outlook and webmail versions write them so) is taken whole if it looks like one."""
    found = []
    bare = [token for token in (value or "").split()[:1] if "@" in token]
    for message_id in _ID.findall(value or "") or bare:
        if message_id not in found:
            found.append(message_id)
    return found


def _leaf_parts(message: EmailMessage, defects: _Defects) -> list[EmailMessage]:
    """Every non-multipart part, depth first, not descending into a forwarded message (it is one
    attachment, and its own parts belong to it)."""
    found = []
    stack = [message]
    while stack:
        part = stack.pop()
        if len(found) >= MAX_PARTS:
            defects.add("too-many-parts")
            break
        if part.is_multipart() and part.get_content_maintype() != "message":
            payload = part.get_payload()
            stack.extend(reversed([p for p in payload if isinstance(p, EmailMessage)]))
        else:
            found.append(part)
    return found


def _body_parts(message: EmailMessage):
    try:
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
    except Exception:
        plain = html = None
    # A multipart whose boundary never appears arrives as one string: read it as text, the
    # customer's words are in there somewhere.
    broken = (
        message.get_content_maintype() == "multipart" or message.get_content_type() == "text/plain"
    )
    if plain is None and html is None and not message.is_multipart() and broken:
        plain = message
    return plain, html


def _decode(data: bytes, charset: str | None, defects: _Defects) -> str:
    name = (charset or "").strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    codec = None
    if name:
        try:
            info = codecs.lookup(name)
            codec = info.name if getattr(info, "_is_text_encoding", True) else None
        except LookupError:
            pass
        if codec is None:
            defects.add(f"unknown-charset: {name[:40]}")
    if codec and not codec.startswith("utf") and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec or "utf-8")
    except UnicodeDecodeError:
        defects.add(f"undecodable-bytes: {codec or 'utf-8'}")
        return data.decode(codec or "cp1252", "replace")


def _part_bytes(part: EmailMessage) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: EmailMessage, defects: _Defects) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    data = _part_bytes(part)
    if charset is None and part.get_content_subtype() == "html":
        # No charset on the part: an HTML page may name its own in a <meta> near the top.
        declared = _META_CHARSET.search(data[:4096])
        charset = declared.group(1).decode("ascii") if declared else None
    text = _decode(data, charset, defects)
    return _clean(text.replace("\r\n", "\n").replace("\r", "\n"))


class _TextFromHtml(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "pre",
    }
    HIDDEN = {"script", "style", "title", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.quote = 0

    def newline(self, force: bool = False):
        """End the line; a block's edge ends only a line that has text, a <br> ends any."""
        line = " ".join("".join(self.current).split())
        if line or force:
            self.lines.append("> " * self.quote + line if line else "")
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":  # whatever the head left open, the body is shown
            self.hidden = 0
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.newline()
            self.quote += 1
        elif tag in self.BLOCKS:
            self.newline(force=tag == "br")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.newline()
            self.quote = max(0, self.quote - 1)
        elif tag in self.BLOCKS - {"br", "hr"}:
            self.newline()

    def handle_data(self, data):
        if not self.hidden:
            self.current.append(data)


def _html_to_text(html: str) -> str:
    """Plain text for a mail that sent only HTML: blocks as lines, blockquotes as "> " quotes (so
    the reply parser can fold them), scripts, styles and the title left out."""
    if not html:
        return ""
    converter = _TextFromHtml()
    try:
        converter.feed(html)
        converter.close()
    except Exception:
        pass
    converter.newline()
    text = "\n".join(converter.lines)
    return _clean(re.sub(r"\n{3,}", "\n\n", text).strip())


def sanitise_html(html: str) -> str:
    """The mail's HTML made safe to show inside our page (csboard.core.mailhtml)."""
    return mailhtml.sanitise(html)


def _split_reply(text: str, defects: _Defects) -> tuple[str, str]:
    """The new part of a reply, and what was folded away (quoted history, signature, disclaimer).

    The reply parser's header patterns cost the square of a line's length or worse, so it sees
    at most MAX_REPLY_SCAN_CHARS of text, with each line longer than MAX_REPLY_LINE_CHARS (no
    "On ... wrote:" line is) standing in as a short placeholder that is put back afterwards."""
    if not text.strip():
        return "", ""
    scanned, rest = text[:MAX_REPLY_SCAN_CHARS], text[MAX_REPLY_SCAN_CHARS:]
    if rest:
        defects.add("reply-scan-truncated")
    long_lines: list[str] = []

    def stand_in(line: str) -> str:
        if len(line) <= MAX_REPLY_LINE_CHARS:
            return line
        long_lines.append(line.strip())
        return f"\ue000{len(long_lines) - 1}\ue001"

    def put_back(value: str) -> str:
        return _STAND_IN.sub(lambda match: long_lines[int(match.group(1))], value)

    scanned = "\n".join(stand_in(line) for line in scanned.replace("\ue000", "").split("\n"))
    try:
        splitter = ReplySplitter(
            text=scanned, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True
        )
        first, *older = splitter.read().replies
        reply = first.body
        folded = [first.signatures, *first.disclaimers, *(r.content for r in older)]
    except Exception as error:
        defects.add(f"reply-parser: {type(error).__name__}")
        return text.strip(), ""
    quoted = "\n\n".join(part.strip() for part in [*folded, rest] if part and part.strip())
    if not reply.strip():  # all of it looked quoted: show it rather than an empty message
        return text.strip(), ""
    return _clean(put_back(reply.strip())), _clean(put_back(quoted))


_STAND_IN = re.compile("\ue000(\\d+)\ue001")


def _auto_reason(headers: _Headers) -> str | None:
    """Which header marks this mail as sent by a machine, or None. Each rule:

    - `Auto-Submitted` other than `no` (RFC 3834: auto-generated, auto-replied, auto-notified).
    - `X-Autoreply` or `X-Autorespond` present (vacation(1), cPanel, many autoresponders; nobody
      sends them to say no).
    - `Precedence: bulk | junk | auto_reply | list`: the old convention of autoresponders and list
      servers; RFC 3834 asks us never to answer list mail automatically, so `list` counts.
    - `X-Auto-Response-Suppress` naming `All`, `OOF` or `AutoReply`: Exchange and Outlook put it on
      their own out-of-office and automatic replies (which carry no Auto-Submitted) and
      notification systems on theirs. A person's Outlook mail does not carry it; a value with only
      `DR`/`RN`/`NRN`/`NDR` (no receipts wanted) is not taken as a sign.
    Subjects ("Out of office", "Automatic reply:") are not used: they are localised without end
    and people write them too.
    """
    auto_submitted = headers.text("Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "Auto-Submitted"
    for name in ("X-Autoreply", "X-Autorespond"):
        if headers.raw(name) is not None:
            return name
    if headers.text("Precedence").strip().lower() in {"bulk", "junk", "auto_reply", "list"}:
        return "Precedence"
    suppress = {
        token.strip().lower() for token in headers.text("X-Auto-Response-Suppress").split(",")
    }
    if suppress & {"all", "oof", "autoreply"}:
        return "X-Auto-Response-Suppress"
    return None


def _bounce(message, headers: _Headers, from_address, parts, text) -> tuple[bool, str | None]:
    report = message.get_content_type() == "multipart/report" and (
        (message.get_param("report-type") or "").lower() == "delivery-status"
    )
    sender = (from_address or "").split("@")[0]
    is_bounce = (
        report
        or sender in {"mailer-daemon", "postmaster"}
        or headers.raw("X-Failed-Recipients") is not None
    )
    if not is_bounce:
        return False, None
    for part in parts:
        returned = _returned_headers(part)
        if returned is not None:
            found = _ids(_Headers(returned, _Defects()).text("Message-ID"))
            if found:
                return True, found[0]
    match = _MESSAGE_ID_LINE.search(text)
    return True, match.group(1) if match else None


def _returned_headers(part: EmailMessage) -> EmailMessage | None:
    content_type = part.get_content_type()
    try:
        if content_type in {"message/rfc822", "message/global"}:
            payload = part.get_payload()
            return payload[0] if isinstance(payload, list) and payload else None
        if content_type in {"text/rfc822-headers", "message/rfc822-headers", "text/rfc822-header"}:
            return BytesParser(policy=policy.default).parsebytes(
                _part_bytes(part), headersonly=True
            )
    except Exception:
        return None
    return None


def _attachment(part: EmailMessage, index: int, defects: _Defects) -> ParsedAttachment:
    content_type = part.get_content_type()
    if part.get_content_maintype() == "message" and isinstance(part.get_payload(), list):
        try:
            # compat32 writes the headers back as they came, where the default policy refolds
            content = part.get_payload()[0].as_bytes(policy=policy.compat32)
        except Exception:
            content = _part_bytes(part)
            defects.add("unreadable-attached-message")
    else:
        content = _part_bytes(part)
    try:
        name = part.get_filename()
    except Exception:
        name = None
    disposition = (part.get_content_disposition() or "").lower()
    content_id = _Headers(part, defects).text("Content-ID").strip().strip("<>").strip() or None
    return ParsedAttachment(
        filename=safe_filename(name, content_type, index),
        content_type=content_type,
        content=content,
        content_id=content_id,
        is_inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
    )


def safe_filename(
    name: str | None, content_type: str = "application/octet-stream", index: int = 1
) -> str:
    """A name to store and offer for download: the last path component only, RFC 2047 words
    decoded, no control or bidi characters, none of the characters Windows forbids, no leading
    dot, capped length (keeping the extension), and `attachment-N.ext` when nothing is left."""
    name = _clean(str(name or ""))
    if "=?" in name:
        with contextlib.suppress(Exception):
            name = str(make_header(decode_header(name)))
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = " ".join(name.split()).strip(" .")
    if _WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    if len(name) > MAX_FILENAME_CHARS:
        _stem, dot, extension = name.rpartition(".")
        extension = extension if dot and len(extension) <= 10 else ""
        name = name[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip(" .") + (
            f".{extension}" if extension else ""
        )
    if not name:
        extension = (
            ".eml"
            if content_type == "message/rfc822"
            else mimetypes.guess_extension(content_type) or ".bin"
        )
        name = f"attachment-{index}{extension}"
    return name
