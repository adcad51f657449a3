"""My work, following and saved views in Chromium against the real ASGI server: a ticket
assigned in another browser shows up live on My work, the follow button of the ticket page and
panel, and a view saved from the board's filters and opened again."""

import re

import pytest
from playwright.sync_api import expect

from boards.models import Role
from boards.services import board_create, membership_add
from tests.browser.test_board_moves import card, open_board
from tests.factories import PASSWORD
from tickets.models import Follower
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ticket_assigned_in_another_browser_shows_up_live_on_my_work(
    new_page, sign_in, asgi_server, board, member_user, admin_user
):
    other = board_create(name="Escalations", key="ESC", created_by=admin_user)
    membership_add(board=other, user=member_user, role=Role.MEMBER)
    ticket = ticket_create(board=other, created_by=admin_user, title="Refund the annual plan")
    mia = new_page()
    sign_in(mia, "mia", PASSWORD)  # lands on My work
    expect(mia.get_by_role("heading", name="My work")).to_be_visible()
    expect(mia.locator("[data-live-status]")).to_have_text("Live")
    expect(mia.get_by_text("Nothing assigned to you")).to_be_visible()

    # Alice assigns it from her browser, as the board's quick edits do (the API, her session).
    alice = open_board(new_page, sign_in, other, user="alice")
    response = alice.request.patch(
        f"/api/boards/{other.pk}/tickets/{ticket.number}/",
        data={"assignees": ["mia"]},
        headers={"X-CSRFToken": alice.locator("[data-board]").get_attribute("data-csrf")},
    )
    assert response.status == 200, response.text()

    row = mia.locator(".work-item", has_text="Refund the annual plan")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Escalations")
    expect(row).to_contain_text(f"ESC-{ticket.number}")


def test_the_follow_button_on_the_ticket_page_and_in_the_panel(
    new_page, sign_in, asgi_server, board, ticket, guest_user
):
    page = new_page()
    sign_in(page, "gus", PASSWORD)
    page.goto(f"/boards/{board.pk}/tickets/{ticket.number}/")

    page.get_by_role("button", name=f"Follow CS-{ticket.number}").click()
    expect(page.get_by_role("button", name=f"Following CS-{ticket.number}")).to_be_visible()
    assert Follower.objects.filter(ticket=ticket, user=guest_user).exists()

    page = open_board(new_page, sign_in, board, user="gus")
    card(page, ticket).locator(".card__link").click()
    panel = page.locator("[data-ticket-panel]")
    panel.get_by_role("button", name=f"Following CS-{ticket.number}").click()
    expect(panel.get_by_role("button", name=f"Follow CS-{ticket.number}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/\?ticket={ticket.number}$"))
    assert not Follower.objects.filter(ticket=ticket, user=guest_user).exists()


def test_a_view_saved_from_the_boards_filters_opens_them_again(
    new_page, sign_in, asgi_server, board, member_user
):
    ticket_create(board=board, created_by=member_user, title="Urgent one", priority="urgent")
    ticket_create(board=board, created_by=member_user, title="Calm one", priority="low")
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/?priority=urgent")

    page.locator(".views-menu__toggle").click()
    page.get_by_label("Save these filters as").fill("Fires")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Fires” saved.")).to_be_visible()

    page.goto(f"/boards/{board.pk}/")
    expect(page.get_by_text("Calm one")).to_be_visible()
    page.locator(".views-menu__toggle").click()
    page.get_by_role("link", name="Fires").click()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/\?priority=urgent$"))
    expect(page.get_by_text("Urgent one")).to_be_visible()
    expect(page.get_by_text("Calm one")).to_be_hidden()
