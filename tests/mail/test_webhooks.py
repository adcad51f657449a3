"""mail.webhooks: a provider's inbound webhook (Postmark's, through django-anymail) makes a
ticket of the message it posts, behind the basic auth it is given; mail for no board is accepted
and dropped, any other failure answered 5xx for the provider to try again."""

import base64
import json

import pytest
from django.conf import settings
from django.test import Client

from mail import webhooks
from mail.models import Email, SupportAddress
from tests.mail.test_receive import mail
from tickets.models import Ticket

URL = "/anymail/postmark/inbound/"


@pytest.fixture
def address(board):
    return SupportAddress.objects.create(board=board, address="support@example.com")


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
