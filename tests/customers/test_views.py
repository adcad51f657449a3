"""The customer page: tickets and scores over time, only from boards the viewer can see."""

import pytest

from boards.services import board_create
from customers.models import Customer
from feedback.models import FeedbackSettings
from feedback.services import feedback_receive
from tickets.services import ticket_create


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
