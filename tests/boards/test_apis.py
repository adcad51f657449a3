import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from boards.models import Membership, Role, Visibility
from boards.services import (
    board_create,
    board_update,
    column_update,
    membership_add,
    tag_create,
)
from tests.factories import UserFactory
from tickets.models import Ticket
from tickets.services import ticket_create

CUSTOMER_SUCCESS = ["New tickets", "Open tickets", "Feature requests", "Bugs", "Done"]


@pytest.fixture
def other_board(outsider_user):
    """A second private board, with a tag and a ticket, on which alice and mia are strangers."""
    board = board_create(name="Elsewhere", key="EL", created_by=outsider_user)
    tag_create(board=board, name="Foreign")
    ticket_create(board=board, created_by=outsider_user, title="Not yours")
    return board


def url(board, *parts):
    return "/".join([f"/api/boards/{board.pk}", *map(str, parts)]) + "/"


def fill(board, column, count, user):
    for index in range(count):
        ticket_create(board=board, created_by=user, title=f"T{index}", column=column)


# --- Boards ------------------------------------------------------------------------------------
def test_the_board_list_shows_only_boards_the_caller_can_see(board, other_board, api_as):
    open_board = board_create(
        name="Open",
        key="OPEN",
        created_by=UserFactory(),
        visibility=Visibility.SIGNED_IN,
    )

    response = api_as("member").get("/api/boards/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["id"]: row["my_role"] for row in body["results"]} == {
        board.pk: "member",
        open_board.pk: "guest",
    }


def test_creating_a_board_makes_the_caller_its_admin(api_as):
    response = api_as("outsider").post(
        "/api/boards/", {"name": "Support", "key": "sup"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["key"] == "SUP"
    assert response.json()["my_role"] == "admin"


def test_the_customer_success_template_gives_its_five_columns(api_as):
    response = api_as("outsider").post(
        "/api/boards/",
        {"name": "Support", "key": "SUP", "template": "customer-success"},
        format="json",
    )

    columns = response.json()["columns"]
    assert [column["name"] for column in columns] == CUSTOMER_SUCCESS
    assert [column["position"] for column in columns] == [0, 1, 2, 3, 4]


def test_creating_a_board_without_name_and_key_answers_field_errors(api_as):
    response = api_as("outsider").post("/api/boards/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"name", "key"}


def test_a_taken_board_key_is_a_400_on_key(board, api_as):
    response = api_as("outsider").post("/api/boards/", {"name": "Copy", "key": "cs"}, format="json")

    assert response.status_code == 400
    assert "key" in response.json()


def test_an_unknown_template_is_a_400_on_template(api_as):
    response = api_as("outsider").post(
        "/api/boards/", {"name": "Support", "key": "SUP", "template": "scrum"}, format="json"
    )

    assert response.status_code == 400
    assert "template" in response.json()


@pytest.mark.parametrize("zone", ["Mars/Olympus", "europe/berlin", ""])
def test_an_unknown_time_zone_is_a_400_on_timezone(board, api_as, zone):
    response = api_as("admin").patch(f"/api/boards/{board.pk}/", {"timezone": zone}, format="json")

    assert response.status_code == 400
    assert "timezone" in response.json()
    board.refresh_from_db()
    assert board.timezone == "UTC"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "GMT+0", "GMT-0", "GMT0"])
def test_any_iana_time_zone_is_taken(board, api_as, zone):
    response = api_as("admin").patch(f"/api/boards/{board.pk}/", {"timezone": zone}, format="json")

    assert response.status_code == 200, response.content
    board.refresh_from_db()
    assert board.timezone == zone


def test_a_board_shows_its_columns_with_ticket_counts_and_the_callers_role(
    board, columns, ticket, api_as
):
    column_update(column=columns[1], wip_limit=4)

    body = api_as("guest").get(url(board)).json()

    assert body["my_role"] == "guest"
    assert body["columns"][0] == {
        "id": columns[0].pk,
        "name": "New tickets",
        "position": 0,
        "wip_limit": None,
        "is_done": False,
        "ticket_count": 1,
    }
    assert body["columns"][1]["wip_limit"] == 4
    assert body["columns"][1]["ticket_count"] == 0


def test_a_signed_in_board_is_readable_by_any_signed_in_user_as_a_guest(board, api_as):
    board_update(board=board, visibility=Visibility.SIGNED_IN)

    response = api_as("outsider").get(url(board))

    assert response.status_code == 200
    assert response.json()["my_role"] == "guest"


def test_a_private_board_is_a_404_for_an_outsider(board, api_as):
    assert api_as("outsider").get(url(board)).status_code == 404


def test_an_admin_can_change_a_boards_name_and_visibility(board, api_as):
    response = api_as("admin").patch(
        url(board), {"name": "CS", "visibility": "signed_in"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["visibility"]) == ("CS", "signed_in")


def test_patching_a_board_ignores_the_ticket_counter(board, ticket, api_as):
    api_as("admin").patch(url(board), {"next_number": 1}, format="json")

    board.refresh_from_db()
    assert board.next_number == 2


def test_an_admin_can_delete_a_board_with_its_tickets(board, ticket, api_as):
    response = api_as("admin").delete(url(board))

    assert response.status_code == 204
    assert not Ticket.objects.exists()


def test_listing_boards_takes_the_same_number_of_queries_for_many_boards_and_tickets(
    admin_user, member_user, api_as, django_assert_max_num_queries
):
    def populate(count):
        for index in range(count):
            board = board_create(
                name=f"B{index}",
                key=f"Q{index}X{count}",
                created_by=admin_user,
                template="customer-success",
            )
            fill(board, None, 3, admin_user)

    populate(2)
    with CaptureQueriesContext(connection) as few:
        api_as("admin").get("/api/boards/")
    populate(20)

    with django_assert_max_num_queries(len(few)):
        response = api_as("admin").get("/api/boards/")

    assert response.json()["count"] == 22


# --- Columns -----------------------------------------------------------------------------------
def test_a_column_added_without_a_position_goes_last(board, api_as):
    response = api_as("admin").post(
        url(board, "columns"), {"name": "Escalated", "wip_limit": 2}, format="json"
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "name": "Escalated",
        "position": 5,
        "wip_limit": 2,
        "is_done": False,
        "ticket_count": 0,
    }


def test_a_column_added_at_a_position_shifts_the_others(board, api_as):
    api_as("admin").post(url(board, "columns"), {"name": "Triage", "position": 0}, format="json")

    columns = api_as("admin").get(url(board, "columns")).json()
    assert [column["name"] for column in columns] == ["Triage", *CUSTOMER_SUCCESS]
    assert [column["position"] for column in columns] == [0, 1, 2, 3, 4, 5]


def test_a_column_can_be_renamed_and_moved(board, columns, api_as):
    response = api_as("admin").patch(
        url(board, "columns", columns[4].pk), {"name": "Closed", "position": 0}, format="json"
    )

    assert response.json()["position"] == 0
    names = [column["name"] for column in api_as("admin").get(url(board, "columns")).json()]
    assert names == ["Closed", *CUSTOMER_SUCCESS[:4]]


def test_a_column_can_be_read_through_its_board(board, columns, api_as):
    response = api_as("guest").get(url(board, "columns", columns[0].pk))

    assert response.status_code == 200
    assert response.json()["name"] == "New tickets"


@pytest.mark.parametrize("limit", [0, -3, "many", 10**20])
def test_a_wip_limit_must_be_a_whole_number_from_one(board, columns, api_as, limit):
    response = api_as("admin").patch(
        url(board, "columns", columns[0].pk), {"wip_limit": limit}, format="json"
    )

    assert response.status_code == 400
    assert "wip_limit" in response.json()


def test_a_null_wip_limit_removes_the_limit(board, columns, api_as):
    column_update(column=columns[0], wip_limit=2)

    response = api_as("admin").patch(
        url(board, "columns", columns[0].pk), {"wip_limit": None}, format="json"
    )

    assert response.json()["wip_limit"] is None


def test_an_empty_column_can_be_deleted(board, columns, api_as):
    response = api_as("admin").delete(url(board, "columns", columns[2].pk))

    assert response.status_code == 204
    assert board.columns.count() == 4


def test_a_column_holding_tickets_is_not_deleted_without_move_to(board, columns, ticket, api_as):
    response = api_as("admin").delete(url(board, "columns", columns[0].pk))

    assert response.status_code == 409
    assert response.json()["code"] == "column_not_empty"
    assert "New tickets" in response.json()["detail"]


def test_deleting_a_column_with_move_to_moves_its_tickets(board, columns, ticket, api_as):
    response = api_as("admin").delete(
        url(board, "columns", columns[0].pk) + f"?move_to={columns[3].pk}"
    )

    assert response.status_code == 204
    ticket.refresh_from_db()
    assert ticket.column == columns[3]


def test_move_to_a_column_of_another_board_is_a_400(board, columns, ticket, other_board, api_as):
    foreign = other_board.columns.first()

    response = api_as("admin").delete(
        url(board, "columns", columns[0].pk) + f"?move_to={foreign.pk}"
    )

    assert response.status_code == 400
    assert "move_to" in response.json()
    ticket.refresh_from_db()
    assert ticket.column == columns[0]
    assert foreign.tickets.count() == 1


@pytest.mark.parametrize("move_to", ["abc", "-1", "1.5", str(10**30)])
def test_a_move_to_that_is_not_a_column_id_is_a_client_error(
    board, columns, ticket, api_as, move_to
):
    response = api_as("admin").delete(url(board, "columns", columns[0].pk) + f"?move_to={move_to}")

    assert response.status_code == 400
    assert "move_to" in response.json()
    assert board.columns.count() == 5


def test_move_to_respects_the_wip_limit_of_the_destination(board, columns, member_user, api_as):
    column_update(column=columns[1], wip_limit=2)
    fill(board, columns[0], 2, member_user)
    fill(board, columns[1], 1, member_user)

    response = api_as("admin").delete(
        url(board, "columns", columns[0].pk) + f"?move_to={columns[1].pk}"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "wip_limit_reached"
    assert columns[0].tickets.count() == 2


def test_the_last_column_of_a_board_cannot_be_deleted(board, columns, api_as):
    admin = api_as("admin")
    for column in columns[:-1]:
        admin.delete(url(board, "columns", column.pk))

    response = admin.delete(url(board, "columns", columns[-1].pk))

    assert response.status_code == 409
    assert "at least one column" in response.json()["detail"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_column_of_another_board_is_a_404_through_this_boards_url(
    board, other_board, api_as, method
):
    foreign = other_board.columns.first()

    response = getattr(api_as("admin"), method)(
        url(board, "columns", foreign.pk), {"name": "Hijacked"}, format="json"
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "To do"


# --- Tags --------------------------------------------------------------------------------------
def test_an_admin_adds_a_tag_and_everyone_on_the_board_sees_it(board, api_as):
    created = api_as("admin").post(
        url(board, "tags"), {"name": "Billing", "color": "#22c55e"}, format="json"
    )

    assert created.status_code == 201
    listed = api_as("guest").get(url(board, "tags")).json()
    assert listed == [{"id": created.json()["id"], "name": "Billing", "color": "#22c55e"}]


def test_a_tag_name_taken_in_another_case_is_a_400_on_name(board, api_as):
    tag_create(board=board, name="Billing")

    response = api_as("admin").post(url(board, "tags"), {"name": "billing"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_a_tag_colour_must_be_a_hex_colour(board, api_as):
    response = api_as("admin").post(
        url(board, "tags"), {"name": "Bug", "color": "red"}, format="json"
    )

    assert response.status_code == 400
    assert "color" in response.json()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_tag_of_another_board_is_a_404_through_this_boards_url(
    board, other_board, api_as, method
):
    foreign = other_board.tags.get()

    response = getattr(api_as("admin"), method)(
        url(board, "tags", foreign.pk), {"name": "Hijacked"}, format="json"
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


# --- Members -----------------------------------------------------------------------------------
def test_the_member_list_shows_users_and_roles(board, api_as):
    members = api_as("guest").get(url(board, "members")).json()

    assert [(m["user"]["username"], m["role"]) for m in members] == [
        ("alice", "admin"),
        ("mia", "member"),
        ("gus", "guest"),
    ]


def test_an_admin_adds_a_member_by_username_with_a_role(board, outsider_user, api_as):
    response = api_as("admin").post(
        url(board, "members"), {"user": "olga", "role": "guest"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["role"] == "guest"
    assert Membership.objects.get(board=board, user=outsider_user).role == Role.GUEST


def test_an_admin_adds_a_member_by_email_in_any_case(board, outsider_user, api_as):
    response = api_as("admin").post(
        url(board, "members"), {"user": "OLGA@example.com"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["user"]["username"] == "olga"
    assert response.json()["role"] == "member"


def test_adding_by_email_adds_the_owner_of_the_address_not_an_older_username_twin(board, api_as):
    # Given an older account whose *username* is the new hire's address (with another email)
    squatter = UserFactory(username="newhire@example.com", email="squatter@example.com")
    owner = UserFactory(username="nina", email="newhire@example.com")
    assert squatter.pk < owner.pk

    # When the admin adds the new hire by email, as the settings page would
    response = api_as("admin").post(
        url(board, "members"), {"user": "newhire@example.com"}, format="json"
    )

    # Then the address's owner joins the private board, and the squatter does not
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "nina"
    assert not Membership.objects.filter(board=board, user=squatter).exists()


def test_adding_by_username_ignores_its_case_as_the_settings_page_does(
    board, outsider_user, api_as
):
    response = api_as("admin").post(url(board, "members"), {"user": "OLGA"}, format="json")

    assert response.status_code == 201
    assert response.json()["user"]["username"] == "olga"


def test_adding_someone_already_on_the_board_is_a_400_on_user(board, api_as):
    response = api_as("admin").post(
        url(board, "members"), {"user": "mia", "role": "admin"}, format="json"
    )

    assert response.status_code == 400
    assert "user" in response.json()


@pytest.mark.parametrize("user", ["nobody", "", None, 42, ["mia"], "mia\x00"])
def test_adding_a_user_who_does_not_exist_is_a_400_on_user(board, api_as, user):
    response = api_as("admin").post(url(board, "members"), {"user": user}, format="json")

    assert response.status_code == 400
    assert "user" in response.json()


def test_an_unknown_role_is_a_400_on_role(board, outsider_user, api_as):
    response = api_as("admin").post(
        url(board, "members"), {"user": "olga", "role": "owner"}, format="json"
    )

    assert response.status_code == 400
    assert "role" in response.json()


def test_demoting_the_last_admin_is_a_409_that_says_why(board, admin_user, api_as):
    membership = Membership.objects.get(board=board, user=admin_user)

    response = api_as("admin").patch(
        url(board, "members", membership.pk), {"role": "member"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    assert "at least one admin" in response.json()["detail"]


def test_removing_the_last_admin_is_a_409(board, admin_user, api_as):
    membership = Membership.objects.get(board=board, user=admin_user)

    response = api_as("admin").delete(url(board, "members", membership.pk))

    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"


def test_a_member_demoted_to_guest_loses_their_assignments(board, member_user, api_as):
    ticket = ticket_create(board=board, created_by=member_user, title="T", assignees=[member_user])
    membership = Membership.objects.get(board=board, user=member_user)

    response = api_as("admin").patch(
        url(board, "members", membership.pk), {"role": "guest"}, format="json"
    )

    assert response.json()["role"] == "guest"
    assert not ticket.assignees.exists()


def test_a_removed_member_loses_their_assignments(board, member_user, api_as):
    ticket = ticket_create(board=board, created_by=member_user, title="T", assignees=[member_user])
    membership = Membership.objects.get(board=board, user=member_user)

    response = api_as("admin").delete(url(board, "members", membership.pk))

    assert response.status_code == 204
    assert not ticket.assignees.exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_membership_of_another_board_is_a_404_through_this_boards_url(
    board, other_board, api_as, method
):
    foreign = other_board.memberships.get()
    membership_add(board=other_board, user=UserFactory(), role=Role.ADMIN)

    response = getattr(api_as("admin"), method)(
        url(board, "members", foreign.pk), {"role": "guest"}, format="json"
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.ADMIN


# --- Signing in --------------------------------------------------------------------------------
def test_a_token_is_issued_for_a_username_and_password(board, admin_user, password):
    client = APIClient()

    token = client.post(
        "/api/auth/token/", {"username": "alice", "password": password}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get(url(board)).json()["my_role"] == "admin"


def test_a_wrong_password_gets_no_token(admin_user):
    response = APIClient().post(
        "/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_anonymous_caller_is_a_401(board):
    response = APIClient().get(url(board))

    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_invalid_token_is_a_401(board):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/boards/").status_code == 401


def test_a_session_reads_the_api(board, member_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member_user)

    assert client.get(url(board)).json()["my_role"] == "member"


def test_a_session_write_without_a_csrf_token_is_refused(board, member_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member_user)

    response = client.post(url(board, "tickets"), {"title": "Forged"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_a_session_write_with_the_csrf_token_is_accepted(board, member_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member_user)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret

    response = client.post(
        url(board, "tickets"), {"title": "Genuine"}, format="json", HTTP_X_CSRFTOKEN=secret
    )

    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_token(board, api_as):
    api = api_as("member")
    api.enforce_csrf_checks = True

    response = api.post(url(board, "tickets"), {"title": "By token"}, format="json")

    assert response.status_code == 201


# --- Schema ------------------------------------------------------------------------------------
def test_the_openapi_schema_is_served(db):
    response = APIClient().get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/boards/{board_id}/tickets/{number}/move/" in response.content


def test_the_api_docs_are_served_to_a_signed_in_user(member_user, client):
    client.force_login(member_user)

    assert client.get("/api/docs/").status_code == 200


def test_the_openapi_schema_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")
