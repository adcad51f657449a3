"""The portal tested as an outsider: a customer's session opens nothing of the team's, a team
session nothing of the portal's; guessed ticket numbers and file ids, spent or forged links, a
cookie carried to another board, a session after sign-out; stored scripts in a customer's
answer and its file names, on the portal's pages and on the team's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from boards.services import board_create
from portal import auth
from portal.models import PortalSettings
from tests.factories import TicketFactory
from tests.portal.conftest import link_url, ticket_url
from tests.test_security import PAYLOAD, assert_escaped
from workspace import services as workspace
from workspace.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_board(admin_user):
    """A second board with its portal on, where Dana also has a ticket."""
    other = board_create(name="Other", key="OT", created_by=admin_user, template="customer-success")
    other.portal_settings = PortalSettings.objects.create(board=other, portal_enabled=True)
    return other


def test_a_customer_session_opens_nothing_of_the_teams(portal_client, portal_board, ticket):
    for page in (
        "/",
        f"/boards/{portal_board.pk}/",
        f"/boards/{portal_board.pk}/tickets/{ticket.number}/",
    ):
        assert portal_client.get(page)["Location"].startswith("/accounts/login/"), page
    assert portal_client.get("/api/boards/").status_code in (401, 403)
    assert portal_client.get(f"/api/boards/{portal_board.pk}/tickets/").status_code in (401, 403)


def test_a_team_session_opens_nothing_of_the_portal(client, admin_user, portal_board, ticket):
    client.force_login(admin_user)  # the board's admin, even

    home = client.get(f"/portal/{portal_board.key}/")

    assert b"Email me a sign-in link" in home.content
    assert ticket.title.encode() not in home.content
    assert client.get(ticket_url(ticket))["Location"] == f"/portal/{portal_board.key}/"


def test_guessed_ticket_numbers_are_all_not_found(
    portal_client, portal_board, ticket, other_ticket
):
    extra = [
        TicketFactory(board=portal_board, customer_email=f"c{n}@example.com") for n in range(3)
    ]
    numbers = {other_ticket.number, *(t.number for t in extra), 0, 10_000, 2**31}

    for number in numbers:
        assert portal_client.get(f"/portal/{portal_board.key}/tickets/{number}/").status_code == 404
        for tail in ("answer/", "rating/"):
            url = f"/portal/{portal_board.key}/tickets/{number}/{tail}"
            assert portal_client.post(url, {"body": "x", "score": 5}).status_code == 404
    assert portal_client.get(f"/portal/{portal_board.key}/tickets/abc/").status_code == 404


def test_guessed_file_ids_are_all_not_found(
    portal_client, portal_board, ticket, other_ticket, member_user
):
    mine = workspace.message_reply(
        ticket=ticket, by=member_user, body="yours", files=[SimpleUploadedFile("mine.txt", b"1")]
    ).attachments.get()
    workspace.message_reply(
        ticket=other_ticket,
        by=member_user,
        body="theirs",
        files=[SimpleUploadedFile("t.txt", b"2")],
    )
    workspace.attachments_upload(
        board=portal_board, by=member_user, files=[SimpleUploadedFile("board.txt", b"3")]
    )

    others = Attachment.objects.exclude(pk=mine.pk).values_list("pk", flat=True)
    for pk in [*others, mine.pk + 100]:
        assert portal_client.get(ticket_url(ticket, f"files/{pk}/")).status_code == 404
        # Another's file under their own ticket number is as unknown.
        assert portal_client.get(ticket_url(other_ticket, f"files/{pk}/")).status_code == 404
    assert portal_client.get(ticket_url(ticket, f"files/{mine.pk}/")).status_code == 200


def test_spent_and_forged_links_never_sign_in(client, portal_board, customer, other_board):
    used = auth.link_create(board=portal_board, customer=customer)
    client.post(link_url(portal_board, used))
    client.cookies.clear()
    expired = auth.link_create(board=portal_board, customer=customer)
    from portal.models import PortalLink

    PortalLink.objects.filter(pk=PortalLink.objects.latest("id").pk).update(
        expires_at="2000-01-01T00:00Z"
    )
    fresh = auth.link_create(board=portal_board, customer=customer)

    answers = {
        "used": client.post(link_url(portal_board, used)),
        "expired": client.post(link_url(portal_board, expired)),
        "tampered": client.post(link_url(portal_board, fresh[:-2] + "xy")),
        "other board": client.post(link_url(other_board, fresh)),
    }

    assert {why: answer.status_code for why, answer in answers.items()} == {
        "used": 410, "expired": 410, "tampered": 400, "other board": 400,
    }  # fmt: skip
    for answer in answers.values():
        assert not [name for name in answer.cookies if name.startswith("csboard_portal_")]
        assert b"Email me a sign-in link" in answer.content  # the way to a new one


def test_a_cookie_of_one_board_is_nothing_at_another(
    portal_client, portal_board, customer, other_board
):
    theirs = TicketFactory(board=other_board, customer_email=customer.email)
    secret = portal_client.cookies[auth.cookie_name(portal_board)].value
    portal_client.cookies[auth.cookie_name(other_board)] = secret

    home = portal_client.get(f"/portal/{other_board.key}/")

    assert b"Email me a sign-in link" in home.content
    assert portal_client.get(ticket_url(theirs))["Location"] == f"/portal/{other_board.key}/"


def test_a_session_after_sign_out_is_nothing(portal_client, portal_board, ticket):
    secret = portal_client.cookies[auth.cookie_name(portal_board)].value
    portal_client.post(f"/portal/{portal_board.key}/out/")
    replay = Client()
    replay.cookies[auth.cookie_name(portal_board)] = secret

    assert replay.get(ticket_url(ticket)).status_code == 302
    assert replay.post(ticket_url(ticket, "answer/"), {"body": "x"}).status_code == 302


def test_a_forged_cookie_is_nothing(portal_board, ticket):
    client = Client()
    client.cookies[auth.cookie_name(portal_board)] = "guess"

    assert client.get(ticket_url(ticket)).status_code == 302


def test_stored_scripts_in_an_answer_come_back_escaped_everywhere(
    portal_client, portal_board, ticket, client_as
):
    response = portal_client.post(
        ticket_url(ticket, "answer/"),
        {
            "body": PAYLOAD + " [x](javascript:alert(1))",
            "files": [SimpleUploadedFile(PAYLOAD, b"x")],
        },
    )
    assert response.status_code == 302
    ticket.customer_name = PAYLOAD
    ticket.title = PAYLOAD[:200]
    ticket.save()
    portal_board.name = PAYLOAD[:100]
    portal_board.save()

    pages = {
        "portal ticket": portal_client.get(ticket_url(ticket)),
        "portal list": portal_client.get(f"/portal/{portal_board.key}/"),
        "team ticket": client_as("member").get(
            f"/boards/{portal_board.pk}/tickets/{ticket.number}/"
        ),
    }

    for where, page in pages.items():
        assert page.status_code == 200, where
        html = page.content.decode()
        assert_escaped(html, where)
        assert "&lt;script&gt;alert" in html, where
