"""The request form's defences: each refused submission stores nothing (no ticket, customer,
file or email), answers 400 (413 too large, 429 too many, 403 posted from elsewhere) and shows
the form again with a clear message and what the person typed."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from customers.models import Customer
from mail.models import Email
from portal.services import form_token, form_token_check
from tests.portal.conftest import aged_token, request_data
from tickets.models import Ticket
from workspace.models import Attachment

TYPED = "My invoice for March never arrived."


def stored() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(), Customer.objects.count(), Attachment.objects.count(),
        Email.objects.count(),
    )  # fmt: skip


def post(client, board, embed=False, **overrides):
    path = f"/help/{board.key}/{'embed/' if embed else ''}"
    extra = {"HTTP_ORIGIN": "http://testserver"} if embed else {}
    return client.post(path, request_data(board, **overrides), **extra)


def assert_refused(response, status: int, says: str):
    page = response.content.decode()
    assert response.status_code == status
    assert says in page
    assert TYPED in page  # the person's input is kept
    assert stored() == (0, 0, 0, 0)


@pytest.fixture
def other_board(admin_user):
    from boards.services import board_create
    from portal.models import PortalSettings

    other = board_create(name="Sales", key="SAL", created_by=admin_user)
    PortalSettings.objects.create(board=other, form_enabled=True)
    return other


@pytest.mark.parametrize("embed", [False, True])
def test_the_trap_field_filled_in_is_refused(client, board, form_on, embed):
    response = post(client, board, embed=embed, website="https://spam.example")

    assert_refused(response, 400, "leave this empty")


@pytest.mark.parametrize("embed", [False, True])
def test_a_form_sent_too_fast_is_refused(client, board, form_on, embed):
    response = post(client, board, embed=embed, token=form_token(board))

    assert_refused(response, 400, "very quick")


def test_a_form_open_for_more_than_a_day_is_refused(client, board, form_on):
    response = post(client, board, token=aged_token(board, seconds=86_401))

    assert_refused(response, 400, "more than a day")


@pytest.mark.parametrize(
    "token", ["", "garbage", "tampered"], ids=["missing", "garbage", "tampered"]
)
def test_a_missing_or_tampered_token_is_refused(client, board, form_on, token):
    if token == "tampered":
        good = aged_token(board)
        token = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")

    response = post(client, board, token=token)

    assert_refused(response, 400, "could not be checked")


def test_another_boards_token_is_refused(client, board, form_on, other_board):
    response = post(client, board, token=aged_token(other_board))

    assert_refused(response, 400, "could not be checked")


def test_a_token_serves_once(client, board, form_on):
    token = aged_token(board)
    assert post(client, board, token=token).status_code == 302

    response = post(client, board, token=token, email="someone@else.example")

    assert response.status_code == 400
    assert "sent already" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_a_refused_form_comes_back_with_a_fresh_token_that_works(client, board, form_on):
    response = post(client, board, token=form_token(board))
    fresh = response.context["token"]
    assert 'name="token" value="' + fresh + '"' in response.content.decode()

    later = time.time() + 10  # the person fixes the form, and sends it again
    form_token_check(fresh, board, now=later)  # nothing raised: the fresh token serves


def test_more_than_the_hourly_requests_from_one_address_are_refused(
    client, board, form_on, settings
):
    settings.PORTAL_FORM_ADDRESS_HOURLY = 2
    for _ in range(2):
        assert post(client, board).status_code == 302

    response = post(client, board, email="DANA@fbi.example")  # the same address

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert TYPED in response.content.decode()
    assert Ticket.objects.count() == 2
    assert post(client, board, email="fox@fbi.example").status_code == 302  # another address


def test_more_than_the_hourly_requests_from_one_ip_are_refused(client, board, form_on, settings):
    settings.PORTAL_FORM_IP_HOURLY = 2
    for n in range(2):
        assert post(client, board, email=f"c{n}@example.com").status_code == 302

    response = post(client, board, email="c3@example.com")

    assert response.status_code == 429
    assert Ticket.objects.count() == 2
    other_ip = Client(REMOTE_ADDR="203.0.113.9")
    assert post(other_ip, board, email="c4@example.com").status_code == 302


@pytest.mark.parametrize(
    ("field", "length"), [("subject", 201), ("message", 10_001), ("name", 151)]
)
def test_text_over_its_limit_is_refused(client, board, form_on, field, length):
    overrides = {field: "x" * length}
    if field != "message":
        overrides["message"] = TYPED

    response = post(client, board, **overrides)

    assert response.status_code == 400
    assert stored() == (0, 0, 0, 0)
    assert f"at most {length - 1} characters" in response.content.decode().lower()


def test_a_file_over_the_limit_answers_413(client, board, form_on, settings):
    settings.ATTACHMENT_MAX_BYTES = 3

    response = post(client, board, files=[SimpleUploadedFile("big.zip", b"1234")])

    assert_refused(response, 413, "big.zip")


def test_too_many_files_are_refused(client, board, form_on, settings):
    settings.ATTACHMENT_MAX_FILES = 2

    response = post(client, board, files=[SimpleUploadedFile(f"{n}.txt", b"x") for n in range(3)])

    assert_refused(response, 400, "At most 2 files")


def test_a_request_body_over_the_limit_answers_413_before_it_is_read(
    client, board, form_on, settings
):
    settings.PORTAL_FORM_MAX_BYTES = 1000

    response = post(client, board, files=[SimpleUploadedFile("big.bin", b"x" * 2000)])

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "overrides",
    [{"priority": "whenever"}, {"area": "999999"}, {"priority": "high"}, {"area": "{tag}"}],
    ids=["unknown priority", "unknown area", "priority not asked", "area not offered"],
)
def test_fields_the_form_does_not_offer_are_refused(client, board, form_on, overrides):
    from boards.services import tag_create

    form_on.ask_priority = "priority" in overrides and overrides["priority"] == "whenever"
    form_on.save()
    offered = tag_create(board=board, name="Billing", color="#22c55e")
    other = tag_create(board=board, name="Mobile", color="#22c55e")
    if "area" in overrides:
        form_on.areas.add(offered)
        overrides = {"area": str(other.pk) if overrides["area"] == "{tag}" else overrides["area"]}

    response = post(client, board, **overrides)

    if overrides.get("priority") == "high":  # a field the form lacks is ignored, not stored
        assert response.status_code == 302
        assert Ticket.objects.get().priority == "normal"
        return
    assert_refused(response, 400, "Select a valid choice")


def test_the_page_form_needs_djangos_csrf_token(board, form_on):
    client = Client(enforce_csrf_checks=True)

    response = post(client, board)

    assert response.status_code == 403
    assert stored() == (0, 0, 0, 0)


def test_the_page_form_with_its_csrf_token_is_accepted(board, form_on):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/help/{board.key}/")
    csrf = page.context["csrf_token"]

    response = post(client, board, csrfmiddlewaretoken=str(csrf))

    assert response.status_code == 302
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
    ids=["other origin", "opaque origin", "other referer", "neither", "cross-site fetch"],
)
def test_the_embedded_form_posted_from_elsewhere_is_refused(board, form_on, headers):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/help/{board.key}/embed/", request_data(board), **headers)

    assert_refused(response, 403, "only be sent from its own page")


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/help/CS/embed/"}],
    ids=["origin", "referer"],
)
def test_the_embedded_form_needs_no_csrf_cookie_from_its_own_page(board, form_on, headers):
    client = Client(enforce_csrf_checks=True)  # no cookie: as in a cross-site frame

    response = client.post(f"/help/{board.key}/embed/", request_data(board), **headers)

    assert response.status_code == 302
    assert response["Location"] == f"/help/{board.key}/embed/sent/"
    assert Ticket.objects.count() == 1
