"""The full new-ticket form from the board, in Chromium against the real ASGI server: a
template picked fills it in (static/js/new-ticket.js), and the ticket created shows on the
board, in its panel, with the template's checklist."""

import re

import pytest
from playwright.sync_api import expect

from boards.services import tag_create
from tests.browser.test_board_moves import open_board
from ticket_templates.services import template_create
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_board_a_template_fills_the_form_and_the_ticket_shows_with_its_checklist(
    new_page, sign_in, asgi_server, board, columns, member_user
):
    tag = tag_create(board=board, name="Onboarding")
    template_create(
        board=board,
        name="Onboarding",
        title_pattern="Onboarding: {customer}",
        description="Welcome aboard.",
        priority="high",
        column=columns[1],
        tags=[tag],
        assignees=[member_user],
        checklist=["Kick-off call", "Send the guide"],
    )
    page = open_board(new_page, sign_in, board)

    page.get_by_role("link", name="New ticket").click()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/tickets/new/$"))
    page.wait_for_load_state()  # its scripts listen: a pick before then would go unheard
    page.get_by_role("group", name="Customer").get_by_label("Name").fill("Dana Scully")
    page.get_by_label("Template").select_option(label="Onboarding")

    expect(page.get_by_label("Title")).to_have_value("Onboarding: {customer}")
    expect(page.get_by_label("Description")).to_have_value("Welcome aboard.")
    expect(page.get_by_label("Checklist")).to_have_value("Kick-off call\nSend the guide")
    expect(page.get_by_role("group", name="Customer").get_by_label("Name")).to_have_value(
        "Dana Scully"
    )
    expect(page.get_by_label("Template")).to_be_focused()
    page.get_by_role("button", name="Create ticket").click()

    ticket = Ticket.objects.get(board=board)
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/\?ticket={ticket.number}$"))
    panel = page.locator("[data-ticket-panel]")
    expect(panel.get_by_role("heading", name="Onboarding: Dana Scully")).to_be_visible()
    expect(page.locator(f'.column__cards[data-column="{columns[1].pk}"]')).to_contain_text(
        "Onboarding: Dana Scully"
    )
    # The card on the board (the open panel has a `data-ticket` of its own).
    expect(page.locator(f'.column__cards > [data-ticket="{ticket.number}"]')).to_contain_text("0/2")
    panel.get_by_role("tab", name=re.compile("Checklist")).click()
    expect(panel.get_by_text("Kick-off call", exact=True)).to_be_visible()
    expect(panel.get_by_text("Send the guide", exact=True)).to_be_visible()


def test_a_refusal_is_said_beside_the_field_and_the_form_keeps_what_was_typed(
    new_page, sign_in, asgi_server, board, columns
):
    page = open_board(new_page, sign_in, board)
    page.get_by_role("link", name="New ticket").click()

    page.get_by_role("group", name="Customer").get_by_label("Email").fill("not an address")
    page.get_by_label("Title").fill("Refund")
    page.get_by_role("button", name="Create ticket").click()

    expect(page.locator(".field--error")).to_contain_text("Enter a valid email address.")
    expect(page.get_by_label("Title")).to_have_value("Refund")
    assert not Ticket.objects.exists()
