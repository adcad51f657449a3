"""The ticket in the board's side panel: its fragment (the ticket page's template in the panel's
layout), and the board page drawn with it open from a shared URL (?ticket=<number>)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards.services import tag_create
from tests.pages import LOGIN, READ, matrix_cases
from tickets.services import ticket_create
from workspace import services as workspace

PANEL = "/boards/{board}/tickets/{ticket}/panel/"


@pytest.mark.parametrize(
    ("method", "path", "data", "role", "expected"), matrix_cases([("get", PANEL, None, READ)])
)
def test_the_panel_answers_each_role_as_the_ticket_page_does(
    method, path, data, role, expected, board, ticket, client_as
):
    response = client_as(role).get(path.format(board=board.pk, ticket=ticket.number))

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def panel_of(client, board, ticket):
    return client.get(PANEL.format(board=board.pk, ticket=ticket.number)).content.decode()


def test_the_panel_is_the_ticket_without_the_pages_frame(board, ticket, client_as):
    html = panel_of(client_as("member"), board, ticket)

    assert "<html" not in html
    assert "topbar" not in html
    assert ticket.title in html
    assert f'href="/boards/{board.pk}/tickets/{ticket.number}/">' in html  # "Open full page"
    assert "data-panel-close" in html
    assert 'id="tab-checklist"' in html  # the page's own tabs


def test_a_members_panel_has_quick_edits_through_the_api(board, ticket, client_as):
    html = panel_of(client_as("member"), board, ticket)

    assert f'data-url="/api/boards/{board.pk}/tickets/{ticket.number}/"' in html
    for field in ("status", "priority", "column", "due_at"):
        assert f'id="quick-{field}"' in html
    assert 'name="assignees" value="mia"' in html  # usernames, as the API takes them


def test_a_guests_panel_has_no_edit_control(board, ticket, client_as):
    html = panel_of(client_as("guest"), board, ticket)

    assert ticket.title in html
    assert "data-quick-edit" not in html
    assert "Edit ticket" not in html
    assert "<select" not in html


# The ticket page's reads (TICKET_PAGE_QUERIES, tests/tickets/test_views.py) but the bell, and
# the quick edits' people, tags and columns.
PANEL_QUERIES = 21


@pytest.mark.parametrize("messages", [1, 12])
def test_the_panel_runs_a_fixed_number_of_queries(
    messages, board, columns, admin_user, member_user, client_as, django_assert_max_num_queries
):
    tag = tag_create(board=board, name="vip")
    ticket = ticket_create(
        board=board,
        created_by=member_user,
        title="Full",
        assignees=[admin_user, member_user],
        tags=[tag],
        due_at=timezone.now() + timedelta(days=2),
    )
    for index in range(messages):
        workspace.message_post(board=board, ticket=ticket, by=admin_user, body=f"Reply {index}")
        workspace.checklist_item_add(ticket=ticket, by=member_user, text=f"Step {index}")
    client = client_as("member")
    panel_of(client, board, ticket)  # the session read once

    with django_assert_max_num_queries(PANEL_QUERIES):
        html = panel_of(client, board, ticket)

    assert f"Reply {messages - 1}" in html


def test_a_shared_board_url_opens_the_board_with_the_panel_drawn(board, ticket, client_as):
    html = client_as("member").get(f"/boards/{board.pk}/?ticket={ticket.number}").content.decode()

    panel = html[html.index("data-ticket-panel") : html.index("</aside>")]
    assert " hidden>" not in panel[: panel.index(">") + 1]
    assert ticket.title in panel
    assert "data-quick-edit" in panel


@pytest.mark.parametrize("number", ["999", "x", ""])
def test_a_board_url_naming_no_ticket_of_the_board_shows_the_board_alone(
    number, board, ticket, client_as
):
    response = client_as("member").get(f"/boards/{board.pk}/?ticket={number}")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-ticket-base="/boards/' in html
    assert html[html.index("data-ticket-panel") :].split(">", 1)[0].endswith(" hidden")


def test_a_members_cards_carry_their_values_and_a_menu_button(
    board, ticket, member_user, client_as
):
    tag = tag_create(board=board, name="vip")
    ticket.tags.add(tag)
    ticket.assignees.add(member_user)

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert f'data-assignees="mia" data-tags="{tag.pk}"' in html
    assert 'aria-haspopup="menu" aria-expanded="false"' in html
    assert 'role="menu"' in html


def test_a_guests_cards_have_no_menu(board, ticket, client_as):
    html = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert "aria-haspopup" not in html
    assert 'role="menu"' not in html
    assert "data-assignees=" not in html
