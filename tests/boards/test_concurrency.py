"""Real threads against real PostgreSQL: a race on a board's unique names ends in a clear refusal
for all but one client, never in a database error."""

import pytest

from boards.models import Board, Membership, Role
from boards.services import (
    board_create,
    membership_add,
    membership_remove,
    membership_set_role,
    tag_create,
)
from csboard.core.exceptions import InvalidInput, LastAdmin, NotFound
from tests.threads import line_up, run_at_once

pytestmark = pytest.mark.concurrency


@pytest.mark.django_db(transaction=True)
def test_clients_adding_the_same_tag_at_once_get_one_tag_and_clear_refusals(board):
    # When six clients add the tag "Billing", in various cases, at the same moment
    names = ["Billing", "billing", "BILLING"]
    results, errors = run_at_once(6, lambda index: tag_create(board=board, name=names[index % 3]))

    # Then one tag exists and the five others were told the name is taken
    assert len(results) == 1
    assert [type(error) for error in errors] == [InvalidInput] * 5
    assert all("name" in error.fields for error in errors)
    assert board.tags.count() == 1


@pytest.mark.django_db(transaction=True)
def test_admins_adding_the_same_user_at_once_make_one_membership(board, outsider_user):
    # When four admins add the same user at the same moment
    results, errors = run_at_once(
        4, lambda index: membership_add(board=board, user=outsider_user, role=Role.GUEST)
    )

    # Then the user is on the board once, and the other three were told so
    assert len(results) == 1
    assert [type(error) for error in errors] == [InvalidInput] * 3
    assert Membership.objects.filter(board=board, user=outsider_user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_users_creating_boards_with_the_same_key_at_once_get_one_board(admin_user):
    # When four clients create a board keyed "SAME" at the same moment
    results, errors = run_at_once(
        4, lambda index: board_create(name=f"Board {index}", key="SAME", created_by=admin_user)
    )

    # Then one board has the key, and the other three were told it is taken
    assert len(results) == 1
    assert [type(error) for error in errors] == [InvalidInput] * 3
    assert all("key" in error.fields for error in errors)
    assert Board.objects.filter(key="SAME").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(board, admin_user, member_user):
    # Given a board with two admins
    second = Membership.objects.get(board=board, user=member_user)
    membership_set_role(membership=second, role=Role.ADMIN)
    admins = list(Membership.objects.filter(board=board, role=Role.ADMIN))

    # When each demotes the other at the same moment
    results, errors = run_at_once(
        2, lambda index: membership_set_role(membership=admins[index], role=Role.MEMBER)
    )

    # Then one demotion wins and the other is refused: the board keeps an admin
    assert len(results) == 1
    assert [type(error) for error in errors] == [LastAdmin]
    assert Membership.objects.filter(board=board, role=Role.ADMIN).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["set_role", "remove"])
def test_a_change_to_a_member_removed_meanwhile_is_not_found(second, board, member_user):
    # Given two admins acting on mia at once: the first removes her, the second changes her role
    # or removes her too (both queued behind a client that holds the board)
    membership = Membership.objects.get(board=board, user=member_user)
    changes = {
        "set_role": lambda: membership_set_role(
            membership=Membership.objects.get(pk=membership.pk), role=Role.GUEST
        ),
        "remove": lambda: membership_remove(membership=Membership.objects.get(pk=membership.pk)),
    }
    first, other = line_up(
        changes["remove"],
        changes[second],
        behind=("SELECT 1 FROM boards_board WHERE id = %s FOR UPDATE", [board.pk]),
    )

    # Then she is removed, and the second change is a clean "not found"
    first.result()
    with pytest.raises(NotFound):
        other.result()
    assert not Membership.objects.filter(pk=membership.pk).exists()
