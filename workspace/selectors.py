"""Reads for the ticket workspace and the board panels: one query per list, whatever its length."""

from django.db.models import QuerySet

from boards.models import Board
from tickets.models import Activity, Ticket
from workspace.models import Attachment, ChecklistItem, Message


def ticket_checklist(ticket: Ticket) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(ticket=ticket).select_related("done_by")


def ticket_messages(ticket: Ticket) -> QuerySet[Message]:
    return Message.objects.filter(ticket=ticket).select_related("author")


def ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")


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
