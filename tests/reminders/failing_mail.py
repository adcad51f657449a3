"""Mail backends whose server misbehaves, for the delivery tests."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as OutboxBackend


class Backend(BaseEmailBackend):
    """A server that is down: what SMTP does when the connection is refused."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class FailsMidBatch(OutboxBackend):
    """A server that takes `budget` messages (into the test outbox), then drops the connection."""

    budget = 1

    def send_messages(self, email_messages):
        for message in email_messages:
            if FailsMidBatch.budget <= 0:
                raise SMTPServerDisconnected("connection unexpectedly closed")
            FailsMidBatch.budget -= 1
            super().send_messages([message])
        return len(email_messages)


class RefusesMia(OutboxBackend):
    """A server that refuses one address and delivers the others."""

    refused = "mia@example.com"

    def send_messages(self, email_messages):
        for message in email_messages:
            if self.refused in message.to:
                raise SMTPRecipientsRefused({self.refused: (550, b"5.1.1 no such mailbox")})
            super().send_messages([message])
        return len(email_messages)
