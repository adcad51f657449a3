"""Live board updates over WebSockets. A socket joins a board's group only after the same access
check as the board page (`board_for`): a non-member never hears a private board."""

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from django.http import Http404

from boards.permissions import board_for
from boards.realtime import group_name


class BoardConsumer(JsonWebsocketConsumer):
    group = None

    def connect(self):
        user = self.scope.get("user")
        board_id = self.scope["url_route"]["kwargs"]["board_id"]
        if user is None or not user.is_authenticated:
            self.close(code=4401)
            return
        try:
            board = board_for(user, board_id)
        except Http404:
            self.close(code=4404)
            return
        self.group = group_name(board.pk)
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        self.accept()

    def disconnect(self, code):
        if self.group:
            async_to_sync(self.channel_layer.group_discard)(self.group, self.channel_name)

    def receive_json(self, content, **kwargs):
        """Listening only: clients change the board through the HTTP API."""

    def board_event(self, message):
        self.send_json(message["event"])
