"""The resolution clock pauses while a ticket waits on its customer: the clock says so, the due
date moves later by the time waited when the wait ends (tests/reminders: its reminders hold
off meanwhile)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from sla.selectors import ClockState, policy_for, ticket_clocks
from tickets.models import Status
from tickets.services import ticket_create, ticket_update

HOURS_3 = timedelta(hours=3)


def resolution(ticket):
    (clock,) = [c for c in ticket_clocks(ticket, policy_for(ticket.board)) if c.key == "resolution"]
    return clock


def test_waiting_on_the_customer_pauses_the_resolution_clock(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)

    ticket.refresh_from_db()
    assert ticket.waiting_since is not None
    clock = resolution(ticket)
    assert (clock.state, clock.label) == (ClockState.PAUSED, "Paused")


def test_the_due_date_moves_later_by_the_time_waited(ticket, member_user):
    due = ticket.due_at
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    with time_machine.travel(start + HOURS_3, tick=False):
        ticket_update(ticket=ticket, by=member_user, status=Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.waiting_since is None
    assert ticket.paused_for == HOURS_3
    assert ticket.due_at == due + HOURS_3
    assert resolution(ticket).state != ClockState.PAUSED


def test_the_time_waited_is_kept_when_the_policy_gives_the_due_date_again(ticket, member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    with time_machine.travel(start + HOURS_3, tick=False):
        ticket_update(ticket=ticket, by=member_user, status=Status.IN_PROGRESS)
    ticket.refresh_from_db()
    due = ticket.due_at

    ticket_update(ticket=ticket, by=member_user, priority="high")
    ticket_update(ticket=ticket, by=member_user, priority="normal")

    ticket.refresh_from_db()
    assert ticket.due_at == due


def test_a_due_date_set_by_hand_stays_after_a_wait(ticket, member_user):
    by_hand = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    ticket_update(ticket=ticket, by=member_user, due_at=by_hand)
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    ticket_update(ticket=ticket, by=member_user, status=Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.due_at == by_hand


def test_the_customers_mail_ends_the_wait(board, member_user):
    from mail.models import SupportAddress
    from mail.services import mail_receive
    from tests.mail.test_receive import mail

    SupportAddress.objects.create(board=board, address="support@example.com")
    ticket = mail_receive(mail(message_id="<q@fbi.example>")).ticket
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    mail_receive(mail(message_id="<a@fbi.example>", In_Reply_To="<q@fbi.example>"))

    ticket.refresh_from_db()
    assert (ticket.status, ticket.waiting_since) == (Status.IN_PROGRESS, None)


def test_a_ticket_created_waiting_starts_paused(board, member_user):
    ticket = ticket_create(board=board, created_by=member_user, title="T", status=Status.WAITING)
    assert resolution(ticket).state == ClockState.PAUSED


def test_the_ticket_page_draws_the_paused_clock(client_as, ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)

    page = client_as("member").get(ticket.get_absolute_url())

    assert b"sla__clock--paused" in page.content
    assert b"Paused" in page.content
