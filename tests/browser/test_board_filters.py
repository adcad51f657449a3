"""The board's filters applied as they change, in Chromium against the ASGI server: several values
per facet, the quick filters, the search, all in the URL (back and forward), without a reload,
and live updates that keep to them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tickets.models import Priority
from tickets.services import ticket_create, ticket_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set by the page once: a full reload would lose it.
MARK = "window.__notReloaded = true"


def open_board(new_page, sign_in, board, query=""):
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/{query}")
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    page.evaluate(MARK)
    return page


def not_reloaded(page) -> bool:
    return page.evaluate(
        "window.__notReloaded === true && performance.getEntriesByType('navigation').length === 1"
    )


def cards(page):
    return page.locator(".column__cards > [data-ticket]")


def facet(page, name):
    return page.locator("[data-filter-menu]", has=page.locator("summary", has_text=name))


@pytest.fixture
def tickets(board, columns, member_user, admin_user):
    make = lambda title, **kw: ticket_create(board=board, created_by=member_user, title=title, **kw)  # noqa: E731
    return {
        "calm": make("Calm question", priority=Priority.LOW),
        "fire": make("Fire in billing", priority=Priority.URGENT),
        "hot": make("Hot invoice", priority=Priority.HIGH, assignees=[member_user]),
        "late": make(
            "Late refund",
            priority=Priority.NORMAL,
            assignees=[admin_user],
            due_at=timezone.now() - timedelta(hours=2),
        ),
    }


def test_two_priorities_ticked_filter_the_board_at_once_and_go_in_the_url(
    new_page, sign_in, asgi_server, board, tickets
):
    page = open_board(new_page, sign_in, board)
    expect(cards(page)).to_have_count(4)
    expect(page.locator("[data-filters-apply]")).to_be_hidden()

    facet(page, "Priority").locator("summary").click()
    page.get_by_label("High", exact=True).check()
    expect(cards(page)).to_have_count(1)
    page.get_by_label("Urgent", exact=True).check()

    expect(cards(page)).to_have_count(2)
    expect(cards(page).filter(has_text="Fire in billing")).to_have_count(1)
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/?priority=high&priority=urgent")
    expect(page.locator("[data-filter-count]")).to_have_text("2 filters on")
    expect(facet(page, "Priority").locator("[data-facet-count]")).to_contain_text("2")
    # both ticked: the quick filter says so
    expect(page.get_by_role("button", name="High priority")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert not_reloaded(page)


def test_back_and_forward_step_through_the_filters(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board)
    page.get_by_role("button", name="Overdue").click()
    expect(cards(page)).to_have_count(1)
    page.get_by_role("button", name="Mine").click()
    expect(cards(page)).to_have_count(0)
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/?assignee=me&overdue=true")

    page.go_back()
    expect(cards(page)).to_have_count(1)
    expect(page.get_by_role("button", name="Mine")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("button", name="Overdue")).to_have_attribute("aria-pressed", "true")
    page.go_back()
    expect(cards(page)).to_have_count(4)
    expect(page.locator("[data-filters-clear]")).to_be_hidden()
    page.go_forward()

    expect(cards(page)).to_have_count(1)
    expect(cards(page)).to_contain_text("Late refund")
    expect(page.get_by_role("button", name="Overdue")).to_have_attribute("aria-pressed", "true")
    assert not_reloaded(page)


def test_two_assignees_show_the_tickets_of_either(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board)
    facet(page, "Assignee").locator("summary").click()

    page.get_by_label("Assigned to me").check()
    page.get_by_role("checkbox", name="Alice Admin").check()

    expect(cards(page)).to_have_count(2)
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/?assignee=me&assignee=alice")
    expect(page.get_by_role("button", name="Mine")).to_have_attribute("aria-pressed", "true")


def test_the_quick_filters_combine_with_the_facets_and_clear_undoes_them_all(
    new_page, sign_in, asgi_server, board, tickets
):
    page = open_board(new_page, sign_in, board)
    page.get_by_role("button", name="High priority").click()
    expect(cards(page)).to_have_count(2)

    page.get_by_role("button", name="Mine").click()
    expect(cards(page)).to_have_count(1)
    expect(cards(page)).to_contain_text("Hot invoice")
    expect(page.locator("[data-filter-count]")).to_have_text("3 filters on")

    page.get_by_role("link", name="Clear filters").click()
    expect(cards(page)).to_have_count(4)
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/")
    expect(page.locator("[data-filter-count]")).to_have_text("")
    expect(page.get_by_role("button", name="Mine")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_label("Search tickets")).to_be_focused()
    assert not_reloaded(page)


def test_the_search_applies_once_typing_pauses(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board)
    search = page.get_by_label("Search tickets")

    search.press_sequentially("invoice", delay=40)

    expect(cards(page)).to_have_count(1)
    expect(cards(page)).to_contain_text("Hot invoice")
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/?q=invoice")
    expect(search).to_be_focused()
    page.go_back()  # the typing was one step
    expect(cards(page)).to_have_count(4)
    expect(search).to_have_value("")
    assert not_reloaded(page)


def test_a_facet_menu_works_from_the_keyboard(new_page, sign_in, asgi_server, board, tickets):
    page = open_board(new_page, sign_in, board)
    summary = facet(page, "Status").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(facet(page, "Status")).to_have_attribute("open", "")

    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first status, ticked
    expect(page).to_have_url(f"{asgi_server}/boards/{board.pk}/?status=ready")
    page.keyboard.press("Escape")

    expect(facet(page, "Status")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()


def test_a_live_change_keeps_to_the_filters_chosen_on_the_page(
    new_page, sign_in, asgi_server, board, member_user, tickets
):
    page = open_board(new_page, sign_in, board)
    page.get_by_role("button", name="High priority").click()
    expect(cards(page)).to_have_count(2)

    ticket_update(ticket=tickets["calm"], by=member_user, title="Calm, still")  # not shown
    ticket_update(ticket=tickets["late"], by=member_user, priority=Priority.URGENT)  # now shown

    expect(cards(page)).to_have_count(3)
    expect(cards(page).filter(has_text="Calm")).to_have_count(0)
    expect(cards(page).filter(has_text="Late refund")).to_have_count(1)
