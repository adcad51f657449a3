"""Ranks (tickets.ranks): a move writes the moved row alone, the order stays total, and the API
still speaks in indexes."""

import itertools

import pytest

from csboard.core.ordering import RANK_STEP, rank_between
from tests.factories import placed
from tickets.models import Ticket
from tickets.ranks import renumber_column
from tickets.services import ticket_create, ticket_move


def fill(board, column, user, count):
    return [
        ticket_create(board=board, created_by=user, title=f"T{n}", column=column)
        for n in range(count)
    ]


def stored_ranks(tickets):
    return dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "rank"))


def move_url(board, ticket):
    return f"/api/boards/{board.pk}/tickets/{ticket.number}/move/"


def test_rank_between_takes_the_middle_and_says_when_there_is_no_room():
    assert rank_between(None, None) == 0
    assert rank_between(None, 0) == -RANK_STEP
    assert rank_between(RANK_STEP, None) == 2 * RANK_STEP
    assert rank_between(0, 10) == 5
    assert rank_between(4, 5) is None
    assert rank_between(4, 4) is None


@pytest.mark.parametrize("same_column", [True, False])
@pytest.mark.parametrize("index", [0, 17, None])
def test_a_move_writes_the_moved_row_alone(board, columns, member_user, api_as, same_column, index):
    """Every other ticket keeps its stored rank, at the top, the middle and the bottom, within
    a column and across columns; the answer's position is the ticket's index."""
    target = fill(board, columns[1], member_user, 40)
    source = target if same_column else fill(board, columns[0], member_user, 5)
    mover = source[3]
    before = stored_ranks(target + source)

    response = api_as("member").post(
        move_url(board, mover), {"column": columns[1].pk, "position": index}, format="json"
    )

    assert response.status_code == 200, response.content
    after = stored_ranks(target + source)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {mover.pk}
    order = [number for number, _ in placed(columns[1])]
    expected = (39 if same_column else 40) if index is None else index
    assert order.index(mover.number) == expected
    assert response.json()["position"] == expected


def test_a_column_out_of_gaps_is_renumbered_once_and_keeps_its_order(board, columns, member_user):
    tickets = fill(board, columns[1], member_user, 6)
    # Ranks squeezed together: no integer between neighbours.
    for offset, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(rank=100 + offset)
    mover = fill(board, columns[0], member_user, 1)[0]

    ticket_move(ticket=mover, column=columns[1], position=2)

    order = [number for number, _ in placed(columns[1])]
    numbers = [t.number for t in tickets]
    assert order == [*numbers[:2], mover.number, *numbers[2:]]
    ranks = list(columns[1].tickets.order_by("rank", "number").values_list("rank", flat=True))
    assert len(set(ranks)) == len(ranks)
    assert all(b - a >= 2 for a, b in itertools.pairwise(ranks))


def test_repeated_moves_into_one_slot_run_out_of_gaps_and_still_land_right(
    board, columns, member_user
):
    """Each move into the same slot halves its gap; after about twenty the column renumbers."""
    stay = fill(board, columns[1], member_user, 2)
    movers = fill(board, columns[0], member_user, 30)

    for mover in movers:
        ticket_move(ticket=mover, column=columns[1], position=1)

    order = [number for number, _ in placed(columns[1])]
    assert order == [stay[0].number, *[m.number for m in reversed(movers)], stay[1].number]


def test_equal_ranks_are_ordered_by_number_and_indexes_stay_dense(board, columns, member_user):
    tickets = fill(board, columns[1], member_user, 4)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(rank=7)

    assert placed(columns[1]) == [(t.number, i) for i, t in enumerate(tickets)]
    assert renumber_column(columns[1].pk) == 4
    assert placed(columns[1]) == [(t.number, i) for i, t in enumerate(tickets)]


def test_the_api_lists_positions_as_indexes(board, columns, member_user, api_as):
    tickets = fill(board, columns[1], member_user, 3)
    ticket_move(ticket=tickets[2], column=columns[1], position=0)

    rows = api_as("member").get(f"/api/boards/{board.pk}/tickets/").json()["results"]

    assert [(row["number"], row["position"]) for row in rows] == [
        (tickets[2].number, 0),
        (tickets[0].number, 1),
        (tickets[1].number, 2),
    ]


def test_a_create_and_a_move_keep_to_their_statement_budget(
    board, columns, member_user, api_as, django_assert_max_num_queries
):
    """Statements over the whole request, token look-up and savepoints included, whatever the
    column holds: 12 for a create and 10 for a move (14 and 15 before, 18 and 22 before that, 25
    and 24 before ranks). A create: the token, the board (the policy's scope), the column, then
    under a savepoint the board's lock (its SLA policy read along) and the column's, the last
    rank, the counter, the ticket, its creator's follow and its history (a board without custom
    fields reads none of them). A move: the token, the board and the ticket, then under a
    savepoint both columns' locks, the ticket's (its board, creator, people, tags and SLA policy
    along), its history, its neighbour and its row; the answer reads nothing more."""
    fill(board, columns[1], member_user, 30)
    client = api_as("member")
    client.get(f"/api/boards/{board.pk}/")  # token and session look-ups warmed alike
    with django_assert_max_num_queries(12):
        created = client.post(
            f"/api/boards/{board.pk}/tickets/", {"title": "New", "column": columns[1].pk}
        )
    assert created.status_code == 201, created.content
    ticket = Ticket.objects.get(board=board, number=created.json()["number"])
    with django_assert_max_num_queries(10):
        moved = client.post(
            move_url(board, ticket), {"column": columns[2].pk, "position": 0}, format="json"
        )
    assert moved.status_code == 200, moved.content
