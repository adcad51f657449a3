"""One definition of "due soon", from the board's SLA policy: open, not yet overdue, and inside
the lead time of its first due-soon reminder (sla.selectors.due_soon_lead). The resolution
clock, the `due=soon` filter (board page and API) and the cards' marks all say the same."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import preference_set
from sla.selectors import ClockState, policy_for, ticket_clocks, ticket_is_due_soon
from sla.services import sla_policy_set
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_move

# Hours from now to the due date, and whether that is due soon under leads of 6 h and 1 h.
OFFSETS = {"in 30 min": (0.5, True), "in 5 h": (5, True), "in 7 h": (7, False),
           "an hour ago": (-1, False)}  # fmt: skip


@pytest.fixture
def tickets(board, columns, member_user):
    sla_policy_set(board=board, due_soon_leads=[1, 6])
    now = timezone.now()
    for title, (hours, _) in OFFSETS.items():
        ticket_create(
            board=board, created_by=member_user, title=title, due_at=now + timedelta(hours=hours)
        )
    done = ticket_create(
        board=board, created_by=member_user, title="resolved", due_at=now + timedelta(hours=2)
    )
    ticket_move(ticket=done, column=next(c for c in columns if c.is_done), by=member_user)
    return Ticket.objects.filter(board=board)


def expected() -> set[str]:
    return {title for title, (hours, soon) in OFFSETS.items() if soon}


def resolution_state(ticket, board) -> str:
    (clock,) = [c for c in ticket_clocks(ticket, policy_for(board)) if c.key == "resolution"]
    return clock.state


def test_the_clocks_the_selector_the_page_and_the_api_agree(board, tickets, api_as, client_as):
    by_clock = {t.title for t in tickets if resolution_state(t, board) == ClockState.DUE_SOON}
    by_selector = {t.title for t in tickets if ticket_is_due_soon(t, policy_for(board))}
    api = api_as("member").get(f"/api/boards/{board.pk}/tickets/?due=soon").json()["results"]
    page = client_as("member").get(f"/boards/{board.pk}/?due=soon")

    assert by_clock == by_selector == expected()
    assert {row["title"] for row in api} == expected()
    assert {t.title for lane in page.context["lanes"] for t in lane.tickets} == expected()


def test_the_policys_first_reminder_moves_what_is_due_soon(board, tickets, api_as):
    sla_policy_set(board=board, due_soon_leads=[2])

    rows = api_as("member").get(f"/api/boards/{board.pk}/tickets/?due=soon").json()["results"]

    assert [row["title"] for row in rows] == ["in 30 min"]
    assert [t.title for t in Ticket.objects.all() if ticket_is_due_soon(t, policy_for(board))] == [
        "in 30 min"
    ]


def _cards(html: str) -> list[str]:
    return html.split('<article class="card')[1:]


@pytest.mark.parametrize("zoomed", [False, True], ids=["cards", "compact cards"])
def test_a_card_says_due_soon_once_and_only_when_the_policy_says(
    board, tickets, member_user, client_as, zoomed
):
    preference_set(member_user, "board_zoomed_out", zoomed)

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    marked = {
        title
        for card in _cards(html)
        for title in OFFSETS
        if f">{title}</a>" in card and card.count("Due soon") == 1
    }
    assert marked == expected()
    assert all(card.count("Due soon") <= 1 for card in _cards(html))


@pytest.mark.parametrize("zoomed", [False, True], ids=["cards", "compact cards"])
def test_due_soon_adds_no_query_per_card(board, member_user, client_as, zoomed):
    preference_set(member_user, "board_zoomed_out", zoomed)
    client = client_as("member")
    soon = timezone.now() + timedelta(hours=2)
    ticket_create(board=board, created_by=member_user, title="One", due_at=soon)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/boards/{board.pk}/").status_code == 200
        return len(captured)

    few = queries()
    for index in range(10):
        ticket_create(board=board, created_by=member_user, title=f"More {index}", due_at=soon)

    assert queries() == few
