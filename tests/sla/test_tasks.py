"""The Celery side: idempotent tasks acknowledged late, retries on mail errors, one schedule."""

from smtplib import SMTPException

from django.conf import settings

from csboard.celery import app
from sla.tasks import reminder_deliver_task, sla_sweep_task


def test_both_tasks_are_acknowledged_late_because_running_them_twice_is_harmless():
    assert sla_sweep_task.acks_late
    assert reminder_deliver_task.acks_late
    assert reminder_deliver_task.reject_on_worker_lost


def test_delivery_retries_with_back_off_on_mail_server_and_network_errors():
    assert set(reminder_deliver_task.autoretry_for) == {SMTPException, OSError}
    assert reminder_deliver_task.retry_backoff


def test_beat_runs_the_sweep_every_sla_sweep_seconds():
    [entry] = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "sla.tasks.sla_sweep_task"
    ]
    assert entry["schedule"] == settings.SLA_SWEEP_SECONDS == 60


def test_a_delivery_task_run_eagerly_sends_the_reminder(assigned, celery_eager):
    from django.core import mail

    from sla.models import Reminder

    reminder = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    )

    result = reminder_deliver_task.delay(reminder.pk)

    assert result.get() == Reminder.Outcome.SENT
    assert len(mail.outbox) == 1
