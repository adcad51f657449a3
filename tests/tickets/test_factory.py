"""tests.factories.TicketFactory opens tickets through the service, as the app does."""

import pytest
import time_machine
from django.utils import timezone

from sla.selectors import ticket_deadlines
from tests.factories import TicketFactory, placed
from tickets.models import Priority

pytestmark = pytest.mark.django_db


def test_factory_tickets_are_numbered_and_queued_in_the_first_column_like_any(board, columns):
    first, second = TicketFactory(board=board), TicketFactory(board=board)

    assert [first.number, second.number] == [1, 2]
    assert [first.column, second.column] == [columns[0], columns[0]]
    assert placed(columns[0]) == [(1, 0), (2, 1)]
    assert first.created_by == board.created_by
    board.refresh_from_db()
    assert board.next_number == 3


def test_a_factory_ticket_takes_its_deadlines_from_the_boards_sla_policy(board):
    with time_machine.travel(timezone.now(), tick=False):
        ticket = TicketFactory(board=board, priority=Priority.URGENT)
        expected = ticket_deadlines(board=board, priority=Priority.URGENT, start=timezone.now())

    assert (ticket.first_response_due_at, ticket.due_at) == (
        expected.first_response,
        expected.resolution,
    )
    assert expected.resolution is not None
    assert not ticket.due_is_manual


def test_a_factory_ticket_without_a_board_opens_one_of_its_own():
    ticket = TicketFactory(title="Where is my invoice?")

    assert ticket.number == 1
    assert ticket.column.board == ticket.board
    assert ticket.created_by == ticket.board.created_by


def test_the_factory_will_not_build_a_ticket_past_the_service(board):
    with pytest.raises(TypeError, match="ticket_create"):
        TicketFactory.build(board=board)
