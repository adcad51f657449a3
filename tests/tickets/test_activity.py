"""Every change to a ticket lands in its history as data: who, when, and before/after."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards.services import tag_create
from notifications.models import Notification
from tickets.models import Activity, Priority, Status
from tickets.services import ticket_create, ticket_move, ticket_update


def kinds(ticket):
    return list(ticket.activities.values_list("kind", flat=True))


def test_creating_a_ticket_records_its_column_status_and_author(board, columns, member_user):
    ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    (entry,) = ticket.activities.all()
    assert entry.kind == Activity.Kind.CREATED
    assert entry.actor == member_user
    assert entry.to_column == columns[0]
    assert entry.to_value == Status.READY
    assert entry.board_id == board.pk


def test_moving_across_columns_records_both_columns(ticket, columns, admin_user):
    ticket_move(ticket=ticket, column=columns[2], by=admin_user)

    entry = ticket.activities.first()
    assert (entry.kind, entry.from_column, entry.to_column, entry.actor) == (
        Activity.Kind.MOVED,
        columns[0],
        columns[2],
        admin_user,
    )


def test_reordering_within_a_column_is_not_history(board, ticket, columns, member_user):
    ticket_create(board=board, created_by=member_user, title="Second")

    ticket_move(ticket=ticket, column=columns[0], position=1, by=member_user)

    assert kinds(ticket) == [Activity.Kind.CREATED]


def due_summary(ticket) -> str:
    return ticket.activities.filter(kind=Activity.Kind.DUE).first().summary


def test_setting_a_due_date_by_hand_says_so(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, due_at=timezone.now() + timedelta(days=9))

    assert due_summary(ticket) == "set the due date"


def test_clearing_a_due_date_says_it_went_back_to_the_sla_policy(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, due_at=timezone.now() + timedelta(days=9))

    ticket_update(ticket=ticket, by=member_user, due_at=None)

    entry = ticket.activities.filter(kind=Activity.Kind.DUE).first()
    assert entry.summary == "gave the due date back to the SLA policy"
    assert entry.to_value == ticket.due_at.isoformat()  # the policy's date, not none


def test_a_priority_change_that_moves_the_due_date_says_the_policy_moved_it(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, priority=Priority.URGENT)

    assert due_summary(ticket) == "moved the due date to the SLA policy's date"


def test_status_priority_and_due_changes_keep_before_and_after(ticket, member_user):
    due = timezone.now() + timedelta(days=2)
    sla_due = ticket.due_at  # a new ticket's due date comes from the board's SLA policy

    ticket_update(
        ticket=ticket, by=member_user, status=Status.IN_PROGRESS, priority=Priority.HIGH, due_at=due
    )

    entries = {a.kind: (a.from_value, a.to_value) for a in ticket.activities.all()}
    assert entries[Activity.Kind.STATUS] == (Status.READY, Status.IN_PROGRESS)
    assert entries[Activity.Kind.PRIORITY] == (Priority.NORMAL, Priority.HIGH)
    assert entries[Activity.Kind.DUE] == (sla_due.isoformat(), due.isoformat())


def test_an_unchanged_value_records_nothing(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, status=ticket.status, title=ticket.title)

    assert kinds(ticket) == [Activity.Kind.CREATED]


def test_edited_text_fields_are_listed(ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, title="New title", description="More")

    entry = ticket.activities.first()
    assert entry.kind == Activity.Kind.EDITED
    assert sorted(entry.data["fields"]) == ["description", "title"]


def test_assignees_added_and_removed_are_recorded_and_the_new_one_notified(
    ticket, admin_user, member_user
):
    ticket_update(ticket=ticket, by=admin_user, assignees=[member_user])
    ticket_update(ticket=ticket, by=admin_user, assignees=[admin_user])

    latest, first = ticket.activities.filter(kind=Activity.Kind.ASSIGNEES)
    assert first.data == {"added": ["mia"], "removed": []}
    assert latest.data == {"added": ["alice"], "removed": ["mia"]}
    # Alice assigned herself: nobody is told of their own action.
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("mia", Notification.Kind.ASSIGNED)
    ]


def test_tags_added_and_removed_are_recorded(board, ticket, member_user, admin_user):
    vip = tag_create(board=board, name="VIP")

    ticket_update(ticket=ticket, by=member_user, tags=[vip])
    ticket_update(ticket=ticket, by=member_user, tags=[vip])

    (entry,) = ticket.activities.filter(kind=Activity.Kind.TAGS)
    assert entry.data == {"added": ["VIP"], "removed": []}


@pytest.mark.parametrize("field", ["status", "priority"])
def test_history_is_newest_first(ticket, member_user, field):
    value = Status.RESOLVED if field == "status" else Priority.URGENT

    ticket_update(ticket=ticket, by=member_user, **{field: value})

    assert kinds(ticket)[-1] == Activity.Kind.CREATED
