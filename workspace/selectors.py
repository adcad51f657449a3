"""Reads for the ticket workspace and the board panels: one query per list, whatever its length."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from boards.models import Board
from tickets.models import Activity, Ticket
from workspace.models import Attachment, ChecklistItem, Message


def _count_of(model, **conditions) -> Coalesce:
    """How many `model` rows belong to each ticket, as a subquery: no join that would multiply
    the ticket rows, and no query per card."""
    rows = model.objects.filter(ticket=OuterRef("pk"), **conditions).order_by()
    counted = rows.values("ticket").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_card_counts(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The card's checklist progress ("2/5") and comment count, counted by the database in the
    same query as the tickets."""
    return tickets.annotate(
        checklist_total=_count_of(ChecklistItem),
        checklist_done=_count_of(ChecklistItem, done_at__isnull=False),
        comment_count=_count_of(Message),
    )


def ticket_checklist(ticket: Ticket) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(ticket=ticket).select_related("done_by")


def ticket_messages(ticket: Ticket) -> QuerySet[Message]:
    return Message.objects.filter(ticket=ticket).select_related("author")


def ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    """A ticket's files, each with `from_customer`: it came with the customer's mail (it has no
    uploader, and neither has a file whose uploader was deleted)."""
    return (
        Attachment.objects.filter(ticket=ticket)
        .select_related("uploaded_by")
        .annotate(
            from_customer=ExpressionWrapper(
                Q(message__author__isnull=True, message__sender_email__gt=""),
                output_field=BooleanField(),
            )
        )
    )


def ticket_activity(ticket: Ticket) -> QuerySet[Activity]:
    return Activity.objects.filter(ticket=ticket).select_related(
        "actor", "from_column", "to_column"
    )


def board_messages(board: Board) -> QuerySet[Message]:
    return Message.objects.filter(board=board, ticket__isnull=True).select_related("author")


def board_files(board: Board) -> QuerySet[Attachment]:
    return Attachment.objects.filter(board=board, ticket__isnull=True).select_related("uploaded_by")


def recent_board_messages(board: Board, limit: int = 50) -> list[Message]:
    """The latest `limit` messages of the board chat, oldest first (as a chat reads)."""
    return list(reversed(board_messages(board).order_by("-created_at", "-id")[:limit]))
