"""Custom fields in Chromium: a value edited inline on the ticket page (saved without a reload,
a refusal said beside its field), then the board filtered by it from the filter bar."""

import re

import pytest
from playwright.sync_api import expect

from customfields.services import field_create
from tests.factories import PASSWORD, TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_value_edited_inline_then_the_board_filtered_by_it(
    new_page, sign_in, board, ticket, member_user
):
    plan = field_create(
        board=board, name="Plan", type="select", options=["Free", "Pro"], show_on_card=True
    )
    seats = field_create(board=board, name="Seats", type="number")
    TicketFactory(board=board, created_by=member_user, title="Another customer")
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillHere = true; }")
    fields = page.locator("#ticket-fields")

    # A refusal comes back beside its field, and nothing is saved.
    fields.get_by_label("Seats").fill("0.1234567")
    fields.get_by_role("button", name="Save Seats").click()
    expect(fields.locator(f"#cf-{seats.pk}-error")).to_have_text("Use at most 6 decimal places.")
    expect(fields.get_by_label("Seats")).to_have_attribute("aria-invalid", "true")

    # The select is saved in place: the page did not reload.
    fields.get_by_label("Plan").select_option(label="Pro")
    fields.get_by_role("button", name="Save Plan").click()
    expect(fields.get_by_role("status")).to_have_text("Plan saved.")
    expect(fields.get_by_label("Plan")).to_have_value(str(plan.live_options[1].pk))
    assert page.evaluate("() => window.stillHere") is True

    # On the board, the card shows it, and the filter bar's control keeps only that ticket.
    page.goto(f"/boards/{board.pk}/")
    facet = page.locator("details.filter-menu", has_text="Plan")
    if not facet.is_visible():  # the filters fold behind their toggle where space is short
        page.locator("summary.filters__toggle").click()
    facet.locator("summary").click()
    facet.get_by_label("Pro", exact=True).check()  # applied as it changes
    page.wait_for_url(re.compile(rf"cf_{plan.pk}={plan.live_options[1].pk}"))
    cards = page.locator(".card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Team discount?")
    expect(cards.first.locator(".card__fields")).to_have_text("Plan Pro")
