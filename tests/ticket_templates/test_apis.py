"""The ticket templates' API and the ticket create API's `template` (the role matrix is
tests/test_api_permissions.py): what is written, and the 400s and 409s that write nothing."""

import pytest

from boards.services import column_update
from ticket_templates.models import TicketTemplate
from tickets.models import Ticket
from workspace.models import ChecklistItem

pytestmark = pytest.mark.django_db


def templates_url(board, *parts) -> str:
    return "/".join([f"/api/boards/{board.pk}/ticket-templates", *map(str, parts)]) + "/"


def tickets_url(board) -> str:
    return f"/api/boards/{board.pk}/tickets/"


def test_an_admin_creates_a_template_and_anyone_on_the_board_reads_it(board, columns, tag, api_as):
    created = api_as("admin").post(
        templates_url(board),
        {
            "name": "Renewal",
            "title_pattern": "Renewal: {company}",
            "priority": "high",
            "column": columns[1].pk,
            "tags": [tag.pk],
            "assignees": ["mia"],
            "checklist": ["Call", "Quote"],
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    listed = api_as("guest").get(templates_url(board)).json()
    assert listed == [created.json()]
    assert {key: created.json()[key] for key in ("column", "tags", "assignees", "checklist")} == {
        "column": columns[1].pk, "tags": [tag.pk], "assignees": ["mia"],
        "checklist": ["Call", "Quote"],
    }  # fmt: skip


def test_a_bad_pattern_is_a_400_naming_the_field(board, api_as):
    response = api_as("admin").post(
        templates_url(board), {"name": "Typo", "title_pattern": "Hi {nme}"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["title_pattern"] == ["Unknown placeholder {nme}: use {customer}, "
                                                "{company}, {email}, {date}."]  # fmt: skip
    assert not TicketTemplate.objects.exists()


def test_a_tag_of_another_board_is_a_400_for_a_template(board, other_board, api_as):
    response = api_as("admin").post(
        templates_url(board),
        {"name": "X", "title_pattern": "X", "tags": [other_board.tags.get().pk]},
        format="json",
    )

    assert response.status_code == 400
    assert "tags" in response.json()


def test_a_checklist_that_is_not_a_list_of_strings_is_a_400(board, api_as):
    response = api_as("admin").post(
        templates_url(board), {"name": "X", "title_pattern": "X", "checklist": [1]}, format="json"
    )

    assert response.status_code == 400
    assert "checklist" in response.json()


def test_a_patch_changes_what_it_names(board, template, api_as):
    response = api_as("admin").patch(
        templates_url(board, template.pk), {"checklist": ["Only"], "column": None}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["checklist"], response.json()["column"]) == (["Only"], None)
    assert response.json()["priority"] == "high"


def test_another_boards_template_is_a_404(board, other_board, template, api_as):
    response = api_as("outsider").get(templates_url(other_board, template.pk))

    assert response.status_code == 404


def test_a_ticket_created_from_a_template_by_the_api(board, template, columns, tag, api_as):
    response = api_as("member").post(
        tickets_url(board),
        {"template": template.pk, "customer_name": "Dana", "customer_email": "dana@example.com"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"].startswith("Onboarding: Dana (")
    assert (body["priority"], body["column"], body["tags"], body["assignees"]) == (
        "high", columns[1].pk, [tag.pk], ["mia"],
    )  # fmt: skip
    ticket = Ticket.objects.get(board=board, number=body["number"])
    assert list(ticket.checklist.values_list("text", flat=True)) == [
        "Kick-off call",
        "Send the guide",
    ]


def test_a_checklist_given_replaces_the_templates(board, template, api_as):
    response = api_as("member").post(
        tickets_url(board), {"template": template.pk, "checklist": ["Mine"]}, format="json"
    )

    ticket = Ticket.objects.get(board=board, number=response.json()["number"])
    assert list(ticket.checklist.values_list("text", flat=True)) == ["Mine"]


def test_without_a_template_the_title_is_still_required(board, api_as):
    response = api_as("member").post(tickets_url(board), {"priority": "low"}, format="json")

    assert response.status_code == 400
    assert response.json()["title"] == ["This field is required."]


def test_a_template_of_another_board_is_a_400(board, other_board, template, api_as):
    response = api_as("outsider").post(
        tickets_url(other_board), {"template": template.pk}, format="json"
    )

    assert response.status_code == 400
    assert "template" in response.json()
    assert not other_board.tickets.exists()


def test_a_full_column_is_a_409_and_writes_nothing(board, template, columns, api_as):
    column_update(column=columns[1], wip_limit=1)
    api_as("member").post(tickets_url(board), {"title": "Fills it", "column": columns[1].pk})

    response = api_as("member").post(tickets_url(board), {"template": template.pk}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "wip_limit_reached"
    assert Ticket.objects.count() == 1
    assert not ChecklistItem.objects.exists()


def test_the_schema_lists_the_template_of_a_create(api_as):
    schema = api_as("member").get("/api/schema/?format=json").json()

    create = schema["components"]["schemas"]["TicketInputRequest"]["properties"]
    assert {"template", "checklist", "title"} <= set(create)
    assert "/api/boards/{board_id}/ticket-templates/{id}/" in schema["paths"]
