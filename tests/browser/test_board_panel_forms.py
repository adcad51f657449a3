"""The ticket panel's forms on the board, in Chromium against the ASGI server: the checklist,
a note, an upload (with its progress) and archiving, each without the board page navigating
(a marker on `window` survives and the page has had one navigation)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_board_moves import card, open_board
from tests.browser.test_ticket_sections import upload_with_progress
from tickets.models import Ticket
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def in_panel(new_page, sign_in, asgi_server, board, ticket):
    page = open_board(new_page, sign_in, board)
    page.evaluate("() => { window.stillHere = true; }")
    card(page, ticket).locator(".card__link").click()
    panel = page.locator("[data-ticket-panel]")
    expect(panel.get_by_role("heading", name=ticket.title)).to_be_visible()
    return page, panel


def assert_not_navigated(page):
    assert page.evaluate("() => window.stillHere") is True
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1


def open_tab(panel, name):
    panel.get_by_role("tab", name=name).click()
    return panel.get_by_role("tabpanel", name=name)


def test_a_checklist_item_added_in_the_panel_swaps_its_section_and_keeps_focus(in_panel, ticket):
    page, panel = in_panel
    checklist = open_tab(panel, "Checklist")

    field = checklist.get_by_label("New checklist item")
    field.fill("Call the customer")
    field.press("Enter")

    expect(checklist.locator(".checklist-item__text")).to_have_text(["Call the customer"])
    expect(checklist.get_by_label("New checklist item")).to_be_focused()
    expect(panel.locator("#tab-count-checklist")).to_have_text("0/1")
    assert f"/boards/{ticket.board_id}/?ticket={ticket.number}" in page.url
    assert_not_navigated(page)
    assert ChecklistItem.objects.filter(ticket=ticket).count() == 1


def test_a_note_sent_from_the_panel_shows_there_without_a_navigation(in_panel, ticket):
    page, panel = in_panel
    chat = open_tab(panel, "Chat")

    chat.get_by_label("Internal note").fill("Called Dana")
    chat.get_by_role("button", name="Add note").click()

    expect(chat.locator(".chat-message__body")).to_have_text(["Called Dana"])
    expect(chat.get_by_label("Internal note")).to_have_value("")
    assert_not_navigated(page)
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_an_upload_from_the_panel_shows_its_progress_then_the_file(in_panel, ticket, tmp_path):
    page, panel = in_panel

    upload_with_progress(page, open_tab(panel, "Attachments"), tmp_path)

    assert_not_navigated(page)
    assert Attachment.objects.get(ticket=ticket).size == 12 * 1024 * 1024


def test_enter_in_a_quick_edit_sends_no_form(in_panel, ticket):
    page, panel = in_panel

    panel.locator("[data-quick-edit] input").first.press("Enter")

    page.wait_for_timeout(300)
    assert_not_navigated(page)


def test_archiving_from_the_panel_closes_it_and_offers_an_undo(in_panel, ticket):
    page, panel = in_panel

    panel.locator("[data-archive-ticket]").click()

    expect(panel).to_be_hidden()
    expect(card(page, ticket)).to_have_count(0)
    toast = page.locator("[data-undo-toast]")
    expect(toast).to_contain_text(f"CS-{ticket.number} was archived.")
    assert Ticket.all_objects.get(pk=ticket.pk).archived_at is not None
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Undone.")
    expect(card(page, ticket)).to_have_count(1)
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert_not_navigated(page)
