"""Live board updates over WebSockets. A socket joins a board's group only after the same access
check as the board page (`board_for`): a non-member never hears a private board. Access is
checked again while the socket listens, so a member removed from the board (or a board made
private) stops hearing it."""

import logging
import time

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from boards.permissions import Action, board_for
from boards.realtime import (
    ACCESS_CHANGED,
    HELLO,
    changed_at,
    group_name,
    person_changed_at,
    person_group_name,
)
from csboard.core.exceptions import SERVICE_ERRORS

logger = logging.getLogger(__name__)

# Close codes in 4400–4499 tell the page to stop reconnecting: it has no access to this board.
NOT_SIGNED_IN = 4401
NO_ACCESS = 4404
# Redis (the channel layer) is away: the page reconnects a little later, as after any other close.
TRY_AGAIN_LATER = 1013
# Between access events, a listening socket re-checks its access at most this often.
RECHECK_SECONDS = 30


class ListeningConsumer(JsonWebsocketConsumer):
    """A socket that listens to one group and says nothing back: what the board's and a
    person's sockets share (joining, refusing with a code, leaving)."""

    group = None

    async def __call__(self, scope, receive, send):
        # The socket's own channel is read from Redis (the channel layer) for as long as it is
        # open: with Redis away that read fails, after connect() has closed the socket with
        # TRY_AGAIN_LATER or while it listened. The page reconnects; one line is enough here.
        try:
            await super().__call__(scope, receive, send)
        except SERVICE_ERRORS as exc:
            logger.warning("%s socket ended: the channel layer is away: %s", self.describe(), exc)

    def describe(self) -> str:
        return type(self).__name__

    def join(self, group: str, hello) -> None:
        """Join `group`, then accept and send `hello()`, the first message (read once joined:
        from then on every change is heard)."""
        try:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
            first = hello()
        except SERVICE_ERRORS as exc:
            logger.warning("%s socket refused for now: %s", self.describe(), exc)
            self.refuse(TRY_AGAIN_LATER)
            return
        self.group = group
        self.accept()
        self.send_json(first)

    def refuse(self, code: int) -> None:
        self.accept()
        self.close(code=code)

    def disconnect(self, code):
        if self.group:
            async_to_sync(self.channel_layer.group_discard)(self.group, self.channel_name)
            self.group = None

    def receive_json(self, content, **kwargs):
        """Listening only: clients change things through the HTTP API and the pages."""


class BoardConsumer(ListeningConsumer):
    board_id = None
    checked_at = 0.0

    def describe(self) -> str:
        return f"Board {self.board_id}"

    def connect(self):
        user = self.scope.get("user")
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        # Refused sockets are accepted and then closed with a code: closing before accept()
        # ends the handshake, and the browser sees only 1006 (and would retry for ever).
        if user is None or not user.is_authenticated:
            self.refuse(NOT_SIGNED_IN)
            return
        if not self.may_listen():
            self.refuse(NO_ACCESS)
            return
        # Joined, it says when the board last changed, so that a page drawn before then (a
        # change between its render and this moment) catches up.
        self.join(
            group_name(self.board_id),
            lambda: {
                "kind": HELLO,
                "board": self.board_id,
                "changed_at": changed_at(self.board_id),
            },
        )

    def may_listen(self) -> bool:
        try:
            board_for(self.scope["user"], self.board_id, Action.VIEW)
        except (Http404, PermissionDenied):
            return False
        self.checked_at = time.monotonic()
        return True

    def board_event(self, message):
        event = message["event"]
        stale = time.monotonic() - self.checked_at > RECHECK_SECONDS
        if (event["kind"] == ACCESS_CHANGED or stale) and not self.may_listen():
            self.disconnect(NO_ACCESS)
            self.close(code=NO_ACCESS)
            return
        self.send_json(event)


class PersonConsumer(ListeningConsumer):
    """A signed-in person's own stream (`/ws/my/`): My work hears when a ticket of theirs (one
    they are assigned to or follow) changes on any board, or a message mentions them. Its events
    name nothing (boards.realtime.people_changed): the page fetches what changed through its
    own view, which checks every board's access, so a person who lost a board hears nothing
    of it."""

    def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            self.refuse(NOT_SIGNED_IN)
            return
        self.join(
            person_group_name(user.pk),
            lambda: {"kind": HELLO, "changed_at": person_changed_at(user.pk)},
        )

    def board_event(self, message):
        self.send_json(message["event"])
