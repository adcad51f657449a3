"""Due dates and first-response deadlines from the board's SLA policy, in business hours."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from boards.services import board_update
from sla.selectors import policy_for, ticket_deadlines
from sla.services import sla_policy_set
from tickets.models import Priority, Status
from tickets.services import ticket_create, ticket_move, ticket_update

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def office_hours(board):
    """Monday to Friday, 09:00 to 17:00 on the board's clock."""
    return sla_policy_set(
        board=board,
        business_hours=True,
        working_days=[0, 1, 2, 3, 4],
        opens_at=time(9),
        closes_at=time(17),
        normal_first_response_hours=8,
        normal_resolution_hours=8,
    )


def test_a_board_without_a_policy_uses_working_defaults(board):
    policy = policy_for(board)

    assert policy.is_default
    assert policy.resolution_hours(Priority.URGENT) < policy.resolution_hours(Priority.LOW)
    assert policy.due_soon_leads == [24, 1]
    assert not policy.business_hours


def test_an_eight_hour_target_set_on_friday_evening_falls_due_on_monday(board, office_hours):
    board_update(board=board, timezone="Europe/Berlin")
    friday_evening = datetime(2026, 11, 27, 18, 30, tzinfo=BERLIN)

    deadlines = ticket_deadlines(board=board, priority=Priority.NORMAL, start=friday_evening)

    assert deadlines.resolution == datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN)


def test_the_clock_stops_overnight(board, office_hours):
    board_update(board=board, timezone="Europe/Berlin")
    tuesday_afternoon = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)  # two hours left today

    deadlines = ticket_deadlines(board=board, priority=Priority.NORMAL, start=tuesday_afternoon)

    assert deadlines.resolution == datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN)


def test_business_hours_follow_the_boards_time_zone(board, office_hours):
    board_update(board=board, timezone="America/New_York")
    # 15:00 UTC on a Friday is 10:00 in New York: the whole target fits into that Friday.
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)

    deadlines = ticket_deadlines(board=board, priority=Priority.NORMAL, start=friday)

    assert deadlines.resolution == datetime(2026, 11, 30, 10, 0, tzinfo=NEW_YORK)
    assert deadlines.resolution.astimezone(UTC) == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_without_business_hours_a_target_runs_through_the_weekend(board):
    friday_evening = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)

    deadlines = ticket_deadlines(board=board, priority=Priority.URGENT, start=friday_evening)

    assert deadlines.first_response == friday_evening + timedelta(hours=1)
    assert deadlines.resolution == friday_evening + timedelta(hours=4)


def test_a_new_ticket_is_due_by_the_resolution_target_of_its_priority(board, member_user):
    ticket = ticket_create(
        board=board, created_by=member_user, title="Down", priority=Priority.URGENT
    )

    expected = ticket_deadlines(board=board, priority=Priority.URGENT, start=ticket.created_at)
    assert ticket.due_at == expected.resolution
    assert ticket.first_response_due_at == expected.first_response
    assert not ticket.due_is_manual


def test_a_due_date_given_at_creation_is_kept_as_manual(board, member_user):
    due = datetime(2030, 1, 31, 9, 30, tzinfo=UTC)

    ticket = ticket_create(board=board, created_by=member_user, title="Later", due_at=due)

    assert (ticket.due_at, ticket.due_is_manual) == (due, True)


def test_a_priority_change_moves_the_sla_due_date(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, priority=Priority.URGENT)

    ticket.refresh_from_db()
    expected = ticket_deadlines(
        board=ticket.board, priority=Priority.URGENT, start=ticket.created_at
    )
    assert ticket.due_at == expected.resolution
    assert ticket.first_response_due_at == expected.first_response


def test_a_priority_change_leaves_a_due_date_set_by_hand(ticket, member_user):
    by_hand = datetime(2030, 1, 31, 9, 30, tzinfo=UTC)
    ticket_update(ticket=ticket, by=member_user, due_at=by_hand)

    ticket_update(ticket=ticket, by=member_user, priority=Priority.URGENT)

    ticket.refresh_from_db()
    assert (ticket.due_at, ticket.due_is_manual) == (by_hand, True)


def test_clearing_a_due_date_set_by_hand_gives_it_back_to_the_policy(ticket, member_user):
    sla_due = ticket.due_at
    ticket_update(ticket=ticket, by=member_user, due_at=datetime(2030, 1, 1, tzinfo=UTC))

    ticket_update(ticket=ticket, by=member_user, due_at=None)

    ticket.refresh_from_db()
    assert (ticket.due_at, ticket.due_is_manual) == (sla_due, False)


def test_sending_back_the_same_due_date_does_not_make_it_manual(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, due_at=ticket.due_at, title="Same date")

    ticket.refresh_from_db()
    assert not ticket.due_is_manual


def test_entering_a_done_column_resolves_the_ticket(ticket, columns, member_user):
    done = next(column for column in columns if column.is_done)

    ticket_move(ticket=ticket, column=done, by=member_user)

    ticket.refresh_from_db()
    assert ticket.resolved_at is not None


def test_leaving_a_done_column_reopens_a_ticket_not_marked_resolved(ticket, columns, member_user):
    done = next(column for column in columns if column.is_done)
    ticket_move(ticket=ticket, column=done, by=member_user)

    ticket_move(ticket=ticket, column=columns[0], by=member_user)

    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_leaving_a_done_column_keeps_a_resolved_status_resolved(ticket, columns, member_user):
    done = next(column for column in columns if column.is_done)
    ticket = ticket_move(ticket=ticket, column=done, by=member_user)
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    resolved_at = ticket.resolved_at

    ticket_move(ticket=ticket, column=columns[0], by=member_user)

    ticket.refresh_from_db()
    assert ticket.resolved_at == resolved_at


def test_a_status_change_inside_a_done_column_keeps_it_resolved(ticket, columns, member_user):
    done = next(column for column in columns if column.is_done)
    ticket = ticket_move(ticket=ticket, column=done, by=member_user)

    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)

    ticket.refresh_from_db()
    assert ticket.resolved_at is not None


def test_a_ticket_created_in_a_done_column_is_resolved(board, columns, member_user):
    done = next(column for column in columns if column.is_done)

    ticket = ticket_create(board=board, created_by=member_user, title="Done", column=done)

    assert ticket.resolved_at is not None
