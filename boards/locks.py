"""Row locks, in one place. Always take them in this order: board, then column, then ticket.

On SQLite `select_for_update` is a no-op; SQLite serialises writers on its own.
"""

from boards.models import Board, Column


def lock_board(board_id: int) -> Board:
    return Board.objects.select_for_update().get(pk=board_id)


def lock_column(column_id: int) -> Column:
    return Column.objects.select_for_update().get(pk=column_id)
