"""Undo in Chromium: a move on the board, and archiving a ticket from its page."""

import pytest
from playwright.sync_api import expect

from boards.services import column_update
from tests.browser.test_board_moves import card, column, drag, eventually, open_board
from tests.factories import PASSWORD
from tickets.models import Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_move_undone_puts_the_card_back_here_and_in_another_browser(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = open_board(new_page, sign_in, board)
    other = open_board(new_page, sign_in, board, user="alice")

    drag(page, card(page, ticket), column(page, columns[1]))
    toast = page.locator("[data-undo-toast]")
    expect(toast).to_have_attribute("role", "status")
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column_id == columns[1].pk)
    toast.get_by_role("button", name="Undo").click()

    expect(toast).to_contain_text("Undone.")
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column_id == columns[0].pk)
    expect(column(page, columns[0]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    expect(column(other, columns[0]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()


def test_an_undo_the_wip_limit_now_refuses_says_why(
    new_page, sign_in, asgi_server, board, columns, ticket, member_user
):
    page = open_board(new_page, sign_in, board)
    drag(page, card(page, ticket), column(page, columns[1]))
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column_id == columns[1].pk)
    # Meanwhile the column it came from fills up to a limit.
    column_update(column=columns[0], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Fills it", column=columns[0])

    page.locator("[data-undo-toast]").get_by_role("button", name="Undo").click()

    expect(page.locator("[data-undo-toast]")).to_contain_text("Could not undo")
    expect(page.locator("[data-undo-toast]")).to_contain_text("WIP limit")
    assert Ticket.objects.get(pk=ticket.pk).column_id == columns[1].pk


def test_a_ticket_archived_from_its_page_comes_back_with_undo(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")

    page.locator("[data-archive-ticket]").click()

    expect(page.locator(".messages")).to_contain_text("was archived")
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    expect(card(page, ticket)).to_have_count(0)
    page.locator("[data-undo-form] button").click()
    expect(page.locator(".messages")).to_contain_text("is back in “New tickets”")
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    page.goto(f"/boards/{board.pk}/")
    expect(card(page, ticket)).to_be_visible()
