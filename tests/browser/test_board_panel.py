"""The ticket panel over the board and the quick edits (static/js/ticket-panel.js), in Chromium
against the real ASGI server: a second browser sees each edit live."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards.models import Role
from boards.services import column_update, membership_set_role, tag_create, tag_delete
from tests.browser.test_board_moves import card, open_board
from tests.factories import PASSWORD
from tickets.models import Priority, Status, Ticket
from tickets.services import ticket_create, ticket_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def panel(page):
    return page.locator("[data-ticket-panel]")


def open_panel(page, ticket):
    card(page, ticket).locator(".card__link").click()
    expect(panel(page).get_by_role("heading", name=ticket.title)).to_be_visible()


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_click_on_a_card_opens_its_panel_with_its_own_url_and_escape_closes_it(
    new_page, sign_in, asgi_server, board, ticket
):
    page = open_board(new_page, sign_in, board)

    open_panel(page, ticket)

    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/\?ticket={ticket.number}$"))
    expect(panel(page)).to_be_focused()
    expect(panel(page)).to_have_attribute("aria-label", f"Ticket CS-{ticket.number}")
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/$"))
    expect(card(page, ticket).locator(".card__link")).to_be_focused()


def test_the_back_button_closes_the_panel_and_forward_opens_it_again(
    new_page, sign_in, asgi_server, board, ticket
):
    page = open_board(new_page, sign_in, board)
    open_panel(page, ticket)

    page.go_back()
    expect(panel(page)).to_be_hidden()
    expect(page.locator("[data-board]")).to_be_visible()  # still the board, not the page before
    page.go_forward()
    expect(panel(page).get_by_role("heading", name=ticket.title)).to_be_visible()


def test_a_shared_panel_url_opens_the_board_with_the_panel_and_its_close_button_works(
    new_page, sign_in, asgi_server, board, ticket
):
    page = open_board(new_page, sign_in, board, query=f"?ticket={ticket.number}")

    expect(panel(page).get_by_role("heading", name=ticket.title)).to_be_visible()
    expect(page.locator("[data-board]")).to_be_visible()
    panel(page).get_by_role("button", name="Close").click()
    expect(panel(page)).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/$"))


def test_the_open_panel_survives_a_live_redraw_and_shows_the_change(
    new_page, sign_in, asgi_server, board, ticket, admin_user
):
    page = open_board(new_page, sign_in, board)
    open_panel(page, ticket)

    ticket_create(board=board, created_by=admin_user, title="Someone else's")  # columns redraw
    ticket_update(ticket=fresh(ticket), by=admin_user, title="Team discount, renamed")

    expect(panel(page).get_by_role("heading", name="Team discount, renamed")).to_be_visible()
    expect(page.locator("[data-ticket]", has_text="Someone else's")).to_be_visible()


def test_each_quick_edit_in_the_panel_saves_at_once_and_shows_live_elsewhere(
    new_page, sign_in, asgi_server, board, columns, ticket, admin_user
):
    tag = tag_create(board=board, name="vip")
    page = open_board(new_page, sign_in, board)
    other = open_board(new_page, sign_in, board, user="alice")
    open_panel(page, ticket)
    quick = panel(page).locator("[data-quick-edit]")

    quick.get_by_label("Priority").select_option(Priority.URGENT)
    expect(card(other, ticket).locator(".priority")).to_have_text("Urgent")
    quick.get_by_label("Status").select_option(Status.WAITING)
    expect(card(other, ticket).locator(".status")).to_have_text("Waiting on customer")
    quick.get_by_label("Alice Admin").check()
    expect(card(other, ticket).locator(".avatars")).to_be_visible()
    quick.get_by_label("vip").check()
    expect(card(other, ticket).locator(".chip")).to_have_text("vip")
    quick.get_by_label("Due").fill("4 May 2031 10:30")
    quick.get_by_label("Due").press("Tab")
    expect(card(other, ticket).locator(".due")).to_contain_text("4 May")

    saved = fresh(ticket)
    assert (saved.priority, saved.status) == (Priority.URGENT, Status.WAITING)
    assert list(saved.assignees.all()) == [admin_user]
    assert list(saved.tags.all()) == [tag]
    assert saved.due_is_manual


def test_the_panels_due_date_shows_and_reads_the_one_format_and_refuses_a_guess(
    new_page, sign_in, asgi_server, board, ticket, admin_user
):
    ticket_update(ticket=ticket, by=admin_user, due_at=datetime(2026, 10, 7, 14, 5, tzinfo=UTC))
    page = open_board(new_page, sign_in, board)
    open_panel(page, ticket)
    field = panel(page).locator('[data-quick-field="due_at"]')
    due = field.get_by_label("Due")

    expect(due).to_have_value("7 Oct 2026 14:05")
    expect(due).to_have_accessible_description("As 7 Oct 2026 14:00")
    due.fill("10/07/2026 14:05")
    due.press("Tab")
    expect(field.get_by_role("alert")).to_have_text("Enter a date as 7 Oct 2026 14:00.")
    expect(due).to_have_value("7 Oct 2026 14:05")  # back to the saved date
    assert fresh(ticket).due_at == datetime(2026, 10, 7, 14, 5, tzinfo=UTC)

    due.fill("9 December 2026, 08:30")
    due.press("Tab")

    expect(due).to_have_value("9 Dec 2026 08:30")  # redrawn by the server
    expect(field.get_by_role("alert")).to_be_hidden()
    assert fresh(ticket).due_at == datetime(2026, 12, 9, 8, 30, tzinfo=UTC)


def test_a_column_at_its_limit_refuses_the_panels_move_inline_and_the_old_column_comes_back(
    new_page, sign_in, asgi_server, board, columns, ticket, member_user
):
    column_update(column=columns[1], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Fills it", column=columns[1])
    page = open_board(new_page, sign_in, board)
    open_panel(page, ticket)
    field = panel(page).locator('[data-quick-field="column"]')

    field.get_by_label("Column").select_option(str(columns[1].pk))

    expect(field.get_by_role("alert")).to_contain_text("WIP limit")
    expect(field.get_by_label("Column")).to_have_value(str(columns[0].pk))
    assert fresh(ticket).column == columns[0]


def test_a_quick_edit_refused_for_lost_access_shows_why_and_keeps_the_old_value(
    new_page, sign_in, asgi_server, board, ticket, member_user
):
    page = open_board(new_page, sign_in, board)
    open_panel(page, ticket)
    membership_set_role(membership=board.memberships.get(user=member_user), role=Role.GUEST)
    field = panel(page).locator('[data-quick-field="priority"]')

    field.get_by_label("Priority").select_option(Priority.HIGH)

    expect(field.get_by_role("alert")).to_be_visible()
    expect(field.get_by_label("Priority")).to_have_value(ticket.priority)
    assert fresh(ticket).priority == ticket.priority


def test_the_card_menu_changes_priority_from_the_keyboard_alone_seen_live_elsewhere(
    new_page, sign_in, asgi_server, board, ticket
):
    page = open_board(new_page, sign_in, board)
    other = open_board(new_page, sign_in, board, user="alice")
    button = card(page, ticket).get_by_role("button", name=f"Quick edits for CS-{ticket.number}")
    button.focus()

    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitemradio", name="Ready")).to_be_focused()
    high = menu.get_by_role("menuitemradio", name="High")
    for _ in range(20):  # down the menu to "High"
        if high.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(menu).to_be_hidden()
    expect(card(page, ticket).locator("[data-card-menu-button]")).to_be_focused()
    expect(card(other, ticket).locator(".priority")).to_have_text("High")
    assert fresh(ticket).priority == Priority.HIGH


def test_the_card_menu_sets_status_assignee_tag_and_due_seen_live_elsewhere(
    new_page, sign_in, asgi_server, board, ticket, admin_user
):
    tag = tag_create(board=board, name="vip")
    page = open_board(new_page, sign_in, board)
    other = open_board(new_page, sign_in, board, user="alice")

    def menu_item(role, name):
        card(page, ticket).locator("[data-card-menu-button]").click()
        page.get_by_role("menu").get_by_role(role, name=name).click()

    menu_item("menuitemradio", "In progress")
    expect(card(other, ticket).locator(".status")).to_have_text("In progress")
    menu_item("menuitemcheckbox", "Alice Admin")
    expect(page.get_by_role("menuitemcheckbox", name="Alice Admin")).to_have_attribute(
        "aria-checked", "true"
    )  # people and tags: the menu stays open for the next tick
    page.get_by_role("menuitemcheckbox", name="vip").click()
    expect(card(other, ticket).locator(".chip")).to_have_text("vip")
    page.keyboard.press("Escape")
    menu_item("menuitem", "Tomorrow")
    expect(card(other, ticket).locator(".due")).to_be_visible()

    saved = fresh(ticket)
    assert saved.status == Status.IN_PROGRESS
    assert list(saved.assignees.all()) == [admin_user]
    assert list(saved.tags.all()) == [tag]
    assert saved.due_at is not None


def test_a_refused_menu_edit_says_why_in_the_menu_and_unticks(
    new_page, sign_in, asgi_server, board, ticket
):
    tag = tag_create(board=board, name="vip")
    page = open_board(new_page, sign_in, board)
    tag_delete(tag=tag)  # meanwhile, elsewhere: the page still offers it (a 400 now)
    card(page, ticket).locator("[data-card-menu-button]").click()
    menu = page.get_by_role("menu")

    menu.get_by_role("menuitemcheckbox", name="vip").click()

    expect(menu.get_by_role("alert")).to_be_visible()
    expect(menu.get_by_role("menuitemcheckbox", name="vip")).to_have_attribute(
        "aria-checked", "false"
    )
    assert not fresh(ticket).tags.exists()


def test_a_guest_gets_the_panel_read_only_and_no_card_menu(
    new_page, sign_in, asgi_server, board, ticket
):
    page = open_board(new_page, sign_in, board, user="gus")

    expect(page.locator("[data-card-menu-button]")).to_have_count(0)
    open_panel(page, ticket)
    expect(panel(page).locator("select, [data-quick-edit]")).to_have_count(0)


@pytest.mark.parametrize(
    ("viewport", "name"),
    [({"width": 1366, "height": 900}, "desktop"), ({"width": 390, "height": 844}, "phone")],
)
def test_screenshots_of_the_board_with_the_panel_open(
    viewport, name, new_page, sign_in, asgi_server, board, columns, ticket, member_user, admin_user
):
    vip = tag_create(board=board, name="vip", color="#7c3aed")
    for index, title in enumerate(["Invoice missing", "Cannot sign in", "Export to CSV"]):
        ticket_create(
            board=board, created_by=member_user, title=title, column=columns[index % 3],
            priority=[Priority.HIGH, Priority.URGENT, Priority.LOW][index],
            assignees=[admin_user], tags=[vip],
        )  # fmt: skip
    page = new_page(viewport)
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/?ticket={ticket.number}")
    expect(panel(page).get_by_role("heading", name=ticket.title)).to_be_visible()
    if name == "phone":
        box = panel(page).bounding_box()
        assert (box["x"], box["width"]) == (0, 390)  # full screen
    expect(page.locator("[data-live-status]")).to_have_text("Live")

    page.screenshot(path=str(SCREENSHOTS / f"board-panel-{name}.png"))
