"""Creates are idempotent on request: a retry with the same Idempotency-Key and body answers the
first result and creates nothing; the same key with another body is a 409."""

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from csboard.core.idempotency import idempotency_keys_purge
from csboard.core.models import IdempotencyKey
from tests.threads import run_at_once
from tickets.models import Ticket
from workspace.models import Message

pytestmark = pytest.mark.django_db


def tickets_url(board):
    return f"/api/boards/{board.pk}/tickets/"


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_ticket_create_answers_the_first_result_and_makes_one_ticket(board, api_as):
    member = api_as("member")
    body = {"title": "Team discount?"}

    first = post(member, tickets_url(board), body, "7f1c-retry")
    retry = post(member, tickets_url(board), body, "7f1c-retry")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Ticket.objects.filter(board=board, title="Team discount?").count() == 1


def test_the_same_key_with_another_body_is_a_409_and_creates_nothing(board, api_as):
    member = api_as("member")
    post(member, tickets_url(board), {"title": "Team discount?"}, "k-1")

    response = post(member, tickets_url(board), {"title": "Something else"}, "k-1")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Ticket.objects.filter(title="Something else").exists()


def test_without_a_key_every_create_creates(board, api_as):
    member = api_as("member")

    for _ in range(2):
        assert member.post(tickets_url(board), {"title": "Twice"}).status_code == 201

    assert Ticket.objects.filter(title="Twice").count() == 2


def test_keys_belong_to_one_user(board, api_as):
    post(api_as("member"), tickets_url(board), {"title": "Mine"}, "shared-key")

    response = post(api_as("admin"), tickets_url(board), {"title": "Mine"}, "shared-key")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Ticket.objects.filter(title="Mine").count() == 2


def test_a_key_older_than_24_hours_creates_again(board, api_as):
    member = api_as("member")
    post(member, tickets_url(board), {"title": "Yesterday"}, "old-key")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    response = post(member, tickets_url(board), {"title": "Yesterday"}, "old-key")

    assert "Idempotent-Replayed" not in response
    assert Ticket.objects.filter(title="Yesterday").count() == 2


def test_a_refused_create_keeps_nothing_so_the_corrected_retry_creates(board, api_as):
    member = api_as("member")

    refused = post(member, tickets_url(board), {"title": ""}, "fix-and-retry")
    corrected = post(member, tickets_url(board), {"title": "Fixed"}, "fix-and-retry")

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert Ticket.objects.filter(title="Fixed").count() == 1


def test_a_key_longer_than_255_characters_is_a_400(board, api_as):
    response = post(api_as("member"), tickets_url(board), {"title": "Long"}, "k" * 256)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Ticket.objects.filter(title="Long").exists()


@pytest.mark.parametrize("where", ["ticket", "board"])
def test_a_retried_comment_or_board_message_makes_one_message(where, board, ticket, api_as):
    member = api_as("member")
    under = f"tickets/{ticket.number}/comments" if where == "ticket" else "messages"
    url = f"/api/boards/{board.pk}/{under}/"

    first = post(member, url, {"body": "On it."}, "message-1")
    retry = post(member, url, {"body": "On it."}, "message-1")

    assert (first.status_code, retry.json()) == (201, first.json())
    assert Message.objects.filter(body="On it.").count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_ticket(board, api_as):
    clients = [api_as("member") for _ in range(6)]

    results, errors = run_at_once(
        6, lambda i: post(clients[i], tickets_url(board), {"title": "At once"}, "same").status_code
    )

    assert errors == []
    assert results == [201] * 6
    assert Ticket.objects.filter(title="At once").count() == 1


def test_keys_older_than_24_hours_are_purged(board, api_as):
    member = api_as("member")
    post(member, tickets_url(board), {"title": "Old"}, "old")
    post(member, tickets_url(board), {"title": "New"}, "new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_schema_documents_the_header_on_the_three_creates():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    creates = [
        "/api/boards/{board_id}/tickets/",
        "/api/boards/{board_id}/tickets/{number}/comments/",
        "/api/boards/{board_id}/messages/",
    ]

    for path in creates:
        names = [p["name"] for p in schema["paths"][path]["post"]["parameters"]]
        assert "Idempotency-Key" in names, path
