from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404

from boards.models import Board
from tickets.models import Ticket
from workspace.models import ChecklistItem, Message


def _count_of(model, **conditions) -> Coalesce:
    """How many `model` rows belong to each ticket, as a subquery: no join that would multiply
    the ticket rows, and no query per card."""
    rows = model.objects.filter(ticket=OuterRef("pk"), **conditions).order_by()
    counted = rows.values("ticket").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything a card or an API row shows, in a fixed number of queries."""
    return (
        Ticket.objects.filter(board=board)
        .select_related("board", "column", "created_by")
        .prefetch_related("assignees", "tags")
        # The card's checklist progress ("2/5") and comment count, counted by the database in
        # the same query.
        .annotate(
            checklist_total=_count_of(ChecklistItem),
            checklist_done=_count_of(ChecklistItem, done_at__isnull=False),
            comment_count=_count_of(Message),
        )
        .order_by("column__position", "position", "number")
    )


def ticket_for(board: Board, number) -> Ticket:
    """A ticket looked up through its board, never by a bare id."""
    return get_object_or_404(board_tickets(board), number=number)


def first_per_column(tickets: QuerySet[Ticket], limit: int, expand: int | None = None):
    """The first `limit` tickets of each column (all of column `expand`), ranked by the
    database in the same query: a board of thousands of tickets draws a screenful per column."""
    ranked = tickets.annotate(
        column_rank=Window(
            RowNumber(), partition_by=[F("column_id")], order_by=[F("position"), F("number")]
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
