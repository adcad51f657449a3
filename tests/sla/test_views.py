"""SLA pages: the board's policy (admins), reminder email preferences, and the SLA state on the
ticket page and the board's cards."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import email_wanted
from sla.models import SlaPolicy
from tests.pages import (
    LOGIN,
    MANAGE,
    MANAGE_PAGE,
    expect,
    fill_data,
    fill_path,
    matrix_cases,
    messages_of,
)
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_move

POLICY = "/boards/{board}/settings/sla/"
PREFERENCES = "/settings/email/"
SIGNED_IN = expect(200, 200, 200, 200)
SAVED = expect(302, 302, 302, 302)


def policy_data(**changes):
    data = {
        "urgent_first_response_hours": "1",
        "urgent_resolution_hours": "4",
        "high_first_response_hours": "4",
        "high_resolution_hours": "24",
        "normal_first_response_hours": "8",
        "normal_resolution_hours": "72",
        "low_first_response_hours": "24",
        "low_resolution_hours": "120",
        "working_days": ["0", "1", "2", "3", "4"],
        "opens_at": "09:00",
        "closes_at": "17:00",
        "due_soon_leads": "24, 1",
        "escalate_after_hours": "4",
    }
    return {**data, **changes}


MATRIX = [
    ("get", POLICY, None, MANAGE_PAGE),
    ("post", POLICY, policy_data(), MANAGE),
    ("get", PREFERENCES, None, SIGNED_IN),
    ("post", PREFERENCES, {"overdue": "on"}, SAVED),
]


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), matrix_cases(MATRIX))
def test_sla_pages_answer_each_role_as_the_policy_says(
    method, path, data, role, expected, board, client_as
):
    client = client_as(role)

    response = getattr(client, method)(fill_path(path, {"board": board}), fill_data(data, {}))

    assert response.status_code == expected, response.content[:500]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def test_the_board_settings_link_to_the_sla_page(board, client_as):
    html = client_as("admin").get(f"/boards/{board.pk}/settings/").content.decode()

    assert f'href="/boards/{board.pk}/settings/sla/"' in html


def test_the_policy_page_shows_the_defaults_of_a_board_without_a_policy(board, client_as):
    html = client_as("admin").get(POLICY.format(board=board.pk)).content.decode()

    assert 'name="normal_resolution_hours" value="72"' in html
    assert 'name="due_soon_leads" value="24, 1"' in html


def test_an_admin_saves_business_hours_and_targets(board, client_as):
    response = client_as("admin").post(
        POLICY.format(board=board.pk),
        policy_data(business_hours="on", urgent_resolution_hours="2", due_soon_leads="8; 2"),
    )

    assert response.status_code == 302
    policy = SlaPolicy.objects.get(board=board)
    assert policy.business_hours
    assert policy.urgent_resolution_hours == 2
    assert policy.due_soon_leads == [8, 2]
    assert messages_of(response) == ["SLA policy saved. New tickets and changes follow it."]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens_at": "18:00", "closes_at": "08:00"}, "Closing time must be after opening time."),
        ({"due_soon_leads": "soon"}, "Give hours as numbers, e.g. 24, 1."),
        ({"working_days": []}, "This field is required."),
    ],
)
def test_a_refused_policy_is_shown_again_with_the_reason(board, client_as, changes, message):
    response = client_as("admin").post(POLICY.format(board=board.pk), policy_data(**changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SlaPolicy.objects.filter(board=board).exists()


def test_a_user_turns_reminder_emails_off_per_kind(member_user, client_as):
    client = client_as("member")

    response = client.post(PREFERENCES, {"due_soon": "on", "escalation": "on"})

    member_user.refresh_from_db()
    assert response.status_code == 302
    assert email_wanted(member_user, Reminder.Kind.DUE_SOON)
    assert not email_wanted(member_user, Reminder.Kind.OVERDUE)
    assert not email_wanted(member_user, Reminder.Kind.FIRST_RESPONSE_MISSED)
    html = client.get(PREFERENCES).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="(\w+)"([^>]*)>', html))
    assert "checked" in boxes["due_soon"]
    assert "checked" not in boxes["overdue"]


# --- SLA state on pages ------------------------------------------------------------------------
def test_the_ticket_page_shows_both_clocks_on_track(board, ticket, client_as):
    html = client_as("guest").get(f"/boards/{board.pk}/tickets/{ticket.number}/").content.decode()

    assert "sla__clock--on_track" in html
    assert "First response" in html
    assert "Resolution" in html


def test_a_ticket_past_its_due_date_shows_resolution_breached(board, ticket, client_as):
    Ticket.objects.filter(pk=ticket.pk).update(
        due_at=timezone.now() - timedelta(hours=1),
        first_response_at=timezone.now(),
    )

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "sla__clock--breached" in html
    assert "sla__clock--met" in html


def test_a_ticket_inside_its_lead_time_shows_due_soon(board, ticket, client_as):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=2))

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "sla__clock--due_soon" in html


def _board_page_queries(client, board) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/boards/{board.pk}/").status_code == 200
    return len(queries)


def test_the_clocks_add_no_query_per_card(board, member_user, client_as):
    client = client_as("member")
    ticket_create(board=board, created_by=member_user, title="One")
    few = _board_page_queries(client, board)
    for index in range(10):
        ticket_create(board=board, created_by=member_user, title=f"More {index}")

    many = _board_page_queries(client, board)

    assert many == few
    assert "sla__clock" in client.get(f"/boards/{board.pk}/").content.decode()


def test_business_hours_too_short_for_a_target_are_refused_on_the_form(board, client_as):
    response = client_as("admin").post(
        POLICY.format(board=board.pk),
        policy_data(
            business_hours="on",
            working_days=["0"],
            opens_at="09:00",
            closes_at="09:30",
            low_resolution_hours="8000",
        ),
    )

    assert response.status_code == 200
    assert "takes more than four years of these business hours" in response.content.decode()


def _resolved_late(board, columns, member_user, hours=3):
    """A ticket moved to Done `hours` after its due date (and its first response)."""
    ticket = ticket_create(board=board, created_by=member_user, title="Late one")
    ticket_move(ticket=ticket, column=columns[-1])
    resolved = Ticket.objects.get(pk=ticket.pk).resolved_at
    Ticket.objects.filter(pk=ticket.pk).update(
        due_at=resolved - timedelta(hours=hours),
        first_response_due_at=resolved - timedelta(hours=hours + 1),
    )
    return ticket


def test_a_card_resolved_late_says_so_once_without_a_breached_pill(
    board, columns, member_user, client_as
):
    # Given a ticket resolved three hours past its due date (and past its first response)
    _resolved_late(board, columns, member_user)

    # When the board is shown
    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    # Then its card says "Resolved 3 h late" once, quietly, and no clock is shown as breached
    assert html.count("Resolved 3 h late") == 1
    assert 'class="sla-outcome"' in html
    assert "sla__clock--breached" not in html
    assert "Breached" not in html


def test_a_card_resolved_in_time_says_resolved_on_time(board, columns, member_user, client_as):
    ticket = ticket_create(board=board, created_by=member_user, title="Quick one")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(days=1))
    ticket_move(ticket=ticket, column=columns[-1])

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert html.count("Resolved on time") == 1
    assert "sla__clock" not in html


def test_the_ticket_page_of_a_ticket_resolved_late_says_so_once(
    board, columns, member_user, client_as
):
    ticket = _resolved_late(board, columns, member_user, hours=50)

    html = client_as("guest").get(f"/boards/{board.pk}/tickets/{ticket.number}/").content.decode()

    assert html.count("Resolved 2 d late") == 1
    assert "sla__clock--breached" not in html


def test_an_open_ticket_still_shows_its_clocks_breached(board, ticket, client_as):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))

    html = client_as("member").get(f"/boards/{board.pk}/tickets/{ticket.number}/").content.decode()

    assert "sla__clock--breached" in html
    assert "sla-outcome" not in html
