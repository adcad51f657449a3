"""Two senders of one reply at once, for real: threads on their own PostgreSQL connections."""

import time

import pytest
from django.core import mail as django_mail
from django.db import connection

from mail.models import Email, SupportAddress
from mail.services import email_send, mail_receive, reply_send
from tests.mail.test_receive import mail
from tests.threads import run_at_once

pytestmark = pytest.mark.concurrency


@pytest.fixture
def queued(board, member_user):
    SupportAddress.objects.create(board=board, address="support@example.com")
    ticket = mail_receive(mail()).ticket
    return reply_send(ticket=ticket, by=member_user, body="Here you are.").email


def _slow_send(original):
    def send(self, messages):
        time.sleep(0.3)  # the other sender arrives while this one holds the row
        return original(self, messages)

    return send


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_reply_at_once_send_it_once(queued, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "send_messages", _slow_send(EmailBackend.send_messages))

    def work(index):
        try:
            return email_send(email_id=queued.pk)
        finally:
            connection.close()

    results, errors = run_at_once(2, work)

    assert errors == []
    assert sorted(results) == ["queued", "sent"]  # the second saw the row held and left it
    assert len(django_mail.outbox) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (Email.State.SENT, 1)
