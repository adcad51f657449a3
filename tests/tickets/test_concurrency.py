"""Real threads against real PostgreSQL: the row locks, not luck, must keep the rules."""

import pytest

from boards.models import Board, Membership, Role
from boards.services import column_update
from csboard.core.exceptions import NotFound, WipLimitReached
from tests.factories import UserFactory, placed, ranks_distinct
from tests.threads import run_at_once
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_delete, ticket_move, ticket_update

pytestmark = pytest.mark.concurrency


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_creates_on_one_board_get_numbers_one_to_thirty(board, member_user):
    # Given a board nobody has created a ticket on yet
    # When 30 clients create a ticket at the same moment
    results, errors = run_at_once(
        30,
        lambda index: (
            ticket_create(board=board, created_by=member_user, title=f"Ticket {index}").number
        ),
    )

    # Then all succeed, numbered 1..30 without gaps or duplicates, and the counter is at 31
    assert errors == []
    assert sorted(results) == list(range(1, 31))
    assert sorted(Ticket.objects.filter(board=board).values_list("number", flat=True)) == list(
        range(1, 31)
    )
    assert Board.objects.get(pk=board.pk).next_number == 31


@pytest.mark.django_db(transaction=True)
def test_eight_clients_racing_for_the_last_free_slot_of_a_column_let_exactly_one_in(
    board, columns, member_user
):
    # Given a column with a WIP limit of 3 holding 2 tickets, and 8 tickets in other columns
    target = column_update(column=columns[1], wip_limit=3)
    for index in range(2):
        ticket_create(board=board, created_by=member_user, title=f"Inside {index}", column=target)
    movers = [
        ticket_create(
            board=board,
            created_by=member_user,
            title=f"Mover {index}",
            column=columns[0] if index % 2 else columns[2],
        )
        for index in range(8)
    ]

    # When 8 clients move a different ticket into that column at the same moment
    results, errors = run_at_once(
        8, lambda index: ticket_move(ticket=movers[index], column=target, position=0).number
    )

    # Then exactly one wins and the other seven are refused with WipLimitReached
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(error, WipLimitReached) for error in errors)
    inside = placed(Ticket.objects.filter(column=target))
    assert len(inside) == 3
    assert inside[0][0] == results[0]
    assert [position for _, position in inside] == [0, 1, 2]
    assert ranks_distinct(Ticket.objects.filter(column=target))
    for column in (columns[0], columns[2]):
        positions = [position for _, position in placed(Ticket.objects.filter(column=column))]
        assert ranks_distinct(Ticket.objects.filter(column=column))
        assert positions == list(range(len(positions)))


@pytest.mark.django_db(transaction=True)
def test_clients_moving_tickets_across_two_columns_in_both_directions_all_succeed(
    board, columns, member_user
):
    # Given two columns of six tickets each
    left, right = columns[0], columns[1]
    tickets = {
        column.pk: [
            ticket_create(board=board, created_by=member_user, title="T", column=column)
            for _ in range(6)
        ]
        for column in (left, right)
    }

    # When eight clients at once each move a ticket to the top of the other column
    def work(index):
        source, target = (left, right) if index % 2 else (right, left)
        return ticket_move(ticket=tickets[source.pk][index // 2], column=target, position=0)

    _, errors = run_at_once(8, work)

    # Then every move succeeds and both columns stay dense
    assert errors == []
    for column in (left, right):
        positions = [position for _, position in placed(Ticket.objects.filter(column=column))]
        assert ranks_distinct(Ticket.objects.filter(column=column))
        assert positions == list(range(6))


@pytest.mark.django_db(transaction=True)
def test_clients_editing_and_moving_the_same_ticket_at_once_all_succeed(
    board, columns, member_user
):
    # Given a ticket among others in the first column
    for _ in range(3):
        ticket_create(board=board, created_by=member_user, title="T", column=columns[0])
    ticket = ticket_create(board=board, created_by=member_user, title="Shared")

    # When eight clients at once either edit it into a column or move it to another one
    def work(index):
        column = columns[index % 4]
        copy = Ticket.objects.get(pk=ticket.pk)  # each client has read the ticket on its own
        if index % 2:
            return ticket_update(ticket=copy, title=f"Edit {index}", column=column)
        return ticket_move(ticket=copy, column=column, position=0)

    _, errors = run_at_once(8, work)

    # Then every one succeeds, and every column stays dense
    assert errors == []
    for column in columns:
        positions = [position for _, position in placed(Ticket.objects.filter(column=column))]
        assert ranks_distinct(Ticket.objects.filter(column=column))
        assert positions == list(range(len(positions)))


@pytest.mark.django_db(transaction=True)
def test_a_move_racing_a_delete_of_the_same_ticket_is_refused_as_not_found(
    board, columns, member_user
):
    # Given tickets that clients move while others delete them
    tickets = [ticket_create(board=board, created_by=member_user, title=f"T{i}") for i in range(4)]

    copies = [Ticket.objects.get(pk=tickets[index // 2].pk) for index in range(8)]

    def work(index):
        copy = copies[index]
        if index % 2:
            return ticket_delete(ticket=copy)
        return ticket_move(ticket=copy, column=columns[1], position=0)

    # When each ticket is moved and deleted at the same moment
    _, errors = run_at_once(8, work)

    # Then every ticket is gone, and a move that lost the race is a clean "not found"
    assert not Ticket.objects.filter(board=board).exists()
    assert all(isinstance(error, NotFound) for error in errors), errors


@pytest.mark.django_db(transaction=True)
def test_people_assigning_themselves_at_once_all_stay_assigned(board, admin_user, member_user):
    # Given a ticket with nobody assigned, and four more members besides the admin and member
    others = [UserFactory() for _ in range(4)]
    for user in others:
        Membership.objects.create(board=board, user=user, role=Role.MEMBER)
    ticket = ticket_create(board=board, created_by=member_user, title="Everyone's")
    people = [admin_user, member_user, *others]

    # When each adds themselves at the same moment (the `a` shortcut, a ticked box in the menu)
    _, errors = run_at_once(
        len(people),
        lambda index: ticket_update(
            ticket=Ticket.objects.get(pk=ticket.pk),
            by=people[index],
            assignees_add=[people[index]],
        ),
    )

    # Then none of them took another's assignment away
    assert errors == []
    assert set(Ticket.objects.get(pk=ticket.pk).assignees.all()) == set(people)
