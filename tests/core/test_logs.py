"""What the console shows of a request the client got wrong: one line, never a traceback."""

import io
import logging
import sys

import pytest

from csboard.core.log import ClientErrors

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the console handler of settings.LOGGING writes, while a test runs."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_page_refused_with_403_is_one_line_without_its_traceback(
    client, board, member_user, console
):
    client.force_login(member_user)

    response = client.get(f"/boards/{board.pk}/settings/")  # admins only: PermissionDenied

    assert response.status_code == 403
    [line] = console.getvalue().splitlines()
    assert line.endswith(
        f"WARNING django.request Forbidden (Permission denied): /boards/{board.pk}/settings/"
    )


def test_an_api_404_is_one_line(client, member_user, console):
    client.force_login(member_user)

    response = client.get("/api/boards/999999/")

    assert response.status_code == 404
    [line] = console.getvalue().splitlines()
    assert line.endswith("WARNING django.request Not Found: /api/boards/999999/")


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500

    assert ClientErrors(drop=True).filter(record)
    assert record.exc_info is not None
