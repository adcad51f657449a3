"""Live board updates over WebSockets, through the real ASGI application: session
authentication, the origin check and the board's access policy, then events after commit."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from csboard.asgi import application
from tests.redis_db import own_keys_clear
from tickets.services import ticket_create, ticket_delete, ticket_move, ticket_update

pytestmark = pytest.mark.django_db(transaction=True)


def socket(board, user=None, origin=b"http://localhost"):
    headers = [(b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, f"/ws/boards/{board.pk}/", headers=headers)


def connects(communicator) -> bool:
    """Whether the socket is accepted and stays open (not closed at once with a code)."""
    return closed_with(communicator) is None


def closed_with(communicator) -> int | None:
    """The close code a socket gets on connecting (None: it stays open). A refused socket is
    accepted and then closed with a 44xx code, which tells the page to stop retrying; a
    handshake refused outright (the origin check) counts as 1006, as a browser sees it."""

    async def scenario():
        connected, _ = await communicator.connect()
        if not connected:
            return 1006
        if await communicator.receive_nothing(timeout=0.5):
            await communicator.disconnect()
            return None
        message = await communicator.receive_output()
        await communicator.disconnect()
        return message["code"] if message["type"] == "websocket.close" else None

    return async_to_sync(scenario)()


async def joined(communicator) -> dict:
    """Connect a socket that is let in; returns its first message, the hello."""
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["kind"] == "hello"
    return hello


def test_a_non_members_socket_is_refused_on_a_private_board(board, outsider_user):
    assert closed_with(socket(board, outsider_user)) == 4404


def test_an_anonymous_socket_is_refused(board):
    assert closed_with(socket(board)) == 4401


def test_a_socket_from_a_foreign_origin_is_refused(board, member_user):
    assert connects(socket(board, member_user, origin=b"https://evil.example")) is False


def test_a_guest_listens_to_the_board_it_may_see(board, guest_user):
    assert connects(socket(board, guest_user)) is True


def test_a_refused_socket_never_joins_the_boards_group(board, outsider_user):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    closed_with(socket(board, outsider_user))

    groups = getattr(layer, "groups", None)
    if groups is None:  # the Redis layer: the group's sorted set holds no channel
        members = async_to_sync(_redis_group_size)(layer, f"board-{board.pk}")
    else:
        members = len(groups.get(f"board-{board.pk}", {}))
    assert members == 0


async def _redis_group_size(layer, group):
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(layer._group_key(group))


def test_a_member_hears_a_move_once_it_is_committed(board, columns, member_user, guest_user):
    ticket = ticket_create(board=board, created_by=member_user, title="Refund")
    communicator = socket(board, guest_user)

    async def scenario():
        await joined(communicator)
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
        await joined(communicator)
        await sync_to_async(ticket_create)(board=other, created_by=outsider_user, title="Secret")
        heard_nothing = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return heard_nothing

    assert async_to_sync(scenario)() is True


def heard(board, user, change):
    """The events `user`'s socket hears while `change()` runs (as it would in another request)."""
    communicator = socket(board, user)

    async def scenario():
        await joined(communicator)
        await sync_to_async(change)()
        events = [await communicator.receive_json_from(timeout=5)]
        while not await communicator.receive_nothing(timeout=0.3):
            events.append(await communicator.receive_json_from())
        await communicator.disconnect()
        return events

    return async_to_sync(scenario)()


def test_a_member_hears_a_ticket_created(board, member_user):
    events = heard(
        board, member_user, lambda: ticket_create(board=board, created_by=member_user, title="New")
    )

    assert {"kind": "created", "board": board.pk, "ticket": 1} in events


def test_a_member_hears_a_ticket_edited(board, ticket, member_user):
    events = heard(
        board, member_user, lambda: ticket_update(ticket=ticket, by=member_user, title="Renamed")
    )

    assert {"kind": "edited", "board": board.pk, "ticket": ticket.number} in events


def test_a_member_hears_a_comment_on_a_ticket(board, ticket, member_user, admin_user):
    from workspace.services import message_post

    events = heard(
        board,
        member_user,
        lambda: message_post(board=board, by=admin_user, body="Called them", ticket=ticket),
    )

    assert {"kind": "comment", "board": board.pk, "ticket": ticket.number} in events


def test_a_member_hears_the_board_chat(board, member_user, admin_user):
    from workspace.services import message_post

    events = heard(
        board, member_user, lambda: message_post(board=board, by=admin_user, body="Standup")
    )

    assert events == [{"kind": "chat", "board": board.pk, "ticket": None}]


def test_a_member_hears_a_ticket_deleted(board, ticket, member_user, admin_user):
    events = heard(board, member_user, lambda: ticket_delete(ticket=ticket, by=admin_user))

    assert events == [{"kind": "deleted", "board": board.pk, "ticket": ticket.number}]


def _board_chat_edit(board, admin_user):
    from workspace.services import message_edit, message_post

    message = message_post(board=board, by=admin_user, body="Standup")
    return lambda: message_edit(message=message, by=admin_user, body="Standup at 10:00")


def _board_chat_delete(board, admin_user):
    from workspace.services import message_delete, message_post

    message = message_post(board=board, by=admin_user, body="Standup")
    return lambda: message_delete(message=message, by=admin_user)


def _board_file_upload(board, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workspace.services import attachments_upload

    upload = SimpleUploadedFile("playbook.txt", b"Call within a day")
    return lambda: attachments_upload(board=board, by=admin_user, files=[upload])


def _board_link_add(board, admin_user):
    from workspace.services import link_add

    return lambda: link_add(board=board, by=admin_user, title="Runbook", url="https://ex.com/rb")


def _board_file_delete(board, admin_user):
    from workspace.services import attachment_delete, link_add

    link = link_add(board=board, by=admin_user, title="Runbook", url="https://ex.com/rb")
    return lambda: attachment_delete(attachment=link, by=admin_user)


@pytest.mark.parametrize(
    ("prepare", "kind"),
    [
        (_board_chat_edit, "chat"),
        (_board_chat_delete, "chat"),
        (_board_file_upload, "files"),
        (_board_link_add, "files"),
        (_board_file_delete, "files"),
    ],
)
def test_a_member_hears_the_board_chat_and_files_change(
    board, member_user, admin_user, prepare, kind, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    change = prepare(board, admin_user)

    events = heard(board, member_user, change)

    assert events == [{"kind": kind, "board": board.pk, "ticket": None}]


def closes_after(board, user, change, then=None):
    """(close code, events heard) for `user`'s open socket when `change()` runs, then `then()`."""
    communicator = socket(board, user)

    async def scenario():
        await joined(communicator)
        await sync_to_async(change)()
        message = await communicator.receive_output(timeout=5)
        if then is not None:
            await sync_to_async(then)()
        quiet = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return message, quiet

    return async_to_sync(scenario)()


def test_a_removed_members_socket_is_closed_and_hears_nothing_more(board, member_user, admin_user):
    from boards.models import Membership
    from boards.services import membership_remove

    membership = Membership.objects.get(board=board, user=member_user)

    message, quiet = closes_after(
        board,
        member_user,
        lambda: membership_remove(membership=membership, by=admin_user),
        then=lambda: ticket_create(board=board, created_by=admin_user, title="After"),
    )

    assert message == {"type": "websocket.close", "code": 4404}
    assert quiet is True


def test_an_outsiders_socket_closes_when_an_open_board_turns_private(
    board, outsider_user, admin_user
):
    from boards.models import Visibility
    from boards.services import board_update

    board_update(board=board, by=admin_user, visibility=Visibility.SIGNED_IN)

    message, quiet = closes_after(
        board,
        outsider_user,
        lambda: board_update(board=board, by=admin_user, visibility=Visibility.PRIVATE),
        then=lambda: ticket_create(board=board, created_by=admin_user, title="Private now"),
    )

    assert message == {"type": "websocket.close", "code": 4404}
    assert quiet is True


def test_a_member_demoted_to_guest_keeps_listening(board, member_user, admin_user):
    from boards.models import Membership, Role
    from boards.services import membership_set_role

    membership = Membership.objects.get(board=board, user=member_user)

    events = heard(
        board,
        member_user,
        lambda: membership_set_role(membership=membership, role=Role.GUEST, by=admin_user),
    )

    assert events == [{"kind": "access", "board": board.pk, "ticket": None}]


def test_a_socket_rechecks_its_access_after_a_while_even_without_an_access_event(
    board, member_user, monkeypatch
):
    from boards.models import Membership

    monkeypatch.setattr("boards.consumers.RECHECK_SECONDS", 0)
    # Removed behind the services' back (no access event): the periodic check still catches it.
    message, _ = closes_after(
        board,
        member_user,
        lambda: (
            Membership.objects.filter(board=board, user=member_user).delete(),
            ticket_create(board=board, created_by=board.created_by, title="Later"),
        ),
    )

    assert message == {"type": "websocket.close", "code": 4404}


def hello_for(board, user) -> dict:
    communicator = socket(board, user)

    async def scenario():
        hello = await joined(communicator)
        await communicator.disconnect()
        return hello

    return async_to_sync(scenario)()


def test_a_sockets_first_message_says_when_the_board_last_changed(board, member_user):
    from boards.realtime import now_ms

    own_keys_clear()  # the board's creation was broadcast too: start with no record
    assert hello_for(board, member_user) == {"kind": "hello", "board": board.pk, "changed_at": None}

    before = now_ms()
    ticket_create(board=board, created_by=member_user, title="While the page loaded")
    changed_at = hello_for(board, member_user)["changed_at"]

    assert before <= changed_at <= now_ms()


def test_a_change_rolled_back_leaves_no_record_of_a_change(board, member_user):
    from django.db import transaction

    own_keys_clear()
    with transaction.atomic():
        ticket_create(board=board, created_by=member_user, title="Never")
        transaction.set_rollback(True)

    assert hello_for(board, member_user)["changed_at"] is None


def test_the_board_page_says_when_it_was_drawn(board, member_user):
    from boards.realtime import now_ms

    client = Client()
    client.force_login(member_user)
    before = now_ms()
    response = client.get(f"/boards/{board.pk}/")

    drawn = int(response.content.decode().split('data-rendered-at="')[1].split('"')[0])
    assert before <= drawn <= now_ms()


def test_a_member_hears_a_column_made_done(board, member_user, admin_user):
    from tickets.services import column_set_done

    bugs = board.columns.get(name="Bugs")

    events = heard(
        board, member_user, lambda: column_set_done(column=bugs, is_done=True, by=admin_user)
    )

    assert {"kind": "columns", "board": board.pk, "ticket": None} in events
