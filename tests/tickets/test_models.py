"""Ticket properties the cards show: open is `resolved_at` unset, whatever the status says."""

from datetime import timedelta

from django.utils import timezone

from sla.selectors import policy_for, ticket_is_due_soon
from tickets.models import Status
from tickets.services import ticket_create, ticket_move


def done_column(board):
    return board.columns.get(is_done=True)


def test_a_ticket_past_due_in_a_done_column_is_not_overdue(board, member_user):
    late = ticket_create(
        board=board,
        created_by=member_user,
        title="Closed by moving",
        due_at=timezone.now() - timedelta(hours=1),
    )

    late = ticket_move(ticket=late, column=done_column(board), by=member_user)

    assert late.status != Status.RESOLVED
    assert late.is_overdue is False


def test_a_ticket_due_soon_in_a_done_column_is_not_due_soon(board, member_user):
    soon = ticket_create(
        board=board,
        created_by=member_user,
        title="Closed by moving",
        due_at=timezone.now() + timedelta(hours=1),
    )

    soon = ticket_move(ticket=soon, column=done_column(board), by=member_user)

    assert ticket_is_due_soon(soon, policy_for(board)) is False


def test_an_open_ticket_past_due_is_overdue(board, member_user):
    late = ticket_create(
        board=board,
        created_by=member_user,
        title="Still open",
        due_at=timezone.now() - timedelta(hours=1),
    )

    assert late.is_overdue is True
