"""CSAT on resolution: an email with signed one-click links; the rating lands on the ticket and
the customer; tampered and expired links are refused."""

import pytest
from django.core import mail, signing

from feedback import services
from feedback.models import FeedbackResponse, FeedbackSettings
from tickets.models import Status
from tickets.services import ticket_update


@pytest.fixture
def resolved(board, ticket, member_user):
    FeedbackSettings.objects.create(board=board, csat_on_resolve=True)
    return ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)


def link(ticket, score):
    return f"/feedback/csat/{services.csat_token(ticket)}/{score}/"


def test_resolving_asks_the_customer_with_five_links(resolved, django_capture_on_commit_callbacks):
    sent = services.csat_request_send(ticket_id=resolved.pk)

    assert sent is True
    (email,) = mail.outbox
    assert email.to == ["dana@example.com"]
    assert email.body.count("/feedback/csat/") == 5
    assert email.alternatives[0][1] == "text/html"


def test_resolving_schedules_the_request_after_commit(
    board, ticket, member_user, monkeypatch, django_capture_on_commit_callbacks
):
    scheduled = []
    monkeypatch.setattr("feedback.tasks.csat_request_task.delay", lambda pk: scheduled.append(pk))

    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)

    assert scheduled == [ticket.pk]


def test_no_request_when_the_board_does_not_ask(board, ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)

    assert services.csat_request_send(ticket_id=ticket.pk) is False
    assert mail.outbox == []


def test_one_click_records_the_rating_on_ticket_and_customer(client, resolved):
    response = client.get(link(resolved, 4))

    assert response.status_code == 200
    rating = FeedbackResponse.objects.get()
    assert (rating.kind, rating.score, rating.ticket) == ("csat", 4, resolved)
    assert rating.customer == resolved.customer


def test_a_second_click_changes_the_rating_instead_of_adding_one(client, resolved):
    client.get(link(resolved, 2))
    client.get(link(resolved, 5))

    assert list(FeedbackResponse.objects.values_list("score", flat=True)) == [5]


def test_a_tampered_link_is_refused(client, resolved):
    token = services.csat_token(resolved)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    response = client.get(f"/feedback/csat/{forged}/5/")

    assert response.status_code == 400
    assert not FeedbackResponse.objects.exists()


def test_an_expired_link_is_refused(client, resolved, monkeypatch):
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 15 * 24 * 3600)
    old_token = services.csat_token(resolved)
    monkeypatch.setattr(signing.time, "time", real_time)

    response = client.get(f"/feedback/csat/{old_token}/5/")

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_an_out_of_range_score_is_refused(client, resolved):
    assert client.get(link(resolved, 9)).status_code == 400
