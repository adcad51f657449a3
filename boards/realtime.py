"""Telling every open view of a board that it changed, after the change commits (never for a
change that rolls back). Events are small: what kind of change and which ticket; the page then
fetches what it shows through its usual, permission-checked view."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_name(board_id: int) -> str:
    return f"board-{board_id}"


def board_changed(board_id: int, *, kind: str, ticket: int | None = None) -> None:
    """Broadcast once the current transaction commits (at once outside one)."""
    event = {"kind": kind, "board": board_id, "ticket": ticket}
    transaction.on_commit(lambda: _send(board_id, event))


def _send(board_id: int, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group_name(board_id), {"type": "board.event", "event": event})
