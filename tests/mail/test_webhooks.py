"""mail.webhooks: a provider's inbound webhook (Postmark's, Mailgun's and SendGrid's, through
django-anymail's own views) makes a ticket of the message it posts, on the board it was sent to,
behind the basic auth it is given (and Mailgun's signature); a post sent twice is stored once;
mail for no board is accepted and dropped, any other failure answered 5xx for the provider to
try again."""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest
from django.conf import settings
from django.test import Client

from boards.services import board_create
from mail import webhooks
from mail.models import Email, SupportAddress
from mail.services import mail_receive
from tests.mail.test_receive import mail
from tickets.models import Ticket

URL = "/anymail/postmark/inbound/"


def auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


GOOD = auth(settings.ANYMAIL["WEBHOOK_SECRET"])


def postmark(raw: bytes, *, to="support@example.com", original_recipient=None) -> str:
    """Postmark's inbound JSON, with the raw message (its "include raw email content" option)."""
    return json.dumps(
        {
            "FromName": "Dana Scully",
            "From": "dana@fbi.example",
            "FromFull": {"Email": "dana@fbi.example", "Name": "Dana Scully"},
            "To": to,
            "ToFull": [{"Email": to, "Name": ""}],
            "Cc": "",
            "CcFull": [],
            "OriginalRecipient": original_recipient or to,
            "Subject": "Invoice missing",
            "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
            "Date": "Thu, 3 Dec 2026 16:00:00 +0000",
            "TextBody": "Hello, my invoice for March never arrived.",
            "HtmlBody": "",
            "Headers": [{"Name": "Return-Path", "Value": "<dana@fbi.example>"}],
            "Attachments": [],
            "RawEmail": raw.decode(),
        }
    )


def post(body: str, headers: dict, client=None):
    return (client or Client()).post(URL, body, content_type="application/json", **headers)


def test_a_posted_message_opens_a_ticket(address, board):
    response = post(postmark(mail(message_id="<hook-1@fbi.example>")), GOOD)

    assert response.status_code == 200
    (ticket,) = Ticket.objects.filter(board=board)
    assert (ticket.title, ticket.customer_email) == ("Invoice missing", "dana@fbi.example")
    assert Email.objects.get(ticket=ticket).message_id == "hook-1@fbi.example"


def test_a_retried_post_is_one_ticket(address, board):
    body = postmark(mail())

    post(body, GOOD)
    assert post(body, GOOD).status_code == 200
    assert Ticket.objects.filter(board=board).count() == 1


@pytest.mark.parametrize("headers", [{}, auth("provider:wrong")], ids=["none", "wrong"])
def test_a_post_without_the_webhook_secret_is_refused_and_writes_nothing(address, headers):
    response = post(postmark(mail()), headers)

    assert response.status_code in (400, 403)
    assert not Email.objects.exists()


def test_mail_for_no_board_is_accepted_and_dropped(address):
    raw = mail(to="nobody@elsewhere.example")

    response = post(postmark(raw, to="nobody@elsewhere.example"), GOOD)

    assert response.status_code == 200  # else the provider would retry it for days
    assert not Email.objects.exists()


def test_the_envelope_recipient_decides_the_board_when_the_headers_do_not(address, board):
    """A Bcc to the board: its address is nowhere in To or Cc, only in the envelope."""
    raw = mail(to="someone@fbi.example")

    response = post(
        postmark(raw, to="someone@fbi.example", original_recipient="support@example.com"), GOOD
    )

    assert response.status_code == 200
    assert Ticket.objects.filter(board=board).count() == 1


def test_any_other_failure_is_a_5xx_for_the_provider_to_try_again(address, monkeypatch):
    def broken(raw, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(webhooks, "mail_receive", broken)

    response = post(postmark(mail()), GOOD, Client(raise_request_exception=False))

    assert response.status_code >= 500


# --- Mailgun (its route forwards the raw message, "body-mime", to .../inbound_mime/) -----------
MAILGUN_URL = "/anymail/mailgun/inbound_mime/"


def mailgun_signature(timestamp: str, token: str, key: str | None = None) -> str:
    """Mailgun's signature of a post: HMAC-SHA256 of timestamp + token, its signing key."""
    key = key or settings.ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def mailgun(raw: bytes, *, recipient="support@example.com", key=None, token=None) -> dict:
    """A Mailgun forward() post of the raw message, signed (multipart form fields)."""
    timestamp, token = str(int(time.time())), token or secrets.token_hex(25)
    return {
        "recipient": recipient,
        "sender": "dana@fbi.example",
        "from": "Dana Scully <dana@fbi.example>",
        "subject": "Invoice missing",
        "body-mime": raw.decode(),
        "timestamp": timestamp,
        "token": token,
        "signature": mailgun_signature(timestamp, token, key),
    }


def post_mailgun(fields: dict, headers=GOOD, client=None):
    return (client or Client()).post(MAILGUN_URL, fields, **headers)  # multipart/form-data


def test_mailgun_a_post_signed_with_another_key_is_refused_and_writes_nothing(address):
    response = post_mailgun(mailgun(mail(), key="not-the-signing-key"))

    assert response.status_code == 400
    assert not Email.objects.exists()


def test_mailgun_a_post_whose_fields_were_changed_after_signing_is_refused(address):
    fields = mailgun(mail())
    fields["timestamp"] = str(int(fields["timestamp"]) + 1)

    assert post_mailgun(fields).status_code == 400
    assert not Email.objects.exists()


def test_mailgun_an_unsigned_post_is_refused(address):
    fields = mailgun(mail())
    del fields["signature"]

    assert post_mailgun(fields).status_code == 400
    assert not Email.objects.exists()


def test_mailgun_a_signed_post_without_the_webhook_secret_is_refused(address):
    response = post_mailgun(mailgun(mail()), auth("provider:wrong"))

    assert response.status_code in (400, 403)
    assert not Email.objects.exists()


# --- SendGrid (inbound parse with "Send raw": the message in the `email` field) ----------------
SENDGRID_URL = "/anymail/sendgrid/inbound/"


def sendgrid(raw: bytes, *, to="support@example.com") -> dict:
    """SendGrid's inbound parse post with "Send raw" on (multipart form fields)."""
    return {
        "email": raw.decode(),
        "to": to,
        "from": "Dana Scully <dana@fbi.example>",
        "subject": "Invoice missing",
        "envelope": json.dumps({"to": [to], "from": "dana@fbi.example"}),
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
        "SPF": "pass",
        "spam_score": "0.1",
    }


def post_sendgrid(fields: dict, headers=GOOD, client=None):
    return (client or Client()).post(SENDGRID_URL, fields, **headers)  # multipart/form-data


@pytest.mark.parametrize("headers", [{}, auth("provider:wrong")], ids=["none", "wrong"])
def test_sendgrid_a_post_without_the_webhook_secret_is_refused_and_writes_nothing(address, headers):
    response = post_sendgrid(sendgrid(mail()), headers)

    assert response.status_code in (400, 403)
    assert not Email.objects.exists()


# --- Each provider: the message lands on the board it was sent to ------------------------------
@pytest.fixture
def other_board(admin_user):
    board = board_create(
        name="Billing", key="BI", created_by=admin_user, template="customer-success"
    )
    SupportAddress.objects.create(board=board, address="billing@example.com")
    return board


POSTS = {
    "postmark": lambda raw, to: post(
        postmark(raw, to="x@fbi.example", original_recipient=to), GOOD
    ),
    "mailgun": lambda raw, to: post_mailgun(mailgun(raw, recipient=to)),
    "sendgrid": lambda raw, to: post_sendgrid(sendgrid(raw, to=to)),
}


@pytest.mark.parametrize("provider", POSTS)
def test_each_provider_delivers_to_the_board_of_the_address_it_was_sent_to(
    provider, address, board, other_board
):
    """A Bcc to the second board: its address only in the envelope, the first board's in To."""
    raw = mail(to="support@example.com", message_id=f"<{provider}-bcc@fbi.example>")

    response = POSTS[provider](raw, "billing@example.com")

    assert response.status_code == 200
    assert Ticket.objects.filter(board=board).count() == 0
    assert Ticket.objects.filter(board=other_board).count() == 1


@pytest.mark.parametrize("provider", POSTS)
def test_each_provider_keeps_the_message_id_so_the_same_mail_by_two_routes_is_one(
    provider, address, board
):
    raw = mail(message_id="<both@fbi.example>")
    mail_receive(raw)  # the IMAP poll took it first

    response = POSTS[provider](raw, "support@example.com")

    assert response.status_code == 200
    assert Email.objects.filter(board=board).count() == 1


@pytest.mark.parametrize("provider", POSTS)
def test_each_provider_keeps_the_message_as_it_came(provider, address, board):
    """The provider's raw text itself, CRLFs and all, not anymail's parse written out again: a
    message without a Message-ID is known by its bytes, whichever way it comes in."""
    raw = mail(message_id="<as-it-came@fbi.example>").replace(b"\n", b"\r\n")

    response = POSTS[provider](raw, "support@example.com")

    assert response.status_code == 200
    assert bytes(Email.objects.get(board=board).raw) == raw


@pytest.mark.parametrize("provider", POSTS)
def test_each_provider_posting_a_message_twice_stores_it_once(provider, address, board):
    raw = mail(message_id=f"<{provider}-twice@fbi.example>")

    responses = [POSTS[provider](raw, "support@example.com") for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert Email.objects.filter(board=board).count() == 1
    assert Ticket.objects.filter(board=board).count() == 1


@pytest.mark.parametrize("provider", POSTS)
def test_each_provider_opens_a_ticket_of_the_message_it_posts(provider, address, board):
    raw = mail(message_id=f"<{provider}-1@fbi.example>", body="Grüße, die Rechnung fehlt.")

    response = POSTS[provider](raw, "support@example.com")

    assert response.status_code == 200
    (email,) = Email.objects.filter(board=board)
    assert email.message_id == f"{provider}-1@fbi.example"
    assert (email.ticket.title, email.ticket.customer_email) == (
        "Invoice missing", "dana@fbi.example",
    )  # fmt: skip
    assert email.entry.body == "Grüße, die Rechnung fehlt."


# --- A post that is not a message: refused, not a 500 -----------------------------------------
MALFORMED = {
    "postmark": lambda: Client().post(URL, "{not json", content_type="application/json", **GOOD),
    "sendgrid": lambda: post_sendgrid({"to": "support@example.com"}),
    "mailgun": lambda: post_mailgun(
        {key: value for key, value in mailgun(mail()).items() if key != "body-mime"}
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_post_that_holds_no_message_is_a_400_and_writes_nothing(case, address):
    response = MALFORMED[case]()

    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Email.objects.exists()
