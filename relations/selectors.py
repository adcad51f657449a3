"""Reads of ticket relations: a ticket's links as its viewer may see them, merge candidates."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from boards.models import Board
from boards.permissions import visible_boards
from relations.models import TicketLink
from tickets.models import Ticket

CANDIDATES_MAX = 20


@dataclass(frozen=True)
class ShownLink:
    link: TicketLink
    other: Ticket
    label: str  # as this ticket reads it: "is blocked by", "blocks", ...


def ticket_links(ticket: Ticket, user) -> list[ShownLink]:
    """The ticket's links, both ways, to live tickets on boards `user` can see (a link to a
    board hidden from them is not shown, nor counted), oldest first: one query."""
    visible = visible_boards(user).values("pk")
    links = (
        TicketLink.objects.filter(
            Q(from_ticket=ticket, to_ticket__board__in=visible, to_ticket__archived_at=None)
            | Q(to_ticket=ticket, from_ticket__board__in=visible, from_ticket__archived_at=None)
        )
        .select_related("from_ticket__board", "to_ticket__board")
        .order_by("created_at", "id")
    )
    return [
        ShownLink(
            link,
            link.to_ticket if link.from_ticket_id == ticket.pk else link.from_ticket,
            link.label_from(ticket.pk),
        )
        for link in links
    ]


def ticket_link_for(ticket: Ticket, pk) -> TicketLink | None:
    """One link of the ticket (either way), by id."""
    return (
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket), pk=pk)
        .order_by()
        .first()
    )


def ticket_by_reference(user, reference: str, board: Board) -> Ticket | None:
    """A live ticket named by its reference ("CS-12"; a bare "12" or "#12" on `board`), on a
    board `user` can see; None when there is none."""
    reference = reference.strip().lstrip("#")
    key, _, number = reference.rpartition("-")
    if not number.isdecimal() or len(number) > 9:
        return None
    boards = visible_boards(user)
    boards = boards.filter(key__iexact=key) if key else boards.filter(pk=board.pk)
    return (
        Ticket.objects.filter(board__in=boards.values("pk"), number=int(number))
        .select_related("board")
        .first()
    )


def merge_candidates(ticket: Ticket, query: str = "") -> QuerySet[Ticket]:
    """The live tickets of the ticket's board it may be merged into, by reference, number or
    title, newest first; at most CANDIDATES_MAX."""
    tickets = (
        Ticket.objects.filter(board_id=ticket.board_id)
        .exclude(pk=ticket.pk)
        .select_related("column")
    )
    query = query.strip()
    if query:
        text = Q(title__icontains=query)
        number = query.upper().removeprefix(f"{ticket.board.key.upper()}-").lstrip("#")
        if number.isdecimal() and len(number) < 10:
            text |= Q(number=int(number))
        tickets = tickets.filter(text)
    return tickets.order_by("-number")[:CANDIDATES_MAX]


def merged_from(ticket: Ticket) -> QuerySet[Ticket]:
    """The tickets merged into this one, by number: their references lead here."""
    return Ticket.all_objects.filter(merged_into=ticket).order_by("number").only("number", "board")
