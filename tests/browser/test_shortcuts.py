"""Keyboard shortcuts on the board and ticket pages, and @mention autocomplete in the chat, in
Chromium against the real ASGI server (the board redraws live after `a`)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_board_moves import card, eventually, open_board
from tests.factories import PASSWORD
from tickets.models import Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets(board, columns, member_user):
    """Two tickets in the first column, one in the second."""
    make = lambda title, column: ticket_create(  # noqa: E731
        board=board, created_by=member_user, title=title, column=column
    )
    return [make("First", columns[0]), make("Second", columns[0]), make("Across", columns[1])]


def keys(page, *presses):
    for key in presses:
        page.keyboard.press(key)


def focused_ticket(page):
    return page.evaluate("document.activeElement.dataset.ticket || null")


def test_slash_focuses_the_search_and_j_typed_there_is_text(
    new_page, sign_in, asgi_server, board, tickets
):
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("/")
    search = page.get_by_label("Search tickets")
    expect(search).to_be_focused()
    page.keyboard.type("jk")

    expect(search).to_have_value("jk")
    expect(search).to_be_focused()
    assert focused_ticket(page) is None


def test_j_k_and_the_arrows_move_between_cards_and_columns(
    new_page, sign_in, asgi_server, board, tickets
):
    first, second, across = tickets
    page = open_board(new_page, sign_in, board)
    path = [("j", first), ("j", second), ("k", first), ("ArrowDown", second),
            ("ArrowRight", across), ("ArrowLeft", first)]  # fmt: skip

    for key, expected in path:
        page.keyboard.press(key)
        assert focused_ticket(page) == str(expected.number), key


def test_a_shortcut_held_with_ctrl_does_nothing(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("Control+j")

    assert focused_ticket(page) is None


def test_space_still_picks_a_focused_card_up_to_move_it(
    new_page, sign_in, asgi_server, board, columns, tickets
):
    page = open_board(new_page, sign_in, board)

    keys(page, "j", "Space", "ArrowRight", "Space")

    eventually(lambda: Ticket.objects.get(pk=tickets[0].pk).column_id == columns[1].pk)


def test_enter_opens_the_focused_card(new_page, sign_in, asgi_server, board, tickets):
    """In the ticket panel over the board (static/js/ticket-panel.js), with its own address."""
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("j")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/boards/{board.pk}/?ticket={tickets[0].number}")
    panel = page.locator("[data-ticket-panel]")
    expect(panel.get_by_role("heading", name="First")).to_be_visible()


def test_e_on_a_card_opens_its_ticket_with_the_edit_form_open(
    new_page, sign_in, asgi_server, board, tickets
):
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("j")
    page.keyboard.press("e")

    page.wait_for_url(f"**/tickets/{tickets[0].number}/#edit")
    expect(page.get_by_label("Title")).to_be_focused()


def test_e_on_the_ticket_page_opens_the_edit_form(new_page, sign_in, asgi_server, ticket):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{ticket.board_id}/tickets/{ticket.number}/")
    expect(page.get_by_label("Title")).to_be_hidden()

    page.keyboard.press("e")

    expect(page.get_by_label("Title")).to_be_focused()


def test_n_opens_the_full_new_ticket_form(new_page, sign_in, asgi_server, board, columns):
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("n")

    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/tickets/new/$"))
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()


def test_a_on_a_focused_card_assigns_it_to_me_and_the_card_shows_it(
    new_page, sign_in, asgi_server, board, tickets, member_user
):
    first = tickets[0]
    page = open_board(new_page, sign_in, board)

    keys(page, "j", "a")

    expect(card(page, first).get_by_label("Mia Member")).to_be_visible()
    assert list(Ticket.objects.get(pk=first.pk).assignees.all()) == [member_user]


def test_a_on_the_ticket_page_assigns_it_to_me(new_page, sign_in, asgi_server, ticket, member_user):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{ticket.board_id}/tickets/{ticket.number}/")

    assignees = page.locator(".details > div").filter(has=page.get_by_text("Assignees", exact=True))
    expect(assignees).to_contain_text("Unassigned")

    page.keyboard.press("a")

    expect(assignees).to_contain_text("Mia Member")  # the page, reloaded
    assert list(ticket.assignees.all()) == [member_user]


def test_a_guest_gets_neither_a_nor_n(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board, user="gus")

    page.keyboard.press("j")
    assert focused_ticket(page) == str(tickets[0].number)  # a guest may look around
    page.keyboard.press("a")
    page.keyboard.press("n")
    page.keyboard.press("?")

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).not_to_contain_text("Assign")
    expect(dialog).not_to_contain_text("New ticket")
    page.wait_for_timeout(300)
    assert not Ticket.objects.get(pk=tickets[0].pk).assignees.exists()


def test_question_mark_lists_the_shortcuts_and_escape_closes_the_list(
    new_page, sign_in, asgi_server, board, tickets
):
    page = open_board(new_page, sign_in, board)

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for words in ("Search the tickets", "New ticket", "Open the focused ticket", "Assign"):
        expect(dialog).to_contain_text(words)
    page.keyboard.press("j")  # the list is open: no card moves behind it
    assert focused_ticket(page) is None
    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()


# --- @mention autocomplete ---------------------------------------------------------------------
def test_a_member_is_picked_from_the_list_by_keyboard_and_the_note_shows_the_mention(
    new_page, sign_in, asgi_server, ticket, guest_user
):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{ticket.board_id}/tickets/{ticket.number}/")
    page.get_by_role("tab", name="Chat").click()
    note = page.get_by_label("Internal note")

    note.press_sequentially("Thanks @")
    options = page.get_by_role("listbox", name="Board members to mention").get_by_role("option")
    expect(options).to_have_count(3)
    note.press_sequentially("g")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Gus Guest @gus")
    expect(note).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    note.press("Enter")
    expect(note).to_have_value("Thanks @gus ")
    note.press_sequentially("for the call")
    page.get_by_role("button", name="Add note").click()

    expect(page.locator(".chat-message__body .mention")).to_have_text("@gus")


def test_escape_closes_the_list_and_arrows_choose_another_member(
    new_page, sign_in, asgi_server, board
):
    page = open_board(new_page, sign_in, board)
    page.get_by_text("Team chat").click()
    box = page.get_by_label("Message", exact=True)

    box.press_sequentially("@")
    listbox = page.get_by_role("listbox", name="Board members to mention")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("Tab")
    expect(box).to_have_value("@gus ")  # Alice, Gus, Mia by name: the second
    box.press_sequentially("and @")
    expect(listbox).to_be_visible()
    box.press("Escape")

    expect(listbox).to_be_hidden()
    expect(box).to_have_value("@gus and @")
