"""The ticket pages and actions: quick add, the ticket page, edit, move and delete."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from boards.services import board_create, column_update, tag_create
from tests.pages import (
    LOGIN,
    READ,
    WORK,
    expect,
    fill_data,
    fill_path,
    matrix_cases,
    messages_of,
    post_form_actions,
)
from tickets.models import Priority, Status, Ticket
from tickets.ranks import position_of
from tickets.services import ticket_create, ticket_move
from workspace import services as workspace

TICKET = "/boards/{board}/tickets/{ticket}/"
MATRIX = [
    ("post", "/boards/{board}/tickets/new/", {"title": "Refund?", "column": "{column}"}, WORK),
    ("get", TICKET, None, READ),
    (
        "post",
        TICKET + "edit/",
        {"title": "Edited", "status": "ready", "priority": "high"},
        WORK,
    ),
    ("post", TICKET + "move/", {"column": "{column}", "position": "1"}, WORK),
    ("post", TICKET + "delete/", {}, expect(302, 302, 403, 404)),
]


@pytest.fixture
def objects(board, columns, ticket):
    return {"board": board, "column": columns[1], "ticket": ticket.number}


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), matrix_cases(MATRIX))
def test_ticket_pages_answer_each_role_as_the_policy_says(
    method, path, data, role, expected, objects, client_as
):
    client = client_as(role)

    response = getattr(client, method)(fill_path(path, objects), fill_data(data, objects))

    assert response.status_code == expected, response.content[:500]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def ticket_url(board, number, action=""):
    return f"/boards/{board.pk}/tickets/{number}/{action}"


# --- Quick add ---------------------------------------------------------------------------------
def test_the_quick_form_adds_a_ticket_at_the_bottom_of_its_column(
    board, columns, ticket, member_user, client_as
):
    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/", {"title": "  Refund?  ", "column": columns[0].pk}
    )

    created = Ticket.objects.get(title="Refund?")
    assert (created.column, position_of(created), created.number) == (columns[0], 1, 2)
    assert created.created_by == member_user
    assert response["Location"] == f"/boards/{board.pk}/"
    assert messages_of(response) == ["CS-2 added to “New tickets”."]


def test_the_quick_form_returns_to_the_filtered_board_it_came_from(board, columns, client_as):
    back = f"/boards/{board.pk}/?priority=high"

    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/",
        {"title": "Refund?", "column": columns[0].pk, "next": back},
    )

    assert response["Location"] == back


def test_the_quick_form_never_returns_to_another_site(board, columns, client_as):
    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/",
        {"title": "Refund?", "column": columns[0].pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/boards/{board.pk}/"


def test_a_ticket_without_a_title_is_refused_with_a_message(board, columns, client_as):
    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/", {"title": "", "column": columns[0].pk}
    )

    assert not Ticket.objects.exists()
    assert messages_of(response) == ["Title: This field is required."]


def test_adding_to_a_full_column_names_the_column_and_its_limit(
    board, columns, member_user, client_as
):
    column_update(column=columns[1], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Only", column=columns[1])

    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/", {"title": "One more", "column": columns[1].pk}
    )

    assert not Ticket.objects.filter(title="One more").exists()
    assert response.status_code == 302
    [message] = messages_of(response)
    assert "Open tickets" in message
    assert "WIP limit of 1" in message


def test_the_quick_form_refuses_a_column_of_another_board(board, outsider_user, client_as):
    other = board_create(name="Other", key="OT", created_by=outsider_user)

    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/new/", {"title": "Sneaky", "column": other.columns.first().pk}
    )

    assert not Ticket.objects.exists()
    assert messages_of(response)[0].startswith("Column:")


# --- Ticket page -------------------------------------------------------------------------------
def test_the_ticket_page_shows_every_field(board, member_user, admin_user, client_as):
    tag = tag_create(board=board, name="vip", color="#8b5cf6")
    ticket_create(
        board=board,
        created_by=member_user,
        title="Charged twice",
        description="Invoice 42",
        priority=Priority.HIGH,
        status=Status.WAITING,
        customer_name="Tom Becker",
        customer_email="tom@globex.example",
        customer_company="Globex",
        assignees=[admin_user],
        tags=[tag],
        due_at=timezone.now() + timedelta(days=2),
    )

    content = client_as("guest").get(ticket_url(board, 1)).content.decode()

    for text in (
        "CS-1",
        "Charged twice",
        "Invoice 42",
        "Waiting on customer",
        ">High</span>",
        "Tom Becker",
        'href="mailto:tom@globex.example"',
        "Globex",
        "Alice Admin",
        ">vip<",
        "New tickets",
        "Mia Member",
        "Created",
        "Updated",
    ):
        assert text in content, text


def test_the_description_is_rendered_as_markdown_without_its_script(board, member_user, client_as):
    ticket_create(
        board=board,
        created_by=member_user,
        title="XSS?",
        description="<script>alert(1)</script>\n\n**Second** line",
    )

    content = client_as("guest").get(ticket_url(board, 1)).content.decode()

    assert "<script>alert(1)" not in content
    assert "<strong>Second</strong> line" in content


# The ticket page's statements for a member, whatever the ticket holds: the user, the board and
# their role, the ticket (with its column, creator and index), its assignees and tags, its
# checklist, chat, attachments and activity, the bell's count, the SLA policy (a ticket with a due
# date), the edit form's people and tags, the move form's columns, the members an @mention offers
# (which also highlight the chat's mentions), the links, the tickets merged into it, the
# macros of the reply and note boxes, whether the caller follows it, the board's custom fields.
TICKET_PAGE_QUERIES = 20


def test_the_ticket_page_runs_a_fixed_number_of_queries(
    board, columns, admin_user, member_user, client_as, django_assert_max_num_queries
):
    tag = tag_create(board=board, name="vip")
    ticket = ticket_create(
        board=board,
        created_by=member_user,
        title="Full",
        description="**Bold**",
        assignees=[admin_user, member_user],
        tags=[tag],
        due_at=timezone.now() + timedelta(days=2),
    )
    ticket_move(ticket=ticket, column=columns[1], by=member_user)
    for index in range(3):
        item = workspace.checklist_item_add(ticket=ticket, by=member_user, text=f"Step {index}")
        workspace.checklist_item_update(item=item, by=admin_user, done=True)
        workspace.message_post(board=board, ticket=ticket, by=admin_user, body=f"Reply {index}")
    workspace.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[SimpleUploadedFile("a.txt", b"a")]
    )
    client = client_as("member")
    client.get(ticket_url(board, ticket.number))  # the session read once

    with django_assert_max_num_queries(TICKET_PAGE_QUERIES):
        response = client.get(ticket_url(board, ticket.number))

    content = response.content.decode()
    assert "Reply 2" in content
    assert "Step 2" in content
    assert "Ticked by Alice Admin" in content


def test_a_guests_ticket_page_has_no_edit_controls(board, ticket, client_as):
    response = client_as("guest").get(ticket_url(board, ticket.number))

    content = response.content.decode()
    # Signing out, and following the ticket (anyone who sees it may).
    assert post_form_actions(response) == ["/accounts/logout/", ticket_url(board, 1, "follow/")]
    assert "Edit ticket" not in content
    assert "Delete ticket" not in content


def test_a_members_ticket_page_has_edit_move_and_archive_forms(board, ticket, client_as):
    response = client_as("member").get(ticket_url(board, ticket.number))

    actions = post_form_actions(response)
    assert ticket_url(board, 1, "edit/") in actions
    assert ticket_url(board, 1, "move/") in actions
    assert ticket_url(board, 1, "delete/") in actions


def test_a_guests_ticket_page_offers_no_archive(board, ticket, client_as):
    response = client_as("guest").get(ticket_url(board, ticket.number))

    assert ticket_url(board, 1, "delete/") not in post_form_actions(response)


def test_the_edit_form_offers_only_members_and_admins_as_assignees(board, ticket, client_as):
    response = client_as("member").get(ticket_url(board, ticket.number))

    offered = {user.username for user in response.context["form"].fields["assignees"].queryset}
    assert offered == {"alice", "mia"}


def test_the_edit_form_offers_only_the_boards_tags(board, ticket, outsider_user, client_as):
    tag_create(board=board, name="vip")
    other = board_create(name="Other", key="OT", created_by=outsider_user)
    tag_create(board=other, name="foreign")

    response = client_as("member").get(ticket_url(board, ticket.number))

    assert [t.name for t in response.context["form"].fields["tags"].queryset] == ["vip"]


def test_a_ticket_of_another_board_is_not_found_through_this_board(board, outsider_user, client_as):
    other = board_create(name="Other", key="OT", created_by=outsider_user)
    ticket_create(board=other, created_by=outsider_user, title="Not yours")

    response = client_as("admin").get(ticket_url(board, 1))

    assert response.status_code == 404


# --- Edit --------------------------------------------------------------------------------------
def edit_data(**changes):
    data = {
        "title": "Team discount?",
        "description": "",
        "status": "ready",
        "priority": "normal",
        "customer_name": "Dana Scully",
        "customer_email": "dana@example.com",
        "customer_company": "FBI",
        "due_at": "",
    }
    return {**data, **changes}


def test_a_member_edits_every_field_of_a_ticket(board, ticket, admin_user, client_as):
    tag = tag_create(board=board, name="vip")

    response = client_as("member").post(
        ticket_url(board, ticket.number, "edit/"),
        edit_data(
            title="Team discount for 40 seats",
            description="They asked twice.",
            status="in_progress",
            priority="urgent",
            customer_company="FBI X-Files",
            assignees=[admin_user.pk],
            tags=[tag.pk],
            due_at="2030-01-31T09:30",
        ),
    )

    ticket.refresh_from_db()
    assert response["Location"] == ticket_url(board, 1)
    assert ticket.title == "Team discount for 40 seats"
    assert ticket.description == "They asked twice."
    assert (ticket.status, ticket.priority) == ("in_progress", "urgent")
    assert ticket.customer_company == "FBI X-Files"
    assert list(ticket.assignees.all()) == [admin_user]
    assert list(ticket.tags.all()) == [tag]
    assert ticket.due_at.isoformat() == "2030-01-31T09:30:00+00:00"


def test_assigning_a_guest_is_refused_on_the_form(board, ticket, guest_user, client_as):
    response = client_as("member").post(
        ticket_url(board, ticket.number, "edit/"), edit_data(assignees=[guest_user.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["assignees"]
    assert not ticket.assignees.exists()


def test_an_invalid_edit_shows_the_form_open_with_its_errors(board, ticket, client_as):
    response = client_as("member").post(
        ticket_url(board, ticket.number, "edit/"), edit_data(title="", customer_email="nope")
    )

    ticket.refresh_from_db()
    assert ticket.title == "Team discount?"
    assert set(response.context["form"].errors) == {"title", "customer_email"}
    assert 'id="edit" open' in response.content.decode()


# --- Move --------------------------------------------------------------------------------------
def test_a_member_moves_a_ticket_to_another_column_at_a_position(
    board, columns, ticket, member_user, client_as
):
    first = ticket_create(board=board, created_by=member_user, title="First", column=columns[2])
    ticket_create(board=board, created_by=member_user, title="Second", column=columns[2])

    response = client_as("member").post(
        ticket_url(board, ticket.number, "move/"), {"column": columns[2].pk, "position": "2"}
    )

    ticket.refresh_from_db()
    assert (ticket.column, position_of(ticket)) == (columns[2], 1)
    assert list(columns[2].tickets.order_by("rank", "number")) == [
        first,
        ticket,
        Ticket.objects.get(title="Second"),
    ]
    assert messages_of(response) == ["CS-1 moved to “Feature requests”."]


def test_a_move_without_a_position_puts_the_ticket_last(
    board, columns, ticket, member_user, client_as
):
    ticket_create(board=board, created_by=member_user, title="Already there", column=columns[3])

    client_as("member").post(ticket_url(board, ticket.number, "move/"), {"column": columns[3].pk})

    ticket.refresh_from_db()
    assert (ticket.column, position_of(ticket)) == (columns[3], 1)


def test_a_move_from_a_stale_ticket_page_is_refused_with_where_the_ticket_is_now(
    board, columns, ticket, client_as
):
    client = client_as("member")
    page = client.get(ticket_url(board, ticket.number))
    assert f'name="from_column" value="{columns[0].pk}"' in page.content.decode()
    ticket_move(ticket=ticket, column=columns[1])  # someone else, after the page was drawn

    response = client.post(
        ticket_url(board, ticket.number, "move/"),
        {"column": columns[2].pk, "from_column": columns[0].pk},
    )

    ticket.refresh_from_db()
    assert ticket.column == columns[1]
    assert messages_of(response) == [
        "Someone moved this ticket meanwhile: it is now in Open tickets."
    ]


def test_a_move_from_the_board_returns_to_the_board(board, columns, ticket, client_as):
    response = client_as("member").post(
        ticket_url(board, ticket.number, "move/"),
        {"column": columns[1].pk, "next": f"/boards/{board.pk}/"},
    )

    assert response["Location"] == f"/boards/{board.pk}/"


def test_moving_into_a_full_column_is_refused_with_a_message_naming_it(
    board, columns, ticket, member_user, client_as
):
    column_update(column=columns[4], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Done one", column=columns[4])

    response = client_as("member").post(
        ticket_url(board, ticket.number, "move/"), {"column": columns[4].pk}
    )

    ticket.refresh_from_db()
    assert ticket.column == columns[0]
    assert messages_of(response) == [
        "“Done” is at its WIP limit of 1: finish or move a ticket out of it first."
    ]


def test_a_position_below_one_is_refused(board, columns, ticket, client_as):
    response = client_as("member").post(
        ticket_url(board, ticket.number, "move/"), {"column": columns[1].pk, "position": "0"}
    )

    ticket.refresh_from_db()
    assert ticket.column == columns[0]
    assert messages_of(response)[0].startswith("Position:")


# --- Delete ------------------------------------------------------------------------------------
def test_deleting_a_ticket_archives_it_and_the_board_offers_to_undo(board, ticket, client_as):
    client = client_as("member")
    response = client.post(ticket_url(board, ticket.number, "delete/"))

    assert not Ticket.objects.exists()
    assert Ticket.all_objects.get().archived_at is not None
    assert response["Location"] == f"/boards/{board.pk}/"
    assert messages_of(response) == ["CS-1 “Team discount?” was archived."]
    page = client.get(response["Location"])
    assert f"/boards/{board.pk}/archive/1/restore/" in post_form_actions(page)
