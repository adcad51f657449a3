from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from boards.models import Board
from tickets.models import Ticket
from workspace.models import ChecklistItem


def _checklist_count(**conditions) -> Coalesce:
    items = ChecklistItem.objects.filter(ticket=OuterRef("pk"), **conditions).order_by()
    counted = items.values("ticket").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything a card or an API row shows, in a fixed number of queries."""
    return (
        Ticket.objects.filter(board=board)
        .select_related("board", "column", "created_by")
        .prefetch_related("assignees", "tags")
        # The card's checklist progress ("2/5"), counted by the database in the same query.
        .annotate(
            checklist_total=_checklist_count(),
            checklist_done=_checklist_count(done_at__isnull=False),
        )
        .order_by("column__position", "position", "number")
    )


def ticket_for(board: Board, number) -> Ticket:
    """A ticket looked up through its board, never by a bare id."""
    return get_object_or_404(board_tickets(board), number=number)
