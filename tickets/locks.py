"""Ticket row locks, in the order written down in boards/locks.py (board, settings, columns,
ticket, the ticket's rows), in FOR NO KEY UPDATE mode as explained there."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import OuterRef

from boards.locks import lock_columns
from boards.models import Board
from csboard.core.exceptions import NotFound
from tickets.models import Follower, Ticket

T = TypeVar("T")


def _tickets(archived: bool | None, answer: bool):
    # Its creator is read along for the answer, never locked (`of`).
    rows = Ticket.all_objects if archived is None else Ticket.objects
    if archived:
        rows = Ticket.all_objects.filter(archived_at__isnull=False)
    rows = rows.select_related("board", "created_by")
    if answer:
        rows = with_sets(rows.select_related("board__sla_policy"))
    return rows.select_for_update(no_key=True, of=("self",))


def with_sets(rows):
    """Tickets with their assignees' usernames and tag ids (by tag name) as values, read in the
    same statement (`assignee_usernames`, `tag_ids`: what the API shows), and the ids of its
    assignees and followers (`interested_ids`); on PostgreSQL, where
    the statements of a write are counted. Elsewhere the answer reads them after, as always."""
    if connection.vendor != "postgresql":
        return rows
    people = Ticket.assignees.through.objects.filter(ticket_id=OuterRef("pk"))
    tags = Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk"))
    followers = Follower.objects.filter(ticket_id=OuterRef("pk"))
    return rows.annotate(
        assignee_usernames=ArraySubquery(people.values("user__username")),
        tag_ids=ArraySubquery(tags.order_by("tag__name", "tag_id").values("tag_id")),
        # Who hears of the change on their My work (tickets.services._tell_interested).
        interested_ids=ArraySubquery(people.values("user_id").union(followers.values("user_id"))),
    )


def lock_board_for_create(board_id: int) -> Board:
    """The board, locked (the counter of its numbers), with its SLA policy read along: a new
    ticket's deadlines come from it (sla.selectors.policy_for reads what is joined)."""
    return (
        Board.objects.select_related("sla_policy")
        .select_for_update(no_key=True, of=("self",))
        .get(pk=board_id)
    )


def lock_ticket(ticket_id: int, *, archived: bool | None = False, answer: bool = False):
    """The ticket, locked (its board read along, not locked); NotFound once it was deleted, or
    (as the writes of a live ticket expect: `archived` False) archived; `archived` True: only
    an archived one (a restore); None: either (a delete for good). `answer`: a write that
    changes neither people nor tags (a move) reads them here for its answer, with the board's
    SLA policy, rather than in three statements after."""
    # No ordering: the default one joins the column, and a row locked after waiting for a move
    # would then be checked against its old column and dropped, as if deleted.
    ticket = _tickets(archived, answer).filter(pk=ticket_id).order_by("pk").first()
    if ticket is None:
        if archived:
            raise NotFound(
                "This ticket is no longer in the archive: restored or deleted meanwhile."
            )
        raise NotFound("This ticket was deleted meanwhile.")
    return ticket


class TicketMovedOn(Exception):
    """The ticket left the column it was seen in before its lock was held (a move won):
    `column_id` is where it is now. Raised by lock_ticket_with_column, caught by
    atomic_with_column, never seen outside."""

    def __init__(self, column_id: int):
        super().__init__(column_id)
        self.column_id = column_id


def lock_ticket_with_column(
    ticket_id: int,
    *other_column_ids: int,
    seen_in: int | None = None,
    archived: bool | None = False,
    answer: bool = False,
    board_id: int | None = None,
):
    """Lock the ticket's column (with `other_column_ids`), then the ticket: (ticket, {id:
    column}). Every write that renumbers a column holds that column's lock, so such writes
    queue instead of deadlocking over the rows they renumber. The ticket's column, `seen_in`
    (where the caller read the ticket) or read here, is known before it is locked, so it is
    checked again under the lock: if a move has won, TicketMovedOn. Call it first thing in
    atomic_with_column, which then rolls back and runs the write again."""
    column_id = seen_in
    if column_id is None:
        rows = Ticket.all_objects.filter(pk=ticket_id)
        column_id = rows.values_list("column_id", flat=True).first()
        if column_id is None:
            raise NotFound("This ticket was deleted meanwhile.")
    columns = lock_columns(column_id, *other_column_ids, board_id=board_id)
    ticket = lock_ticket(ticket_id, archived=archived, answer=answer)
    # Nobody moves the ticket out of a column whose lock we hold.
    if ticket.column_id != column_id:
        raise TicketMovedOn(ticket.column_id)
    return ticket, columns


def atomic_with_column(write: Callable[[int | None], T], seen_in: int | None = None) -> T:
    """Run `write(seen_in)`, a write that calls lock_ticket_with_column(seen_in=...) first, in a
    transaction (a savepoint when nested): when the ticket had moved on, that is rolled back,
    giving back the wrong column's lock (nothing else was done yet), and the write runs again
    with the column the ticket is in now. One savepoint for the write and its locks."""
    while True:
        try:
            with transaction.atomic():
                return write(seen_in)
        except TicketMovedOn as moved:
            seen_in = moved.column_id


def lock_tickets_with_columns(*ticket_ids: int) -> dict[int, Ticket]:
    """Lock several live tickets (a merge's two) with their columns: the columns first (in id
    order), then the tickets in id order, as the lock order says. A ticket that left its column
    before its lock was held raises TicketMovedOn (atomic_with_columns runs the write again);
    NotFound once one was deleted or archived."""
    rows = Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "column_id")
    seen = dict(rows)
    if len(seen) != len(set(ticket_ids)):
        raise NotFound("This ticket was deleted or archived meanwhile.")
    lock_columns(*seen.values())
    locked = {t.pk: t for t in _tickets(False, answer=False).filter(pk__in=seen).order_by("pk")}
    if len(locked) != len(seen):
        raise NotFound("This ticket was deleted or archived meanwhile.")
    for pk, ticket in locked.items():
        if ticket.column_id != seen[pk]:
            raise TicketMovedOn(ticket.column_id)
    return locked


def atomic_with_columns(write: Callable[[], T]) -> T:
    """atomic_with_column for a write that calls lock_tickets_with_columns first."""
    while True:
        try:
            with transaction.atomic():
                return write()
        except TicketMovedOn:
            continue
