"""The ticket workspace in a real browser: a member works through every tab; a guest only looks."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tickets.models import Activity
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_member_works_through_every_tab(new_page, sign_in, board, ticket, tmp_path):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")

    # Details: a Markdown description, rendered
    page.get_by_text("Edit ticket").click()
    page.get_by_label("Description").fill("Customer wants **20%** off.\n\n- seats: 40")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".prose strong")).to_have_text("20%")

    # Checklist: add an item and tick it, without leaving the tab
    page.get_by_role("tab", name="Checklist").click()
    page.get_by_label("New checklist item").fill("Check the contract")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("tab", name="Checklist")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Tick “Check the contract”").click()
    expect(page.get_by_text("1/1 done")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Chat")).to_be_hidden()

    # Chat: a message with Markdown
    page.get_by_role("tab", name="Chat").click()
    page.get_by_label("Message").fill("Called *Dana*, @alice please approve")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".chat-message__body em")).to_have_text("Dana")

    # Attachments: two files at once
    first, second = tmp_path / "contract.pdf", tmp_path / "notes.txt"
    first.write_bytes(b"%PDF-1.4")
    second.write_text("call notes")
    page.get_by_role("tab", name="Attachments").click()
    page.locator('input[type="file"]').set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="contract.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="notes.txt")).to_be_visible()

    # Activity: every step above, newest first
    page.get_by_role("tab", name="Activity").click()
    timeline = page.get_by_role("tabpanel", name="Activity")
    expect(timeline).to_contain_text("added file “notes.txt”")
    expect(timeline).to_contain_text("ticked checklist item “Check the contract”")
    expect(timeline).to_contain_text("wrote a message")
    page.screenshot(path=str(tmp_path / "ticket.png"), full_page=True)

    assert ChecklistItem.objects.get().is_done
    assert Message.objects.get().ticket == ticket
    assert Attachment.objects.filter(ticket=ticket).count() == 2
    assert ticket.activities.filter(kind=Activity.Kind.EDITED).exists()


def test_a_guest_sees_the_same_ticket_with_no_way_to_change_it(
    new_page, sign_in, board, ticket, member_user
):
    from workspace import services

    services.checklist_item_add(ticket=ticket, by=member_user, text="Check the contract")
    services.message_post(board=board, ticket=ticket, by=member_user, body="Called Dana")
    page = new_page()
    sign_in(page, "gus", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")

    for tab, text in [("Checklist", "Check the contract"), ("Chat", "Called Dana")]:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tabpanel", name=tab)).to_contain_text(text)
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    expect(page.get_by_role("button", name="Upload")).to_have_count(0)


def test_the_bell_counts_a_mention_and_the_centre_marks_it_read(
    new_page, sign_in, board, ticket, member_user
):
    from workspace import services

    services.message_post(board=board, ticket=ticket, by=member_user, body="@alice look")
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    expect(page.locator(".bell__count")).to_have_text("1")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".bell__count")).to_have_count(0)
