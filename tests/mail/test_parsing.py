"""mail.parsing against real-world messages (tests/mail/corpus, SOURCES.md says where each came
from) and against the hostile or broken input incoming mail is full of. No database."""

import random
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mail.parsing import ParsedMail, parse, safe_filename, sanitise_html, ticket_reference

CORPUS = Path(__file__).parent / "corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# file: what the parse must show. "text"/"reply" are snippets that must appear, "folded" ones must
# be in quoted_text and not in reply_text, attachments are (filename, content type) in order.
EXPECTED = {
    "mikel-8bit-filename.eml": {
        "subject": "testing",
        "from": "foo@example.com",
        "text": ["This is the first part."],
        "attachments": [("ciële.txt", "text/plain")],
    },
    "mikel-8bit-subject-windows-1252.eml": {
        "subject": "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        "from": "info@formacaofrenetik.info",
        "from_name": "Formação Frenetikpolis",
        "text": ["TEST"],
    },
    "mikel-attachment-only.eml": {
        "subject": "this message JUST contains an attachment",
        "from": "rfinnie@domain.dom",
        "text": [],
        "attachments": [("blah.gz", "application/x-gzip")],
    },
    "mikel-encoding-madness.eml": {
        "subject": "eBay Bid - 2008 Ford Super Duty F-350 DRW King Ranch Crew Cab 4x4 (156) - Stock# XXXX",
        "from": "no-reply@crm.el-example.org",
        "text": ["Body Text"],
    },
    "mikel-forwarded-rfc822.eml": {
        "subject": "testing",
        "from": "foo@example.com",
        "text": ["This is the first part."],
        "attachments": [("ForwardedMessage.eml", "message/rfc822")],
    },
    "mikel-iso-8859-1-gmail-invite.eml": {
        "subject": "Nicolas Fouché has accepted your invitation to Gmail",
        "from": "gmail-noreply@google.com",
        "text": ["Nicolas Fouché has accepted your invitation"],
        "html": ["Nicolas Fouché"],
    },
    "mikel-japanese-iso-2022.eml": {
        "subject": "まみむめも",
        "from": "raasdnil@gmail.com",
        "text": ["すみません。"],
    },
    "mikel-ks-c-5601-1987.eml": {"subject": "test", "from": "from@example.com", "text": ["스티해"]},
    "mikel-outlook-express-alternative-latin1.eml": {
        "subject": "Testing outlook",
        "from": "email_test@me.nowhere",
        "text": ["This is an outlook test"],
        "not_text": ["Content-Type", "NextPart"],
        "html": ["<strong>So there.</strong>"],
        "defects": ["boundary-repaired"],
    },
    "mikel-pgp-signed.eml": {
        "subject": "Re: Testing multipart/signed",
        "from": "test@test.lindsaar.net",
        "text": ["This is random text, not what has been signed below"],
        "attachments": [],
    },
    "mikel-rfc2231-filename.eml": {
        "subject": "Fwd: Signed email causes file attachments",
        "from": "xxxxxxxxx.xxxxxxx@gmail.com",
        "in_reply_to": "F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com",
        "reply": ["We should not include these files or vcards as attachments."],
        "folded": ["Subject: Signed email causes file attachments"],
        "attachments": [("01 Quien Te Dij\ufffdat. Pitbull.mp3", "application/octet-stream")],
    },
    "mikel-thunderbird-reply.eml": {
        "subject": "Re: Test reply email",
        "from": "xxxxxxxx@xxx.org",
        "references": ["473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net"],
        "reply": ["Message body"],
    },
    "talon-gmail-reply.eml": {
        "subject": "Re: Test",
        "from": "xxx@gmail.com",
        "from_name": "Megan One",
        "message_id": "CAKsfaBW4hj0Gek6TwbR3erng4P1y0CZzJ0d=pXtCNnYnbe7PLg@mail.gmail.com",
        "reply": ["Hello"],
        "folded": ["On Mon, Apr 2, 2012 at 6:26 PM, Megan One <xxx@gmail.com> wrote:", "> Hi"],
        "html": ["Hello<br>"],
    },
    "talon-outlook-reply.eml": {
        "subject": "Test",
        "from": "me@example.com",
        "reply": ["Hello"],
        "folded": ["Sent: March-09-12 4:22 PM", "The manager's comment:"],
        "not_html": ["<style", "@font-face", "mso-style"],
    },
    "sisimai-autoreply-auto-submitted.eml": {
        "subject": "Away until May 5",
        "from": "kijitora@example.net",
        "text": ["I am currently away"],
        "auto": "Auto-Submitted",
    },
    "sisimai-autoreply-exchange-oof.eml": {
        "subject": "Automatic reply: Nyaan",
        "from": "nekonyaan@example.org",
        "from_name": "Neko, Nyaan",
        "text": ["I'm out of the office Friday."],
        "auto": "X-Auto-Response-Suppress",
    },
    "sisimai-autoreply-windows-1252.eml": {
        "subject": "Automatic reply: Nyaan",
        "from": "kijitora@example.org",
        "text": ["I will have intermittent access to email"],
        "auto": "X-Auto-Response-Suppress",
    },
    "sisimai-bounce-dsn.eml": {
        "subject": "Returned mail: see transcript for details",
        "from": "mailer-daemon@smtpgw.example.jp",
        "text": ["was automatically rejected"],
        "auto": "Auto-Submitted",
        "bounce": "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org",
        "attachments": [
            ("attachment-1.bin", "message/delivery-status"),
            ("attachment-2.eml", "message/rfc822"),
        ],
    },
    "sisimai-bounce-qmail.eml": {
        "subject": "failure notice",
        "from": "mailer-daemon@mx4.example.jp",
        "text": ["This is the qmail-send program"],
        "auto": "bounce",
        "bounce": "000000000.9999999999999.JavaMail.postmaster@mailhub",
    },
    "spamscope-gb2312-html-only.eml": {
        "subject": "我把镜头拉近些，你们看看这个是什么屄，这种场合自然少不了内射",
        "from": "zyb@sgis.com.cn",
        "text": ["http://go2buy.com.cn/", "我把镜头拉近些"],
        "html": ['<a href="http://go2buy.com.cn/" rel="noopener noreferrer nofollow">'],
        "to_count": 21,
    },
    "spamscope-gb2312-mislabelled-utf8.eml": {
        "subject": "代开各地增值税发票",
        "from": "baoguan@hotmail.com",
        "from_name": "张先生",
        "text": ["你好！我公司可代开各类增值税发票"],
    },
    "synthetic-koi8-r.eml": {
        "subject": "Не работает принтер",
        "from": "ivan.petrov@example.ru",
        "from_name": "Иван Петров",
        "text": ["Принтер в офисе 12 снова не печатает."],
    },
    "synthetic-outlook-reply-rewritten-in-reply-to.eml": {
        "subject": "RE: [CS-42] Printer jams",
        "from": "anna.berg@contoso.example",
        "in_reply_to": "AM9PR07MB7123A1B2C3D4E5F6A7B8C9D0E1F2A3B4@AM9PR07MB7123.eurprd07.prod.outlook.example",
        "references": ["ticket-42-reply-7@csboard.example.com"],
        "reply": ["It still jams on the second tray"],
        "folded": [
            "Kind regards,",
            "Sent: Monday, November 30, 2026 4:02 PM",
            "We have replaced the roller.",
        ],
        "html": ['<img src="cid:image001.png@01DB4321.ABCDEF00"'],
        "attachments": [("image001.png", "image/png")],
    },
    "synthetic-hostile-html-and-filenames.eml": {
        "subject": "Hostile HTML and attachment names",
        "from": "mallory@hostile.example",
        "text": ["Hello team"],
        "html": [
            "<b>team</b>",
            'src="cid:logo@hostile.example"',
            'href="https://example.org/help"',
        ],
        "not_html": [
            "script",
            "alert",
            "onerror",
            "onload",
            "iframe",
            "form",
            "javascript",
            "tracker",
            "style",
        ],
        "attachments": [
            ("attachment-1.png", "image/png"),
            ("passwd", "text/plain"),
            ("_img src=x onerror=alert(1)_.html", "text/html"),
            ("Rechnung März.pdf", "application/pdf"),
            ("attachment-5.bin", "application/octet-stream"),
        ],
    },
}


def test_every_corpus_file_has_expectations_and_a_source():
    files = {path.name for path in CORPUS.glob("*.eml")}
    assert files == set(EXPECTED)
    sources = (CORPUS / "SOURCES.md").read_text()
    assert all(f"| {name} |" in sources for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name):
    expected = EXPECTED[name]
    mail = parse(corpus(name))

    assert mail.subject == expected["subject"]
    assert mail.from_address == expected["from"]
    if "from_name" in expected:
        assert mail.from_name == expected["from_name"]
    for key in ("message_id", "in_reply_to", "references"):
        if key in expected:
            assert getattr(mail, key) == expected[key]
    for snippet in expected.get("text", []):
        assert snippet in mail.text
    if expected.get("text") == []:
        assert mail.text == ""
    for snippet in expected.get("not_text", []):
        assert snippet not in mail.text
    for snippet in expected.get("reply", []):
        assert snippet in mail.reply_text
    for snippet in expected.get("folded", []):
        assert snippet in mail.quoted_text
        assert snippet not in mail.reply_text
    for snippet in expected.get("html", []):
        assert snippet in mail.html
    for snippet in expected.get("not_html", []):
        assert snippet not in mail.html.lower()
    if "attachments" in expected:
        assert [(a.filename, a.content_type) for a in mail.attachments] == expected["attachments"]
    assert mail.is_auto == ("auto" in expected)
    assert mail.auto_reason == expected.get("auto")
    assert mail.is_bounce == ("bounce" in expected)
    assert mail.bounced_message_id == expected.get("bounce")
    for defect in expected.get("defects", []):
        assert defect in mail.defects
    if "to_count" in expected:
        assert len(mail.to) == expected["to_count"]

    for value in (
        mail.subject,
        mail.from_name,
        mail.text,
        mail.html,
        mail.reply_text,
        mail.quoted_text,
    ):
        assert isinstance(value, str)
        assert "\x00" not in value
    assert mail.date is None or mail.date.tzinfo is not None


def test_parsed_mail_is_frozen():
    mail = parse(corpus("talon-gmail-reply.eml"))
    with pytest.raises(FrozenInstanceError):
        mail.subject = "changed"
    assert isinstance(mail, ParsedMail)


def test_headers_and_date():
    mail = parse(corpus("talon-gmail-reply.eml"))
    assert mail.to == ["bob@example.com"]
    assert mail.date == datetime(2012, 4, 2, 16, 21, 52, tzinfo=UTC)


def test_forwarded_message_is_kept_whole():
    forwarded = parse(corpus("mikel-forwarded-rfc822.eml")).attachments[0]
    inner = parse(forwarded.content)
    assert inner.subject == "Another PDF"
    assert inner.message_id == "xxxx@xxxx.com"


# --- headers --------------------------------------------------------------------------------


def message(headers: str, body: bytes = b"Hello\r\n") -> bytes:
    return (
        headers.strip().replace("\n", "\r\n").encode("utf-8", "surrogateescape")
        + b"\r\n\r\n"
        + body
    )


def test_rfc2047_names_and_subjects():
    mail = parse(
        message(
            """
From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>
To: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.ru>, plain@example.com
Cc: "Doe, Jane" <JANE@Example.com>
Reply-To: =?utf-8?q?Support_=E2=9C=93?= <help@example.com>
Subject: =?utf-8?q?Caf=C3=A9?= =?utf-8?q?_au_lait?=   and
 \tmore
"""
        )
    )
    assert mail.from_name == "André Pirard"
    assert mail.from_address == "pirard@vm1.ulg.ac.be"
    assert mail.to == ["ivan@example.ru", "plain@example.com"]
    assert mail.cc == ["jane@example.com"]
    assert mail.reply_to == "help@example.com"
    assert mail.subject == "Café au lait and more"


def test_missing_headers():
    mail = parse(b"\r\njust a body\r\n")
    assert (mail.message_id, mail.in_reply_to, mail.references) == (None, None, [])
    assert (mail.subject, mail.from_name, mail.from_address, mail.date) == ("", "", None, None)
    assert mail.text == "just a body\n"


def test_message_ids_normalised():
    mail = parse(
        message(
            """
Message-ID:   <abc@example.com>  (comment)
In-Reply-To: <first@example.com> (Joe's message of Monday) <second@example.com>
References: <a@x> <b@x>
 <a@x>
 <c@x>
"""
        )
    )
    assert mail.message_id == "abc@example.com"
    assert mail.in_reply_to == "first@example.com"
    assert mail.references == ["a@x", "b@x", "c@x"]
    assert parse(message("Message-ID: bare-id@example.com")).message_id == "bare-id@example.com"


def test_naive_and_bad_dates():
    assert parse(message("Date: Mon, 2 Apr 2012 20:21:52 -0000")).date == datetime(
        2012, 4, 2, 20, 21, 52, tzinfo=UTC
    )
    mail = parse(message("Date: Someday, 99 Foo 2012 99:99"))
    assert mail.date is None
    assert mail.defects


def test_malformed_and_huge_headers():
    mail = parse(
        message(
            "From: <<<@@@>>>\nTo: ,,,;;;\nSubject: " + "x" * 200_000 + "\nCc: " + "a@b.c, " * 5000
        )
    )
    assert len(mail.subject) <= 16_384
    assert "header-too-long: Subject" in mail.defects
    assert mail.cc == ["a@b.c"]


def test_eight_bit_header_bytes_are_read_not_lost():
    latin = parse(b"Subject: Caf\xe9 cr\xe8me\r\n\r\nx")
    assert latin.subject == "Café crème"
    utf8 = parse("Subject: Café crème\r\n\r\nx".encode())
    assert utf8.subject == "Café crème"


# --- bodies and charsets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("iso-8859-1", "Grüße aus Köln"),
        ("windows-1252", "“Smart quotes” – €5"),
        ("koi8-r", "Привет, мир"),
        ("iso-2022-jp", "こんにちは"),
        ("gb2312", "你好世界"),
        ("shift_jis", "ありがとう"),
        ("big5", "謝謝"),
    ],
)
def test_charsets(charset, text):
    raw = message(
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit",
        text.encode(charset),
    )
    assert parse(raw).text == text


def test_unknown_charset_still_reads():
    mail = parse(message("Content-Type: text/plain; charset=x-no-such-thing", "naïve".encode()))
    assert mail.text == "naïve"
    assert "unknown-charset: x-no-such-thing" in mail.defects
    bytes_codec = parse(message("Content-Type: text/plain; charset=base64", b"aGVsbG8="))
    assert bytes_codec.text == "aGVsbG8="


def test_undecodable_bytes_are_replaced():
    mail = parse(message("Content-Type: text/plain; charset=utf-8", b"ok \xff\xfe\x00 end"))
    assert mail.text == "ok \ufffd\ufffd end"
    assert "undecodable-bytes: utf-8" in mail.defects
    assert "\x00" not in mail.text


def test_valid_utf8_wins_over_a_wrong_label():
    mail = parse(message("Content-Type: text/plain; charset=iso-8859-1", "Grüße".encode()))
    assert mail.text == "Grüße"


def test_broken_boundaries_never_lose_the_text():
    never_opened = message('Content-Type: multipart/mixed; boundary="nope"', b"Hello there\r\n")
    assert "Hello there" in parse(never_opened).text
    never_closed = message(
        'Content-Type: multipart/mixed; boundary="b"',
        b"--b\r\nContent-Type: text/plain\r\n\r\nFirst part\r\n--b\r\nContent-Type: text/plain\r\n\r\ntrunc",
    )
    assert "First part" in parse(never_closed).text


def test_html_only_mail_gets_text():
    html = b"<html><head><style>p{}</style><title>T</title></head><body><p>One</p><p>Two &amp; three</p>"
    html += b"<blockquote>quoted line</blockquote><script>bad()</script></body></html>"
    mail = parse(message("Content-Type: text/html; charset=utf-8", html))
    assert mail.text == "One\nTwo & three\n> quoted line"
    assert "bad()" not in mail.text


def test_html_charset_from_meta_when_the_part_names_none():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    raw = message("Content-Type: text/html", html.encode() + "<p>Привет</p>".encode("koi8-r"))
    assert parse(raw).text == "Привет"


def test_html_only_gmail_reply_is_folded():
    html = (
        b'Thanks, that fixed it.<br><br><div class="gmail_quote"><div dir="ltr">On Mon, Apr 2, 2012 at'
        b' 6:26 PM, Support &lt;support@example.com&gt; wrote:<br></div><blockquote class="gmail_quote">'
        b"Try turning it off and on again.</blockquote></div>"
    )
    mail = parse(message("Content-Type: text/html; charset=utf-8", html))
    assert mail.reply_text == "Thanks, that fixed it."
    assert "> Try turning it off and on again." in mail.quoted_text


# --- HTML sanitising ------------------------------------------------------------------------


def test_html_sanitised():
    dirty = """<script>alert(1)</script><style>body{}</style><p onclick="x()" style="color:red" class="c">Hi</p>
    <img src="x" onerror="alert(1)"><img src="cid:part1@example" alt="logo"><img src="https://t.example/p.gif">
    <a href="javascript:alert(1)">js</a><a href="JaVaScRiPt:alert(1)">js2</a><a href="https://ok.example/">ok</a>
    <iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">
    <form><input></form><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">"""
    clean = sanitise_html(dirty)
    for banned in ("script", "alert", "style", "onclick", "onerror", "class=", "iframe", "object", "embed", "form",
                   "input", "meta", "base", "javascript", "t.example"):  # fmt: skip
        assert banned not in clean.lower()
    assert '<img src="cid:part1@example" alt="logo">' in clean
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">ok</a>' in clean
    assert "<p>Hi</p>" in clean


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("<img src=x onerror=alert(1)>.html", "_img src=x onerror=alert(1)_.html"),
        ("in\x00voice\x1b\r\n.pdf", "invoice.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        (".htaccess", "htaccess"),
        ("CON.txt", "_CON.txt"),
        ("=?utf-8?b?w6l0w6kuZG9jeA==?=", "été.docx"),
        ("", "attachment-3.pdf"),
        (None, "attachment-3.pdf"),
        ("...", "attachment-3.pdf"),
    ],
)
def test_filenames_made_safe(name, safe):
    assert safe_filename(name, "application/pdf", 3) == safe


def test_long_filename_keeps_its_extension():
    name = safe_filename("a" * 500 + ".pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


def test_rfc2231_filenames():
    raw = message(
        'Content-Type: multipart/mixed; boundary="b"',
        b"--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20invoice%2F..%2Fx.pdf\r\n\r\n%PDF\r\n"
        b"--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment;\r\n"
        b" filename*0*=iso-8859-1''Gr%FC%DFe%20;\r\n filename*1=part.txt\r\n\r\nx\r\n--b--\r\n",
    )
    names = [a.filename for a in parse(raw).attachments]
    assert names == ["x.pdf", "Grüße part.txt"]


def test_content_id_without_brackets():
    raw = message(
        'Content-Type: multipart/related; boundary="b"',
        b"--b\r\nContent-Type: text/html\r\n\r\n<img src=cid:part1>\r\n"
        b"--b\r\nContent-Type: image/gif\r\nContent-ID: part1\r\n\r\nGIF89a\r\n--b--\r\n",
    )
    image = parse(raw).attachments[0]
    assert (image.content_id, image.is_inline, image.filename) == (
        "part1",
        True,
        "attachment-1.gif",
    )


def test_inline_cid_attachment():
    mail = parse(corpus("synthetic-outlook-reply-rewritten-in-reply-to.eml"))
    image = mail.attachments[0]
    assert image.content_id == "image001.png@01DB4321.ABCDEF00"
    assert image.is_inline
    assert image.content.startswith(b"\x89PNG")
    assert f'src="cid:{image.content_id}"' in mail.html


# --- auto-replies and bounces ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted"),
        ("Auto-Submitted: auto-generated; owner-email=x@y", "Auto-Submitted"),
        ("Auto-Submitted: no", None),
        ("X-Autoreply: yes", "X-Autoreply"),
        ("X-Autorespond: Out of office", "X-Autorespond"),
        ("Precedence: bulk", "Precedence"),
        ("Precedence: junk", "Precedence"),
        ("Precedence: list", "Precedence"),
        ("Precedence: auto_reply", "Precedence"),
        ("Precedence: first-class", None),
        ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress"),
        ("X-Auto-Response-Suppress: DR, OOF, AutoReply", "X-Auto-Response-Suppress"),
        ("X-Auto-Response-Suppress: DR, RN, NRN", None),
        ("Subject: Out of office", None),
    ],
)
def test_auto_reply_detection(header, reason):
    mail = parse(message(f"From: a@example.com\n{header}"))
    assert mail.auto_reason == reason
    assert mail.is_auto == (reason is not None)


def test_bounce_from_postmaster_with_returned_headers():
    raw = message(
        'From: postmaster@example.net\nContent-Type: multipart/report; report-type="delivery-status"; boundary="r"',
        b"--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <ticket-7-reply-3@csboard.example>\r\n"
        b"Subject: [CS-7] Your ticket\r\n--r--\r\n",
    )
    mail = parse(raw)
    assert mail.is_bounce
    assert mail.is_auto
    assert mail.bounced_message_id == "ticket-7-reply-3@csboard.example"


def test_exim_failed_recipients_is_a_bounce():
    mail = parse(message("From: someone@example.net\nX-Failed-Recipients: gone@example.org"))
    assert mail.is_bounce
    assert mail.bounced_message_id is None


def test_a_person_is_not_a_bounce():
    mail = parse(corpus("talon-gmail-reply.eml"))
    assert not mail.is_bounce
    assert not mail.is_auto


# --- replies --------------------------------------------------------------------------------


def test_reply_folding_keeps_long_lines():
    long_line = "On " + "very long line " * 100
    text = f"Thanks!\n{long_line}\n\nOn Tue, 1 Dec 2026 at 10:00, Support <s@example.com> wrote:\n> old"
    mail = parse(message("Content-Type: text/plain; charset=utf-8", text.encode()))
    assert mail.reply_text == f"Thanks!\n{long_line.strip()}"
    assert mail.quoted_text.startswith("On Tue, 1 Dec 2026 at 10:00")


def test_message_that_is_all_quote_is_shown_whole():
    text = b"On Tue, 1 Dec 2026 at 10:00, Support <s@example.com> wrote:\n> old"
    mail = parse(message("Content-Type: text/plain", text))
    assert "old" in mail.reply_text


# --- ticket references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Re: [CS-12] Help", 12),
        ("[cs-12] lower case", 12),
        ("RE: AW: Fwd: [CS-7] [CS-9] two", 7),
        ("[CS-12x] no", None),
        ("[CS-] no", None),
        ("CS-12 without brackets", None),
        ("[XCS-12] another key", None),
        ("[CS-0012] leading zeros", 12),
        ("", None),
    ],
)
def test_ticket_reference(subject, number):
    assert ticket_reference(subject, "CS") == number


def test_ticket_reference_key_is_literal():
    assert ticket_reference("[A.B-3]", "A.B") == 3
    assert ticket_reference("[AxB-3]", "A.B") is None


# --- never raising --------------------------------------------------------------------------


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    tokens = [b"\r\n", b"\n--", b"=?utf-8?b?", b"?=", b"boundary=", b"\x00", b"<", b">", b";", b'"', b"=\r\n",
              b"charset=x-foo", b"Content-Type: multipart/mixed; boundary=", b"\xff\xfe"]  # fmt: skip
    for _ in range(rng.randint(1, 20)):
        at = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.4 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.6:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice < 0.8:
            del data[at : at + rng.randint(1, 50)]
        else:
            data[at:at] = rng.choice(tokens)
    return bytes(data)


def test_mutated_corpus_never_raises():
    rng = random.Random(20261203)
    files = [corpus(name) for name in sorted(EXPECTED)]
    for _ in range(600):
        mail = parse(mutate(rng.choice(files), rng))
        assert (
            "\x00" not in mail.text + mail.subject + mail.html + mail.reply_text + mail.quoted_text
        )


HOSTILE = {
    "empty": b"",
    "nuls": b"\x00\x00\x00",
    "every byte": bytes(range(256)) * 50,
    "no body separator": b"From: x@y\r\nSubject: no body separator",
    "deep multipart nesting": b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(2000)
    ),
    "deep message/rfc822 nesting": b"Content-Type: message/rfc822\r\n\r\n" * 1500 + b"hi",
    "one long On-wrote line": b"Subject: x\r\n\r\n" + b"On x wrote:" * 50_000,
    "one long Am-schrieb line": b"Subject: x\r\n\r\n" + b"Am x schrieb " * 40_000,
    "many headers": b"X-A: b\r\n" * 50_000 + b"\r\nhi",
    "broken utf-16": b"Content-Type: text/plain; charset=utf-16\r\n\r\n\xff\xfeh\x00i\x00\x00\xd8",
    "bad base64": b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
    "bad quoted-printable": b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=",
    "bad uuencode": b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 f\r\n garbage\r\n",
    "empty report": b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\nFrom: MAILER-DAEMON\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_never_raises(name):
    mail = parse(HOSTILE[name])
    assert isinstance(mail.text, str)
