"""The customer portal in a real browser: a customer asks for a sign-in link, opens it from
the mail, reads the team's reply, answers with a file (which the team's ticket page shows),
and once the team resolves the ticket, rates it. Screenshots of the portal go to
docs/screenshots/ (README, "Customer portal")."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal import auth
from portal.models import PortalSettings
from tests.factories import PASSWORD, TicketFactory
from tickets.models import Status
from tickets.services import ticket_update
from workspace import services as workspace
from workspace.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def portal_ticket(board, ticket, member_user):
    """Dana's ticket on a board in teal whose portal is on, answered by Mia; an older one too."""
    type(board).objects.filter(pk=board.pk).update(brand_color="#0f766e")  # next_number stays
    PortalSettings.objects.create(board=board, portal_enabled=True)
    TicketFactory(
        board=board, title="Invoice address for 2027", customer_email=ticket.customer_email,
        customer_name="Dana Scully", status=Status.RESOLVED,
    )  # fmt: skip
    workspace.message_receive(
        ticket=ticket, body="Hello! Could we get a **team discount** for 40 seats?",
        sender_name="Dana Scully", sender_email=ticket.customer_email,
    )  # fmt: skip
    workspace.message_reply(
        ticket=ticket, by=member_user,
        body="Hi Dana, we can offer **20%** off for 40 seats. Could you send us your current "
        "invoice so we can apply it?",
    )  # fmt: skip
    workspace.message_post(
        board=board, ticket=ticket, by=member_user, body="Internal: VIP, approve"
    )
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    return ticket


def shot(page, name: str):
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_customer_follows_answers_and_rates_their_ticket(
    new_page, sign_in, portal_ticket, board, member_user, celery_eager, tmp_path
):
    ticket = portal_ticket
    customer = new_page(DESKTOP)

    # Asks for a link.
    customer.goto(f"/portal/{board.key}/")
    customer.get_by_label("Your email address").fill("dana@example.com")
    customer.get_by_role("button", name="Email me a sign-in link").click()
    expect(customer.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = mail.outbox
    link = re.search(r"https?://\S+(/portal/\S+/in/\S+/)", message.body).group(1)

    # Opens it: Continue.
    customer.goto(link)
    customer.get_by_role("button", name="Continue to your requests").click()
    expect(customer.get_by_role("heading", name="Your requests")).to_be_visible()
    expect(customer.locator(".portal-ticket")).to_have_count(2)
    expect(customer.locator(".portal-ticket").first).to_contain_text("Waiting on you")
    shot(customer, "portal-list-desktop.png")

    # Reads the team's reply, never the internal note.
    customer.get_by_role("link", name=re.compile("Team discount")).click()
    expect(customer.locator(".portal-message--team")).to_contain_text("20%")
    expect(customer.locator(".portal-message--team")).to_contain_text("Mia Member")
    expect(customer.get_by_text("Internal: VIP")).to_have_count(0)

    # Answers with a file.
    invoice = tmp_path / "invoice-2026.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice")
    customer.get_by_label("Your answer").fill("Here is our invoice. Thank you!")
    customer.get_by_label("Files").set_input_files(str(invoice))
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_role("status")).to_contain_text("your answer was sent")
    expect(customer.locator(".portal-message--mine").last).to_contain_text("invoice-2026.pdf")
    expect(customer.locator(".portal-status").first).to_have_text("In progress")
    shot(customer, "portal-ticket-desktop.png")
    answer = Message.objects.get(ticket=ticket, body="Here is our invoice. Thank you!")
    assert answer.channel == Message.Channel.PORTAL

    # The team sees the answer with its file on the ticket page.
    team = new_page(DESKTOP)
    sign_in(team, "mia", PASSWORD)
    team.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")
    team.get_by_role("tab", name=re.compile("Chat")).click()
    chat = team.get_by_role("tabpanel", name=re.compile("Chat"))
    expect(chat).to_contain_text("Here is our invoice. Thank you!")
    expect(chat.get_by_role("link", name="invoice-2026.pdf")).to_be_visible()

    # Resolved by the team, the customer rates it in the portal.
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    customer.reload()
    customer.get_by_role("button", name="4 out of 5").click()
    expect(customer.get_by_role("status")).to_contain_text("Thank you for your rating: 4 out of 5")
    expect(customer.get_by_role("button", name="4 out of 5")).to_have_attribute(
        "aria-pressed", "true"
    )

    # On a phone: the sign-in page, and the ticket.
    phone = new_page(PHONE)
    phone.goto(f"/portal/{board.key}/")
    expect(phone.get_by_role("button", name="Email me a sign-in link")).to_be_visible()
    shot(phone, "portal-signin-phone.png")
    phone.goto(f"/portal/{board.key}/in/{auth.link_create(board=board, customer=ticket.customer)}/")
    phone.get_by_role("button", name="Continue to your requests").click()
    phone.goto(f"/portal/{board.key}/tickets/{ticket.number}/")
    expect(phone.locator(".portal-rating")).to_contain_text("4 out of 5")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    shot(phone, "portal-ticket-phone.png")
