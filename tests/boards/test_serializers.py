"""BoardSerializer and ColumnSerializer write their rows out by hand (DRF's walk field by field
was most of the board API's own time): what they write must be exactly what that walk writes."""

from rest_framework import serializers

from boards.permissions import board_for
from boards.selectors import board_columns
from boards.serializers import BoardSerializer, ColumnSerializer
from boards.services import column_update


def walked(serializer, instance) -> dict:
    """DRF's own representation: each declared field's get_attribute, then to_representation."""
    return serializers.Serializer.to_representation(serializer, instance)


def test_a_board_and_its_columns_are_what_drf_writes_field_by_field(
    board, columns, ticket, guest_user
):
    column_update(column=columns[1], wip_limit=4)
    shown = board_for(guest_user, board.pk)
    shown.shown_columns = list(board_columns(board))
    serializer = BoardSerializer()

    row = serializer.to_representation(shown)

    assert row == walked(serializer, shown)
    assert list(row) == list(serializer.fields)
    assert row["my_role"] == "guest"
    column_serializer = ColumnSerializer()
    for column in board_columns(board):
        assert column_serializer.to_representation(column) == walked(column_serializer, column)
    assert [c["ticket_count"] for c in row["columns"][:2]] == [1, 0]
    assert row["columns"][1]["wip_limit"] == 4
