"""The whole conversation with a customer, in real browsers, as issue 15 asks: the customer
sends the board's request form, the team answers from the ticket page, the customer gets the
answer by email, opens the portal by the link it mails them, answers with a file, the team
resolves the ticket, the customer rates it in the portal, and the team's metrics show the
rating. Every step goes through the pages; the mail is read back from the outbox."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mail.models import SupportAddress
from portal.models import PortalSettings
from tests.factories import PASSWORD
from tests.portal.conftest import text_of
from tickets.models import Source, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def customer_side(board):
    SupportAddress.objects.create(board=board, address="support@example.com")
    return PortalSettings.objects.create(board=board, form_enabled=True, portal_enabled=True)


def test_form_reply_portal_answer_resolution_rating_and_metrics(
    new_page, sign_in, board, columns, member_user, customer_side, celery_eager, tmp_path
):
    # The customer sends the form.
    customer = new_page()
    customer.goto(f"/help/{board.key}/")
    customer.get_by_label("Your name").fill("Dana Scully")
    customer.get_by_label("Your email").fill("dana@fbi.example")
    customer.get_by_label("Subject").fill("Export stops at 10,000 rows")
    customer.get_by_label("Message").fill("Our CSV export stops at 10,000 rows. Can you help?")
    customer.wait_for_timeout(3200)  # a person takes a few seconds (the form's timing check)
    customer.get_by_role("button", name="Send request").click()
    expect(customer.get_by_role("heading", name=re.compile("we have your request"))).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.source == Source.FORM
    (confirmation,) = mail.outbox
    assert confirmation.to == ["dana@fbi.example"]
    assert f"/portal/{board.key}/" in text_of(confirmation)

    # The team answers from the ticket page.
    team = new_page()
    sign_in(team, "mia", PASSWORD)
    team.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")
    team.get_by_role("tab", name=re.compile("Chat")).click()
    chat = team.get_by_role("tabpanel", name=re.compile("Chat"))
    expect(chat).to_contain_text("Customer · request form")
    chat.get_by_label(re.compile("Reply to customer")).fill("Use **Export all**, it streams.")
    chat.get_by_role("button", name="Send reply").click()
    chat = team.get_by_role("tabpanel", name=re.compile("Chat"))
    expect(chat).to_contain_text("Use Export all, it streams.")
    expect(chat.locator(".badge--reply")).to_contain_text("emailed")

    # The customer gets it by email, in the thread of their request.
    reply = mail.outbox[-1]
    assert reply.to == ["dana@fbi.example"]
    assert "Export all" in text_of(reply)
    assert f"[{ticket.reference}]" in reply.subject

    # They open the portal by the link it mails them, and answer with a file.
    customer.goto(f"/portal/{board.key}/")
    customer.get_by_label("Your email address").fill("dana@fbi.example")
    customer.get_by_role("button", name="Email me a sign-in link").click()
    expect(customer.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://\S+(/portal/\S+/in/\S+/)", mail.outbox[-1].body).group(1)
    customer.goto(link)
    customer.get_by_role("button", name="Continue to your requests").click()
    customer.get_by_role("link", name=re.compile("Export stops")).click()
    expect(customer.locator(".portal-message--team")).to_contain_text("Export all")
    screenshot = tmp_path / "export-error.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    customer.get_by_label("Your answer").fill("Still stops, see the screenshot.")
    customer.get_by_label("Files").set_input_files(str(screenshot))
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_role("status")).to_contain_text("your answer was sent")

    # The team sees it with its file, and resolves the ticket.
    team.reload()
    team.get_by_role("tab", name=re.compile("Chat")).click()
    chat = team.get_by_role("tabpanel", name=re.compile("Chat"))
    expect(chat).to_contain_text("Still stops, see the screenshot.")
    expect(chat).to_contain_text("Customer · portal")
    expect(chat.locator('a[title="export-error.png"]')).to_be_visible()
    team.get_by_role("tab", name="Details").click()
    team.get_by_text("Edit ticket").click()
    form = team.locator("#edit form")
    form.get_by_label("Status").select_option(label="Resolved")
    form.get_by_role("button", name="Save changes").click()
    expect(team.get_by_role("status")).to_contain_text(f"{ticket.reference} saved.")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED

    # The customer rates it in the portal.
    customer.reload()
    expect(customer.locator(".portal-status").first).to_have_text("Resolved")
    customer.get_by_role("button", name="5 out of 5").click()
    expect(customer.get_by_role("status")).to_contain_text("Thank you for your rating: 5 out of 5")

    # And the team's metrics show the rating.
    team.goto(f"/boards/{board.pk}/metrics/")
    scores = team.locator("table").filter(has_text="CSAT")
    week = scores.locator("tbody tr").first
    expect(week.locator("td").nth(3)).to_have_text(re.compile(r"^5(\.0)?$"))  # CSAT
    expect(week.locator("td").nth(4)).to_have_text("100 %")  # satisfied
