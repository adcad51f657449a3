"""Search in Chromium: the top bar's box (`/` focuses it on a page without a search of its
own), results with the matching words highlighted, and a reference typed there opening the
ticket; on a phone the top bar's button leads to the page's own field."""

import pytest
from playwright.sync_api import expect

from boards.models import Visibility
from boards.services import board_create
from tests.factories import PASSWORD, UserFactory
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets(board, member_user):
    stranger = UserFactory(username="stan")
    hidden = board_create(name="Secret", key="SEC", created_by=stranger)
    other = board_create(
        name="Open", key="OPEN", created_by=stranger, visibility=Visibility.SIGNED_IN
    )
    return {
        "ours": ticket_create(
            board=board,
            created_by=member_user,
            title="Invoice for March",
            customer_name="Dana Scully",
        ),
        "open": ticket_create(board=other, created_by=stranger, title="Invoice template"),
        "secret": ticket_create(board=hidden, created_by=stranger, title="Invoice secret"),
    }


def signed_in(new_page, sign_in, path="/", **options):
    page = new_page(**options)
    sign_in(page, "mia", PASSWORD)
    page.goto(path)
    return page


def test_typing_in_the_top_bar_lists_the_matches_highlighted(new_page, sign_in, tickets):
    page = signed_in(new_page, sign_in)

    page.keyboard.press("/")
    box = page.get_by_label("Search every board's tickets")
    expect(box).to_be_focused()
    box.type("invo")
    box.press("Enter")

    page.wait_for_url("**/search/?q=invo")
    results = page.get_by_role("list", name="Results").get_by_role("listitem")
    expect(results).to_have_count(2)
    expect(results.locator("mark").first).to_have_text("Invoice")  # the whole word
    expect(page.get_by_role("link", name="Invoice for March")).to_be_visible()
    expect(page.get_by_text("Invoice secret")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("2 tickets match “invo”.")


def test_a_reference_in_the_top_bar_opens_its_ticket(new_page, sign_in, board, tickets):
    ticket = tickets["ours"]
    page = signed_in(new_page, sign_in, f"/boards/{board.pk}/tickets/{ticket.number}/")

    page.keyboard.press("/")  # the ticket page has no search of its own
    box = page.get_by_label("Search every board's tickets")
    expect(box).to_be_focused()
    box.fill(f"{board.key}-{ticket.number}")
    box.press("Enter")

    page.wait_for_url(f"**/boards/{board.pk}/tickets/{ticket.number}/")
    expect(page.get_by_role("heading", name="Invoice for March")).to_be_visible()


def test_a_hidden_tickets_reference_only_searches(new_page, sign_in, tickets):
    page = signed_in(new_page, sign_in)

    box = page.get_by_label("Search every board's tickets")
    box.fill(f"SEC-{tickets['secret'].number}")
    box.press("Enter")

    page.wait_for_url("**/search/?q=SEC-1")
    expect(page.get_by_role("heading", name="No ticket matches “SEC-1”")).to_be_visible()


def test_on_a_phone_the_top_bar_leads_to_the_search_page(new_page, sign_in, tickets):
    page = signed_in(new_page, sign_in, viewport={"width": 390, "height": 844})

    expect(page.get_by_label("Search every board's tickets")).to_be_hidden()
    page.get_by_role("link", name="Search every board").click()

    page.wait_for_url("**/search/")
    field = page.get_by_label("Words or a ticket reference")
    expect(field).to_be_focused()
    field.fill("march")
    field.press("Enter")
    expect(page.get_by_role("link", name="Invoice for March")).to_be_visible()
