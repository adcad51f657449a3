"""Feedback intake: the board's secret, idempotent retries, clear 400s, detractors as tickets
assigned in turn, customers linked by email."""

import pytest

from customers.models import Customer
from feedback.models import FeedbackResponse, FeedbackSettings
from feedback.services import feedback_duty_set, feedback_receive, feedback_secret_rotate
from notifications.models import Notification
from sla.selectors import ticket_deadlines
from sla.services import sla_policy_set
from tests.threads import run_at_once
from tickets.models import Priority, Ticket
from tickets.services import ticket_create

NPS_DETRACTOR = {"kind": "nps", "score": 3, "email": "dana@example.com", "comment": "Too slow"}


@pytest.fixture
def secret(board):
    return feedback_secret_rotate(board=board)


def intake(client, board, body, secret=None, **headers):
    if secret is not None:
        headers["HTTP_X_FEEDBACK_SECRET"] = secret
    return client.post(
        f"/api/boards/{board.pk}/feedback/intake/", body, content_type="application/json", **headers
    )


# --- The secret --------------------------------------------------------------------------------
@pytest.mark.parametrize("given", [None, "", "fbk_wrong"])
def test_a_missing_or_wrong_secret_is_refused(client, board, secret, given):
    response = intake(client, board, NPS_DETRACTOR, given)

    assert response.status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_an_unknown_board_answers_like_a_wrong_secret(client, board, secret):
    response = client.post(
        "/api/boards/999999/feedback/intake/", NPS_DETRACTOR, content_type="application/json",
        HTTP_X_FEEDBACK_SECRET=secret,
    )  # fmt: skip

    assert response.status_code == 403


def test_a_rotated_secret_replaces_the_old_one(client, board, secret):
    new = feedback_secret_rotate(board=board)

    assert intake(client, board, NPS_DETRACTOR, secret).status_code == 403
    assert intake(client, board, NPS_DETRACTOR, new).status_code == 201


def test_guests_read_the_feedback_api_only_where_the_board_shares_its_metrics(board, api_as):
    # Given a board with one response, keeping its metrics to members
    feedback_receive(board=board, kind="nps", score=2, email="ada@example.com", comment="Slow")
    url = f"/api/boards/{board.pk}/feedback/"

    # Then a guest is refused, until the board shares its metrics with guests
    refused = api_as("guest").get(url)
    assert refused.status_code == 403
    assert "ada@example.com" not in refused.content.decode()
    FeedbackSettings.objects.update_or_create(board=board, defaults={"guests_see_metrics": True})
    shared = api_as("guest").get(url)
    assert shared.status_code == 200
    assert [row["email"] for row in shared.json()["results"]] == ["ada@example.com"]


def test_only_admins_rotate_the_secret(board, api_as):
    url = f"/api/boards/{board.pk}/feedback/secret/"

    assert api_as("member").post(url).status_code == 403
    response = api_as("admin").post(url)
    assert response.status_code == 201
    assert response.json()["secret"].startswith("fbk_")


# --- Validation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NPS_DETRACTOR, "score": 11}, "score"),
        ({**NPS_DETRACTOR, "kind": "csat", "score": 0}, "score"),
        ({**NPS_DETRACTOR, "kind": "csat", "score": 6}, "score"),
        ({**NPS_DETRACTOR, "score": "7"}, "score"),
        ({**NPS_DETRACTOR, "email": "not-an-email"}, "email"),
        ({**NPS_DETRACTOR, "kind": "ces"}, "kind"),
        ({"kind": "nps", "score": 5}, "email"),
    ],
)
def test_malformed_input_gets_a_400_naming_the_field(client, board, secret, body, field):
    response = intake(client, board, body, secret)

    assert response.status_code == 400
    assert field in response.json()


# --- Detractors, promoters, customers ------------------------------------------------------------
def test_a_detractor_becomes_a_high_priority_ticket_due_in_24_hours(
    client, board, columns, secret, member_user
):
    feedback_duty_set(board=board, users=[member_user], intake_column=columns[0])

    response = intake(client, board, {**NPS_DETRACTOR, "name": "Dana"}, secret)

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.json()["ticket"] == ticket.number
    assert (ticket.column, ticket.priority) == (columns[0], Priority.HIGH)
    assert [t.name for t in ticket.tags.all()] == ["detractor"]
    assert list(ticket.assignees.all()) == [member_user]
    assert abs((ticket.due_at - ticket.created_at).total_seconds() - 24 * 3600) < 60
    assert "Too slow" in ticket.description
    assert "3/10" in ticket.description
    assert ticket.customer.email == "dana@example.com"
    assert Notification.objects.filter(recipient=member_user, kind="detractor").exists()


def test_a_detractors_deadlines_come_from_the_boards_policy_not_by_hand(
    client, board, columns, secret, member_user
):
    sla_policy_set(board=board, high_first_response_hours=2, high_resolution_hours=6)
    feedback_duty_set(board=board, users=[member_user], intake_column=columns[0])

    intake(client, board, NPS_DETRACTOR, secret)

    ticket = Ticket.objects.get()
    deadlines = ticket_deadlines(board=board, priority=Priority.HIGH, start=ticket.created_at)
    assert (ticket.first_response_due_at, ticket.due_at) == (
        deadlines.first_response,
        deadlines.resolution,
    )
    assert ticket.due_is_manual is False


def test_a_detractors_assignee_is_notified_once(client, board, columns, secret, member_user):
    feedback_duty_set(board=board, users=[member_user], intake_column=columns[0])

    intake(client, board, NPS_DETRACTOR, secret)

    notices = Notification.objects.filter(recipient=member_user)
    assert [(n.kind, n.body) for n in notices] == [("detractor", "Too slow")]


@pytest.mark.parametrize(("kind", "score"), [("nps", 7), ("nps", 10), ("csat", 3), ("csat", 5)])
def test_passives_and_promoters_are_recorded_not_ticketed(client, board, secret, kind, score):
    response = intake(client, board, {**NPS_DETRACTOR, "kind": kind, "score": score}, secret)

    assert response.status_code == 201
    assert FeedbackResponse.objects.count() == 1
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(("kind", "score"), [("nps", 0), ("nps", 6), ("csat", 1), ("csat", 2)])
def test_the_detractor_boundaries(board, kind, score):
    response, _ = feedback_receive(board=board, kind=kind, score=score, email="a@example.com")

    assert response.ticket is not None


def test_detractor_tickets_are_assigned_in_turn(board, admin_user, member_user):
    feedback_duty_set(board=board, users=[admin_user, member_user])

    owners = [
        list(
            feedback_receive(board=board, kind="nps", score=1, email=f"c{i}@example.com")[
                0
            ].ticket.assignees.all()
        )
        for i in range(3)
    ]

    assert owners == [[admin_user], [member_user], [admin_user]]


def test_guests_cannot_take_feedback_duty(board, guest_user):
    from csboard.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        feedback_duty_set(board=board, users=[guest_user])


def test_tickets_and_feedback_with_one_email_share_the_customer(board, member_user):
    ticket = ticket_create(
        board=board, created_by=member_user, title="Hi", customer_email="Dana@Example.com"
    )
    response, _ = feedback_receive(board=board, kind="nps", score=9, email="dana@example.com")

    assert Customer.objects.count() == 1
    assert ticket.customer == response.customer


# --- Idempotency -------------------------------------------------------------------------------
def test_a_retry_with_the_same_key_returns_the_first_response_and_no_second_ticket(
    client, board, secret
):
    body = {**NPS_DETRACTOR, "idempotency_key": "survey-42"}

    first = intake(client, board, body, secret)
    again = intake(client, board, body, secret)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1


def test_the_idempotency_key_may_come_as_a_header(client, board, secret):
    intake(client, board, NPS_DETRACTOR, secret, HTTP_IDEMPOTENCY_KEY="abc")
    intake(client, board, NPS_DETRACTOR, secret, HTTP_IDEMPOTENCY_KEY="abc")

    assert FeedbackResponse.objects.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_response_and_one_ticket(board):
    def send(_):
        return feedback_receive(
            board=board, kind="nps", score=2, email="a@example.com", idempotency_key="same"
        )[1]

    created, errors = run_at_once(5, send)

    assert errors == []
    assert sorted(created) == [False, False, False, False, True]
    assert Ticket.objects.count() == 1
