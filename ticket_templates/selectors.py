"""Reads of a board's ticket templates: one query for the list and one per relation, whatever
its length."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from boards.models import Board
from ticket_templates.models import TicketTemplate


def board_templates(board: Board) -> QuerySet[TicketTemplate]:
    return (
        TicketTemplate.objects.filter(board=board)
        .select_related("column")
        .prefetch_related("tags", "assignees")
    )


def template_for(board: Board, pk) -> TicketTemplate:
    """One template, looked up through its board: 404 for another board's, or for no id."""
    if not str(pk).isdecimal():
        raise Http404("No such template.")
    return get_object_or_404(board_templates(board), pk=pk)
