from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from boards.models import Board
from tickets.models import Ticket
from tickets.ranks import with_position


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything an API row shows, in a fixed number of queries (the
    board page adds the workspace counts a card shows: workspace.selectors.with_card_counts)."""
    return _tickets(board).select_related("board")


def _tickets(board: Board) -> QuerySet[Ticket]:
    return with_position(
        Ticket.objects.filter(board=board)
        .select_related("column", "created_by")
        .prefetch_related("assignees", "tags")
        .order_by("column__position", "rank", "number")
    )


def ticket_for(board: Board, number) -> Ticket:
    """A ticket looked up through its board, never by a bare id, with what board_tickets reads.
    Its `board` is `board` itself (with the caller's role, as board_for gave it), not read
    again."""
    ticket = get_object_or_404(_tickets(board), number=number)
    ticket.board = board
    return ticket


def first_per_column(tickets: QuerySet[Ticket], limit: int, expand: int | None = None):
    """The first `limit` tickets of each column (all of column `expand`), ranked by the
    database in the same query: a board of thousands of tickets draws a screenful per column."""
    ranked = tickets.annotate(
        column_rank=Window(
            RowNumber(), partition_by=[F("column_id")], order_by=[F("rank"), F("number")]
        )
    )
    keep = Q(column_rank__lte=limit)
    if expand is not None:
        keep |= Q(column_id=expand)
    return ranked.filter(keep)


def matching_per_column(tickets: QuerySet[Ticket]) -> dict[int, int]:
    """How many tickets of each column pass the filters, counted in SQL."""
    ids = tickets.order_by().values("pk")
    counted = (
        Ticket.objects.filter(pk__in=ids).order_by().values("column_id").annotate(n=Count("pk"))
    )
    return {row["column_id"]: row["n"] for row in counted}
