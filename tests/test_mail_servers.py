"""The mail servers the tests start are real: Dovecot speaks IMAP (TLS, flags, refused logins)
and the aiosmtpd sink takes what Django sends, and refuses it when told to."""

import imaplib
import os
import smtplib
import ssl

import pytest
from django.core.mail import EmailMessage, send_mail

from tests.mail_servers import ImapServer, running_in_group

FIRST = b"From: Dana Scully <dana@example.com>\nTo: support@example.com\nSubject: Team discount?\n\nHello\n"
SECOND = (
    b"From: Fox Mulder <fox@example.com>\nTo: support@example.com\nSubject: Invoice\n\nAttached\n"
)


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\n", b"\r\n")


# --- IMAP ---------------------------------------------------------------------------------------


def test_appended_messages_are_read_back_in_order_with_their_flags(mailbox):
    first = mailbox.deliver(FIRST)
    second = mailbox.deliver(SECOND, flags=("\\Flagged",))

    stored = mailbox.messages()

    assert [(m.uid, m.flags, m.raw) for m in stored] == [
        (first, (), crlf(FIRST)),
        (second, ("\\Flagged",), crlf(SECOND)),
    ]


def test_a_message_marked_seen_over_imap_reads_back_seen_and_drops_out_of_unseen(mailbox):
    first = mailbox.deliver(FIRST)
    second = mailbox.deliver(SECOND)

    with mailbox.connect() as conn:
        conn.select("INBOX")
        status, _ = conn.uid("STORE", str(first), "+FLAGS", "(\\Seen)")
    assert status == "OK"

    assert [(m.uid, m.flags) for m in mailbox.messages()] == [(first, ("\\Seen",)), (second, ())]
    assert [m.uid for m in mailbox.messages(unseen_only=True)] == [second]


def test_reading_messages_marks_nothing_seen(mailbox):
    mailbox.deliver(FIRST)

    mailbox.messages()

    assert [m.flags for m in mailbox.messages(unseen_only=True)] == [()]


def test_imaps_logs_in_with_the_certificate_verified(mailbox):
    with mailbox.connect(tls="ssl") as conn:
        assert conn.sock.version() in ("TLSv1.2", "TLSv1.3")
        assert conn.state == "AUTH"


def test_imaps_is_refused_by_a_client_that_does_not_trust_the_test_certificate(mailbox):
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(mailbox.host, mailbox.ssl_port, ssl_context=ssl.create_default_context())


def test_starttls_upgrades_the_plain_port_and_logs_in(mailbox):
    with mailbox.connect(login=False) as conn:
        assert "STARTTLS" in conn.capabilities
        conn.starttls(ssl_context=mailbox.ssl_context())
        assert isinstance(conn.sock, ssl.SSLSocket)
        status, _ = conn.login(mailbox.username, mailbox.password)
    assert status == "OK"


def test_a_wrong_password_is_refused_and_the_right_one_still_works_at_once(mailbox):
    with mailbox.connect(login=False) as conn, pytest.raises(imaplib.IMAP4.error) as refused:
        conn.login(mailbox.username, "not-the-password")
    assert b"AUTHENTICATIONFAILED" in str(refused.value).encode()

    # No auth penalty (tests/mail_servers.py): the next login is not held back.
    with mailbox.connect() as conn:
        assert conn.state == "AUTH"


def test_delivering_to_a_new_mailbox_creates_it(mailbox):
    uid = mailbox.deliver(FIRST, "Customer Replies")

    assert mailbox.mailboxes() == ["Customer Replies", "INBOX"]
    assert [m.uid for m in mailbox.messages("Customer Replies")] == [uid]
    assert mailbox.messages() == []


def test_reset_empties_the_inbox_and_deletes_every_other_mailbox(mailbox):
    mailbox.deliver(FIRST)
    mailbox.deliver(SECOND, "Archive")
    with mailbox.connect() as conn:
        conn.subscribe("Archive")

    mailbox.reset()

    assert mailbox.messages() == []
    assert mailbox.mailboxes() == ["INBOX"]
    with mailbox.connect() as conn:
        assert conn.lsub()[1] == [None]


def test_stopping_a_server_ends_its_whole_process_group_and_removes_its_directory():
    server = ImapServer()
    server.start()
    group, directory = server.process.pid, server.directory
    assert group != os.getpgid(0)  # never the test process's own group

    server.stop()

    assert running_in_group(group) == []
    assert not directory.exists()


# --- SMTP ---------------------------------------------------------------------------------------


def test_send_mail_lands_in_the_sink_with_its_envelope_and_headers(smtp_settings):
    sent = send_mail(
        "Re: Team discount?",
        "Yes, 10% for five seats.",
        "CS Board <support@example.com>",
        ["dana@example.com"],
    )

    assert sent == 1
    [envelope] = smtp_settings.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("support@example.com", ("dana@example.com",))
    [message] = smtp_settings.messages()
    assert message["Subject"] == "Re: Team discount?"
    assert message["From"] == "CS Board <support@example.com>"
    assert message["To"] == "dana@example.com"
    assert message["Message-ID"]
    assert message.get_content().splitlines() == ["Yes, 10% for five seats."]


def test_bcc_recipients_are_in_the_envelope_but_not_the_headers(smtp_settings):
    EmailMessage(
        "Hi", "Body", "support@example.com", ["dana@example.com"], ["audit@example.com"]
    ).send()

    [envelope] = smtp_settings.envelopes
    assert envelope.rcpt_tos == ("dana@example.com", "audit@example.com")
    assert "Bcc" not in envelope.message()


@pytest.mark.parametrize("code", [451, 550])
def test_refused_recipients_raise_for_the_configured_number_of_messages_only(smtp_settings, code):
    smtp_settings.refuse_next(2, code=code)

    for _ in range(2):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            send_mail("Hi", "Body", "support@example.com", ["dana@example.com"])
        assert refused.value.recipients["dana@example.com"][0] == code
    send_mail("Hi", "Body", "support@example.com", ["dana@example.com"])

    assert len(smtp_settings.envelopes) == 1


@pytest.mark.parametrize("code", [451, 554])
def test_a_message_refused_after_data_raises_data_error_once(smtp_settings, code):
    smtp_settings.refuse_next(1, code=code, stage="data")

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send_mail("Hi", "Body", "support@example.com", ["dana@example.com", "fox@example.com"])
    assert refused.value.smtp_code == code
    send_mail("Hi", "Body", "support@example.com", ["dana@example.com"])

    assert [e.rcpt_tos for e in smtp_settings.envelopes] == [("dana@example.com",)]


def test_each_test_starts_with_an_empty_sink_and_no_refusal_pending(smtp_sink):
    assert smtp_sink.envelopes == []
    assert smtp_sink.handler.refusals == []
