from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from boards.models import Board
from tickets.models import Ticket
from tickets.ranks import with_position

LIST_ORDER = ("column__position", "rank", "number")


def _shown(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return with_position(
        tickets.select_related("board", "column", "created_by")
        .prefetch_related("assignees", "tags")
        .order_by(*LIST_ORDER)
    )


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything an API row shows, in a fixed number of queries (the
    board page adds the workspace counts a card shows: workspace.selectors.with_card_counts)."""
    return _shown(Ticket.objects.filter(board=board))


def board_ticket_order(board: Board) -> QuerySet[Ticket]:
    """A board's tickets, bare, in the order of its list: what the list API filters and pages
    before it reads the page's tickets whole (tickets_in)."""
    return Ticket.objects.filter(board=board).order_by(*LIST_ORDER)


def tickets_in(board: Board, ids: QuerySet) -> list[Ticket]:
    """The tickets `ids` of `board` (a page of board_ticket_order, left unread) with what an API
    row shows, in list order. One query, whose sort over the whole board is of narrow rows: the
    wide ones are read for the page alone, by their ids. Their board is `board` itself (no join,
    and one object, which holds the SLA policy once); their assignees' usernames and their tag
    ids come as plain values (`assignee_usernames`, `tag_ids`), one query each: a prefetch
    builds a manager, a queryset and model objects for each ticket, most of a page's time."""
    tickets = list(
        with_position(
            Ticket.objects.filter(pk__in=ids).select_related("created_by").order_by(*LIST_ORDER)
        )
    )
    usernames, tag_ids = defaultdict(list), defaultdict(list)
    pks = [ticket.pk for ticket in tickets]
    assigned = Ticket.assignees.through.objects.filter(ticket_id__in=pks)
    for ticket_id, username in assigned.values_list("ticket_id", "user__username"):
        usernames[ticket_id].append(username)
    # In the order of Tag.Meta.ordering, as `ticket.tags.all()` gives them.
    tagged = Ticket.tags.through.objects.filter(ticket_id__in=pks).order_by("tag__name", "tag_id")
    for ticket_id, tag_id in tagged.values_list("ticket_id", "tag_id"):
        tag_ids[ticket_id].append(tag_id)
    for ticket in tickets:
        ticket.board = board
        ticket.assignee_usernames = usernames[ticket.pk]
        ticket.tag_ids = tag_ids[ticket.pk]
    return tickets


def ticket_for(board: Board, number) -> Ticket:
    """A ticket looked up through its board, never by a bare id."""
    return get_object_or_404(board_tickets(board), number=number)


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
