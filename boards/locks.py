"""Row locks, in one place, and the one order every write takes them in.

Order. A write takes the locks it needs in this order, and never one from higher up the list
once it holds one from lower down:

1. the board (`lock_board`): ticket numbers, tags, memberships, a board's settings;
2. a board's settings rows (feedback settings, the SLA policy), under the board lock;
3. columns (`lock_columns`, several at once in id order): WIP limits, positions in a column;
4. the ticket (`tickets.locks`: `lock_ticket`, or `lock_ticket_with_column` for a write that
   renumbers its column): its fields, and every row that belongs to it;
5. rows that belong to the ticket (checklist items, reminders, then a reminder's emails), and
   the memberships of the people a write assigns (a membership change locks its membership
   right after the board).

Users and customers are never locked (a query that joins them locks with `of=("self",)`).

Mode. Every lock here is FOR NO KEY UPDATE (`no_key=True`): no service changes a locked row's
key, so writers still queue on the row, but the key-share lock that PostgreSQL takes on every
row a new foreign key points at (an activity row at its board and columns, a comment at its
ticket, a notification at its recipient) does not wait for them. With plain FOR UPDATE, a move
holding its columns waited at commit for the board that a create held while it waited for those
columns: a deadlock. Only a delete takes FOR UPDATE, by deleting, and it holds the lock of what
it deletes (the ticket) first, so a write that would point at the row waits for it and then
finds it gone (NotFound) instead of failing on the foreign key.

On SQLite `select_for_update` is a no-op; SQLite serialises writers on its own.
"""

from boards.models import Board, Column


def lock_board(board_id: int) -> Board:
    return Board.objects.select_for_update(no_key=True).get(pk=board_id)


def lock_column(column_id: int) -> Column:
    return Column.objects.select_for_update(no_key=True).get(pk=column_id)


def lock_columns(*column_ids: int, board_id: int | None = None) -> dict[int, Column]:
    """Lock several columns at once, in id order: two callers that need the same pair of columns
    then queue up instead of each holding one and waiting for the other (a deadlock). With
    `board_id`, only that board's (an id from a request names any column)."""
    columns = Column.objects.select_for_update(no_key=True).filter(pk__in=set(column_ids))
    if board_id is not None:
        columns = columns.filter(board_id=board_id)
    return {column.pk: column for column in columns.order_by("pk")}
