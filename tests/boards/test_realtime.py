"""Live board updates over WebSockets, through the real ASGI application: session
authentication, the origin check and the board's access policy, then events after commit."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from csboard.asgi import application
from tickets.services import ticket_create, ticket_move

pytestmark = pytest.mark.django_db(transaction=True)


def socket(board, user=None, origin=b"http://localhost"):
    headers = [(b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, f"/ws/boards/{board.pk}/", headers=headers)


def connects(communicator) -> bool:
    async def scenario():
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return async_to_sync(scenario)()


def test_a_non_members_socket_is_refused_on_a_private_board(board, outsider_user):
    assert connects(socket(board, outsider_user)) is False


def test_an_anonymous_socket_is_refused(board):
    assert connects(socket(board)) is False


def test_a_socket_from_a_foreign_origin_is_refused(board, member_user):
    assert connects(socket(board, member_user, origin=b"https://evil.example")) is False


def test_a_guest_listens_to_the_board_it_may_see(board, guest_user):
    assert connects(socket(board, guest_user)) is True


def test_a_member_hears_a_move_once_it_is_committed(board, columns, member_user, guest_user):
    ticket = ticket_create(board=board, created_by=member_user, title="Refund")
    communicator = socket(board, guest_user)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        await sync_to_async(ticket_move)(ticket=ticket, column=columns[1], by=member_user)
        event = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return event

    event = async_to_sync(scenario)()

    assert event == {"kind": "moved", "board": board.pk, "ticket": ticket.number}


def test_another_boards_changes_are_not_heard(board, columns, member_user, outsider_user):
    from boards.services import board_create

    other = board_create(name="Other", key="OT", created_by=outsider_user)
    communicator = socket(board, member_user)

    async def scenario():
        await communicator.connect()
        await sync_to_async(ticket_create)(board=other, created_by=outsider_user, title="Secret")
        heard_nothing = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return heard_nothing

    assert async_to_sync(scenario)() is True
