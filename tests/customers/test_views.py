"""The customer page: tickets and scores over time, only from boards the viewer can see."""

import re

import pytest

from boards.models import Role
from boards.services import board_create, membership_add
from customers.models import Customer
from feedback.models import FeedbackSettings
from feedback.services import feedback_receive
from tickets.services import ticket_create, ticket_update


@pytest.fixture
def customer(board, member_user, outsider_user):
    ticket = ticket_create(
        board=board, created_by=member_user, title="Refund", customer_email="dana@example.com"
    )
    feedback_receive(board=board, kind="nps", score=9, email="dana@example.com", comment="Great")
    secret_board = board_create(name="Secret", key="SEC", created_by=outsider_user)
    ticket_create(
        board=secret_board, created_by=outsider_user, title="Hidden matter",
        customer_email="DANA@example.com",
    )  # fmt: skip
    return ticket.customer


def test_a_member_sees_the_customers_tickets_and_scores(customer, client_as):
    html = client_as("member").get(f"/customers/{customer.pk}/").content.decode()

    assert "Refund" in html
    assert "Great" in html
    assert "Hidden matter" not in html  # on a board the member cannot see


def test_a_guest_sees_the_scores_only_where_the_board_shares_its_metrics(
    board, customer, client_as
):
    url = f"/customers/{customer.pk}/"

    kept = client_as("guest").get(url).content.decode()
    FeedbackSettings.objects.update_or_create(board=board, defaults={"guests_see_metrics": True})
    shared = client_as("guest").get(url).content.decode()

    assert "Refund" in kept
    assert "Great" not in kept
    assert "Great" in shared


def test_a_customer_known_only_from_feedback_a_guest_may_not_read_is_not_found(board, client_as):
    feedback_receive(board=board, kind="nps", score=9, email="eve@example.com", comment="Fine")
    customer = Customer.objects.get(email="eve@example.com")

    assert client_as("guest").get(f"/customers/{customer.pk}/").status_code == 404
    assert client_as("member").get(f"/customers/{customer.pk}/").status_code == 200


def test_someone_who_sees_none_of_the_customers_boards_gets_a_404(
    customer, client, django_user_model
):
    stranger = django_user_model.objects.create_user("stranger", "s@example.com", "pw-123456789")
    client.force_login(stranger)

    assert client.get(f"/customers/{customer.pk}/").status_code == 404


def test_the_ticket_page_links_to_its_customer(board, customer, client_as):
    html = client_as("member").get(f"/boards/{board.pk}/tickets/1/").content.decode()

    assert f"/customers/{customer.pk}/" in html


def test_anonymous_callers_sign_in_first(customer, client):
    assert client.get(f"/customers/{customer.pk}/").status_code == 302


# --- Each board's own details: no board writes what another board shows --------------------------
@pytest.fixture
def board_b(outsider_user):
    """Another team's board, which olga runs and nobody of `board` can see."""
    return board_create(name="Other team", key="OT", created_by=outsider_user)


def test_another_board_seeing_the_customer_first_never_names_them_here(
    board, board_b, member_user, outsider_user, client_as
):
    # Given board B meets the address first, under another name and company
    ticket_create(
        board=board_b, created_by=outsider_user, title="Who?", customer_email="ada@example.com",
        customer_name="Mallory", customer_company="Evil Corp",
    )  # fmt: skip
    # and board A then opens a ticket for the same address with its own details
    ticket = ticket_create(
        board=board, created_by=member_user, title="Invoice", customer_email="Ada@example.com",
        customer_name="Ada Lovelace", customer_company="Analytical Engines",
    )  # fmt: skip

    # When a member of A opens the customer page
    html = client_as("member").get(f"/customers/{ticket.customer_id}/").content.decode()

    # Then it shows A's details and nothing B wrote
    heading = html.split("</h1>", 1)[0]
    assert "Ada Lovelace" in heading
    assert "Analytical Engines" in html
    assert "Mallory" not in html
    assert "Evil Corp" not in html


def test_another_boards_admin_renaming_the_customer_changes_nothing_here(
    board, board_b, member_user, api_as, client_as
):
    # Given board A knows the customer by address alone
    ticket = ticket_create(
        board=board, created_by=member_user, title="Invoice", customer_email="ada@example.com"
    )
    # When B's admin, over the API, gives the same address a name and a company on B
    b_api = api_as("outsider")
    created = b_api.post(
        f"/api/boards/{board_b.pk}/tickets/", {"title": "Hi"}, format="json"
    ).json()
    renamed = b_api.patch(
        f"/api/boards/{board_b.pk}/tickets/{created['number']}/",
        {"customer_email": "ADA@example.com", "customer_name": "Renamed by B",
         "customer_company": "B's idea"},
        format="json",
    )  # fmt: skip
    assert renamed.status_code == 200

    # Then A's pages and API still show what A wrote, and nothing of B's
    html = client_as("member").get(f"/customers/{ticket.customer_id}/").content.decode()
    a_ticket = api_as("member").get(f"/api/boards/{board.pk}/tickets/{ticket.number}/").json()
    assert "Renamed by B" not in html
    assert "B&#x27;s idea" not in html
    assert html.split("</h1>", 1)[0].endswith("ada@example.com")
    assert (a_ticket["customer_name"], a_ticket["customer_company"]) == ("", "")


def test_someone_on_both_boards_sees_each_boards_details_under_its_name(
    board, board_b, member_user, outsider_user, client_as
):
    ticket = ticket_create(
        board=board, created_by=member_user, title="Invoice", customer_email="ada@example.com",
        customer_name="Ada Lovelace", customer_phone="+44 20 7946 0000",
    )  # fmt: skip
    ticket_create(
        board=board_b, created_by=outsider_user, title="Renewal", customer_email="ada@example.com",
        customer_name="A. King", customer_company="Countess Ltd",
    )  # fmt: skip
    membership_add(board=board_b, user=member_user, role=Role.GUEST)

    html = client_as("member").get(f"/customers/{ticket.customer_id}/").content.decode()

    assert html.split("</h1>", 1)[0].endswith("ada@example.com")  # no board's name heads it
    assert re.search(
        r"Ada Lovelace · \+44 20 7946 0000</span>\s*<span[^>]*>Customer Success<", html
    )
    assert re.search(r"A\. King · Countess Ltd</span>\s*<span[^>]*>Other team<", html)


def test_each_board_shows_its_latest_word_on_the_customer(board, member_user, client_as):
    first = ticket_create(
        board=board, created_by=member_user, title="Old", customer_email="ada@example.com",
        customer_name="Ada Byron", customer_company="Analytical Engines",
    )  # fmt: skip
    later = ticket_create(
        board=board, created_by=member_user, title="New", customer_email="ada@example.com"
    )
    ticket_update(ticket=later, by=member_user, customer_name="Ada Lovelace")

    html = client_as("member").get(f"/customers/{first.customer_id}/").content.decode()

    heading, lead = html.split("</h1>", 1)[0], html.split("</h1>", 1)[1].split("</p>", 1)[0]
    assert heading.endswith("Ada Lovelace")
    assert "Analytical Engines" in lead  # no later ticket says otherwise
