"""The board in a real browser: what a CS rep does first, and what a guest is (not) offered."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_creates_a_customer_success_board_and_adds_a_ticket_to_new_tickets(
    new_page, sign_in
):
    UserFactory(username="dana", display_name="Dana Scully")
    page = new_page()
    sign_in(page, "dana", PASSWORD)  # to My work; the boards are a link of the top bar

    page.get_by_role("link", name="My boards").click()
    page.get_by_role("link", name="New board").click()
    page.get_by_label("Name", exact=True).fill("Support")
    page.get_by_label("Key", exact=True).fill("SUP")
    page.get_by_label("Customer success").check()
    page.get_by_role("button", name="Create board").click()
    page.wait_for_url(re.compile(r"/boards/\d+/$"))
    new_tickets = page.get_by_role("region", name="New tickets")
    new_tickets.get_by_label("New ticket in New tickets").fill("Customer wants an invoice copy")
    new_tickets.get_by_role("button", name="Add to New tickets").click()

    # Added without a reload (static/js/quick-add.js), said to a screen reader.
    expect(page.locator("[data-announcer]")).to_have_text(
        "Added “Customer wants an invoice copy” to New tickets."
    )
    new_tickets = page.get_by_role("region", name="New tickets")
    expect(new_tickets.get_by_role("link", name="Customer wants an invoice copy")).to_be_visible()
    expect(new_tickets.get_by_text("SUP-1", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Open tickets").get_by_role("article")).to_have_count(0)


def test_a_guest_sees_the_board_and_its_tickets_without_any_edit_control(
    new_page, sign_in, board, ticket
):
    page = new_page()
    sign_in(page, "gus", PASSWORD)

    page.goto(f"/boards/{board.pk}/")

    expect(page.get_by_role("link", name="Team discount?")).to_be_visible()
    expect(page.get_by_text("View only")).to_be_visible()
    expect(page.get_by_placeholder("Add a ticket…")).to_have_count(0)
    expect(page.locator("form.quick-add")).to_have_count(0)
    expect(page.locator(".card__move")).to_have_count(0)
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    # The only forms are "Sign out", saving a view of the filters (personal, as a guest's) and
    # the guest's own view preference (zoom).
    forms = page.locator("form[method=post]")
    expect(forms).to_have_count(3)
    expect(forms.first).to_have_attribute("action", "/accounts/logout/")
    expect(forms.nth(1)).to_have_attribute("action", f"/boards/{board.pk}/views/")
    expect(forms.last).to_have_attribute("action", f"/boards/{board.pk}/zoom/")
    expect(page.locator("[data-ticket][tabindex]")).to_have_count(0)  # nothing to pick up


def test_a_guest_opens_a_ticket_and_reads_it_without_any_edit_control(
    new_page, sign_in, board, ticket
):
    page = new_page()
    sign_in(page, "gus", PASSWORD)
    page.goto(f"/boards/{board.pk}/")

    page.get_by_role("link", name="Team discount?").click()
    panel = page.get_by_role("dialog", name="Ticket CS-")
    expect(panel.get_by_role("heading", name="Team discount?")).to_be_visible()
    expect(panel.locator("[data-quick-edit], select")).to_have_count(0)
    panel.get_by_role("link", name="Open full page").click()  # the ticket's own page

    expect(page.get_by_role("heading", name="Team discount?")).to_be_visible()
    expect(page.get_by_text("dana@example.com")).to_be_visible()
    expect(page.get_by_text("Edit ticket")).to_have_count(0)
    expect(page.get_by_role("button", name="Move ticket")).to_have_count(0)
    expect(page.get_by_text("Delete ticket")).to_have_count(0)
    # "Sign out", and following the ticket (anyone who sees it may).
    expect(page.locator("form[method=post]")).to_have_count(2)
    expect(page.locator("form.follow")).to_have_count(1)
