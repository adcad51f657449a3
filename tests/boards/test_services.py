import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from boards.models import Board, Column, Membership, Role, Visibility
from boards.permissions import Action, board_for, visible_boards
from boards.services import (
    board_create,
    board_delete,
    board_update,
    column_create,
    column_update,
    membership_add,
    membership_remove,
    membership_set_role,
    tag_create,
    tag_update,
)
from csboard.core.exceptions import (
    ColumnNotEmpty,
    Conflict,
    InvalidInput,
    LastAdmin,
    WipLimitReached,
)
from tests.factories import UserFactory, placed
from tickets.models import Ticket
from tickets.services import column_delete, ticket_create


def column_names(board):
    return list(board.columns.order_by("position").values_list("name", flat=True))


def column_positions(board):
    return list(board.columns.order_by("position").values_list("position", flat=True))


def membership(board, user):
    return Membership.objects.get(board=board, user=user)


# --- Boards ------------------------------------------------------------------------------------
def test_the_creator_of_a_board_is_its_admin(admin_user):
    board = board_create(name="Support", key="sup", created_by=admin_user)

    assert membership(board, admin_user).role == Role.ADMIN
    assert board.key == "SUP"


def test_the_customer_success_template_gives_its_five_columns(admin_user):
    board = board_create(
        name="Support", key="SUP", created_by=admin_user, template="customer-success"
    )

    assert column_names(board) == [
        "New tickets",
        "Open tickets",
        "Feature requests",
        "Bugs",
        "Done",
    ]
    assert column_positions(board) == [0, 1, 2, 3, 4]


def test_a_board_without_a_template_gets_the_simple_columns(admin_user):
    board = board_create(name="Support", key="SUP", created_by=admin_user)

    assert column_names(board) == ["To do", "In progress", "Done"]


def test_an_unknown_template_is_refused(admin_user):
    with pytest.raises(InvalidInput) as refused:
        board_create(name="Support", key="SUP", created_by=admin_user, template="scrum")

    assert "template" in refused.value.fields


def test_two_boards_cannot_share_a_key(board, admin_user):
    with pytest.raises(InvalidInput) as refused:
        board_create(name="Again", key="cs", created_by=admin_user)

    assert "key" in refused.value.fields


def test_a_malformed_key_is_refused(admin_user):
    with pytest.raises(InvalidInput) as refused:
        board_create(name="Support", key="1-X", created_by=admin_user)

    assert "key" in refused.value.fields


def test_updating_a_board_changes_only_the_given_fields(board):
    board_update(board=board, name="Renamed", visibility=Visibility.SIGNED_IN)

    board.refresh_from_db()
    assert (board.name, board.key, board.visibility) == ("Renamed", "CS", Visibility.SIGNED_IN)


def test_updating_a_board_from_a_stale_copy_keeps_the_ticket_counter(board, member_user):
    stale = Board.objects.get(pk=board.pk)
    ticket_create(board=board, created_by=member_user, title="First")

    board_update(board=stale, name="Renamed")

    assert ticket_create(board=board, created_by=member_user, title="Second").number == 2


def test_the_ticket_counter_cannot_be_changed_by_an_update(board):
    with pytest.raises(InvalidInput):
        board_update(board=board, next_number=1)


def test_deleting_a_board_deletes_its_tickets(board, ticket):
    board_delete(board=board)

    assert not Ticket.objects.exists()
    assert not Column.objects.exists()


# --- Columns -----------------------------------------------------------------------------------
def test_a_new_column_is_added_last(board):
    column = column_create(board=board, name="Escalated")

    assert column.position == 5
    assert column_names(board)[-1] == "Escalated"


def test_a_new_column_can_be_inserted_at_a_position(board):
    column_create(board=board, name="Escalated", position=1)

    assert column_names(board)[:3] == ["New tickets", "Escalated", "Open tickets"]
    assert column_positions(board) == [0, 1, 2, 3, 4, 5]


def test_renaming_a_column_keeps_its_place(board, columns):
    column_update(column=columns[2], name="Ideas")

    assert column_names(board)[2] == "Ideas"


def test_reordering_a_column_keeps_positions_dense(board, columns):
    column_update(column=columns[4], position=0)

    assert column_names(board) == [
        "Done",
        "New tickets",
        "Open tickets",
        "Feature requests",
        "Bugs",
    ]
    assert column_positions(board) == [0, 1, 2, 3, 4]


def test_renaming_a_column_from_a_stale_copy_keeps_its_new_wip_limit(columns):
    stale = Column.objects.get(pk=columns[0].pk)
    column_update(column=columns[0], wip_limit=3)

    column_update(column=stale, name="Inbox")

    columns[0].refresh_from_db()
    assert (columns[0].name, columns[0].wip_limit) == ("Inbox", 3)


def test_a_wip_limit_can_be_set_and_removed(columns):
    column_update(column=columns[0], wip_limit=3)
    column_update(column=columns[0], wip_limit=None)

    columns[0].refresh_from_db()
    assert columns[0].wip_limit is None


@pytest.mark.parametrize("limit", [0, -1])
def test_a_wip_limit_below_one_is_refused(columns, limit):
    with pytest.raises(InvalidInput) as refused:
        column_update(column=columns[0], wip_limit=limit)

    assert "wip_limit" in refused.value.fields


def test_a_new_column_with_a_wip_limit_of_zero_is_refused(board):
    with pytest.raises(InvalidInput) as refused:
        column_create(board=board, name="Stuck", wip_limit=0)

    assert "wip_limit" in refused.value.fields


def test_an_empty_column_can_be_deleted(board, columns):
    column_delete(column=columns[1])

    assert "Open tickets" not in column_names(board)
    assert column_positions(board) == [0, 1, 2, 3]


def test_a_column_holding_tickets_is_not_deleted_without_a_destination(board, columns, ticket):
    with pytest.raises(ColumnNotEmpty, match="1 ticket"):
        column_delete(column=columns[0])

    assert board.columns.count() == 5


def test_deleting_a_column_moves_its_tickets_last_into_the_destination(board, columns, member_user):
    for column in (columns[0], columns[0], columns[1]):
        ticket_create(board=board, created_by=member_user, title="T", column=column)

    column_delete(column=columns[0], move_to=columns[1])

    moved = placed(Ticket.objects.all(), "number", "column")
    assert moved == [(3, columns[1].pk, 0), (1, columns[1].pk, 1), (2, columns[1].pk, 2)]


def test_deleting_a_column_refuses_a_destination_without_room(board, columns, member_user):
    column_update(column=columns[1], wip_limit=2)
    for column in (columns[0], columns[0], columns[1]):
        ticket_create(board=board, created_by=member_user, title="T", column=column)

    with pytest.raises(WipLimitReached):
        column_delete(column=columns[0], move_to=columns[1])

    assert board.columns.count() == 5
    assert columns[1].tickets.count() == 1


def test_deleting_a_column_refuses_a_destination_on_another_board(
    board, columns, ticket, outsider_user
):
    other = board_create(name="Other", key="OT", created_by=outsider_user)

    with pytest.raises(InvalidInput):
        column_delete(column=columns[0], move_to=other.columns.first())

    ticket.refresh_from_db()
    assert ticket.column == columns[0]


def test_deleting_a_column_refuses_itself_as_destination(columns, ticket):
    with pytest.raises(InvalidInput):
        column_delete(column=columns[0], move_to=columns[0])


def test_the_last_column_of_a_board_cannot_be_deleted(board, columns):
    for column in columns[:-1]:
        column_delete(column=column)

    with pytest.raises(Conflict, match="at least one column"):
        column_delete(column=columns[-1])


# --- Tags --------------------------------------------------------------------------------------
def test_tag_names_are_unique_per_board_ignoring_case(board):
    tag_create(board=board, name="Billing")

    with pytest.raises(InvalidInput) as refused:
        tag_create(board=board, name="BILLING")

    assert "name" in refused.value.fields


def test_renaming_a_tag_onto_another_tags_name_is_refused(board):
    tag_create(board=board, name="Billing")
    tag = tag_create(board=board, name="Bug")

    with pytest.raises(InvalidInput) as refused:
        tag_update(tag=tag, name="billing")

    assert "name" in refused.value.fields


def test_a_tag_can_be_renamed_to_another_case_of_its_own_name(board):
    tag = tag_create(board=board, name="billing")

    assert tag_update(tag=tag, name="Billing").name == "Billing"


def test_two_boards_may_have_tags_of_the_same_name(board, outsider_user):
    other = board_create(name="Other", key="OT", created_by=outsider_user)
    tag_create(board=board, name="Billing")

    assert tag_create(board=other, name="billing").board == other


# --- Members -----------------------------------------------------------------------------------
def test_a_user_is_a_member_of_a_board_only_once(board, member_user):
    with pytest.raises(InvalidInput) as refused:
        membership_add(board=board, user=member_user, role=Role.ADMIN)

    assert "user" in refused.value.fields
    assert membership(board, member_user).role == Role.MEMBER


def test_removing_the_last_admin_is_refused(board, admin_user):
    with pytest.raises(LastAdmin, match="at least one admin"):
        membership_remove(membership=membership(board, admin_user))

    assert membership(board, admin_user).role == Role.ADMIN


def test_demoting_the_last_admin_is_refused(board, admin_user):
    with pytest.raises(LastAdmin, match="at least one admin"):
        membership_set_role(membership=membership(board, admin_user), role=Role.MEMBER)

    assert membership(board, admin_user).role == Role.ADMIN


def test_an_admin_can_step_down_once_there_is_another_admin(board, admin_user, member_user):
    membership_set_role(membership=membership(board, member_user), role=Role.ADMIN)

    membership_set_role(membership=membership(board, admin_user), role=Role.MEMBER)

    assert membership(board, admin_user).role == Role.MEMBER


def test_a_member_demoted_to_guest_is_unassigned_from_the_boards_tickets(
    board, member_user, admin_user
):
    ticket = ticket_create(
        board=board, created_by=admin_user, title="T", assignees=[member_user, admin_user]
    )

    membership_set_role(membership=membership(board, member_user), role=Role.GUEST)

    assert list(ticket.assignees.all()) == [admin_user]


def test_a_removed_member_is_unassigned_from_the_boards_tickets(board, member_user, admin_user):
    ticket = ticket_create(board=board, created_by=admin_user, title="T", assignees=[member_user])

    membership_remove(membership=membership(board, member_user))

    assert not ticket.assignees.exists()
    assert not Membership.objects.filter(board=board, user=member_user).exists()


def test_removing_a_member_keeps_their_assignments_on_other_boards(board, member_user):
    other = board_create(name="Other", key="OT", created_by=member_user)
    elsewhere = ticket_create(
        board=other, created_by=member_user, title="T", assignees=[member_user]
    )

    membership_remove(membership=membership(board, member_user))

    assert list(elsewhere.assignees.all()) == [member_user]


def test_an_admin_demoted_to_member_stays_assigned(board, admin_user, member_user):
    membership_set_role(membership=membership(board, member_user), role=Role.ADMIN)
    ticket = ticket_create(board=board, created_by=admin_user, title="T", assignees=[admin_user])

    membership_set_role(membership=membership(board, admin_user), role=Role.MEMBER)

    assert list(ticket.assignees.all()) == [admin_user]


# --- The access policy -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", Role.ADMIN), ("member", Role.MEMBER), ("guest", Role.GUEST)],
)
def test_board_for_gives_each_member_their_role(board, user_for, role, expected):
    assert board_for(user_for(role), board.pk).my_role == expected


def test_a_private_board_is_hidden_from_an_outsider_as_if_it_did_not_exist(board, outsider_user):
    with pytest.raises(Http404):
        board_for(outsider_user, board.pk)
    with pytest.raises(Http404):
        board_for(outsider_user, board.pk + 1000)


def test_a_signed_in_board_lets_any_signed_in_user_read_as_a_guest(board, outsider_user):
    board_update(board=board, visibility=Visibility.SIGNED_IN)

    assert board_for(outsider_user, board.pk).my_role == Role.GUEST


def test_a_signed_in_board_still_refuses_an_outsider_to_work(board, outsider_user):
    board_update(board=board, visibility=Visibility.SIGNED_IN)

    with pytest.raises(PermissionDenied):
        board_for(outsider_user, board.pk, Action.WORK)


@pytest.mark.parametrize(
    ("role", "action"),
    [("guest", Action.WORK), ("member", Action.MANAGE), ("guest", Action.MANAGE)],
)
def test_board_for_refuses_a_visible_board_to_a_role_below_the_need(board, user_for, role, action):
    with pytest.raises(PermissionDenied):
        board_for(user_for(role), board.pk, action)


@pytest.mark.parametrize("board_id", ["abc", None, "", 10**30])
def test_board_for_answers_404_to_an_id_that_is_not_one(board, admin_user, board_id):
    with pytest.raises(Http404):
        board_for(admin_user, board_id)


def test_visible_boards_lists_member_and_signed_in_boards_only(board, outsider_user):
    stranger = UserFactory()
    open_board = board_create(
        name="Open", key="OPEN", created_by=stranger, visibility=Visibility.SIGNED_IN
    )
    board_create(name="Closed", key="SHUT", created_by=stranger)
    own = board_create(name="Own", key="OWN", created_by=outsider_user)

    assert set(visible_boards(outsider_user)) == {open_board, own}


def test_the_first_column_of_an_empty_board_gets_position_zero(board):
    for column in list(board.columns.all())[1:]:
        column.delete()
    only = board.columns.get()
    only.delete()

    column = column_create(board=board, name="Inbox")

    assert column.position == 0


def test_a_template_board_ends_with_its_done_column(board):
    done = [column.name for column in board.columns.all() if column.is_done]

    assert done == ["Done"]


def test_a_board_keeps_its_own_time_zone(board):
    board_update(board=board, timezone="Europe/Berlin")

    board.refresh_from_db()
    assert board.timezone == "Europe/Berlin"


def test_an_unknown_time_zone_is_refused_with_a_field_error(board):
    with pytest.raises(InvalidInput) as refused:
        board_update(board=board, timezone="Mars/Olympus")

    assert "timezone" in refused.value.fields
