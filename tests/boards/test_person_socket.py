"""A person's own socket (`/ws/my/`, My work's live updates), through the real ASGI app: only
for someone signed in, and it hears, after commit, the changes to tickets they are assigned to
or follow on any board, and the mentions of them; never anyone else's."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from boards.models import Role
from boards.services import board_create, membership_add
from csboard.asgi import application
from tests.boards.test_realtime import closed_with, joined
from tickets.services import (
    ticket_create,
    ticket_follow,
    ticket_move,
    ticket_unfollow,
    ticket_update,
)
from workspace.services import message_post

pytestmark = pytest.mark.django_db(transaction=True)


def my_socket(user=None):
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/my/", headers=headers)


def heard_while(user, change) -> list[dict]:
    communicator = my_socket(user)

    async def scenario():
        await joined(communicator)
        await sync_to_async(change)()
        events = []
        while not await communicator.receive_nothing(timeout=0.5):
            events.append(await communicator.receive_json_from())
        await communicator.disconnect()
        return events

    return async_to_sync(scenario)()


def test_an_anonymous_socket_is_refused():
    assert closed_with(my_socket()) == 4401


def test_a_signed_in_person_listens_whatever_their_boards(outsider_user):
    assert closed_with(my_socket(outsider_user)) is None


def test_being_assigned_on_another_board_is_heard(board, member_user, outsider_user):
    other = board_create(name="Ops", key="OPS", created_by=outsider_user)
    membership_add(board=other, user=member_user, role=Role.MEMBER)
    ticket = ticket_create(board=other, created_by=outsider_user, title="Escalation")

    events = heard_while(
        member_user, lambda: ticket_update(ticket=ticket, by=outsider_user, assignees=[member_user])
    )

    assert {"kind": "work"} in events


def test_a_followed_tickets_change_is_heard_and_says_nothing_of_it(board, ticket, guest_user):
    ticket_follow(ticket=ticket, user=guest_user)

    events = heard_while(guest_user, lambda: ticket_update(ticket=ticket, title="Renamed"))

    assert events
    assert all(event == {"kind": "work"} for event in events)


@pytest.mark.parametrize("answer", [False, True])  # True: as the API's move reads them
def test_a_move_is_heard_by_the_tickets_assignees_and_followers_only(
    board, columns, member_user, guest_user, admin_user, answer
):
    ticket = ticket_create(
        board=board, created_by=admin_user, title="Moved", assignees=[member_user]
    )
    ticket_follow(ticket=ticket, user=guest_user)
    ticket_unfollow(ticket=ticket, user=admin_user)

    def move_to(column):
        return lambda: ticket_move(ticket=ticket, column=column.pk, by=admin_user, answer=answer)

    assert {"kind": "work"} in heard_while(member_user, move_to(columns[1]))
    assert {"kind": "work"} in heard_while(guest_user, move_to(columns[2]))
    assert heard_while(admin_user, move_to(columns[3])) == []


def test_a_mention_is_heard(board, ticket, admin_user, guest_user):
    events = heard_while(
        guest_user,
        lambda: message_post(board=board, ticket=ticket, by=admin_user, body="@gus see this"),
    )

    assert {"kind": "work"} in events


def test_a_ticket_that_is_none_of_mine_is_not_heard(board, ticket, guest_user):
    events = heard_while(guest_user, lambda: ticket_update(ticket=ticket, title="Renamed"))

    assert events == []
