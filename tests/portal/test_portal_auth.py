"""Signing in to a board's portal by a mailed link, and out again (portal.auth)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from boards.services import board_create
from mail.models import SupportAddress
from portal import auth
from portal.links import portal_home_url
from portal.models import PortalLink, PortalSession, PortalSettings
from tests.factories import TicketFactory
from tests.portal.conftest import link_url, portal_sign_in

pytestmark = pytest.mark.django_db

SENT = "If that address has requests with us, a link is on its way"


@pytest.fixture
def ask(client, portal_board, django_capture_on_commit_callbacks, celery_eager):
    """Ask for a sign-in link for `email` on the portal, the task run as it would after commit."""

    def post(email, board=portal_board, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/portal/{board.key}/", {"email": email}, **extra)

    return post


def mailed_link(message) -> str:
    return re.search(r"https://csboard\.example(/portal/\S+/in/\S+/)", message.body).group(1)


def test_the_portal_home_is_where_the_customers_mail_points():
    from boards.models import Board

    board = Board(key="CS")
    assert "https://csboard.example" + reverse("portal:home", args=["CS"]) == portal_home_url(board)


def test_signed_out_the_portal_asks_for_an_email_address(client, portal_board):
    response = client.get(f"/portal/{portal_board.key}/")

    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert b"Email me a sign-in link" in response.content


def test_a_board_whose_portal_is_off_has_no_portal(client, board):
    PortalSettings.objects.create(board=board, form_enabled=True, portal_enabled=False)

    assert client.get(f"/portal/{board.key}/").status_code == 404
    assert client.get("/portal/NOPE/").status_code == 404


def test_a_customer_with_a_ticket_is_mailed_a_link(ask, customer, portal_board):
    response = ask("DANA@example.com")

    assert response.status_code == 200
    assert SENT.encode() in response.content
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.from_email == "Customer Success <csboard@localhost>"
    html = message.alternatives[0][0]
    assert mailed_link(message) in html
    assert f"/portal/{portal_board.key}/in/" in mailed_link(message)


def test_the_link_comes_from_the_boards_support_address(ask, customer, portal_board):
    SupportAddress.objects.create(board=portal_board, address="help@acme.test", name="Acme Help")

    ask(customer.email)

    assert mail.outbox[0].from_email == "Acme Help <help@acme.test>"


def test_every_address_gets_the_same_answer_and_only_a_known_one_a_link(
    ask, customer, portal_board, admin_user
):
    elsewhere = board_create(name="Elsewhere", key="EL", created_by=admin_user)
    TicketFactory(board=elsewhere, customer_email="scully@example.com")

    answers = [ask(email) for email in ("nobody@example.com", "scully@example.com", customer.email)]

    assert {answer.status_code for answer in answers} == {200}
    assert {answer.templates[0].name for answer in answers} == {"portal/portal_signin_sent.html"}
    # A customer of another board only is no customer of this one.
    assert [message.to for message in mail.outbox] == [[customer.email]]


def test_only_a_digest_of_the_link_is_stored(ask, customer):
    ask(customer.email)

    link = PortalLink.objects.get()
    secret = mailed_link(mail.outbox[0]).split("/in/")[1].strip("/").split(":")[0]
    assert secret not in link.digest
    assert link.digest == auth.digest(secret)


def test_a_malformed_address_is_asked_again(client, portal_board):
    response = client.post(f"/portal/{portal_board.key}/", {"email": "not an address"})

    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content


def test_links_are_rate_limited_per_address_without_saying_so(ask, customer):
    answers = [ask(customer.email) for _ in range(auth.RATE_PER_ADDRESS + 2)]

    assert {answer.status_code for answer in answers} == {200}
    assert len(mail.outbox) == auth.RATE_PER_ADDRESS


def test_links_are_rate_limited_per_client_address(ask, settings):
    for n in range(auth.RATE_PER_IP):
        assert ask(f"someone{n}@example.com").status_code == 200

    response = ask("one-more@example.com")

    assert response.status_code == 429
    assert b"Too many sign-in requests" in response.content
    assert ask("one-more@example.com", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_opening_the_link_asks_to_continue_and_spends_nothing(client, portal_board, customer):
    token = auth.link_create(board=portal_board, customer=customer)

    for _ in range(3):  # a mail scanner, then the customer
        response = client.get(link_url(portal_board, token))
        assert response.status_code == 200
        assert b"Continue to your requests" in response.content

    assert PortalLink.objects.get().used_at is None
    assert not PortalSession.objects.exists()


def test_continue_signs_in_with_a_cookie_of_the_portal_alone(client, portal_board, customer):
    token = auth.link_create(board=portal_board, customer=customer)

    response = client.post(link_url(portal_board, token), HTTP_USER_AGENT="Firefox")

    assert response.status_code == 302
    assert response["Location"] == f"/portal/{portal_board.key}/"
    cookie = response.cookies[auth.cookie_name(portal_board)]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == f"/portal/{portal_board.key}/"
    assert int(cookie["max-age"]) > 0
    session = PortalSession.objects.get()
    assert session.customer == customer
    assert session.user_agent == "Firefox"
    assert session.digest == auth.digest(cookie.value)
    assert cookie.value not in session.digest
    assert PortalLink.objects.get().used_at is not None
    assert "sessionid" not in response.cookies  # no team session


def test_the_cookie_is_secure_when_the_sessions_are(client, portal_board, customer, settings):
    settings.SESSION_COOKIE_SECURE = True
    token = auth.link_create(board=portal_board, customer=customer)

    response = client.post(link_url(portal_board, token))

    assert response.cookies[auth.cookie_name(portal_board)]["secure"]


def test_signed_in_the_home_lists_the_customers_tickets(portal_client, portal_board, ticket):
    response = portal_client.get(f"/portal/{portal_board.key}/")

    assert response.status_code == 200
    assert ticket.title.encode() in response.content
    assert b"dana@example.com" in response.content


def test_a_link_works_once(client, portal_board, customer):
    token = auth.link_create(board=portal_board, customer=customer)
    client.post(link_url(portal_board, token))

    for method in (client.get, client.post):
        response = method(link_url(portal_board, token))
        assert response.status_code == 410
        assert b"was used already" in response.content
        assert b"Email me a sign-in link" in response.content
    assert PortalSession.objects.count() == 1


def test_an_expired_link_is_refused(client, portal_board, customer):
    token = auth.link_create(board=portal_board, customer=customer)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    for method in (client.get, client.post):
        response = method(link_url(portal_board, token))
        assert response.status_code == 410
        assert b"has expired" in response.content
    assert not PortalSession.objects.exists()


def test_the_link_lasts_the_boards_link_minutes(portal_board, customer):
    PortalSettings.objects.filter(board=portal_board).update(link_minutes=5)
    portal_board.portal_settings.link_minutes = 5

    auth.link_create(board=portal_board, customer=customer)

    left = PortalLink.objects.get().expires_at - timezone.now()
    assert timedelta(minutes=4) < left <= timedelta(minutes=5)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: "x" + token,  # the secret
        lambda token: token.split(":")[0],  # unsigned
        lambda token: "nonsense",
    ],
)
def test_a_tampered_link_is_refused(client, portal_board, customer, tamper):
    token = tamper(auth.link_create(board=portal_board, customer=customer))

    for method in (client.get, client.post):
        response = method(link_url(portal_board, token))
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert not PortalSession.objects.exists()


def test_a_link_of_one_board_does_not_sign_in_at_another(
    client, portal_board, customer, admin_user
):
    other = board_create(name="Other", key="OT", created_by=admin_user)
    other.portal_settings = PortalSettings.objects.create(board=other, portal_enabled=True)
    token = auth.link_create(board=portal_board, customer=customer)

    response = client.post(link_url(other, token))

    assert response.status_code == 400
    assert not PortalSession.objects.exists()
    assert PortalLink.objects.get().used_at is None


def test_a_new_link_replaces_the_browsers_previous_session(portal_client, portal_board, customer):
    before = PortalSession.objects.get()

    portal_sign_in(portal_client, portal_board, customer)

    before.refresh_from_db()
    assert before.ended_at is not None
    assert PortalSession.objects.filter(ended_at__isnull=True).count() == 1


def test_sign_out_ends_the_session_and_clears_the_cookie(portal_client, portal_board, ticket):
    response = portal_client.post(f"/portal/{portal_board.key}/out/")

    assert response.status_code == 302
    assert response.cookies[auth.cookie_name(portal_board)].value == ""
    assert PortalSession.objects.get().ended_at is not None
    page = portal_client.get(f"/portal/{portal_board.key}/", follow=True)
    assert b"You are signed out." in page.content
    assert b"Email me a sign-in link" in page.content


def test_a_session_signed_out_stays_out_even_with_its_old_cookie(
    portal_client, portal_board, ticket
):
    cookie = portal_client.cookies[auth.cookie_name(portal_board)].value
    portal_client.post(f"/portal/{portal_board.key}/out/")
    portal_client.cookies[auth.cookie_name(portal_board)] = cookie

    response = portal_client.get(f"/portal/{portal_board.key}/tickets/{ticket.number}/")

    assert response.status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_customer_on_the_board(
    portal_board, customer, other_client, ticket
):
    from django.test import Client

    phone, laptop = (portal_sign_in(Client(), portal_board, customer) for _ in range(2))

    phone.post(f"/portal/{portal_board.key}/out/everywhere/")

    url = f"/portal/{portal_board.key}/tickets/{ticket.number}/"
    assert laptop.get(url).status_code == 302
    assert PortalSession.objects.filter(customer=customer, ended_at__isnull=True).count() == 0
    # Another customer's session is theirs.
    assert PortalSession.objects.filter(ended_at__isnull=True).count() == 1
    assert other_client.get(f"/portal/{portal_board.key}/").status_code == 200


def test_an_expired_session_is_signed_out(portal_client, portal_board, ticket):
    PortalSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = portal_client.get(f"/portal/{portal_board.key}/tickets/{ticket.number}/")

    assert response.status_code == 302
    assert response["Location"] == f"/portal/{portal_board.key}/"


def test_the_posts_of_the_portal_need_the_csrf_token(portal_board, customer, ticket):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token = auth.link_create(board=portal_board, customer=customer)

    assert client.post(link_url(portal_board, token)).status_code == 403
    assert client.post(f"/portal/{portal_board.key}/", {"email": "a@b.example"}).status_code == 403
    page = client.get(link_url(portal_board, token))
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = client.post(link_url(portal_board, token), {"csrfmiddlewaretoken": csrf.decode()})
    assert response.status_code == 302
