"""Thin Celery tasks over mail.imap. The poll is idempotent (a message read twice is a duplicate,
no second ticket), so it is acknowledged late: a worker killed mid-poll leaves the task for
another, whose poll takes up what is still unread."""

from celery import shared_task

from mail import imap


# Longer than the project's default limits: a poll may take MAIL_POLL_MAX_SECONDS a mailbox.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def mailboxes_poll_task() -> dict:
    results = imap.mailboxes_poll()
    return {
        address: None if result is None else vars(result) for address, result in results.items()
    }
