"""Thin Celery tasks over mail.outbound and mail.imap, all idempotent, so acknowledged late: a
worker killed mid-task leaves it for another worker.

- Sending: a sent email is not sent again. A mail-server or database error is retried with
  back-off; on the last attempt a mail-server error fails the email (mail.outbound.email_send).
- Polling: a message read twice is a duplicate, no second ticket; a poll cut off leaves what is
  still unread to the next."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from mail import imap, outbound


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def email_send_task(self, email_id: int) -> str:
    last_attempt = self.request.retries >= self.max_retries
    return outbound.email_send(email_id=email_id, last_attempt=last_attempt)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def email_resend_queued_task() -> int:
    return len(outbound.email_resend_queued())


# Longer than the project's default limits: a poll may take MAIL_POLL_MAX_SECONDS a mailbox.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def mailboxes_poll_task() -> dict:
    results = imap.mailboxes_poll()
    return {
        address: None if result is None else vars(result) for address, result in results.items()
    }
