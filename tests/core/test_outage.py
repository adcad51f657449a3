"""Redis goes away and comes back, on a Redis of the test's own: clear 503s (JSON for the API,
the app's page for pages), sessions read from the database, committed writes answered as such,
and everything working again once Redis returns, without a restart."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.template.loader import render_to_string
from django.test import Client

from tests.boards.test_realtime import socket
from tickets.models import Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_as(user_for):
    """A signed-in browser whose errors are answered as a browser would see them."""

    def make(role: str) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user_for(role))
        return client

    return make


@pytest.fixture
def api(api_as):
    client = api_as("member")
    client.raise_request_exception = False
    return client


def test_the_api_answers_503_json_with_retry_after_while_redis_is_away(own_redis, board, api):
    own_redis.stop()

    response = api.get(f"/api/boards/{board.pk}/tickets/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"]
    assert response["Retry-After"] == "10"


def test_a_signed_in_page_is_served_from_the_database_session_while_redis_is_away(
    own_redis, board, browser_as
):
    browser = browser_as("member")
    own_redis.stop()

    response = browser.get(f"/boards/{board.pk}/")

    assert response.status_code == 200
    assert response.wsgi_request.user.username == "mia"
    assert b"Customer Success" in response.content


@pytest.mark.urls("tests.core.outage_urls")
def test_a_page_that_needs_redis_answers_the_apps_503_page(own_redis, board, browser_as):
    browser = browser_as("member")
    own_redis.stop()

    response = browser.get("/needs-redis/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "back in a moment" in response.content.decode()
    assert b'class="topbar"' in response.content  # the app's own layout, signed in


def test_an_unexpected_error_page_is_in_the_apps_style():
    page = render_to_string("500.html")  # as Django's handler renders it: without a request

    assert 'class="error-page"' in page
    assert "css/tokens.css" in page


def test_a_ticket_created_on_a_page_while_redis_is_away_is_stored_and_answered(
    own_redis, board, columns, browser_as, caplog
):
    browser = browser_as("member")
    own_redis.stop()

    with caplog.at_level(logging.WARNING, logger="csboard.core.aftercommit"):
        response = browser.post(
            f"/boards/{board.pk}/tickets/new/", {"title": "Refund please", "column": columns[0].pk}
        )

    assert response.status_code == 302
    assert Ticket.objects.filter(board=board, title="Refund please").count() == 1
    assert any("skipped" in record.getMessage() for record in caplog.records)


def test_an_api_create_whose_broadcast_fails_after_commit_answers_201(
    own_redis, board, api, settings
):
    # Given the cache (throttles) up and the channel layer's Redis away
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": settings.REDIS_URL}}
    own_redis.stop()

    response = api.post(f"/api/boards/{board.pk}/tickets/", {"title": "Invoice copy"})

    assert response.status_code == 201
    assert Ticket.objects.filter(board=board, title="Invoice copy").count() == 1


def test_signing_in_while_redis_is_away_works_on_the_database_session(
    own_redis, board, member_user, password
):
    browser = Client(raise_request_exception=False)
    own_redis.stop()

    signed_in = browser.post("/accounts/login/", {"username": "mia", "password": password})

    assert signed_in.status_code == 302
    assert browser.get(f"/boards/{board.pk}/").wsgi_request.user == member_user


def test_a_committed_create_never_raises_what_fails_after_commit(own_redis, board, member_user):
    own_redis.stop()

    ticket = ticket_create(board=board, created_by=member_user, title="Where is my invoice?")

    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_everything_recovers_when_redis_returns_without_a_restart(
    own_redis, board, member_user, api, browser_as
):
    browser = browser_as("member")
    sockets = [socket(board, member_user) for _ in range(3)]

    async def outage_and_back() -> list:
        hellos = []
        first = sockets[0]
        connected, _ = await first.connect()
        hellos.append((connected, await first.receive_json_from(timeout=5)))
        await first.disconnect()
        await sync_to_async(own_redis.stop)()
        while_down = sockets[1]
        connected, _ = await while_down.connect()
        hellos.append((connected, await while_down.receive_output(timeout=5)))
        await while_down.wait(timeout=5)  # the socket's end raises nothing (one log line)
        await sync_to_async(own_redis.start)()
        after = sockets[2]
        connected, _ = await after.connect()
        hellos.append((connected, await after.receive_json_from(timeout=5)))
        await after.disconnect()
        return hellos

    # On a thread of its own: a browser test earlier in the run leaves Playwright's event loop
    # marked as running on this one, where async_to_sync refuses to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        before, while_down, after = pool.submit(asyncio.run, outage_and_back()).result()

    assert before[1]["kind"] == "hello"
    assert while_down[1] == {"type": "websocket.close", "code": 1013}  # the page retries later
    assert after == (True, {"kind": "hello", "board": board.pk, "changed_at": None})
    assert api.get(f"/api/boards/{board.pk}/tickets/").status_code == 200
    assert browser.get(f"/boards/{board.pk}/").status_code == 200
