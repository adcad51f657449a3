"""An admin sets up a rule in the board's settings, in a real browser (a condition row added by
htmx), and sees it act on the next ticket made on the board."""

import pytest
from playwright.sync_api import expect

from automation.models import Rule
from tests.factories import PASSWORD
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rule_made_in_settings_acts_on_a_new_ticket(
    new_page, sign_in, board, columns, celery_eager
):
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/boards/{board.pk}/settings/")
    page.get_by_role("link", name="Automation rules").click()
    page.get_by_role("link", name="New rule").click()
    page.wait_for_function("() => window.htmx !== undefined")

    page.get_by_label("Name").fill("VIP first")
    page.get_by_label("Condition on").select_option(label="Subject")
    page.get_by_role("button", name="Add condition").click()
    condition = page.locator("#condition-rows > li")
    expect(condition).to_have_count(1)
    condition.get_by_label("Value").fill("vip")
    action = page.locator("#action-rows > li")
    action.get_by_label("Value").select_option(label="Urgent")
    page.get_by_role("button", name="Save rule").click()

    expect(page.get_by_role("heading", name="1. VIP first")).to_be_visible()
    expect(page.get_by_text("Subject contains any of “vip”")).to_be_visible()
    assert Rule.objects.get().conditions == [{"field": "subject", "op": "contains", "value": "vip"}]

    page.goto(f"/boards/{board.pk}/")
    name = columns[0].name
    field = page.get_by_role("region", name=name).get_by_label(f"New ticket in {name}")
    field.fill("VIP customer locked out")
    field.press("Enter")
    expect(page.get_by_role("link", name="VIP customer locked out")).to_be_visible()

    ticket = Ticket.objects.get(title="VIP customer locked out")
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")
    page.get_by_role("tab", name="Activity").click()
    expect(
        page.get_by_text("Rule ‘VIP first’ changed the priority from Normal to Urgent")
    ).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).priority == "urgent"
