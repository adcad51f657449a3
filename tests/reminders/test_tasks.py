"""The Celery side: idempotent tasks acknowledged late, retries on mail errors, one schedule."""

import threading
import time
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from csboard.celery import app
from reminders.services import EmailInFlight
from reminders.tasks import reminder_deliver_task, sla_sweep_task
from tests.threads import held


def test_both_tasks_are_acknowledged_late_because_running_them_twice_is_harmless():
    assert sla_sweep_task.acks_late
    assert reminder_deliver_task.acks_late
    assert reminder_deliver_task.reject_on_worker_lost


def test_delivery_retries_with_back_off_on_mail_server_network_and_database_errors():
    assert set(reminder_deliver_task.autoretry_for) == {
        SMTPException,
        OSError,
        OperationalError,
        EmailInFlight,
    }
    assert reminder_deliver_task.retry_backoff
    assert OperationalError in sla_sweep_task.autoretry_for


@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_meets_a_database_error_is_retried_until_it_delivers(assigned, caplog):
    # Given a reminder whose ticket another client holds locked for a moment, and a lock
    # timeout shorter than that moment: the delivery's database refuses (an OperationalError)
    from django.core import mail

    from reminders.models import Reminder

    reminder = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    )
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    holding = threading.Event()

    def hold():
        with held("SELECT 1 FROM tickets_ticket WHERE id = %s FOR UPDATE", [assigned.pk]):
            holding.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)

    # When the delivery task runs (eagerly: its retries follow at once)
    result = reminder_deliver_task.apply(args=[reminder.pk])
    holder.join()

    # Then it was retried on the database error, and delivered once the ticket came free
    assert any("OperationalError" in r.getMessage() for r in caplog.records if "retry" in r.msg)
    assert result.get() == Reminder.Outcome.SENT
    assert len(mail.outbox) == 1


def test_beat_runs_the_sweep_every_sla_sweep_seconds():
    [entry] = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "reminders.tasks.sla_sweep_task"
    ]
    assert entry["schedule"] == settings.SLA_SWEEP_SECONDS == 60


def test_a_delivery_task_run_eagerly_sends_the_reminder(assigned, celery_eager):
    from django.core import mail

    from reminders.models import Reminder

    reminder = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    )

    result = reminder_deliver_task.delay(reminder.pk)

    assert result.get() == Reminder.Outcome.SENT
    assert len(mail.outbox) == 1
