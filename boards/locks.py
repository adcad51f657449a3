"""Row locks, in one place. Always take them in this order: board, then column, then ticket.

On SQLite `select_for_update` is a no-op; SQLite serialises writers on its own.
"""

from boards.models import Board, Column


def lock_board(board_id: int) -> Board:
    return Board.objects.select_for_update().get(pk=board_id)


def lock_column(column_id: int) -> Column:
    return Column.objects.select_for_update().get(pk=column_id)


def lock_columns(*column_ids: int) -> dict[int, Column]:
    """Lock several columns at once, in id order: two callers that need the same pair of columns
    then queue up instead of each holding one and waiting for the other (a deadlock)."""
    columns = Column.objects.select_for_update().filter(pk__in=set(column_ids)).order_by("pk")
    return {column.pk: column for column in columns}
