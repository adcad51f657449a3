from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from boards.models import Board
from tickets.models import Ticket


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything a card or an API row shows, in a fixed number of queries."""
    return (
        Ticket.objects.filter(board=board)
        .select_related("board", "column", "created_by")
        .prefetch_related("assignees", "tags")
        .order_by("column__position", "position", "number")
    )


def ticket_for(board: Board, number) -> Ticket:
    """A ticket looked up through its board, never by a bare id."""
    return get_object_or_404(board_tickets(board), number=number)
