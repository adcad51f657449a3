"""Telling every open view of a board that it changed, after the change commits (never for a
change that rolls back). Events are small: what kind of change and which ticket; the page then
fetches what it shows through its usual, permission-checked view."""

import asyncio
import threading
import time
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from csboard.core.aftercommit import after_commit

# Who may see the board changed (a member removed or demoted, the visibility changed): every
# socket listening to it checks its access again before hearing anything more.
ACCESS_CHANGED = "access"
# The first message on a socket once it listens (see BoardConsumer.connect).
HELLO = "hello"
# Something on a person's own list (My work) changed: a ticket of theirs, a mention of them.
WORK = "work"


# A page rendered before its socket joined the board's group would not hear a change made in
# between: the socket's first message says when the board last changed, and a page drawn
# before that draws itself again. Kept for a day; a page that old has reconnected since.
CHANGED_AT_TIMEOUT = 24 * 60 * 60


def group_name(board_id: int) -> str:
    return f"board-{board_id}"


def now_ms() -> int:
    return int(time.time() * 1000)


def _changed_at_key(board_id: int) -> str:
    return f"board-changed-at:{board_id}"


def changed_at(board_id: int) -> int | None:
    """When (epoch ms) a change to the board was last broadcast, if within CHANGED_AT_TIMEOUT."""
    return cache.get(_changed_at_key(board_id))


def board_changed(board_id: int, *, kind: str, ticket: int | None = None) -> None:
    """Broadcast once the current transaction commits (at once outside one). Best effort: with
    Redis away the change is stored all the same, and pages catch up when their socket returns."""
    event = {"kind": kind, "board": board_id, "ticket": ticket}
    after_commit(_stamp, board_id)
    after_commit(_send, board_id, event)


def person_group_name(user_id: int) -> str:
    return f"person-{user_id}"


def people_changed(user_ids: Iterable[int], *, kind: str = WORK) -> None:
    """Tell each of these people's own pages (My work: `/ws/my/`) that something of theirs
    changed, once the current transaction commits. The event says nothing of what: the page
    fetches it again through its own permission-checked view."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if ids:
        after_commit(_send_people, ids, {"kind": kind})


def person_changed_at(user_id: int) -> int | None:
    """When (epoch ms) something of this person's was last broadcast (as changed_at)."""
    return cache.get(_person_changed_at_key(user_id))


def _person_changed_at_key(user_id: int) -> str:
    return f"person-changed-at:{user_id}"


def _send_people(user_ids: list[int], event: dict) -> None:
    stamp = now_ms()
    cache.set_many({_person_changed_at_key(pk): stamp for pk in user_ids}, CHANGED_AT_TIMEOUT)
    for user_id in user_ids:
        _group_send(person_group_name(user_id), event)


def _stamp(board_id: int) -> None:
    cache.set(_changed_at_key(board_id), now_ms(), CHANGED_AT_TIMEOUT)


def _send(board_id: int, event: dict) -> None:
    _group_send(group_name(board_id), event)


def _group_send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    message = {"type": "board.event", "event": event}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(group, message)
        return
    # A synchronous caller on a thread that runs an event loop (e.g. a script driving a browser)
    # cannot block that loop: send from a helper thread instead.
    helper = threading.Thread(target=send, args=(group, message))
    helper.start()
    helper.join(timeout=5)
