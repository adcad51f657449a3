"""The ticket page's sections without a reload: each action swaps its section for the server's
HTML, the page never navigates (a marker set on `window` survives, no frame navigates), focus
stays where the next action starts."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from workspace import services
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def on_ticket(new_page, sign_in, ticket):
    """Mia on the ticket's page, with a marker a reload would wipe (even to the same URL) and a
    list of the navigations to another page."""
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{ticket.board_id}/tickets/{ticket.number}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillHere = true; }")
    # The tabs change the URL's #fragment (history.replaceState): only another document counts.
    here = page.url.split("#")[0]
    navigations = []
    page.on(
        "framenavigated",
        lambda frame: frame.url.split("#")[0] != here and navigations.append(frame.url),
    )
    page.navigations = navigations
    return page


def assert_no_reload(page):
    assert page.evaluate("() => window.stillHere") is True
    assert page.navigations == []


def open_tab(page, name):
    page.get_by_role("tab", name=name).click()
    return page.get_by_role("tabpanel", name=name)


def test_two_items_typed_in_a_row_are_added_without_a_reload(on_ticket, ticket):
    panel = open_tab(on_ticket, "Checklist")
    field = panel.get_by_label("New checklist item")
    field.fill("Call the customer")
    field.press("Enter")
    expect(panel.locator(".checklist-item__text")).to_have_text(["Call the customer"])

    # The field is empty and still focused: the next item is typed straight away.
    focused = panel.get_by_label("New checklist item")
    expect(focused).to_be_focused()
    expect(focused).to_have_value("")
    on_ticket.keyboard.type("Send the invoice")
    on_ticket.keyboard.press("Enter")

    expect(panel.locator(".checklist-item__text")).to_have_text(
        ["Call the customer", "Send the invoice"]
    )
    expect(panel.get_by_label("New checklist item")).to_be_focused()
    expect(on_ticket.locator("#tab-count-checklist")).to_have_text("0/2")
    assert_no_reload(on_ticket)
    assert ChecklistItem.objects.filter(ticket=ticket).count() == 2


def test_ticking_an_item_swaps_the_checklist_and_keeps_focus_on_its_tick(
    on_ticket, ticket, member_user
):
    services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")
    on_ticket.reload()
    on_ticket.wait_for_function("() => window.htmx !== undefined")
    on_ticket.evaluate("() => { window.stillHere = true; }")
    on_ticket.navigations.clear()
    panel = open_tab(on_ticket, "Checklist")

    panel.get_by_role("button", name="Tick “Refund”").click()

    untick = panel.get_by_role("button", name="Untick “Refund”")
    expect(untick).to_be_focused()
    expect(panel).to_contain_text("Ticked by Mia Member")
    expect(panel.get_by_text("1/1 done")).to_be_visible()
    # The activity tab was redrawn with it, out of band.
    expect(on_ticket.locator("#section-activity")).to_contain_text("Refund")
    assert_no_reload(on_ticket)


def test_a_note_is_sent_without_a_reload_and_the_textarea_is_ready_for_the_next(on_ticket, ticket):
    panel = open_tab(on_ticket, "Chat")
    note = panel.get_by_label("Internal note")
    note.fill("Called Dana, waiting on finance")
    panel.get_by_role("button", name="Add note").click()

    expect(panel.locator(".chat-message__body")).to_have_text(["Called Dana, waiting on finance"])
    expect(panel.get_by_label("Internal note")).to_be_focused()
    expect(panel.get_by_label("Internal note")).to_have_value("")
    expect(on_ticket.locator("#tab-count-chat")).to_have_text("1")
    assert_no_reload(on_ticket)
    assert Message.objects.filter(ticket=ticket).count() == 1


def upload_with_progress(page, tab, tmp_path):
    """Upload a 12 MB file from the Attachments `tab`: the file is listed, and the tab's progress
    bar showed the upload as htmx reported it, up to full."""
    big = tmp_path / "recording.bin"
    big.write_bytes(b"\0" * (12 * 1024 * 1024))
    tab.evaluate(
        """(tab) => {
          window.progressSeen = [];
          document.addEventListener("htmx:xhr:progress", () => {
            const bar = tab.querySelector("[data-upload-progress]");
            if (bar && !bar.hidden) window.progressSeen.push(bar.value / bar.max);
          });
        }"""
    )

    tab.locator('input[type="file"]').set_input_files(str(big))
    tab.get_by_role("button", name="Upload").click()

    expect(tab.get_by_role("link", name="recording.bin")).to_be_visible()
    seen = page.evaluate("() => window.progressSeen")
    assert seen, "the progress bar was never shown"
    assert max(seen) == 1


def test_an_upload_shows_its_progress_then_the_file_without_a_reload(
    on_ticket, ticket, tmp_path, settings
):
    panel = open_tab(on_ticket, "Attachments")

    upload_with_progress(on_ticket, panel, tmp_path)

    expect(panel.locator("[data-upload-progress]")).to_be_hidden()
    expect(on_ticket.locator("#tab-count-attachments")).to_have_text("1")
    assert_no_reload(on_ticket)
    assert Attachment.objects.get(ticket=ticket).size == 12 * 1024 * 1024


def test_a_file_too_large_is_said_in_the_attachments_tab(on_ticket, ticket, tmp_path, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    too_big = tmp_path / "too-big.txt"
    too_big.write_bytes(b"more than ten bytes")
    panel = open_tab(on_ticket, "Attachments")

    panel.locator('input[type="file"]').set_input_files(str(too_big))
    panel.get_by_role("button", name="Upload").click()

    expect(panel.get_by_role("alert")).to_contain_text("too-big.txt")
    assert_no_reload(on_ticket)
    assert not Attachment.objects.exists()


def test_the_edit_form_saves_without_a_reload_and_redraws_the_header(on_ticket, ticket):
    on_ticket.get_by_text("Edit ticket").click()
    form = on_ticket.locator("#edit form")
    form.get_by_label("Title").fill("Team discount for 40 seats")
    form.get_by_role("button", name="Save changes").click()

    expect(on_ticket.locator("#ticket-header h1")).to_have_text("Team discount for 40 seats")
    expect(on_ticket.locator("#section-details").get_by_role("status")).to_contain_text("saved")
    assert_no_reload(on_ticket)
