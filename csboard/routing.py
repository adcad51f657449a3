"""The WebSocket routes, named like the pages' so that a template reverses a socket's path as it
does a page's: `{% socket_url "board-socket" board.pk %}` (settings.SOCKET_URLCONF)."""

from django.urls import path

from boards.consumers import BoardConsumer, PersonConsumer

urlpatterns = [
    path("ws/boards/<int:board_id>/", BoardConsumer.as_asgi(), name="board-socket"),
    path("ws/my/", PersonConsumer.as_asgi(), name="person-socket"),
]
