"""Thin Celery tasks over reminders.services. Both are idempotent, so they are acknowledged late: a
worker killed mid-task leaves the message for another worker, and running it again is harmless.
A database error (a dropped connection, a lock timeout) is retried with back-off, as a
mail-server error is."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from reminders import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def sla_sweep_task() -> int:
    return len(services.sla_sweep())


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError, OperationalError, services.EmailInFlight),
    retry_backoff=True,
    retry_backoff_max=int(services.RETRY_WAIT_MAX.total_seconds()),
    retry_jitter=True,
    max_retries=10,
)
def reminder_deliver_task(reminder_id: int) -> str:
    return services.reminder_deliver(reminder_id=reminder_id)
