from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from boards.models import Role
from boards.services import board_create, column_update, membership_add, tag_create
from sla.services import sla_policy_set
from tests import factories
from tests.factories import UserFactory
from tickets.models import Priority, Status, Ticket
from tickets.services import ticket_create


@pytest.fixture
def other_board(outsider_user):
    """A second private board whose column, tag, admin and ticket #1..#2 alice's board must not
    reach."""
    board = board_create(name="Elsewhere", key="EL", created_by=outsider_user)
    tag_create(board=board, name="Foreign")
    ticket_create(board=board, created_by=outsider_user, title="Not yours 1")
    ticket_create(board=board, created_by=outsider_user, title="Not yours 2")
    return board


def tickets_url(board, *parts):
    return "/".join([f"/api/boards/{board.pk}/tickets", *map(str, parts)]) + "/"


def create(board, user, title="A ticket", **fields):
    return ticket_create(board=board, created_by=user, title=title, **fields)


def numbers(response):
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def placed(column):
    return factories.placed(column)


# --- Creating ----------------------------------------------------------------------------------
def test_a_new_ticket_needs_only_a_title_and_lands_in_the_first_column(board, columns, api_as):
    response = api_as("member").post(tickets_url(board), {"title": "Refund?"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["reference"], body["column"], body["position"]) == (
        1,
        "CS-1",
        columns[0].pk,
        0,
    )
    assert (body["status"], body["priority"], body["created_by"]) == ("ready", "normal", "mia")


def test_a_new_ticket_can_be_placed_in_a_column_with_assignees_and_tags(board, columns, api_as):
    tag = tag_create(board=board, name="Billing")

    response = api_as("member").post(
        tickets_url(board),
        {
            "title": "Invoice wrong",
            "column": columns[3].pk,
            "assignees": ["mia", "alice"],
            "tags": [tag.pk],
            "priority": "urgent",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["column"] == columns[3].pk
    assert sorted(body["assignees"]) == ["alice", "mia"]
    assert body["tags"] == [tag.pk]


@pytest.mark.parametrize("with_tags", [True, False])
def test_a_create_answers_the_people_and_tags_a_read_shows(board, api_as, with_tags):
    """The answer knows the new ticket's people without reading them back (tags, when there
    are any, are read for their order)."""
    tags = [tag_create(board=board, name=name).pk for name in ("Zeta", "Alpha")]
    client = api_as("member")

    created = client.post(
        tickets_url(board),
        {"title": "T", "assignees": ["mia", "alice", "mia"], "tags": tags if with_tags else []},
        format="json",
    ).json()

    read = client.get(tickets_url(board, created["number"])).json()
    assert sorted(created["assignees"]) == sorted(read["assignees"]) == ["alice", "mia"]
    assert created["tags"] == read["tags"] == (tags[::-1] if with_tags else [])


def test_creating_a_ticket_in_a_full_column_is_a_409_naming_the_column_and_limit(
    board, columns, ticket, api_as
):
    column_update(column=columns[0], wip_limit=1)

    response = api_as("member").post(tickets_url(board), {"title": "One more"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "wip_limit_reached"
    assert "New tickets" in response.json()["detail"]
    assert "1" in response.json()["detail"]


def test_creating_a_ticket_without_a_title_is_a_400_on_title(board, api_as):
    response = api_as("member").post(tickets_url(board), {"title": " "}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()


def test_deleted_numbers_are_not_reused_through_the_api(board, ticket, api_as):
    api_as("admin").delete(tickets_url(board, ticket.number))

    response = api_as("member").post(tickets_url(board), {"title": "Next"}, format="json")

    assert response.json()["number"] == 2


# --- Objects of another board are never attached -----------------------------------------------
def test_a_column_of_another_board_is_a_400_on_create(board, other_board, api_as):
    response = api_as("member").post(
        tickets_url(board),
        {"title": "Sneaky", "column": other_board.columns.first().pk},
        format="json",
    )

    assert response.status_code == 400
    assert "column" in response.json()
    assert not board.tickets.exists()


def test_a_tag_of_another_board_is_a_400_on_create(board, other_board, api_as):
    response = api_as("member").post(
        tickets_url(board),
        {"title": "Sneaky", "tags": [other_board.tags.get().pk]},
        format="json",
    )

    assert response.status_code == 400
    assert "tags" in response.json()
    assert not board.tickets.exists()


def test_a_tag_of_another_board_is_a_400_on_edit(board, ticket, other_board, api_as):
    response = api_as("member").patch(
        tickets_url(board, ticket.number), {"tags": [other_board.tags.get().pk]}, format="json"
    )

    assert response.status_code == 400
    assert "tags" in response.json()
    assert not ticket.tags.exists()


@pytest.mark.parametrize("assignee", ["olga", "gus", "nobody"])
def test_only_members_and_admins_can_be_assigned(board, ticket, outsider_user, api_as, assignee):
    response = api_as("member").patch(
        tickets_url(board, ticket.number), {"assignees": [assignee]}, format="json"
    )

    assert response.status_code == 400
    assert "assignees" in response.json()
    assert not ticket.assignees.exists()


def test_assignees_and_tags_can_be_added_and_removed_keeping_the_others(board, ticket, api_as):
    # Given a ticket assigned to Alice and tagged with one of two tags
    first, second = tag_create(board=board, name="Billing"), tag_create(board=board, name="VIP")
    url = tickets_url(board, ticket.number)
    api_as("member").patch(url, {"assignees": ["alice"], "tags": [first.pk]}, format="json")

    # When Mia adds herself and the second tag, then removes the first tag
    added = api_as("member").patch(
        url, {"assignees_add": ["mia"], "tags_add": [second.pk]}, format="json"
    )
    removed = api_as("member").patch(url, {"tags_remove": [first.pk]}, format="json")

    # Then Alice stays assigned beside her, and only the second tag is left
    assert added.status_code == removed.status_code == 200
    assert sorted(added.json()["assignees"]) == ["alice", "mia"]
    assert removed.json()["tags"] == [second.pk]
    assert "assignees_add" not in added.json()


@pytest.mark.parametrize(
    "body",
    [
        {"assignees": ["mia"], "assignees_add": ["alice"]},
        {"tags_remove": [1], "tags": []},
        {"assignees_add": "mia"},
        {"assignees_add": ["olga"]},
        {"tags_add": [999999]},
    ],
)
def test_a_set_change_that_cannot_be_applied_is_a_400(board, ticket, other_board, api_as, body):
    response = api_as("member").patch(tickets_url(board, ticket.number), body, format="json")

    assert response.status_code == 400
    named = set(response.json()) & {
        f"{base}{end}" for base in ("assignees", "tags") for end in ("", "_add", "_remove")
    }
    assert named  # the field at fault is named
    assert not ticket.assignees.exists()


def test_an_admin_of_another_board_cannot_be_assigned(board, ticket, other_board, api_as):
    response = api_as("member").patch(
        tickets_url(board, ticket.number), {"assignees": ["olga"]}, format="json"
    )

    assert response.status_code == 400
    assert "assignees" in response.json()


def test_a_column_of_another_board_is_a_400_on_move(board, ticket, other_board, api_as):
    response = api_as("member").post(
        tickets_url(board, ticket.number, "move"),
        {"column": other_board.columns.first().pk, "position": 0},
        format="json",
    )

    assert response.status_code == 400
    assert "column" in response.json()
    ticket.refresh_from_db()
    assert ticket.column.board == board


def test_a_column_of_another_board_is_a_400_on_edit(board, ticket, other_board, api_as):
    response = api_as("member").patch(
        tickets_url(board, ticket.number),
        {"column": other_board.columns.first().pk},
        format="json",
    )

    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.column.board == board


# --- Reading through the board -----------------------------------------------------------------
def test_a_ticket_is_read_by_its_number_on_its_board(board, ticket, api_as):
    response = api_as("guest").get(tickets_url(board, 1))

    assert response.status_code == 200
    assert response.json()["title"] == "Team discount?"


def test_a_ticket_shows_its_first_response_target_and_both_sla_clocks(board, ticket, api_as):
    row = api_as("guest").get(tickets_url(board, ticket.number)).json()

    assert row["first_response_due_at"] is not None
    assert [(clock["clock"], clock["state"]) for clock in row["sla"]] == [
        ("first_response", "on_track"),
        ("resolution", "on_track"),
    ]
    assert row["sla"][1]["stopped_at"] is None


def test_the_sla_clocks_cannot_be_written(board, ticket, api_as):
    api_as("member").patch(
        tickets_url(board, ticket.number),
        {"first_response_due_at": "2000-01-01T00:00:00Z", "sla": []},
        format="json",
    )

    ticket.refresh_from_db()
    assert ticket.first_response_due_at.year > 2000


def test_a_number_that_only_exists_on_another_board_is_a_404(board, ticket, other_board, api_as):
    assert api_as("admin").get(tickets_url(board, 2)).status_code == 404


def test_another_boards_tickets_are_a_404_for_a_non_member(board, other_board, api_as):
    admin = api_as("admin")

    assert admin.get(tickets_url(other_board, 1)).status_code == 404
    assert (
        admin.patch(tickets_url(other_board, 1), {"title": "X"}, format="json").status_code == 404
    )
    assert admin.delete(tickets_url(other_board, 1)).status_code == 404
    assert other_board.tickets.get(number=1).title == "Not yours 1"


def test_an_outsider_can_neither_list_nor_create_tickets_on_a_private_board(board, ticket, api_as):
    outsider = api_as("outsider")

    assert outsider.get(tickets_url(board)).status_code == 404
    assert outsider.post(tickets_url(board), {"title": "Spam"}, format="json").status_code == 404
    assert board.tickets.count() == 1


def test_the_ticket_list_is_paginated(board, member_user, api_as):
    for _ in range(5):
        create(board, member_user)

    body = api_as("guest").get(tickets_url(board) + "?page_size=2&page=2").json()

    assert body["count"] == 5
    assert [row["number"] for row in body["results"]] == [3, 4]
    assert "page=3" in body["next"]
    assert body["previous"] is not None


@pytest.mark.parametrize("query", ["", "&priority=high", "&priority=high&q=refund"])
def test_every_row_of_every_page_shows_its_index_in_its_whole_column(
    board, columns, member_user, api_as, query
):
    """A row's position is its index among all its column's tickets, whichever filters and page
    show it (the page's rows are read by their ids: tickets.selectors.tickets_in)."""
    for index in range(9):
        create(
            board,
            member_user,
            "Refund" if index % 3 else "Other",
            column=columns[index % 2],
            priority=Priority.HIGH if index % 2 == 0 or index == 5 else Priority.LOW,
        )
    member = api_as("member")
    member.post(tickets_url(board, 9, "move"), {"column": columns[1].pk, "position": 0})
    member.post(tickets_url(board, 2, "move"), {"column": columns[0].pk, "position": 2})
    truth = {
        number: (column.pk, index) for column in columns[:2] for number, index in placed(column)
    }
    expected = [
        number
        for column in columns[:2]
        for number, _ in placed(column)
        if Ticket.objects.filter(
            board=board,
            number=number,
            **({"priority": Priority.HIGH} if "priority" in query else {}),
            **({"title": "Refund"} if "q=" in query else {}),
        ).exists()
    ]

    rows, page = [], 1
    while True:
        body = member.get(tickets_url(board) + f"?page_size=2&page={page}{query}").json()
        rows += body["results"]
        if body["next"] is None:
            break
        page += 1

    assert [row["number"] for row in rows] == expected
    assert body["count"] == len(expected)
    assert {row["number"]: (row["column"], row["position"]) for row in rows} == {
        number: truth[number] for number in expected
    }


def test_the_ticket_list_follows_column_then_position(board, columns, member_user, api_as):
    create(board, member_user, column=columns[1])
    create(board, member_user)
    create(board, member_user)
    api_as("member").post(tickets_url(board, 3, "move"), {"column": columns[0].pk, "position": 0})

    assert numbers(api_as("guest").get(tickets_url(board))) == [3, 2, 1]


# --- Filters -----------------------------------------------------------------------------------
@pytest.fixture
def varied(board, columns, admin_user, member_user):
    """#1 alice, urgent, tag Billing, overdue; #2 mia, in progress, column 2; #3 nobody,
    resolved and past due (so not overdue), text "refund"; #4 past due in the done column
    without the Resolved status (so not overdue either)."""
    billing = tag_create(board=board, name="Billing")
    past = timezone.now() - timedelta(days=1)
    create(
        board,
        admin_user,
        "Invoice",
        assignees=[admin_user],
        priority=Priority.URGENT,
        tags=[billing],
        due_at=past,
    )
    create(
        board,
        member_user,
        "Login",
        assignees=[member_user],
        status=Status.IN_PROGRESS,
        column=columns[1],
    )
    create(
        board,
        member_user,
        "Money back",
        description="Wants a REFUND",
        status=Status.RESOLVED,
        due_at=past,
    )
    create(board, member_user, "Closed by a move", column=columns[-1], due_at=past)
    return billing


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=in_progress", [2]),
        ("status=in_progress&status=resolved", [2, 3]),
        ("priority=urgent", [1]),
        ("assignee=alice", [1]),
        ("assignee=me", [2]),
        ("assignee=none", [3, 4]),
        ("tag=billing", [1]),
        ("overdue=true", [1]),
        ("overdue=false", [2, 3, 4]),
        ("q=refund", [3]),
        ("q=INVOICE", [1]),
        ("tag=²", []),
        ("assignee=nobody", []),
        # Several values of one filter: tickets with any of them (the parameter repeated).
        ("priority=urgent&priority=normal", [1, 2, 3, 4]),
        ("priority=urgent&priority=high", [1]),
        ("assignee=alice&assignee=mia", [1, 2]),
        ("assignee=me&assignee=none", [2, 3, 4]),
        ("tag=billing&tag=nothing", [1]),
        ("assignee=alice&assignee=alice", [1]),
    ],
)
def test_tickets_can_be_filtered(board, varied, api_as, query, expected):
    response = api_as("member").get(tickets_url(board) + "?" + query)

    assert sorted(numbers(response)) == expected


def test_tickets_can_be_filtered_by_tag_id_and_column(board, columns, varied, api_as):
    member = api_as("member")

    assert numbers(member.get(tickets_url(board) + f"?tag={varied.pk}")) == [1]
    assert numbers(member.get(tickets_url(board) + f"?column={columns[1].pk}")) == [2]


@pytest.mark.parametrize(
    "query",
    [
        "status=open",
        "priority=meh",
        "priority=high&priority=meh",
        "column=abc",
        "overdue=maybe",
        "page_size=-1",
        "page=",
    ],
)
def test_a_malformed_filter_is_a_400(board, api_as, query):
    response = api_as("member").get(tickets_url(board) + "?" + query)

    assert response.status_code == 400


# --- Editing and moving ------------------------------------------------------------------------
def test_a_member_edits_a_ticket(board, ticket, api_as):
    response = api_as("member").patch(
        tickets_url(board, ticket.number),
        {"title": "Team discount", "status": "resolved", "assignees": ["mia"]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["status"], body["assignees"]) == (
        "Team discount",
        "resolved",
        ["mia"],
    )
    assert body["resolved_at"] is not None


def test_editing_the_number_is_ignored(board, ticket, api_as):
    api_as("member").patch(tickets_url(board, ticket.number), {"number": 9}, format="json")

    ticket.refresh_from_db()
    assert ticket.number == 1


def test_a_move_puts_the_ticket_at_the_index_and_keeps_both_columns_dense(
    board, columns, member_user, api_as
):
    for column in (columns[0], columns[0], columns[0], columns[1], columns[1]):
        create(board, member_user, column=column)

    response = api_as("member").post(
        tickets_url(board, 2, "move"), {"column": columns[1].pk, "position": 1}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["column"], response.json()["position"]) == (columns[1].pk, 1)
    assert placed(columns[0]) == [(1, 0), (3, 1)]
    assert placed(columns[1]) == [(4, 0), (2, 1), (5, 2)]


def test_a_move_into_a_full_column_is_a_409_naming_the_column_and_limit(
    board, columns, member_user, api_as
):
    column_update(column=columns[1], wip_limit=2)
    create(board, member_user)
    create(board, member_user, column=columns[1])
    create(board, member_user, column=columns[1])

    response = api_as("member").post(
        tickets_url(board, 1, "move"), {"column": columns[1].pk, "position": 0}, format="json"
    )

    assert response.status_code == 409
    assert "Open tickets" in response.json()["detail"]
    assert "2" in response.json()["detail"]
    assert placed(columns[0]) == [(1, 0)]


def test_a_move_of_a_ticket_moved_meanwhile_is_a_409_saying_where_it_is_now(
    board, columns, member_user, api_as
):
    create(board, member_user, column=columns[1])  # someone moved it there since the page loaded

    response = api_as("member").post(
        tickets_url(board, 1, "move"),
        {"column": columns[2].pk, "position": 0, "from_column": columns[0].pk},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone moved this ticket meanwhile: it is now in Open tickets.",
        "code": "moved_meanwhile",
    }
    assert placed(columns[1]) == [(1, 0)]


def test_a_move_with_the_right_from_column_goes_ahead(board, columns, member_user, api_as):
    create(board, member_user)

    response = api_as("member").post(
        tickets_url(board, 1, "move"),
        {"column": columns[1].pk, "from_column": columns[0].pk, "from_position": 0},
        format="json",
    )

    assert response.status_code == 200
    assert placed(columns[1]) == [(1, 0)]


def test_a_move_without_from_column_still_works_for_older_clients(
    board, columns, member_user, api_as
):
    create(board, member_user, column=columns[1])

    response = api_as("member").post(
        tickets_url(board, 1, "move"), {"column": columns[2].pk}, format="json"
    )

    assert response.status_code == 200
    assert placed(columns[2]) == [(1, 0)]


def test_a_move_inside_a_full_column_is_allowed(board, columns, member_user, api_as):
    column_update(column=columns[0], wip_limit=2)
    create(board, member_user)
    create(board, member_user)

    response = api_as("member").post(
        tickets_url(board, 2, "move"), {"column": columns[0].pk, "position": 0}, format="json"
    )

    assert response.status_code == 200
    assert placed(columns[0]) == [(2, 0), (1, 1)]


def test_an_edit_into_a_full_column_is_a_409_and_changes_nothing(
    board, columns, ticket, member_user, api_as
):
    column_update(column=columns[1], wip_limit=1)
    create(board, member_user, column=columns[1])

    response = api_as("member").patch(
        tickets_url(board, ticket.number),
        {"title": "Changed", "column": columns[1].pk},
        format="json",
    )

    assert response.status_code == 409
    ticket.refresh_from_db()
    assert (ticket.title, ticket.column) == ("Team discount?", columns[0])


def test_deleting_a_ticket_archives_it(board, ticket, api_as):
    response = api_as("member").delete(tickets_url(board, ticket.number))

    assert response.status_code == 204
    assert not Ticket.objects.exists()
    assert Ticket.all_objects.get().archived_at is not None


# --- No input makes it answer 500 --------------------------------------------------------------
HUGE = 10**30


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": None},
        {"title": ["a"]},
        {"title": "x" * 201},
        {"title": "x\x00y"},
        {"title": "ok", "column": "abc"},
        {"title": "ok", "column": HUGE},
        {"title": "ok", "column": -1},
        {"title": "ok", "column": None},
        {"title": "ok", "column": True},
        {"title": "ok", "column": {"id": 1}},
        {"title": "ok", "tags": "1"},
        {"title": "ok", "tags": [HUGE]},
        {"title": "ok", "tags": ["abc"]},
        {"title": "ok", "tags": [None]},
        {"title": "ok", "assignees": "mia"},
        {"title": "ok", "assignees": [None]},
        {"title": "ok", "assignees": [{"username": "mia"}]},
        {"title": "ok", "status": "open"},
        {"title": "ok", "priority": 1},
        {"title": "ok", "due_at": "tomorrow"},
        {"title": "ok", "due_at": "0001-01-01T00:00:00+14:00"},
        {"title": "ok", "customer_email": "not-an-email"},
        {"title": "ok", "description": None},
    ],
)
def test_malformed_ticket_input_is_a_400(board, api_as, body):
    response = api_as("member").post(tickets_url(board), body, format="json")

    assert response.status_code == 400, response.content
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"column": None},
        {"column": "abc"},
        {"column": HUGE},
        {"position": 0},
        {"column": 1, "position": -1},
        {"column": 1, "position": "first"},
        {"column": 1, "position": 1.5},
    ],
)
def test_malformed_move_input_is_a_400(board, ticket, api_as, body):
    response = api_as("member").post(tickets_url(board, ticket.number, "move"), body, format="json")

    assert response.status_code == 400, response.content


def test_a_fractional_column_id_is_a_400_not_rounded_to_a_column(board, columns, api_as):
    response = api_as("member").post(
        tickets_url(board), {"title": "ok", "column": columns[1].pk + 0.5}, format="json"
    )

    assert response.status_code == 400
    assert "column" in response.json()


def test_a_fractional_tag_id_is_a_400_not_rounded_to_a_tag(board, ticket, api_as):
    tag = tag_create(board=board, name="Billing")

    response = api_as("member").patch(
        tickets_url(board, ticket.number), {"tags": [tag.pk + 0.5]}, format="json"
    )

    assert response.status_code == 400
    assert not ticket.tags.exists()


def test_a_fractional_column_id_is_a_400_on_move(board, columns, ticket, api_as):
    response = api_as("member").post(
        tickets_url(board, ticket.number, "move"), {"column": columns[1].pk + 0.5}, format="json"
    )

    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.column == columns[0]


@pytest.mark.parametrize(
    "data",
    ["not json", "[1, 2]", '"title"', "null"],
)
def test_a_body_that_is_not_an_object_is_a_400(board, api_as, data):
    response = api_as("member").post(tickets_url(board), data, content_type="application/json")

    assert response.status_code == 400


def test_unknown_fields_are_ignored(board, api_as):
    response = api_as("member").post(
        tickets_url(board), {"title": "ok", "board": 99, "colour": "red"}, format="json"
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    "path",
    [
        f"/api/boards/{HUGE}/tickets/",
        "/api/boards/abc/tickets/",
        "/api/boards/{board}/tickets/{huge}/",
        "/api/boards/{board}/tickets/abc/",
        "/api/boards/{board}/tickets/-1/",
        "/api/boards/{board}/columns/{huge}/",
        "/api/boards/{board}/tags/{huge}/",
        "/api/boards/{board}/members/{huge}/",
    ],
)
def test_ids_out_of_range_or_not_numbers_are_a_404(board, api_as, path):
    response = api_as("admin").get(path.format(board=board.pk, huge=HUGE))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- Query counts ------------------------------------------------------------------------------
def test_listing_tickets_takes_the_same_number_of_queries_for_5_and_60_tickets(
    board, columns, admin_user, member_user, api_as, django_assert_max_num_queries
):
    tags = [tag_create(board=board, name=f"tag{index}") for index in range(3)]
    helpers = [UserFactory() for _ in range(3)]
    for user in helpers:
        membership_add(board=board, user=user, role=Role.MEMBER)

    def populate(count):
        for index in range(count):
            create(
                board,
                member_user,
                f"T{index}",
                column=columns[index % 5],
                assignees=[member_user, helpers[index % 3]],
                tags=tags[: index % 3 + 1],
            )

    populate(5)
    api = api_as("member")
    with django_assert_max_num_queries(8) as few:
        assert api.get(tickets_url(board) + "?page_size=100").json()["count"] == 5
    populate(55)

    with django_assert_max_num_queries(len(few)):
        assert api.get(tickets_url(board) + "?page_size=100").json()["count"] == 60


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("policy", "fields"), [(False, False), (True, False), (True, True)])
def test_a_move_takes_ten_statements_and_answers_as_a_read_does(
    board, columns, member_user, admin_user, policy, fields
):
    # Given a ticket with people, tags and SLA clocks, on a board with or without its own policy
    # and custom fields, and a token (as a script calls the API: the token is one of the
    # statements)
    if policy:
        sla_policy_set(board=board, high_resolution_hours=5)
    if fields:
        from customfields.services import field_create

        field_create(board=board, name="Plan", type="text", by=admin_user)
    first, second = tag_create(board=board, name="VIP"), tag_create(board=board, name="Billing")
    ticket = ticket_create(
        board=board,
        created_by=member_user,
        title="Moved",
        priority=Priority.HIGH,
        assignees=[member_user, admin_user],
        tags=[first, second],
    )
    for index in range(3):
        ticket_create(board=board, created_by=member_user, title=f"T{index}", column=columns[2])
    _, token = AuthToken.objects.create(member_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = tickets_url(board, ticket.number)

    # When it is moved to the top of another column
    with CaptureQueriesContext(connection) as statements:
        moved = client.post(url + "move/", {"column": columns[2].pk, "position": 0}, format="json")

    # Then ten statements did it (BEGIN and COMMIT counted; on a board with custom fields, the
    # answer's values are an eleventh), and the answer is what a read says
    assert moved.status_code == 200, moved.json()
    most = 11 if fields else 10
    assert len(statements) <= most, [query["sql"][:80] for query in statements.captured_queries]
    read = client.get(url).json()
    assert moved.json() == read
    assert read["assignees"] == sorted([member_user.username, admin_user.username])
    assert read["tags"] == [second.pk, first.pk]  # by name
    assert read["column"] == columns[2].pk
    assert read["position"] == 0


def test_a_move_into_a_column_of_another_board_or_none_is_a_400_naming_the_column(
    board, ticket, other_board, api_as
):
    for column in (other_board.columns.first().pk, 999_999_999):
        response = api_as("member").post(
            tickets_url(board, ticket.number, "move"), {"column": column}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["column"] == ["Choose a column of this board."]
    assert Ticket.objects.get(pk=ticket.pk).column.board == board
