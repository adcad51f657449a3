"""The customer's side: a board whose portal is on, its customer with a ticket, and ways to sign
a test client in to the portal as a customer; a board whose request form is on, and a customer's
submission of it."""

import time
from email import policy
from email.parser import BytesParser

import pytest
from django.test import Client

from portal import auth
from portal.models import PortalSettings
from portal.services import form_token
from tests.factories import TicketFactory

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads of the tests land in a folder of their own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def portal_board(board):
    """The `board` fixture's board (CS) with its portal on."""
    board.portal_settings = PortalSettings.objects.create(board=board, portal_enabled=True)
    return board


@pytest.fixture
def customer(ticket):
    """Dana, whose ticket is the `ticket` fixture's."""
    return ticket.customer


@pytest.fixture
def other_ticket(portal_board, member_user):
    """A ticket of another customer on the same board."""
    return TicketFactory(
        board=portal_board,
        created_by=member_user,
        title="Fox's invoice",
        customer_name="Fox Mulder",
        customer_email="fox@example.com",
    )


@pytest.fixture
def other_customer(other_ticket):
    return other_ticket.customer


def ticket_url(ticket, tail: str = "") -> str:
    return f"/portal/{ticket.board.key}/tickets/{ticket.number}/{tail}"


def link_url(board, token: str) -> str:
    return f"/portal/{board.key}/in/{token}/"


def portal_sign_in(client: Client, board, customer) -> Client:
    """`client` signed in to `board`'s portal as `customer`, the way a customer does: a link
    mailed to them, and Continue."""
    response = client.post(link_url(board, auth.link_create(board=board, customer=customer)))
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def portal_client(portal_board, customer):
    """A client signed in to the portal as Dana."""
    return portal_sign_in(Client(), portal_board, customer)


@pytest.fixture
def other_client(portal_board, other_customer):
    """A client signed in to the same portal as Fox, another customer."""
    return portal_sign_in(Client(), portal_board, other_customer)


@pytest.fixture
def form_on(board):
    """The board's request form on, asking nothing optional; returns its settings."""
    return PortalSettings.objects.create(board=board, form_enabled=True)


def aged_token(board, seconds: float = 10) -> str:
    """A form token as if the form had been open for `seconds`."""
    return form_token(board, now=time.time() - seconds)


def request_data(board, **overrides) -> dict:
    """A person's filled-in form, served `seconds` ago."""
    data = {
        "name": "Dana Scully",
        "email": "dana@fbi.example",
        "subject": "Invoice missing",
        "message": "My invoice for March never arrived.",
        "website": "",
        "token": aged_token(board),
    }
    data.update(overrides)
    return data


def parsed(sent):
    """A sent email (the outbox's) as the customer's mail program reads it."""
    return BytesParser(policy=policy.default).parsebytes(sent.message().as_bytes())


def text_of(sent) -> str:
    return parsed(sent).get_body(("plain",)).get_content()


def html_of(sent) -> str:
    return parsed(sent).get_body(("html",)).get_content()
