"""The ticket fields a person edits are declared once (tickets.fields): the edit form and the
API's input serializer offer the same fields, with the model's limits, and the same assignees,
the board's team (members and admins, never guests)."""

import pytest

from csboard.core.validation import max_length_of
from tickets.fields import EDITABLE_FIELDS
from tickets.forms import TicketForm
from tickets.models import Ticket
from tickets.serializers import TicketInputSerializer

# Text limited by its column's length (status and priority are limited by their choices).
LIMITED = [
    name
    for name in EDITABLE_FIELDS
    if max_length_of(Ticket, name) and not Ticket._meta.get_field(name).choices
]


def test_the_form_and_the_api_offer_the_same_fields(board):
    form, api = TicketForm(board=board), TicketInputSerializer(board=board)

    assert set(form.fields) == {*EDITABLE_FIELDS, "assignees", "tags"}
    assert set(api.fields) == {*EDITABLE_FIELDS, "assignees", "tags", "column"}


@pytest.mark.parametrize("name", LIMITED)
def test_the_form_and_the_api_share_the_models_max_lengths(board, name):
    form, api = TicketForm(board=board), TicketInputSerializer(board=board)

    assert form.fields[name].max_length == api.fields[name].max_length
    assert form.fields[name].max_length == max_length_of(Ticket, name)


def test_both_offer_the_boards_team_as_assignees(board, admin_user, member_user, guest_user):
    form, api = TicketForm(board=board), TicketInputSerializer(board=board)

    offered = set(form.fields["assignees"].queryset)
    assert offered == set(api.fields["assignees"].child_relation.queryset)
    assert offered == {admin_user, member_user}


def edit(client_as, api_as, board, ticket, assignee):
    page = client_as("member").post(
        f"/boards/{board.pk}/tickets/{ticket.number}/edit/",
        {
            "title": ticket.title,
            "status": "ready",
            "priority": "normal",
            "assignees": [assignee.pk],
        },
    )
    api = api_as("member").patch(
        f"/api/boards/{board.pk}/tickets/{ticket.number}/",
        {"assignees": [assignee.username]},
        format="json",
    )
    return page, api


def test_the_form_and_the_api_refuse_the_same_guest(board, ticket, guest_user, client_as, api_as):
    page, api = edit(client_as, api_as, board, ticket, guest_user)

    assert page.status_code == 200
    assert page.context["form"].errors["assignees"]
    assert api.status_code == 400
    assert "assignees" in api.json()
    assert not ticket.assignees.exists()


def test_the_form_and_the_api_accept_the_same_member(board, ticket, member_user, client_as, api_as):
    page, api = edit(client_as, api_as, board, ticket, member_user)

    assert (page.status_code, api.status_code) == (302, 200)
    assert list(ticket.assignees.all()) == [member_user]


@pytest.mark.parametrize("name", LIMITED)
def test_a_value_one_over_the_limit_is_refused_by_both(board, ticket, client_as, api_as, name):
    too_long = "x" * (max_length_of(Ticket, name) + 1)
    if name == "customer_email":
        too_long = too_long[: -len("@example.com")] + "@example.com"
    data = {"title": ticket.title, "status": "ready", "priority": "normal", name: too_long}

    page = client_as("member").post(f"/boards/{board.pk}/tickets/{ticket.number}/edit/", data)
    api = api_as("member").patch(
        f"/api/boards/{board.pk}/tickets/{ticket.number}/", {name: too_long}, format="json"
    )

    assert name in page.context["form"].errors
    assert (api.status_code, name in api.json()) == (400, True)
