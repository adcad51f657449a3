"""Which columns count as done is a setting of each column (tickets.services.column_set_done):
changing it resolves or reopens the tickets already in the column, through the one rule of
resolution, in one transaction, audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from boards.models import Column
from boards.services import column_create
from csboard.core.exceptions import Conflict
from metrics.selectors import _first_contact
from tests.factories import TicketFactory
from tickets.events import ticket_resolved
from tickets.models import Activity, Status, Ticket
from tickets.services import column_delete, column_set_done, ticket_move

pytestmark = pytest.mark.django_db


def test_marking_a_column_done_resolves_the_tickets_in_it(board, columns, admin_user):
    # Given two open tickets in "Bugs" and one in "New tickets"
    bugs = columns[3]
    one, two = (TicketFactory(board=board, column=bugs) for _ in range(2))
    elsewhere = TicketFactory(board=board, column=columns[0])

    # When an admin makes "Bugs" a done column
    count = column_set_done(column=bugs, is_done=True, by=admin_user)

    # Then both its tickets are resolved now, with a line of history each; the other is not
    assert count == 2
    for ticket in (one, two):
        ticket.refresh_from_db()
        assert ticket.resolved_at is not None
        entry = ticket.activities.get(kind=Activity.Kind.RESOLUTION)
        assert (entry.actor, entry.to_value, entry.to_column_id) == (
            admin_user,
            "resolved",
            bugs.pk,
        )
        assert entry.summary == "resolved it: “Bugs” now counts as done"
    elsewhere.refresh_from_db()
    assert elsewhere.resolved_at is None
    assert Column.objects.get(pk=bugs.pk).is_done


def test_unmarking_a_done_column_reopens_its_tickets_but_not_those_with_the_resolved_status(
    board, columns, admin_user
):
    # Given a second done column holding a ticket moved there and one with the Resolved status
    bugs = columns[3]
    column_set_done(column=bugs, is_done=True, by=admin_user)
    moved = TicketFactory(board=board, column=bugs)
    marked = TicketFactory(board=board, column=bugs, status=Status.RESOLVED)

    # When the admin makes it an ordinary column again
    count = column_set_done(column=bugs, is_done=False, by=admin_user)

    # Then the moved ticket is open again (its clocks run), the one marked Resolved stays so
    assert count == 1
    moved.refresh_from_db()
    marked.refresh_from_db()
    assert moved.resolved_at is None
    assert marked.resolved_at is not None
    reopened = moved.activities.get(kind=Activity.Kind.RESOLUTION)
    assert reopened.summary == "reopened it: “Bugs” no longer counts as done"


def test_a_ticket_reopened_by_its_column_is_no_first_contact_resolution(board, columns, admin_user):
    # Given a ticket resolved in Done, then reopened when Done stopped counting as done
    done = columns[-1]
    column_set_done(column=columns[3], is_done=True, by=admin_user)
    ticket = TicketFactory(board=board, column=done)
    column_set_done(column=done, is_done=False, by=admin_user)
    column_set_done(column=done, is_done=True, by=admin_user)

    # Then the metrics see it reopened (it is resolved, but not at the first contact)
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None
    assert not _first_contact(Ticket.objects.filter(pk=ticket.pk)).exists()


def test_a_ticket_past_its_due_date_is_resolved_late_by_its_column_becoming_done(
    board, columns, admin_user
):
    # Given a ticket that was due an hour ago
    due = timezone.now() - timedelta(hours=1)
    ticket = TicketFactory(board=board, column=columns[3], due_at=due)

    # When its column becomes done
    column_set_done(column=columns[3], is_done=True, by=admin_user)

    # Then it was resolved now, past its due date: its SLA outcome is late
    ticket.refresh_from_db()
    assert ticket.resolved_at > ticket.due_at


def test_the_last_done_column_stays_done(board, columns, admin_user):
    # Given a board whose only done column holds a resolved ticket
    done = columns[-1]
    ticket = TicketFactory(board=board, column=done)

    # When an admin tries to make it an ordinary column
    with pytest.raises(Conflict) as refused:
        column_set_done(column=done, is_done=False, by=admin_user)

    # Then it is refused with a reason, and nothing changed
    assert "only done column" in refused.value.message
    assert "is_done" in refused.value.fields
    assert Column.objects.get(pk=done.pk).is_done
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DONE_COLUMN_CHANGED).exists()


def test_a_done_column_may_be_replaced_then_the_old_one_unmarked(board, columns, admin_user):
    # Given a new "Closed" column marked done
    closed = column_create(board=board, name="Closed")
    column_set_done(column=closed, is_done=True, by=admin_user)

    # When the admin unmarks "Done", now that another column is done
    column_set_done(column=columns[-1], is_done=False, by=admin_user)

    # Then "Closed" is the board's done column
    assert list(board.columns.filter(is_done=True)) == [closed]


def test_the_only_done_column_cannot_be_deleted(board, columns):
    with pytest.raises(Conflict) as refused:
        column_delete(column=columns[-1])

    assert "only done column" in refused.value.message
    assert Column.objects.filter(pk=columns[-1].pk).exists()


def test_a_change_of_done_column_is_audited(board, columns, admin_user):
    TicketFactory(board=board, column=columns[3])

    column_set_done(column=columns[3], is_done=True, by=admin_user)

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DONE_COLUMN_CHANGED)
    assert (event.actor, event.board_id) == (admin_user, board.pk)
    assert event.data == {"column": "Bugs", "old": "not done", "new": "done", "tickets": 1}


def test_setting_the_flag_a_column_already_has_changes_nothing(board, columns, admin_user):
    assert column_set_done(column=columns[-1], is_done=True, by=admin_user) == 0
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DONE_COLUMN_CHANGED).exists()


def test_a_ticket_moved_into_a_column_made_done_is_resolved(board, columns, admin_user):
    # Given "Bugs" made done after a ticket was opened elsewhere
    ticket = TicketFactory(board=board, column=columns[0])
    column_set_done(column=columns[3], is_done=True, by=admin_user)

    # When the ticket moves there, then out again
    ticket_move(ticket=ticket, column=columns[3])
    resolved = Ticket.objects.get(pk=ticket.pk).resolved_at
    ticket_move(ticket=ticket, column=columns[0])

    # Then it was resolved there and is open again outside
    assert resolved is not None
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is None


def test_a_resolution_by_a_column_is_announced_after_commit_as_a_moves_is(
    board, columns, admin_user, django_capture_on_commit_callbacks
):
    # Given a ticket of a customer in "Bugs", and a listener to resolutions (feedback is one)
    ticket = TicketFactory(board=board, column=columns[3], customer_email="ann@example.com")
    heard = []

    def record(**payload):
        heard.append(payload)

    ticket_resolved.subscribe(record)
    try:
        # When "Bugs" becomes done
        with django_capture_on_commit_callbacks(execute=True):
            column_set_done(column=columns[3], is_done=True, by=admin_user)
    finally:
        ticket_resolved.unsubscribe(record)

    # Then the listener heard of the ticket's resolution once the change committed
    assert heard == [
        {"ticket_id": ticket.pk, "board_id": board.pk, "customer_email": "ann@example.com"}
    ]


# --- The API -------------------------------------------------------------------------------------
def test_the_api_shows_which_columns_are_done(board, columns, api_as):
    response = api_as("guest").get(f"/api/boards/{board.pk}/columns/")

    assert [column["is_done"] for column in response.json()] == [False] * 4 + [True]


def test_an_admin_makes_a_column_done_over_the_api(board, columns, api_as):
    # Given a ticket in "Bugs"
    ticket = TicketFactory(board=board, column=columns[3])

    # When an admin makes "Bugs" done
    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/columns/{columns[3].pk}/", {"is_done": True}, format="json"
    )

    # Then the column says so and its ticket is resolved
    assert response.status_code == 200, response.content
    assert response.json()["is_done"] is True
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None


def test_the_api_refuses_to_unmark_the_last_done_column_with_409(board, columns, api_as):
    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/columns/{columns[-1].pk}/", {"is_done": False}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert "only done column" in body["detail"]
    assert body["is_done"] == ["A board needs at least one done column."]
    assert Column.objects.get(pk=columns[-1].pk).is_done


def test_a_rename_and_a_done_flag_refused_together_write_nothing(board, columns, api_as):
    # When one request renames the last done column and unmarks it, which is refused
    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/columns/{columns[-1].pk}/",
        {"name": "Closed", "is_done": False},
        format="json",
    )

    # Then the rename did not happen either
    assert response.status_code == 409
    assert Column.objects.get(pk=columns[-1].pk).name == "Done"


def test_a_done_flag_that_is_not_a_boolean_is_a_field_error(board, columns, api_as):
    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/columns/{columns[3].pk}/", {"is_done": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert "is_done" in response.json()


def test_a_new_column_may_be_done_from_the_start(board, columns, api_as):
    response = api_as("admin").post(
        f"/api/boards/{board.pk}/columns/", {"name": "Closed", "is_done": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["is_done"] is True


# --- Deleting a column moves its tickets, and the rule of resolution decides for them ----------
def test_deleting_a_column_into_a_done_column_resolves_its_tickets_as_a_move(
    board, columns, admin_user, django_capture_on_commit_callbacks
):
    # Given two open tickets in "Bugs"; "Done" is a done column
    bugs, done = columns[3], columns[4]
    assert done.is_done
    tickets = [TicketFactory(board=board, column=bugs) for _ in range(2)]
    heard = []

    def record(**payload):
        heard.append(payload["ticket_id"])

    # When an admin deletes "Bugs", moving its tickets into "Done"
    ticket_resolved.subscribe(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            column_delete(column=bugs, move_to=done, by=admin_user)
    finally:
        ticket_resolved.unsubscribe(record)

    # Then they are resolved, with the move in their history, and asked about (CSAT)
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.column, ticket.resolved_at is not None) == (done, True)
        entry = ticket.activities.get(kind=Activity.Kind.MOVED)
        assert (entry.actor, entry.to_column, entry.data["from_column_name"]) == (
            admin_user,
            done,
            "Bugs",
        )
    assert sorted(heard) == sorted(ticket.pk for ticket in tickets)


def test_deleting_a_done_column_into_an_open_one_reopens_its_tickets(board, columns, admin_user):
    done, bugs = columns[4], columns[3]
    column_create(board=board, name="Shipped", is_done=True)
    ticket = TicketFactory(board=board, column=done)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None

    column_delete(column=done, move_to=bugs, by=admin_user)

    ticket.refresh_from_db()
    assert (ticket.column, ticket.resolved_at) == (bugs, None)


def test_a_ticket_resolved_by_its_status_stays_resolved_out_of_a_deleted_done_column(
    board, columns, admin_user
):
    done, bugs = columns[4], columns[3]
    column_create(board=board, name="Shipped", is_done=True)
    ticket = TicketFactory(board=board, column=done, status=Status.RESOLVED)

    column_delete(column=done, move_to=bugs, by=admin_user)

    ticket.refresh_from_db()
    assert ticket.column == bugs
    assert ticket.resolved_at is not None


def test_the_settings_page_deletes_a_column_into_a_done_column_resolving_its_tickets(
    board, columns, client_as
):
    bugs, done = columns[3], columns[4]
    ticket = TicketFactory(board=board, column=bugs)

    response = client_as("admin").post(
        f"/boards/{board.pk}/columns/{bugs.pk}/delete/", {"move_to": done.pk}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.column == done
    assert ticket.resolved_at is not None


def test_the_api_deletes_a_column_into_a_done_column_resolving_its_tickets(board, columns, api_as):
    bugs, done = columns[3], columns[4]
    ticket = TicketFactory(board=board, column=bugs)

    response = api_as("admin").delete(
        f"/api/boards/{board.pk}/columns/{bugs.pk}/?move_to={done.pk}"
    )

    assert response.status_code == 204
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
