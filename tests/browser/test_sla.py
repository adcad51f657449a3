"""SLA in a real browser: an admin sets the board's targets; cards and tickets show the clocks."""

import re

import pytest
from playwright.sync_api import expect

from sla.models import SlaPolicy
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sets_business_hours_and_a_faster_urgent_target(new_page, sign_in, board):
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/boards/{board.pk}/settings/")

    page.get_by_role("link", name="SLA & reminders").click()
    page.wait_for_url(re.compile(r"/settings/sla/$"))
    page.get_by_label("Urgent: resolution").fill("2")
    page.get_by_label("Count only business hours").check()
    page.get_by_label("Sat").check()
    page.get_by_role("button", name="Save SLA policy").click()

    expect(page.get_by_role("status")).to_contain_text("SLA policy saved.")
    expect(page.get_by_label("Urgent: resolution")).to_have_value("2")
    policy = SlaPolicy.objects.get(board=board)
    assert (policy.urgent_resolution_hours, policy.business_hours) == (2, True)
    assert policy.working_days == [0, 1, 2, 3, 4, 5]


def test_a_card_and_its_ticket_show_both_sla_clocks(new_page, sign_in, board, ticket):
    page = new_page()
    sign_in(page, "mia", PASSWORD)

    page.goto(f"/boards/{board.pk}/")
    card = page.get_by_role("article").filter(has_text=ticket.title)
    clocks = card.get_by_role("list", name="Service level")

    expect(clocks.get_by_role("listitem")).to_have_count(2)
    expect(clocks).to_contain_text("Response")
    expect(clocks).to_contain_text("On track")
    page.get_by_role("link", name=ticket.title).click()  # the ticket opens in the board's panel
    ticket_panel = page.get_by_role("dialog", name=f"Ticket {ticket.reference}")
    expect(ticket_panel.get_by_role("list", name="Service level")).to_contain_text("First response")
