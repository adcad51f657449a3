"""The database cuts every connection (a restart, a failover, `pg_terminate_backend`): the app
under its production server answers again within a second, with no restart of its own."""

import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections

from accounts.services import token_create
from tests.threads import other_connection

pytestmark = pytest.mark.system


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _cut_every_connection_but_the_tests() -> int:
    connection.ensure_connection()
    mine = connection.connection.get_backend_pid()
    killer = other_connection()
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (%s, pg_backend_pid())",
            [mine],
        )
        cut = cursor.fetchone()[0]
    killer.close()
    return cut


def test_the_api_answers_within_a_second_after_the_database_cut_every_connection(
    board, member_user, asgi_server, monkeypatch
):
    # Given the app under uvicorn, keeping its database connections (CONN_MAX_AGE), one of
    # which is open
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    token = token_create(user=member_user)[1]
    url = f"{asgi_server}/api/boards/{board.pk}/"
    assert _get(url, token) == 200

    # When the database cuts every connection it has
    assert _cut_every_connection_but_the_tests() >= 1
    cut_at = time.monotonic()

    # Then the very next requests are answered, within a second
    answers = [_get(url, token) for _ in range(3)]
    elapsed = time.monotonic() - cut_at
    _cut_every_connection_but_the_tests()  # the connections kept meanwhile, before teardown
    assert answers == [200] * 3
    assert elapsed < 1.0
