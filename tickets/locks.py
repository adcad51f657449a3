"""Ticket row locks, in the order written down in boards/locks.py (board, settings, columns,
ticket, the ticket's rows), in FOR NO KEY UPDATE mode as explained there."""

from django.db import transaction

from boards.locks import lock_columns
from csboard.core.exceptions import NotFound
from tickets.models import Ticket


def _tickets():
    return Ticket.objects.select_related("board").select_for_update(no_key=True, of=("self",))


def lock_ticket(ticket_id: int):
    """The ticket, locked (its board read along, not locked); NotFound once it was deleted."""
    # No ordering: the default one joins the column, and a row locked after waiting for a move
    # would then be checked against its old column and dropped, as if deleted.
    ticket = _tickets().filter(pk=ticket_id).order_by("pk").first()
    if ticket is None:
        raise NotFound("This ticket was deleted meanwhile.")
    return ticket


def lock_ticket_with_column(ticket_id: int, *other_column_ids: int) -> tuple:
    """Lock the ticket's column (with `other_column_ids`), then the ticket: (ticket, {id:
    column}). Every write that renumbers a column holds that column's lock, so such writes
    queue instead of deadlocking over the rows they renumber. The ticket's column is read
    before it is locked, so it is checked again under the lock (a move may have won)."""
    current = Ticket.objects.filter(pk=ticket_id).values_list("column_id", flat=True)
    while True:
        with transaction.atomic():  # a savepoint, so that a failed attempt gives its locks back
            column_id = current.first()
            if column_id is None:
                raise NotFound("This ticket was deleted meanwhile.")
            columns = lock_columns(column_id, *other_column_ids)
            ticket = lock_ticket(ticket_id)
            # Nobody moves the ticket out of a column whose lock we hold.
            if ticket.column_id == column_id:
                return ticket, columns
            transaction.set_rollback(True)
