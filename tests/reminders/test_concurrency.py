"""Two workers at once, for real: threads on their own PostgreSQL connections."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from reminders.models import Reminder, ReminderEmail
from reminders.services import EmailInFlight, reminder_deliver, sla_sweep
from tests.threads import delivered_as_the_task_does, held, run_at_once

pytestmark = pytest.mark.concurrency

MINUTE = timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_reminder_once(assigned, celery_eager):
    # Given a ticket that just went overdue, and tasks that run as soon as they are enqueued
    moment = assigned.due_at + MINUTE

    # When two sweeps run at the same moment, each delivering what it wrote
    results, errors = run_at_once(2, lambda index: sla_sweep(now=moment))

    # Then one of them wrote the reminder and mia got one notification and one email
    assert errors == []
    assert sorted(len(ids) for ids in results) == [0, 1]
    assert Reminder.objects.get().outcome == Reminder.Outcome.SENT
    assert Notification.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_many_sweeps_at_once_over_many_tickets_write_each_reminder_once(
    board, member_user, celery_eager
):
    from tickets.services import ticket_create

    tickets = [
        ticket_create(board=board, created_by=member_user, title=f"T{index}") for index in range(20)
    ]
    moment = max(ticket.due_at for ticket in tickets) + MINUTE

    results, errors = run_at_once(6, lambda index: sla_sweep(now=moment))

    assert errors == []
    written = sorted(reminder_id for ids in results for reminder_id in ids)
    assert written == sorted(Reminder.objects.values_list("id", flat=True))
    assert Reminder.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 20
    assert Notification.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 20


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_reminder_at_once_send_it_once(assigned):
    reminder_id = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    ).pk

    # (a run that finds the other sending the email cannot tell whether it went out: it raises
    # EmailInFlight and its task runs it again, as here)
    results, errors = run_at_once(2, lambda index: delivered_as_the_task_does(reminder_id))

    assert errors == []
    assert results == [Reminder.Outcome.SENT, Reminder.Outcome.SENT]
    assert Notification.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_admins_saving_a_boards_first_policy_at_once_both_succeed(board):
    from sla.models import SlaPolicy
    from sla.services import sla_policy_set

    results, errors = run_at_once(
        2, lambda index: sla_policy_set(board=board, urgent_resolution_hours=2 + index)
    )

    assert errors == []
    assert len(results) == 2
    assert SlaPolicy.objects.get(board=board).urgent_resolution_hours in (2, 3)


@pytest.mark.django_db(transaction=True)
def test_an_email_goes_out_while_something_pointing_at_its_recipient_is_being_written(
    assigned, member_user
):
    # Given an overdue reminder for mia, while another client writes a row that points at her
    # (a notification, an assignment): it holds the key-share lock such an insert takes
    reminder = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    )
    user_table = type(member_user)._meta.db_table

    # When the reminder is delivered meanwhile
    with held(f"SELECT 1 FROM {user_table} WHERE id = %s FOR KEY SHARE", [member_user.pk]):
        outcome = reminder_deliver(reminder_id=reminder.pk)

    # Then her email went out, and the reminder is done
    assert outcome == Reminder.Outcome.SENT
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder.pk).finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_email_another_run_is_sending_is_retried_never_reported_sent(assigned, member_user):
    # Given a delivered reminder whose email to mia is still unsent (a mail-server error), and
    # another run of it that holds that email (it is sending it)
    reminder = Reminder.objects.create(
        ticket=assigned,
        kind=Reminder.Kind.OVERDUE,
        due_for=assigned.due_at,
        outcome=Reminder.Outcome.SENT,
        delivered_at=timezone.now(),
    )
    email = ReminderEmail.objects.create(reminder=reminder, user=member_user)
    email_table = ReminderEmail._meta.db_table

    # When this run delivers it meanwhile
    with held(f"SELECT 1 FROM {email_table} WHERE id = %s FOR UPDATE", [email.pk]):
        # Then it says the email is in flight (the task retries) instead of reporting it sent
        with pytest.raises(EmailInFlight):
            reminder_deliver(reminder_id=reminder.pk)
        assert Reminder.objects.get(pk=reminder.pk).finished_at is None
        assert len(mail.outbox) == 0

    # And the retry, once the row is free, sends it
    assert reminder_deliver(reminder_id=reminder.pk) == Reminder.Outcome.SENT
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder.pk).finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_after_a_wait_re_arm_a_skipped_reminder_once(assigned, member_user):
    import time_machine

    from tickets.models import Status
    from tickets.services import ticket_update

    # Given a due date set by hand whose overdue reminder was skipped while the ticket waited
    by_hand = (timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    ticket_update(ticket=assigned, by=member_user, due_at=by_hand)
    [reminder_id] = sla_sweep(now=by_hand + MINUTE)
    with time_machine.travel(by_hand + 2 * MINUTE, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.WAITING)
    assert reminder_deliver(reminder_id=reminder_id) == Reminder.Outcome.PAUSED
    resumed = by_hand + timedelta(hours=2)
    with time_machine.travel(resumed, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)

    # When two sweeps after the wait run at once, each delivering what it re-armed
    def sweep(index):
        ids = sla_sweep(now=resumed + MINUTE)
        return [reminder_deliver(reminder_id=pk) for pk in ids]

    results, errors = run_at_once(2, sweep)

    # Then one of them re-armed it, and mia was reminded once
    assert errors == []
    assert sorted(results) == [[], [Reminder.Outcome.SENT]]
    assert Notification.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 1
    assert len(mail.outbox) == 1
