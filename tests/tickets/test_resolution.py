"""Resolution has one rule, decided in one function (tickets.services._apply_resolution): a
ticket is resolved while it has the Resolved status or sits in a done column. Every path that
changes a column or a status goes through it, from the pages and the API alike."""

import pytest

from tickets import services
from tickets.models import Status
from tickets.services import ticket_create, ticket_move, ticket_update


@pytest.fixture
def decided(monkeypatch):
    """The tickets (by number) the one rule was asked about, in order."""
    calls = []
    rule = services._apply_resolution

    def spy(ticket):
        calls.append(ticket.number)
        rule(ticket)

    monkeypatch.setattr(services, "_apply_resolution", spy)
    return calls


@pytest.fixture
def done(columns):
    (column,) = [column for column in columns if column.is_done]
    return column


def create(board, user, **fields):
    return ticket_create(board=board, created_by=user, title="Refund?", **fields)


@pytest.mark.parametrize(
    ("status", "in_done_column", "resolved"),
    [
        (Status.READY, False, False),
        (Status.RESOLVED, False, True),
        (Status.READY, True, True),
        (Status.RESOLVED, True, True),
    ],
)
def test_create_edit_and_move_agree_on_what_is_resolved(
    board, columns, done, member_user, status, in_done_column, resolved
):
    column = done if in_done_column else columns[0]
    created = create(board, member_user, status=status, column=column)
    edited = ticket_update(
        ticket=create(board, member_user), by=member_user, status=status, column=column
    )
    moved = ticket_move(ticket=create(board, member_user, status=status), column=column)

    assert [t.resolved_at is not None for t in (created, edited, moved)] == [resolved] * 3


def test_every_path_asks_the_one_rule(board, columns, done, member_user, decided):
    ticket = create(board, member_user)
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    ticket_move(ticket=ticket, column=done, by=member_user)
    ticket_move(ticket=ticket, column=done, position=0, by=member_user)  # a reorder: no change

    assert decided == [1, 1, 1]


def test_leaving_a_done_column_reopens_unless_the_status_says_resolved(
    board, columns, done, member_user
):
    reopened = create(board, member_user, column=done)
    still = create(board, member_user, column=done, status=Status.RESOLVED)
    stamped = still.resolved_at

    reopened = ticket_move(ticket=reopened, column=columns[0], by=member_user)
    still = ticket_move(ticket=still, column=columns[0], by=member_user)

    assert reopened.resolved_at is None
    assert still.resolved_at == stamped  # stamped once, when it became resolved


def test_the_page_and_the_api_both_hit_the_one_rule(
    board, columns, done, ticket, client_as, api_as, decided
):
    page = client_as("member").post(
        f"/boards/{board.pk}/tickets/{ticket.number}/move/", {"column": done.pk}
    )
    api = api_as("member").patch(
        f"/api/boards/{board.pk}/tickets/{ticket.number}/",
        {"status": Status.IN_PROGRESS},
        format="json",
    )

    assert (page.status_code, api.status_code) == (302, 200)
    assert decided == [ticket.number, ticket.number]
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None  # still in the done column
