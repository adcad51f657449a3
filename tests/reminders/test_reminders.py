"""Reminders: each kind fires once, at its moment, to the right people; never twice, never for a
resolved ticket; a moved due date re-arms them. The clock is moved by passing `now`."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from reminders.models import Reminder, ReminderEmail
from reminders.services import email_preferences_set, reminder_deliver, sla_sweep
from sla.services import sla_policy_set
from tickets.models import Priority, Status, Ticket
from tickets.services import (
    ticket_archive,
    ticket_create,
    ticket_record_first_response,
    ticket_restore,
    ticket_update,
)

MINUTE = timedelta(minutes=1)
DUE_SOON, OVERDUE = Reminder.Kind.DUE_SOON, Reminder.Kind.OVERDUE
MISSED, ESCALATION = Reminder.Kind.FIRST_RESPONSE_MISSED, Reminder.Kind.ESCALATION
SENT = Reminder.Outcome.SENT


def notified(kind):
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=kind))


def test_nothing_fires_before_its_moment(assigned, sweep_at):
    assert sweep_at(assigned.due_at - timedelta(hours=24) - MINUTE) == []


def test_due_soon_fires_at_each_lead_time_to_the_assignees(assigned, sweep_at):
    sweep_at(assigned.due_at - timedelta(hours=25))

    first = sweep_at(assigned.due_at - timedelta(hours=24) + MINUTE)
    between = sweep_at(assigned.due_at - timedelta(hours=2))
    second = sweep_at(assigned.due_at - timedelta(hours=1) + MINUTE)

    assert (first, between, second) == ([(DUE_SOON, SENT)], [], [(DUE_SOON, SENT)])
    assert notified(DUE_SOON) == ["mia", "mia"]
    titles = sorted(Notification.objects.values_list("title", flat=True))
    assert titles == [
        f"{assigned.reference} is due within 1 h: {assigned.title}",
        f"{assigned.reference} is due within 24 h: {assigned.title}",
    ]


def test_overdue_fires_once_the_due_date_passes(assigned, sweep_at):
    sweep_at(assigned.due_at - MINUTE)

    fired = sweep_at(assigned.due_at + MINUTE)

    assert fired == [(OVERDUE, SENT)]
    assert notified(OVERDUE) == ["mia"]


def test_a_late_first_sweep_sends_overdue_but_no_stale_due_soon(assigned, sweep_at):
    assert sweep_at(assigned.due_at + MINUTE) == [(OVERDUE, SENT)]


def test_escalation_goes_to_the_admins_after_the_set_time(assigned, sweep_at):
    sweep_at(assigned.due_at + MINUTE)

    early = sweep_at(assigned.due_at + timedelta(hours=4) - MINUTE)
    fired = sweep_at(assigned.due_at + timedelta(hours=4) + MINUTE)

    assert (early, fired) == ([], [(ESCALATION, SENT)])
    assert notified(ESCALATION) == ["alice"]


def test_escalation_follows_the_boards_setting(board, assigned, sweep_at):
    sla_policy_set(board=board, escalate_after_hours=1)
    sweep_at(assigned.due_at + MINUTE)

    assert sweep_at(assigned.due_at + timedelta(hours=1) + MINUTE) == [(ESCALATION, SENT)]


def test_a_board_may_turn_escalation_off(board, assigned, sweep_at):
    sla_policy_set(board=board, escalate_after_hours=None)
    sweep_at(assigned.due_at + MINUTE)

    assert sweep_at(assigned.due_at + timedelta(days=1)) == []


def test_due_soon_lead_times_are_set_per_board(board, assigned, sweep_at):
    sla_policy_set(board=board, due_soon_leads=[2])
    sweep_at(assigned.due_at - timedelta(hours=25))

    assert sweep_at(assigned.due_at - timedelta(hours=23)) == []
    assert sweep_at(assigned.due_at - timedelta(hours=2) + MINUTE) == [(DUE_SOON, SENT)]
    assert sweep_at(assigned.due_at - timedelta(minutes=30)) == []


def test_a_missed_first_response_tells_the_admins_of_an_unassigned_ticket(ticket, sweep_at):
    sweep_at(ticket.first_response_due_at - MINUTE)

    fired = sweep_at(ticket.first_response_due_at + MINUTE)

    assert fired == [(MISSED, SENT)]
    assert notified(MISSED) == ["alice"]


def test_a_ticket_answered_in_time_gets_no_first_response_reminder(ticket, member_user, sweep_at):
    ticket_record_first_response(ticket=ticket, by=member_user)

    assert sweep_at(ticket.first_response_due_at + MINUTE) == []


def test_unassigned_tickets_remind_the_board_admins(ticket, sweep_at):
    sweep_at(ticket.due_at - MINUTE)

    sweep_at(ticket.due_at + MINUTE)

    assert notified(OVERDUE) == ["alice"]


def test_a_second_sweep_sends_nothing_more(assigned, sweep_at):
    moment = assigned.due_at + MINUTE
    sweep_at(moment)

    assert sweep_at(moment) == []
    assert sweep_at(moment + MINUTE) == []
    assert notified(OVERDUE) == ["mia"]


def test_a_reminder_delivered_twice_is_sent_once(assigned):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)

    reminder_deliver(reminder_id=reminder_id)
    reminder_deliver(reminder_id=reminder_id)

    assert notified(OVERDUE) == ["mia"]
    assert len(mail.outbox) == 1


def test_a_resolved_ticket_gets_no_reminders(assigned, member_user, sweep_at):
    ticket_update(ticket=assigned, by=member_user, status=Status.RESOLVED)

    assert sweep_at(assigned.due_at + timedelta(days=2)) == []
    assert not Reminder.objects.exists()


def test_a_reminder_written_before_resolution_is_skipped(assigned, member_user):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)
    ticket_update(ticket=assigned, by=member_user, status=Status.RESOLVED)

    outcome = reminder_deliver(reminder_id=reminder_id)

    assert outcome == Reminder.Outcome.RESOLVED
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_reminder_for_a_moved_due_date_is_skipped(assigned, member_user):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)
    ticket_update(ticket=assigned, by=member_user, due_at=assigned.due_at + timedelta(days=3))

    assert reminder_deliver(reminder_id=reminder_id) == Reminder.Outcome.MOVED
    assert not Notification.objects.exists()


def test_a_due_date_moved_later_re_arms_the_reminders(assigned, member_user, sweep_at):
    first_due = assigned.due_at
    sweep_at(first_due + MINUTE)
    later = first_due + timedelta(days=2)
    ticket_update(ticket=assigned, by=member_user, due_at=later)

    again = [
        sweep_at(later - timedelta(hours=24) + MINUTE),
        sweep_at(later - timedelta(hours=1) + MINUTE),
        sweep_at(later + MINUTE),
    ]

    assert again == [[(DUE_SOON, SENT)], [(DUE_SOON, SENT)], [(OVERDUE, SENT)]]
    assert notified(OVERDUE) == ["mia", "mia"]


# --- Deadlines written already past, or inside a lead time ---------------------------------------
def test_a_ticket_created_already_overdue_is_reminded_once_on_the_next_sweep(
    board, member_user, sweep_at
):
    now = timezone.now()
    sweep_at(now - MINUTE)
    late = ticket_create(
        board=board,
        created_by=member_user,
        title="Promised yesterday",
        due_at=now - timedelta(hours=1),
        assignees=[member_user],
    )

    fired = [sweep_at(now + MINUTE), sweep_at(now + 2 * MINUTE)]

    assert fired == [[(OVERDUE, SENT)], []]
    assert Reminder.objects.get().ticket_id == late.pk


def test_raising_an_old_ticket_to_urgent_reminds_of_the_deadlines_it_moved_into_the_past(
    ticket, admin_user, sweep_at
):
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(created_at=now - timedelta(hours=20))
    ticket.refresh_from_db()
    ticket_update(ticket=ticket, by=admin_user, priority=Priority.LOW)
    sweep_at(now - MINUTE)  # low: first response due in 4 h, resolution in 100 h; nothing due

    ticket_update(ticket=ticket, by=admin_user, priority=Priority.URGENT)
    fired = sweep_at(now + MINUTE)

    assert ticket.due_at < now  # both deadlines recomputed into the past
    assert ticket.first_response_due_at < now
    assert sorted(fired) == [(ESCALATION, SENT), (MISSED, SENT), (OVERDUE, SENT)]
    assert sweep_at(now + 2 * MINUTE) == []


def test_a_due_date_moved_inside_a_lead_time_gets_that_due_soon_reminder_once(
    assigned, member_user, sweep_at
):
    now = timezone.now()
    sweep_at(now - MINUTE)
    ticket_update(ticket=assigned, by=member_user, due_at=now + timedelta(minutes=30))

    fired = [sweep_at(now + MINUTE), sweep_at(now + 2 * MINUTE)]

    assert fired == [[(DUE_SOON, SENT)], []]
    assert Notification.objects.get(kind=DUE_SOON).title == (
        f"{assigned.reference} is due within 1 h: {assigned.title}"
    )
    assert sweep_at(now + timedelta(minutes=31)) == [(OVERDUE, SENT)]


def test_a_due_date_moved_into_the_past_gets_overdue_but_no_stale_due_soon(
    assigned, member_user, sweep_at
):
    now = timezone.now()
    sweep_at(now - MINUTE)
    ticket_update(ticket=assigned, by=member_user, due_at=now - timedelta(minutes=10))

    assert sweep_at(now + MINUTE) == [(OVERDUE, SENT)]


def test_a_due_date_moved_far_ahead_writes_nothing_yet(assigned, member_user, sweep_at):
    now = timezone.now()
    sweep_at(now - MINUTE)
    ticket_update(ticket=assigned, by=member_user, due_at=now + timedelta(days=5))

    assert sweep_at(now + MINUTE) == []


def test_a_lost_delivery_is_enqueued_again_by_a_later_sweep(
    assigned, django_capture_on_commit_callbacks
):
    moment = assigned.due_at + MINUTE
    with django_capture_on_commit_callbacks() as first:
        [reminder_id] = sla_sweep(now=moment)
    with django_capture_on_commit_callbacks() as later:
        sla_sweep(now=moment + timedelta(minutes=15))

    assert len(first) == 1
    assert len(later) == 1  # the same reminder, still undelivered
    assert Reminder.objects.get().pk == reminder_id


def test_a_re_driven_reminder_is_not_enqueued_again_by_the_next_sweep(
    assigned, django_capture_on_commit_callbacks
):
    moment = assigned.due_at + MINUTE
    sla_sweep(now=moment)
    with django_capture_on_commit_callbacks() as re_driven:
        sla_sweep(now=moment + timedelta(minutes=11))
    with django_capture_on_commit_callbacks() as next_minute:
        sla_sweep(now=moment + timedelta(minutes=12))

    assert (len(re_driven), len(next_minute)) == (1, 0)


def test_a_reminder_waiting_on_a_mail_retry_is_left_to_that_retry(
    assigned, settings, django_capture_on_commit_callbacks
):
    moment = assigned.due_at + MINUTE
    [reminder_id] = sla_sweep(now=moment)
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.Backend"
    with pytest.raises(ConnectionRefusedError):
        reminder_deliver(reminder_id=reminder_id, now=moment)

    with django_capture_on_commit_callbacks() as while_the_retry_is_due:
        sla_sweep(now=moment + timedelta(minutes=20))
    with django_capture_on_commit_callbacks() as once_it_is_overdue:
        sla_sweep(now=moment + timedelta(minutes=26))

    assert Reminder.objects.get().attempts == 1
    assert (len(while_the_retry_is_due), len(once_it_is_overdue)) == (0, 1)


def test_a_reminder_undelivered_for_two_days_is_given_up_as_an_error(
    board, assigned, caplog, django_capture_on_commit_callbacks
):
    sla_policy_set(board=board, escalate_after_hours=None)  # no new reminder meanwhile
    moment = assigned.due_at + MINUTE
    [reminder_id] = sla_sweep(now=moment)

    with caplog.at_level("ERROR", logger="reminders.services"):
        with django_capture_on_commit_callbacks() as callbacks:
            sla_sweep(now=moment + timedelta(days=2, minutes=1))
        sla_sweep(now=moment + timedelta(days=2, minutes=2))

    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert f"SLA reminder {reminder_id} " in record.getMessage()
    assert callbacks == []
    reminder = Reminder.objects.get()
    assert reminder.outcome == Reminder.Outcome.FAILED
    assert reminder.finished_at is not None
    assert reminder_deliver(reminder_id=reminder_id) == Reminder.Outcome.FAILED
    assert not Notification.objects.exists()


def test_the_sweep_enqueues_delivery_only_after_commit(
    assigned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sla_sweep(now=assigned.due_at + MINUTE)

    assert len(callbacks) == 1
    assert mail.outbox == []


# --- Email -------------------------------------------------------------------------------------
def test_the_email_has_a_text_and_an_html_part_linking_to_the_ticket(assigned, sweep_at):
    sweep_at(assigned.due_at + MINUTE)

    [message] = mail.outbox
    link = f"https://csboard.example/boards/{assigned.board_id}/tickets/{assigned.number}/"
    assert message.to == ["mia@example.com"]
    assert message.subject == f"[CS Board] {assigned.reference} is overdue: {assigned.title}"
    assert link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html


def test_a_user_who_turned_an_email_kind_off_gets_only_the_notification(
    assigned, member_user, sweep_at
):
    email_preferences_set(user=member_user, wanted={OVERDUE: False})
    sweep_at(assigned.due_at - timedelta(minutes=30))
    mail.outbox.clear()

    sweep_at(assigned.due_at + MINUTE)

    assert notified(OVERDUE) == ["mia"]
    assert mail.outbox == []


def test_turning_one_kind_off_leaves_the_other_kinds_on(assigned, member_user, sweep_at):
    email_preferences_set(user=member_user, wanted={OVERDUE: False})

    sweep_at(assigned.due_at - timedelta(minutes=30))

    assert sorted(m.subject for m in mail.outbox) == [
        f"[CS Board] {assigned.reference} is due within 1 h: {assigned.title}",
        f"[CS Board] {assigned.reference} is due within 24 h: {assigned.title}",
    ]


def test_a_mail_server_that_is_down_holds_back_only_the_email_until_the_retry(assigned, settings):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.Backend"

    with pytest.raises(ConnectionRefusedError):
        reminder_deliver(reminder_id=reminder_id)
    notified_before_the_retry = notified(OVERDUE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = reminder_deliver(reminder_id=reminder_id)

    assert outcome == SENT
    assert notified_before_the_retry == ["mia"]
    assert notified(OVERDUE) == ["mia"]
    assert len(mail.outbox) == 1


@pytest.fixture
def two_recipients(assigned, admin_user, member_user):
    ticket_update(ticket=assigned, by=admin_user, assignees=[admin_user, member_user])
    Notification.objects.all().delete()
    return assigned


def test_a_mail_server_failing_mid_batch_sends_each_email_once_after_the_retry(
    two_recipients, settings, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from tests.reminders.failing_mail import FailsMidBatch

    [reminder_id] = sla_sweep(now=two_recipients.due_at + MINUTE)
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.FailsMidBatch"
    monkeypatch.setattr(FailsMidBatch, "budget", 1)

    with pytest.raises(SMTPServerDisconnected):
        reminder_deliver(reminder_id=reminder_id)
    monkeypatch.setattr(FailsMidBatch, "budget", 10)
    reminder_deliver(reminder_id=reminder_id)
    reminder_deliver(reminder_id=reminder_id)

    assert sorted(address for m in mail.outbox for address in m.to) == [
        "alice@example.com",
        "mia@example.com",
    ]
    assert notified(OVERDUE) == ["alice", "mia"]
    assert Reminder.objects.get().finished_at is not None


def test_a_refused_address_holds_back_nobody_elses_reminder(two_recipients, settings):
    from smtplib import SMTPRecipientsRefused

    [reminder_id] = sla_sweep(now=two_recipients.due_at + MINUTE)
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.RefusesMia"

    with pytest.raises(SMTPRecipientsRefused):
        reminder_deliver(reminder_id=reminder_id)

    assert notified(OVERDUE) == ["alice", "mia"]
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert Reminder.objects.get().finished_at is None  # mia's email is still to be sent
    assert "no such mailbox" in ReminderEmail.objects.get(sent_at__isnull=True).error


def test_the_email_gives_times_in_the_boards_time_zone(board, assigned, sweep_at):
    from zoneinfo import ZoneInfo

    from boards.services import board_update

    board_update(board=board, timezone="Asia/Tokyo")

    sweep_at(assigned.due_at + MINUTE)

    local = assigned.due_at.astimezone(ZoneInfo("Asia/Tokyo"))
    [message] = mail.outbox
    assert f"Due: {local:%-d %b %Y, %H:%M} (Asia/Tokyo)" in message.body


# --- Waiting on the customer: the resolution clock is paused ------------------------------
def test_a_paused_ticket_gets_no_due_date_reminders(assigned, member_user, sweep_at):
    ticket_update(ticket=assigned, by=member_user, status=Status.WAITING)
    assigned.refresh_from_db()

    delivered = sweep_at(assigned.due_at + timedelta(days=3))

    assert delivered == []


def test_a_reminder_written_before_the_wait_is_skipped(assigned, member_user):
    ticket_update(ticket=assigned, by=member_user, status=Status.WAITING)
    assigned.refresh_from_db()
    reminder = Reminder.objects.create(
        ticket=assigned, kind=Reminder.Kind.OVERDUE, due_for=assigned.due_at
    )

    assert reminder_deliver(reminder_id=reminder.pk) == Reminder.Outcome.PAUSED


def test_a_deadline_passed_during_the_wait_is_reminded_after_it(assigned, member_user):
    by_hand = (timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    ticket_update(ticket=assigned, by=member_user, due_at=by_hand)
    ticket_update(ticket=assigned, by=member_user, status=Status.WAITING)
    sla_sweep(now=timezone.now())
    later = by_hand + timedelta(hours=2)
    sla_sweep(now=later)
    assert not Reminder.objects.filter(kind=OVERDUE).exists()  # held off

    with time_machine.travel(later, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)
    written = sla_sweep(now=later + timedelta(minutes=1))

    kinds = set(Reminder.objects.filter(pk__in=written).values_list("kind", flat=True))
    assert Reminder.Kind.OVERDUE in kinds


def _skipped_during_a_wait(ticket, by, due):
    """The overdue reminder of `due`, written just after it passed and skipped at delivery
    because the ticket went waiting on its customer meanwhile; the ticket still waits."""
    [reminder_id] = sla_sweep(now=due + MINUTE)
    with time_machine.travel(due + 2 * MINUTE, tick=False):
        ticket_update(ticket=ticket, by=by, status=Status.WAITING)
    assert reminder_deliver(reminder_id=reminder_id, now=due + 3 * MINUTE) == "paused"
    return reminder_id


def test_a_reminder_skipped_during_the_wait_for_a_date_set_by_hand_is_sent_once_after_it(
    assigned, member_user, sweep_at
):
    # Given a due date set by hand whose overdue reminder was skipped during a wait
    by_hand = (timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    ticket_update(ticket=assigned, by=member_user, due_at=by_hand)
    _skipped_during_a_wait(assigned, member_user, by_hand)
    assert sweep_at(by_hand + timedelta(hours=1)) == []  # still waiting: held off

    # When the wait ends, and the sweeps run after it
    resumed = by_hand + timedelta(hours=2)
    with time_machine.travel(resumed, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)
    first = sweep_at(resumed + MINUTE)
    second = sweep_at(resumed + 2 * MINUTE)

    # Then the date stays where the agent typed it, and the reminder goes out once
    assigned.refresh_from_db()
    assert assigned.due_at == by_hand
    assert (first, second) == ([(OVERDUE, SENT)], [])
    assert notified(OVERDUE) == ["mia"]
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(kind=OVERDUE).outcome == SENT


def test_a_reminder_skipped_during_the_wait_for_the_policys_date_follows_the_moved_date(
    assigned, member_user, sweep_at
):
    # Given the policy's due date, whose overdue reminder was skipped during a wait
    due = assigned.due_at
    _skipped_during_a_wait(assigned, member_user, due)

    # When the wait ends three hours later (the date moves later by as much), and sweeps run
    resumed = due + 2 * MINUTE + timedelta(hours=3)
    with time_machine.travel(resumed, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)
    assigned.refresh_from_db()
    moved = assigned.due_at
    runs = [sweep_at(resumed + MINUTE), sweep_at(resumed + 2 * MINUTE)]

    # Then the reminder of the moved date goes out once; the old one stays skipped
    assert moved == due + timedelta(hours=3)
    assert runs == [[(OVERDUE, SENT)], []]
    assert notified(OVERDUE) == ["mia"]
    assert len(mail.outbox) == 1
    outcomes = dict(Reminder.objects.filter(kind=OVERDUE).values_list("due_for", "outcome"))
    assert outcomes == {due: Reminder.Outcome.PAUSED, moved: SENT}


def test_a_reminder_skipped_in_two_waits_is_sent_once_after_the_second(
    assigned, member_user, sweep_at
):
    by_hand = (timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    ticket_update(ticket=assigned, by=member_user, due_at=by_hand)
    reminder_id = _skipped_during_a_wait(assigned, member_user, by_hand)
    resumed = by_hand + timedelta(hours=2)
    with time_machine.travel(resumed, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)
    # re-armed, then the ticket waits again before its delivery ran: skipped again
    assert sla_sweep(now=resumed + MINUTE) == [reminder_id]
    with time_machine.travel(resumed + 2 * MINUTE, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.WAITING)
    assert reminder_deliver(reminder_id=reminder_id, now=resumed + 3 * MINUTE) == "paused"

    again = resumed + timedelta(hours=1)
    with time_machine.travel(again, tick=False):
        ticket_update(ticket=assigned, by=member_user, status=Status.IN_PROGRESS)

    assert sweep_at(again + MINUTE) == [(OVERDUE, SENT)]
    assert sweep_at(again + 2 * MINUTE) == []
    assert notified(OVERDUE) == ["mia"]


# --- Archived tickets: their reminders are skipped, and come back with the ticket --------------
ARCHIVED = Reminder.Outcome.ARCHIVED


def test_a_reminder_pending_when_its_ticket_is_archived_is_skipped_not_left_pending(
    assigned, member_user
):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)
    ticket_archive(ticket=assigned, by=member_user)

    outcome = reminder_deliver(reminder_id=reminder_id)

    reminder = Reminder.objects.get(pk=reminder_id)
    assert outcome == ARCHIVED
    assert reminder.finished_at is not None  # nothing left for the re-drive
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_an_archived_ticket_gets_no_reminders(assigned, member_user, sweep_at):
    ticket_archive(ticket=assigned, by=member_user)

    assert sweep_at(assigned.due_at + timedelta(days=2)) == []
    assert not Reminder.objects.exists()


def test_a_reminder_archived_between_its_notification_and_its_emails_retry_mails_nobody(
    assigned, member_user, settings
):
    [reminder_id] = sla_sweep(now=assigned.due_at + MINUTE)
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.Backend"
    with pytest.raises(ConnectionRefusedError):
        reminder_deliver(reminder_id=reminder_id)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket_archive(ticket=assigned, by=member_user)

    reminder_deliver(reminder_id=reminder_id)

    assert mail.outbox == []
    assert Reminder.objects.get(pk=reminder_id).finished_at is not None
    assert ReminderEmail.objects.get().error == "Not sent: the ticket was archived."


def test_restoring_re_arms_the_reminder_skipped_for_the_archive(assigned, member_user, sweep_at):
    # Given an overdue reminder skipped because the ticket was archived
    due = assigned.due_at
    [reminder_id] = sla_sweep(now=due + MINUTE)
    with time_machine.travel(due + 2 * MINUTE, tick=False):
        ticket_archive(ticket=assigned, by=member_user)
    assert reminder_deliver(reminder_id=reminder_id, now=due + 3 * MINUTE) == ARCHIVED
    assert sweep_at(due + timedelta(hours=1)) == []  # archived: nothing

    # When it is restored, and the sweeps run after
    restored_at = due + timedelta(hours=2)
    with time_machine.travel(restored_at, tick=False):
        ticket_restore(ticket=Ticket.all_objects.get(pk=assigned.pk), by=member_user)
    first = sweep_at(restored_at + MINUTE)
    second = sweep_at(restored_at + 2 * MINUTE)

    # Then the same reminder goes out, once
    assert (first, second) == ([(OVERDUE, SENT)], [])
    assert Reminder.objects.get(kind=OVERDUE).pk == reminder_id
    assert notified(OVERDUE) == ["mia"]
    assert len(mail.outbox) == 1


def test_a_deadline_passed_while_archived_is_reminded_after_the_restore(
    assigned, member_user, sweep_at
):
    due = assigned.due_at
    with time_machine.travel(due - timedelta(days=2), tick=False):
        ticket_archive(ticket=assigned, by=member_user)
    assert sweep_at(due + MINUTE) == []

    with time_machine.travel(due + timedelta(hours=3), tick=False):
        ticket_restore(ticket=Ticket.all_objects.get(pk=assigned.pk), by=member_user)

    assert sweep_at(due + timedelta(hours=3, minutes=1)) == [(OVERDUE, SENT)]
    assert notified(OVERDUE) == ["mia"]
