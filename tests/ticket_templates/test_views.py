"""The full new-ticket page and the ticket templates' settings pages: who may open and post
them, what they create, and their refusals beside the fields (nothing written)."""

import pytest

from boards.models import Role
from boards.services import column_update, membership_add, tag_create
from tests.factories import UserFactory
from tests.pages import (
    LOGIN,
    MANAGE,
    MANAGE_PAGE,
    WORK,
    expect,
    fill_data,
    fill_path,
    matrix_cases,
    messages_of,
)
from ticket_templates.models import TicketTemplate
from ticket_templates.services import template_create
from tickets.models import Ticket
from workspace.models import ChecklistItem

pytestmark = pytest.mark.django_db

NEW = "/boards/{board}/tickets/new/"
SETTINGS = "/boards/{board}/settings/templates/"
EDIT = SETTINGS + "{template}/"
WORK_PAGE = expect(200, 200, 403, 404)
FULL = {"form": "full", "title": "Refund?", "column": "{column}", "status": "ready",
        "priority": "normal"}  # fmt: skip
MATRIX = [
    ("get", NEW, None, WORK_PAGE),
    ("get", NEW + "?template={template}", None, WORK_PAGE),
    ("post", NEW, FULL, WORK),
    ("post", NEW, {**FULL, "template": "{template}", "fill": "1"}, WORK_PAGE),
    ("get", SETTINGS, None, MANAGE_PAGE),
    ("post", SETTINGS, {"name": "Renewal", "title_pattern": "Renewal", "priority": "low"}, MANAGE),
    ("get", EDIT, None, MANAGE_PAGE),
    ("post", EDIT, {"name": "Renamed", "title_pattern": "Hi", "priority": "low"}, MANAGE),
    ("post", EDIT + "delete/", {}, MANAGE),
]


@pytest.fixture
def objects(board, columns, template):
    return {"board": board, "column": columns[0], "template": template}


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), matrix_cases(MATRIX))
def test_the_pages_answer_each_role_as_the_policy_says(
    method, path, data, role, expected, objects, client_as
):
    client = client_as(role)

    response = getattr(client, method)(fill_path(path, objects), fill_data(data, objects))

    assert response.status_code == expected, response.content[:500]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def new_url(board) -> str:
    return f"/boards/{board.pk}/tickets/new/"


def full_form(columns, **more) -> dict:
    return {**FULL, "column": columns[0].pk, **more}


def test_the_board_links_to_the_full_form_for_those_who_work_it(board, client_as):
    for role, shown in (("admin", True), ("member", True), ("guest", False)):
        html = client_as(role).get(f"/boards/{board.pk}/").content.decode()

        assert (f'href="{new_url(board)}" data-new-ticket' in html) is shown, role


def test_the_full_form_creates_the_ticket_with_its_customer_and_checklist(
    board, columns, client_as, tag, member_user
):
    response = client_as("member").post(
        new_url(board),
        full_form(
            columns,
            column=columns[1].pk,
            description="**Urgent**",
            priority="high",
            customer_name="Dana Scully",
            customer_email="dana@example.com",
            customer_company="FBI",
            customer_phone="+1 555 0100",
            assignees=[member_user.pk],
            tags=[tag.pk],
            due_at="2030-01-02T17:00",
            checklist="Call back\n\n  Send the invoice  \n",
        ),
    )

    ticket = Ticket.objects.get(board=board)
    assert response.status_code == 302
    assert response["Location"] == f"/boards/{board.pk}/?ticket={ticket.number}"
    assert messages_of(response) == [f"{ticket.reference} added to “{columns[1].name}”."]
    assert (ticket.title, ticket.column, ticket.priority) == ("Refund?", columns[1], "high")
    assert (ticket.customer_name, ticket.customer_company, ticket.customer_phone) == (
        "Dana Scully", "FBI", "+1 555 0100",
    )  # fmt: skip
    assert ticket.customer.email == "dana@example.com"
    assert list(ticket.assignees.all()) == [member_user]
    assert list(ticket.tags.all()) == [tag]
    assert ticket.due_is_manual
    assert list(ticket.checklist.values_list("text", flat=True)) == [
        "Call back",
        "Send the invoice",
    ]


def test_a_template_picked_fills_the_form_and_keeps_the_customer_typed(
    board, columns, template, client_as
):
    response = client_as("member").post(
        new_url(board),
        full_form(columns, title="", template=template.pk, fill="1", customer_name="Dana"),
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert not form.is_bound  # no errors shown for what is not typed yet
    assert form["title"].value() == "Onboarding: {customer} ({date})"
    assert form["customer_name"].value() == "Dana"
    assert form["priority"].value() == "high"
    assert form["column"].value() == columns[1].pk
    assert form["checklist"].value() == "Kick-off call\nSend the guide"
    assert not Ticket.objects.exists()


def test_a_ticket_from_the_filled_form_gets_its_title_filled_in_and_the_checklist(
    board, columns, template, tag, client_as
):
    client_as("member").post(
        new_url(board),
        full_form(
            columns,
            template=template.pk,
            title=template.title_pattern,
            column=columns[1].pk,
            customer_name="Dana",
            tags=[tag.pk],
            checklist="Kick-off call\nSend the guide",
        ),
    )

    ticket = Ticket.objects.get(board=board)
    assert ticket.title.startswith("Onboarding: Dana (")
    assert list(ticket.checklist.values_list("text", flat=True)) == [
        "Kick-off call",
        "Send the guide",
    ]


def test_a_tag_of_another_board_is_a_400_beside_the_field_and_nothing_is_written(
    board, columns, other_board, client_as
):
    response = client_as("member").post(
        new_url(board), full_form(columns, tags=[other_board.tags.get().pk], checklist="One")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["tags"]
    assert not Ticket.objects.exists()
    assert not ChecklistItem.objects.exists()


def test_a_full_column_is_a_409_said_beside_the_column(board, columns, client_as):
    column_update(column=columns[0], wip_limit=1)
    client_as("member").post(new_url(board), {"title": "First", "column": columns[0].pk})

    response = client_as("member").post(new_url(board), full_form(columns, title="Second"))

    assert response.status_code == 409
    assert "WIP limit" in response.context["form"].errors["column"][0]
    assert list(Ticket.objects.values_list("title", flat=True)) == ["First"]


def test_a_missing_title_is_a_400_beside_the_field(board, columns, client_as):
    response = client_as("member").post(new_url(board), full_form(columns, title=""))

    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Ticket.objects.exists()


def test_a_template_of_another_board_is_not_offered_nor_taken(
    board, columns, other_board, client_as
):
    theirs = template_create(board=other_board, name="Theirs", title_pattern="Theirs")

    page = client_as("member").get(f"{new_url(board)}?template={theirs.pk}")
    posted = client_as("member").post(new_url(board), full_form(columns, template=theirs.pk))

    assert page.status_code == 404
    assert posted.status_code == 400
    assert not Ticket.objects.exists()


def test_the_quick_add_still_posts_to_the_same_address(board, columns, client_as):
    response = client_as("member").post(new_url(board), {"title": "Quick", "column": columns[0].pk})

    assert response.status_code == 302
    assert Ticket.objects.get().title == "Quick"


def add_template_tag_and_member(board, n: int) -> None:
    tag = tag_create(board=board, name=f"Tag {n}")
    person = UserFactory(username=f"person{n}")
    membership_add(board=board, user=person, role=Role.MEMBER)
    template_create(
        board=board, name=f"Template {n}", title_pattern="Hi", tags=[tag], assignees=[person],
        checklist=["One", "Two"],
    )  # fmt: skip


def test_the_new_ticket_page_reads_as_many_queries_whatever_the_templates_tags_and_members(
    board, columns, client_as, django_assert_max_num_queries
):
    client = client_as("member")
    counts = []
    # One template, tag and extra member, then five of each: the page reads as much.
    for first, last in ((0, 1), (1, 5)):
        for n in range(first, last):
            add_template_tag_and_member(board, n)
        template = TicketTemplate.objects.filter(board=board).first()
        with django_assert_max_num_queries(14) as captured:
            response = client.get(f"{new_url(board)}?template={template.pk}")
        assert response.status_code == 200
        assert response.content.decode().count('name="tags"') == last
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_names_and_patterns_are_escaped(board, client_as):
    template_create(
        board=board, name="<script>alert(1)</script>", title_pattern="<img src=x onerror=alert(1)>"
    )

    for url in (new_url(board), f"/boards/{board.pk}/settings/templates/"):
        html = client_as("admin").get(url).content.decode()

        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Settings ------------------------------------------------------------------------------------
def settings_url(board) -> str:
    return f"/boards/{board.pk}/settings/templates/"


def test_an_admin_adds_a_template_from_the_settings(board, columns, tag, member_user, client_as):
    response = client_as("admin").post(
        settings_url(board),
        {
            "name": "Renewal",
            "title_pattern": "Renewal: {company}",
            "description": "Check the *contract*.",
            "priority": "urgent",
            "column": columns[2].pk,
            "tags": [tag.pk],
            "assignees": [member_user.pk],
            "checklist": "Call\nQuote\n",
        },
    )

    template = TicketTemplate.objects.get(board=board)
    assert response.status_code == 302
    assert messages_of(response) == ["Template “Renewal” saved."]
    assert (template.priority, template.column, template.checklist) == (
        "urgent", columns[2], ["Call", "Quote"],
    )  # fmt: skip
    assert list(template.tags.all()) == [tag]
    assert list(template.assignees.all()) == [member_user]


def test_a_bad_pattern_is_a_400_beside_the_title_and_nothing_is_saved(board, client_as):
    response = client_as("admin").post(
        settings_url(board), {"name": "Typo", "title_pattern": "Hi {custmer}", "priority": "low"}
    )

    assert response.status_code == 400
    assert "Unknown placeholder {custmer}" in response.context["form"].errors["title_pattern"][0]
    assert not TicketTemplate.objects.exists()


def test_a_tag_of_another_board_is_refused_in_a_template(board, other_board, client_as):
    response = client_as("admin").post(
        settings_url(board),
        {"name": "X", "title_pattern": "X", "priority": "low", "tags": [other_board.tags.get().pk]},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["tags"]
    assert not TicketTemplate.objects.exists()


def test_an_admin_edits_a_template(board, template, client_as):
    response = client_as("admin").post(
        f"{settings_url(board)}{template.pk}/",
        {"name": "Kick-off", "title_pattern": "Kick-off {date}", "priority": "low"},
    )

    template.refresh_from_db()
    assert response.status_code == 302
    assert (template.name, template.priority, template.checklist) == ("Kick-off", "low", [])
    assert not template.tags.exists()  # the form sent none


def test_another_boards_template_is_a_404_in_the_settings(board, other_board, client_as):
    theirs = template_create(board=other_board, name="Theirs", title_pattern="Theirs")

    assert client_as("admin").get(f"{settings_url(board)}{theirs.pk}/").status_code == 404
    assert client_as("admin").post(f"{settings_url(board)}{theirs.pk}/delete/").status_code == 404
    assert TicketTemplate.objects.filter(pk=theirs.pk).exists()
