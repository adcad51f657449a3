"""Named events (csboard.core.events): a lower app lets a higher one react after commit, never for
a write that rolls back, and a failing subscriber never fails the write."""

import pytest
from django.db import transaction

from csboard.core.events import Event
from tickets.events import ticket_resolved
from tickets.models import Status, Ticket
from tickets.services import ticket_update


@pytest.fixture
def heard():
    """What `ticket_resolved` subscribers hear during the test."""
    payloads = []

    def record(**payload):
        payloads.append(payload)

    ticket_resolved.subscribe(record)
    yield payloads
    ticket_resolved.unsubscribe(record)


def test_a_subscriber_runs_only_once_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    event, heard = Event("tested"), []
    event.subscribe(lambda **payload: heard.append(payload))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event.emit(ticket_id=7)
        assert heard == []

    assert heard == [{"ticket_id": 7}]


def test_a_subscriber_never_hears_of_a_write_that_rolled_back(
    db, django_capture_on_commit_callbacks
):
    event, heard = Event("tested"), []
    event.subscribe(lambda **payload: heard.append(payload))

    def write():
        with transaction.atomic():
            event.emit(ticket_id=7)
            raise RuntimeError("the write failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        write()

    assert heard == []


def test_a_failing_subscriber_is_logged_and_the_others_still_run(
    db, django_capture_on_commit_callbacks, caplog
):
    event, heard = Event("tested"), []

    def broken(**payload):
        raise ValueError("subscriber bug")

    event.subscribe(broken)
    event.subscribe(lambda **payload: heard.append(payload))

    with django_capture_on_commit_callbacks(execute=True):
        event.emit(ticket_id=7)

    assert heard == [{"ticket_id": 7}]
    assert "broken failed; the write stands" in caplog.text


def test_subscribing_twice_runs_a_subscriber_once(db, django_capture_on_commit_callbacks):
    event, heard = Event("tested"), []

    def record(**payload):
        heard.append(payload)

    event.subscribe(record)
    event.subscribe(record)
    with django_capture_on_commit_callbacks(execute=True):
        event.emit(ticket_id=7)

    assert len(heard) == 1


def test_feedback_listens_for_resolved_tickets():
    from feedback.tasks import csat_request_when_resolved

    assert csat_request_when_resolved in ticket_resolved._subscribers


def test_resolving_on_the_ticket_page_is_heard_after_commit(
    board, columns, ticket, client_as, heard, django_capture_on_commit_callbacks
):
    done = next(column for column in columns if column.is_done)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as("member").post(
            f"/boards/{board.pk}/tickets/{ticket.number}/move/",
            {"column": done.pk, "position": "1"},
        )
        assert heard == []  # not before the commit

    assert response.status_code == 302
    assert callbacks
    assert heard == [
        {"ticket_id": ticket.pk, "board_id": board.pk, "customer_email": "dana@example.com"}
    ]


def test_resolving_through_the_api_is_heard_after_commit(
    board, ticket, api_as, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("member").patch(
            f"/api/boards/{board.pk}/tickets/{ticket.number}/",
            {"status": "resolved"},
            format="json",
        )

    assert response.status_code == 200
    assert heard == [
        {"ticket_id": ticket.pk, "board_id": board.pk, "customer_email": "dana@example.com"}
    ]


def test_a_resolution_that_rolls_back_is_never_heard(
    ticket, member_user, heard, django_capture_on_commit_callbacks
):
    def write():
        with transaction.atomic():
            ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
            raise RuntimeError("a later step of the same write failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        write()

    assert heard == []
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is None


def test_a_ticket_resolved_twice_is_heard_once(
    ticket, member_user, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
        ticket_update(ticket=ticket, by=member_user, title="Still resolved")

    assert len(heard) == 1
