import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Role
from boards.services import board_create, column_update, membership_add, tag_create
from csboard.core.exceptions import InvalidInput, MovedMeanwhile, WipLimitReached
from tests.factories import UserFactory, placed
from tickets.models import Activity, Status, Ticket
from tickets.ranks import position_of
from tickets.services import (
    ticket_create,
    ticket_delete,
    ticket_move,
    ticket_record_first_response,
    ticket_update,
)


@pytest.fixture
def other_board(outsider_user):
    return board_create(name="Other", key="OT", created_by=outsider_user)


def create(board, user, title="A ticket", **fields):
    return ticket_create(board=board, created_by=user, title=title, **fields)


def positions(column):
    return placed(column)


# --- Numbering ---------------------------------------------------------------------------------
def test_tickets_are_numbered_one_two_three_per_board(board, member_user):
    numbers = [create(board, member_user).number for _ in range(3)]

    assert numbers == [1, 2, 3]


def test_each_board_numbers_its_tickets_from_one(board, other_board, member_user, outsider_user):
    create(board, member_user)
    create(board, member_user)

    assert create(other_board, outsider_user).number == 1


def test_a_deleted_tickets_number_is_never_reused(board, member_user):
    create(board, member_user)
    last = create(board, member_user)

    ticket_delete(ticket=last)

    assert create(board, member_user).number == 3


def test_a_refused_create_does_not_use_up_a_number(board, columns, member_user):
    column_update(column=columns[1], wip_limit=1)
    create(board, member_user, column=columns[1])

    with pytest.raises(WipLimitReached):
        create(board, member_user, column=columns[1])

    assert create(board, member_user).number == 2


# --- Creating ----------------------------------------------------------------------------------
def test_a_new_ticket_lands_last_in_the_first_column(board, columns, member_user):
    first = create(board, member_user)
    second = create(board, member_user)

    assert (first.column, first.position) == (columns[0], 0)
    assert (second.column, second.position) == (columns[0], 1)


def test_a_ticket_can_be_created_in_a_chosen_column(board, columns, member_user):
    assert create(board, member_user, column=columns[3]).column == columns[3]


def test_creating_a_ticket_in_a_column_of_another_board_is_refused(board, other_board, member_user):
    with pytest.raises(InvalidInput) as refused:
        create(board, member_user, column=other_board.columns.first())

    assert "column" in refused.value.fields
    assert not Ticket.objects.exists()


def test_creating_a_ticket_in_a_full_column_is_refused(board, columns, member_user):
    column_update(column=columns[0], wip_limit=1)
    create(board, member_user)

    with pytest.raises(WipLimitReached, match=r"New tickets.*WIP limit of 1"):
        create(board, member_user)


def test_creating_a_ticket_with_unknown_fields_is_refused(board, member_user):
    with pytest.raises(InvalidInput):
        create(board, member_user, number=7)


def test_creating_a_ticket_without_a_title_is_refused(board, member_user):
    with pytest.raises(InvalidInput) as refused:
        create(board, member_user, title="   ")

    assert "title" in refused.value.fields


# --- Assignees and tags ------------------------------------------------------------------------
def test_members_and_admins_can_be_assigned(board, member_user, admin_user):
    ticket = create(board, member_user, assignees=[member_user, admin_user])

    assert set(ticket.assignees.all()) == {member_user, admin_user}


def test_a_guest_cannot_be_assigned(board, member_user, guest_user):
    with pytest.raises(InvalidInput) as refused:
        create(board, member_user, assignees=[guest_user])

    assert "gus" in refused.value.fields["assignees"][0]


def test_a_user_outside_the_board_cannot_be_assigned(board, member_user, outsider_user):
    ticket = create(board, member_user)

    with pytest.raises(InvalidInput) as refused:
        ticket_update(ticket=ticket, assignees=[outsider_user])

    assert "assignees" in refused.value.fields
    assert not ticket.assignees.exists()


def test_a_member_of_another_board_cannot_be_assigned(board, other_board, member_user):
    stranger = UserFactory()
    membership_add(board=other_board, user=stranger, role=Role.ADMIN)

    with pytest.raises(InvalidInput):
        create(board, member_user, assignees=[stranger])


def test_a_ticket_can_use_tags_of_its_board(board, member_user):
    tag = tag_create(board=board, name="Billing")

    assert list(create(board, member_user, tags=[tag]).tags.all()) == [tag]


def test_a_ticket_cannot_use_tags_of_another_board(board, other_board, member_user):
    ticket = create(board, member_user)
    foreign = tag_create(board=other_board, name="Billing")

    with pytest.raises(InvalidInput) as refused:
        ticket_update(ticket=ticket, tags=[foreign])

    assert "tags" in refused.value.fields
    assert not ticket.tags.exists()


# --- Editing -----------------------------------------------------------------------------------
def test_resolving_a_ticket_stamps_when_and_reopening_clears_it(board, member_user):
    ticket = create(board, member_user)

    ticket_update(ticket=ticket, status=Status.RESOLVED)
    resolved_at = ticket.resolved_at
    ticket_update(ticket=ticket, status=Status.IN_PROGRESS)

    assert resolved_at is not None
    assert ticket.resolved_at is None


def test_changing_the_column_in_an_edit_moves_the_ticket_last_into_it(board, columns, member_user):
    create(board, member_user, column=columns[1])
    ticket = create(board, member_user)

    ticket_update(ticket=ticket, column=columns[1])

    assert positions(columns[1]) == [(1, 0), (2, 1)]


def test_an_edit_that_would_overfill_a_column_changes_nothing(board, columns, member_user):
    column_update(column=columns[1], wip_limit=1)
    create(board, member_user, column=columns[1])
    ticket = create(board, member_user, title="Before")

    with pytest.raises(WipLimitReached):
        ticket_update(ticket=ticket, title="After", column=columns[1])

    ticket.refresh_from_db()
    assert (ticket.title, ticket.column) == ("Before", columns[0])


def test_editing_a_ticket_from_a_stale_copy_does_not_undo_a_move(board, columns, member_user):
    ticket = create(board, member_user)
    stale = Ticket.objects.get(pk=ticket.pk)
    ticket_move(ticket=ticket, column=columns[1])

    ticket_update(ticket=stale, title="Edited")

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.title, fresh.column, position_of(fresh)) == ("Edited", columns[1], 0)
    assert positions(columns[0]) == []


def test_a_move_and_a_delete_from_a_stale_copy_lock_the_column_the_ticket_is_in_now(
    board, columns, member_user
):
    """The copy's column is locked first; under the ticket's lock it turns out wrong, so the
    write is rolled back (the wrong column's lock given back) and runs again, once."""
    ticket = create(board, member_user)
    stale = Ticket.objects.get(pk=ticket.pk)
    ticket_move(ticket=ticket, column=columns[1])

    moved = ticket_move(ticket=stale, column=columns[2], position=0)

    assert moved.column_id == columns[2].pk
    history = Activity.objects.filter(ticket=ticket, kind=Activity.Kind.MOVED)
    assert list(history.values_list("from_column_id", "to_column_id").order_by("pk")) == [
        (columns[0].pk, columns[1].pk),
        (columns[1].pk, columns[2].pk),
    ]
    with CaptureQueriesContext(connection) as statements:
        ticket_delete(ticket=stale)
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    sql = [query["sql"] for query in statements.captured_queries]
    column_locks = [s for s in sql if s.startswith('SELECT "boards_column"') and "FOR NO KEY" in s]
    assert len(column_locks) == 2  # the copy's column (given back), then the ticket's
    assert sum(s.startswith("ROLLBACK TO SAVEPOINT") for s in sql) == 1


def test_editing_a_ticket_from_a_stale_copy_keeps_its_resolution_time(board, member_user):
    ticket = create(board, member_user)
    stale = Ticket.objects.get(pk=ticket.pk)
    ticket_update(ticket=ticket, status=Status.RESOLVED)

    ticket_update(ticket=stale, title="Edited")

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.title, fresh.status) == ("Edited", Status.RESOLVED)
    assert fresh.resolved_at is not None


def test_editing_the_ticket_number_is_refused(board, member_user):
    ticket = create(board, member_user)

    with pytest.raises(InvalidInput):
        ticket_update(ticket=ticket, number=99)


# --- Moving ------------------------------------------------------------------------------------
def test_moving_a_ticket_puts_it_at_the_index_and_keeps_both_columns_dense(
    board, columns, member_user
):
    for _ in range(3):
        create(board, member_user, column=columns[0])
    for _ in range(3):
        create(board, member_user, column=columns[1])

    ticket_move(ticket=Ticket.objects.get(number=2), column=columns[1], position=1)

    assert positions(columns[0]) == [(1, 0), (3, 1)]
    assert positions(columns[1]) == [(4, 0), (2, 1), (5, 2), (6, 3)]


def test_moving_without_a_position_puts_the_ticket_last(board, columns, member_user):
    moving = create(board, member_user)
    create(board, member_user, column=columns[1])

    ticket_move(ticket=moving, column=columns[1])

    assert positions(columns[1]) == [(2, 0), (1, 1)]


def test_a_position_past_the_end_puts_the_ticket_last(board, columns, member_user):
    moving = create(board, member_user)
    create(board, member_user, column=columns[1])

    ticket_move(ticket=moving, column=columns[1], position=10**9)

    assert positions(columns[1]) == [(2, 0), (1, 1)]


def test_reordering_within_a_column_persists(board, columns, member_user):
    for _ in range(4):
        create(board, member_user)

    ticket_move(ticket=Ticket.objects.get(number=4), column=columns[0], position=0)
    ticket_move(ticket=Ticket.objects.get(number=1), column=columns[0], position=2)

    assert positions(columns[0]) == [(4, 0), (2, 1), (1, 2), (3, 3)]


def test_entering_a_column_at_its_wip_limit_is_refused(board, columns, member_user):
    column_update(column=columns[1], wip_limit=1)
    create(board, member_user, column=columns[1])
    moving = create(board, member_user)

    with pytest.raises(WipLimitReached, match=r"Open tickets.*WIP limit of 1"):
        ticket_move(ticket=moving, column=columns[1], position=0)

    assert positions(columns[0]) == [(2, 0)]
    assert positions(columns[1]) == [(1, 0)]


def test_reordering_inside_a_full_column_is_allowed(board, columns, member_user):
    column_update(column=columns[0], wip_limit=2)
    create(board, member_user)
    last = create(board, member_user)

    ticket_move(ticket=last, column=columns[0], position=0)

    assert positions(columns[0]) == [(2, 0), (1, 1)]


def test_reordering_inside_a_column_over_its_limit_is_allowed(board, columns, member_user):
    for _ in range(3):
        create(board, member_user)
    column_update(column=columns[0], wip_limit=1)

    ticket_move(ticket=Ticket.objects.get(number=3), column=columns[0], position=0)

    assert positions(columns[0]) == [(3, 0), (1, 1), (2, 2)]


def test_a_move_from_a_stale_column_is_refused_naming_where_the_ticket_is_now(
    board, columns, member_user
):
    ticket = create(board, member_user)
    ticket_move(ticket=ticket, column=columns[1])  # someone else's move, made first

    with pytest.raises(MovedMeanwhile) as refused:
        ticket_move(ticket=ticket, column=columns[2], from_column=columns[0].pk)

    assert refused.value.message == (
        "Someone moved this ticket meanwhile: it is now in Open tickets."
    )
    assert refused.value.status_code == 409
    assert positions(columns[1]) == [(1, 0)]
    assert positions(columns[2]) == []


def test_a_move_from_a_stale_position_is_refused(board, columns, member_user):
    create(board, member_user)
    second = create(board, member_user)
    ticket_move(ticket=second, column=columns[0], position=0)

    with pytest.raises(MovedMeanwhile, match="now at position 1 in New tickets"):
        ticket_move(ticket=second, column=columns[1], from_column=columns[0].pk, from_position=1)

    assert positions(columns[0]) == [(2, 0), (1, 1)]


def test_a_move_from_where_the_ticket_still_is_goes_ahead(board, columns, member_user):
    ticket = create(board, member_user)

    ticket_move(ticket=ticket, column=columns[1], from_column=columns[0].pk, from_position=0)

    assert positions(columns[1]) == [(1, 0)]


def test_moving_a_ticket_into_a_column_of_another_board_is_refused(board, other_board, member_user):
    ticket = create(board, member_user)

    with pytest.raises(InvalidInput):
        ticket_move(ticket=ticket, column=other_board.columns.first())

    ticket.refresh_from_db()
    assert ticket.column.board == board


# --- Deleting ----------------------------------------------------------------------------------
def test_deleting_a_ticket_closes_the_gap_in_its_column(board, columns, member_user):
    for _ in range(3):
        create(board, member_user)

    ticket_delete(ticket=Ticket.objects.get(number=2))

    assert positions(columns[0]) == [(1, 0), (3, 1)]


def test_a_status_change_is_no_first_response(ticket, member_user):
    # Only a reply to the customer answers them (mail.outbound.reply_send).
    ticket_update(ticket=ticket, by=member_user, status=Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_member_records_the_first_response_once(ticket, member_user, admin_user):
    ticket_record_first_response(ticket=ticket, by=member_user)
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None

    ticket_record_first_response(ticket=ticket, by=admin_user)

    ticket_update(ticket=ticket, by=admin_user, status=Status.NEEDS_REVIEW)

    ticket.refresh_from_db()
    assert ticket.first_response_at == first


def test_an_edit_that_keeps_the_status_is_no_response(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, title="Renamed", status=ticket.status)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_guest_cannot_give_the_first_response(ticket, guest_user):
    ticket_record_first_response(ticket=ticket, by=guest_user)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_closing_a_ticket_by_moving_it_into_a_done_column_is_no_first_response(
    ticket, columns, member_user
):
    ticket_move(ticket=ticket, column=columns[-1], by=member_user)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.resolved_at is not None  # its first-response clock stops all the same


def test_a_move_into_a_column_that_is_not_done_is_no_response(ticket, columns, member_user):
    ticket_move(ticket=ticket, column=columns[1], by=member_user)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_ticket_closed_by_the_system_has_no_first_response(ticket, columns):
    ticket_move(ticket=ticket, column=columns[-1], by=None)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None
