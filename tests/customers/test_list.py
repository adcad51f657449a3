"""The customers list: across the boards the viewer sees (scoped in the query), searched by name,
email or company, with open tickets, last contact, the latest NPS and CSAT where the viewer may
read feedback, tickets over the last year, a page at a time; the same rows over the API."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.services import board_create
from customers.models import Customer
from feedback.models import FeedbackResponse, FeedbackSettings
from feedback.services import feedback_receive
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_update
from web.views import sparkline


@pytest.fixture
def dana(board, member_user, outsider_user):
    """Dana: two tickets on the board (one resolved), an NPS and a CSAT; and a ticket on a
    board only the outsider sees."""
    first = ticket_create(
        board=board, created_by=member_user, title="Refund", customer_email="dana@example.com",
        customer_name="Dana Scully", customer_company="FBI",
    )  # fmt: skip
    ticket_update(ticket=first, by=member_user, status="resolved")
    ticket_create(
        board=board, created_by=member_user, title="Invoice", customer_email="dana@example.com"
    )
    feedback_receive(board=board, kind="nps", score=9, email="dana@example.com")
    feedback_receive(board=board, kind="csat", score=4, email="dana@example.com")
    secret = board_create(name="Secret", key="SEC", created_by=outsider_user)
    ticket_create(
        board=secret, created_by=outsider_user, title="Hidden", customer_email="fox@example.com",
        customer_name="Fox Mulder", customer_company="X-Files",
    )  # fmt: skip
    return Customer.objects.get(email="dana@example.com")


def names(response) -> list[str]:
    return [row[0].email for row in response.context["rows"]]


def test_a_member_sees_the_customers_of_their_boards_only(dana, client_as):
    response = client_as("member").get("/customers/")

    assert names(response) == ["dana@example.com"]
    html = response.content.decode()
    assert f'href="/customers/{dana.pk}/"' in html
    assert "Dana Scully" in html
    assert "FBI" in html
    assert "Fox" not in html


def test_each_row_has_open_tickets_last_contact_and_the_latest_scores(dana, client_as):
    (customer, spark) = client_as("member").get("/customers/").context["rows"][0]

    assert customer.open_tickets == 1
    assert customer.last_contact == FeedbackResponse.objects.latest("received_at").received_at
    assert (customer.nps, customer.csat) == (9, 4)
    assert spark["total"] == 2


def test_a_guest_sees_no_scores_where_the_board_keeps_feedback_to_members(dana, board, client_as):
    guest = client_as("guest")

    (customer, _) = guest.get("/customers/").context["rows"][0]
    assert (customer.nps, customer.csat) == (None, None)

    FeedbackSettings.objects.create(board=board, guests_see_metrics=True)
    (customer, _) = guest.get("/customers/").context["rows"][0]
    assert (customer.nps, customer.csat) == (9, 4)


def test_an_outsider_sees_only_the_customers_of_the_boards_they_see(dana, client_as):
    assert names(client_as("outsider").get("/customers/")) == ["fox@example.com"]


@pytest.mark.parametrize("query", ["scully", "DANA@", "fbi"])
def test_the_list_is_searched_by_name_email_or_company(dana, client_as, query):
    assert names(client_as("member").get(f"/customers/?q={query}")) == ["dana@example.com"]


def test_a_search_never_finds_a_customer_by_what_a_hidden_board_says(dana, client_as):
    response = client_as("member").get("/customers/?q=X-Files")

    assert names(response) == []
    assert "No customer matches" in response.content.decode()


def test_the_empty_list_says_how_customers_arrive(db, client_as):
    html = client_as("member").get("/customers/").content.decode()

    assert "No customers yet" in html


def test_the_tickets_over_time_are_an_svg_with_the_numbers_in_words(dana, client_as):
    html = client_as("member").get("/customers/").content.decode()

    svg = re.search(r'<svg class="sparkline"[^>]*aria-label="([^"]*)"', html)
    assert svg is not None
    month = timezone.localdate().strftime("%B %Y")
    assert f"{month}: 2" in svg[1]


def test_a_sparkline_draws_the_busiest_month_full_height():
    spark = sparkline(
        [
            {"month": datetime(2026, m, 1, tzinfo=UTC).date(), "tickets": n}
            for m, n in [(1, 0), (2, 4), (3, 2)]
        ]
    )

    assert [bar["height"] for bar in spark["bars"]] == [1, 20, 10]
    assert (
        spark["label"]
        == "Tickets opened per month, January 2026: 0, February 2026: 4, March 2026: 2"
    )


def test_the_list_is_paginated(board, member_user, client_as):
    for index in range(30):
        ticket_create(
            board=board, created_by=member_user, title="Hi", customer_email=f"c{index}@example.com"
        )
    client = client_as("member")

    assert len(client.get("/customers/").context["rows"]) == 25
    assert len(client.get("/customers/?page=2").context["rows"]) == 5


def test_the_list_runs_a_fixed_number_of_queries(
    board, member_user, client_as, django_assert_max_num_queries
):
    client = client_as("member")

    def add(count, start):
        for index in range(start, start + count):
            email = f"c{index}@example.com"
            ticket_create(board=board, created_by=member_user, title="Hi", customer_email=email)
            feedback_receive(board=board, kind="nps", score=9, email=email)

    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get("/customers/")
    add(20, 2)

    with django_assert_max_num_queries(len(few)):
        assert client.get("/customers/").status_code == 200
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/customers/").status_code == 200


def test_the_customer_page_links_back_to_the_list(dana, client_as):
    html = client_as("member").get(f"/customers/{dana.pk}/").content.decode()

    assert 'href="/customers/"' in html


def test_the_api_gives_the_pages_rows(dana, api_as):
    body = api_as("member").get("/api/customers/?q=dana").json()

    assert body["count"] == 1
    (row,) = body["results"]
    assert row["email"] == "dana@example.com"
    assert (row["name"], row["company"], row["open_tickets"]) == ("Dana Scully", "FBI", 1)
    assert (row["nps"], row["csat"]) == (9, 4)
    assert row["url"] == f"/customers/{dana.pk}/"
    assert len(row["tickets_per_month"]) == 12
    assert row["tickets_per_month"][-1]["tickets"] == 2


def test_the_api_scopes_to_the_callers_boards(dana, api_as):
    body = api_as("outsider").get("/api/customers/").json()

    assert [row["email"] for row in body["results"]] == ["fox@example.com"]


def test_the_api_refuses_a_bad_page_size(dana, api_as):
    response = api_as("member").get("/api/customers/?page_size=0")

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_names_are_escaped(board, member_user, client_as):
    ticket_create(
        board=board, created_by=member_user, title="Hi", customer_email="x@example.com",
        customer_name="<script>alert(1)</script>",
    )  # fmt: skip

    html = client_as("member").get("/customers/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert Ticket.objects.count() == 1
