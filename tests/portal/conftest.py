"""The customer's side: a board whose request form is on, and a customer's submission of it."""

import time
from email import policy
from email.parser import BytesParser

import pytest

from portal.models import PortalSettings
from portal.services import form_token

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


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
