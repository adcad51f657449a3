"""Macros and merging in a real browser: a member inserts a shared macro into the reply box by
its keyboard shortcut and sends it with its actions; a ticket merged into another keeps its
old address leading there."""

import pytest
from playwright.sync_api import expect

from macros.services import macro_create
from mail.models import SupportAddress
from tests.factories import PASSWORD, TicketFactory
from tickets.models import Status, Ticket
from workspace.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_inserts_a_macro_into_the_reply_and_applies_it(
    new_page, sign_in, board, ticket, admin_user
):
    SupportAddress.objects.create(board=board, address="support@example.com")
    macro_create(
        board=board, by=admin_user, shared=True, name="Need invoice number",
        body="Hello {{customer.name}}, which invoice is it? ({{ticket.ref}})",
        set_status=Status.WAITING,
    )  # fmt: skip
    macro_create(board=board, by=admin_user, shared=True, name="Closing", body="Bye")
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")
    page.get_by_role("tab", name="Chat").click()
    reply = page.locator("#reply-body")
    reply.focus()

    page.keyboard.press("Control+Shift+M")
    search = page.get_by_role("combobox", name="Macro name")
    expect(search).to_be_focused()
    search.fill("invoice")
    expect(page.get_by_role("listbox", name="Macros").get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")

    expect(reply).to_be_focused()
    expect(reply).to_have_value(f"Hello Dana Scully, which invoice is it? ({ticket.reference})")
    expect(
        page.get_by_text("Also apply “Need invoice number”: status Waiting on customer")
    ).to_be_visible()
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_text("Macro “Need invoice number” applied.")).to_be_visible()
    message = Message.objects.get(ticket=ticket, public=True)
    assert message.body.startswith("Hello Dana Scully")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING


def test_a_member_merges_a_ticket_and_its_old_address_leads_to_the_target(
    new_page, sign_in, board, ticket, member_user
):
    keep = TicketFactory(board=board, created_by=member_user, title="Discounts for teams")
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    old = f"/boards/{board.pk}/tickets/{ticket.number}/"
    page.goto(old)

    page.get_by_role("link", name="Merge into…").click()
    page.get_by_label("Reference or title").fill("Discounts")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(f"{keep.reference} Discounts for teams").check()
    page.get_by_role("button", name=f"Merge {ticket.reference}").click()

    expect(
        page.get_by_text(f"{ticket.reference} was merged into {keep.reference}.")
    ).to_be_visible()
    page.goto(old)
    expect(page).to_have_url(
        f"{page.url.split('/boards/')[0]}/boards/{board.pk}/tickets/{keep.number}/"
    )
    expect(page.get_by_role("heading", name="Discounts for teams")).to_be_visible()
    expect(page.get_by_text(f"Merged into this ticket: {ticket.reference}")).to_be_visible()
