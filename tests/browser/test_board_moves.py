"""The interactive board in Chromium, against the real ASGI server (pages, API and sockets)."""

import time

import pytest
from playwright.sync_api import expect

from boards.services import column_update
from tests.factories import PASSWORD, placed
from tickets.models import Priority, Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, ticket):
    return page.locator(f'[data-ticket="{ticket.number}"]')


def column(page, col):
    return page.locator(f'.column__cards[data-column="{col.pk}"]')


def drag(page, source, target):
    """A pointer drag, as a mouse or a finger does it (SortableJS's fallback mode)."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 20)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 30, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=20)
    page.mouse.up()


def eventually(check, timeout=5.0):
    """Wait until the server has done what the page shows as done (its request may still be in
    flight when the page redraws): poll the database instead of sleeping a fixed time."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the server did not get there in time"
        time.sleep(0.05)


def open_board(new_page, sign_in, board, user="mia", query="", init_script=None):
    page = new_page()
    if init_script:
        page.add_init_script(init_script)
    sign_in(page, user, PASSWORD)
    page.goto(f"/boards/{board.pk}/{query}")
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    return page


def test_a_dragged_card_is_in_its_new_column_after_a_reload(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = open_board(new_page, sign_in, board)

    drag(page, card(page, ticket), column(page, columns[1]))

    expect(column(page, columns[1]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    expect(page.locator("[data-announcer]")).to_contain_text("moved to “Open tickets”")
    page.reload()
    expect(column(page, columns[1]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).column == columns[1]


def test_a_card_dropped_on_a_full_column_goes_back_with_the_reason(
    new_page, sign_in, asgi_server, board, columns, ticket, member_user
):
    column_update(column=columns[1], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Fills it", column=columns[1])
    page = open_board(new_page, sign_in, board)

    drag(page, card(page, ticket), column(page, columns[1]))

    expect(page.locator("[data-toast]")).to_contain_text("went back to “New tickets”")
    expect(page.locator("[data-toast]")).to_contain_text("WIP limit")
    expect(column(page, columns[0]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).column == columns[0]


def test_a_card_moved_meanwhile_goes_back_with_the_reason_and_then_shows_where_it_is(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = open_board(new_page, sign_in, board)
    # Someone moves it before this page heard of it (no event sent: the page stays stale).
    Ticket.objects.filter(pk=ticket.pk).update(column=columns[1], rank=-(1 << 40))  # the top

    drag(page, card(page, ticket), column(page, columns[2]))

    toast = page.locator("[data-toast]")
    expect(toast).to_contain_text("went back to “New tickets”")
    expect(toast).to_contain_text("Someone moved this ticket meanwhile: it is now in Open tickets.")
    # The redraw after the refusal shows the truth.
    expect(column(page, columns[1]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).column == columns[1]


def test_a_card_moves_with_the_keyboard_alone(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = open_board(new_page, sign_in, board)

    card(page, ticket).focus()
    page.keyboard.press("Space")
    expect(page.locator("[data-announcer]")).to_contain_text("Picked up CS-1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")

    expect(page.locator("[data-announcer]")).to_contain_text("moved to “Feature requests”")
    expect(column(page, columns[2]).locator('[data-ticket="1"]')).to_be_visible()
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column == columns[2])


def test_a_card_picked_up_with_the_keyboard_survives_a_live_change_before_the_first_arrow(
    new_page, sign_in, asgi_server, board, columns, ticket, member_user
):
    page = open_board(new_page, sign_in, board)
    card(page, ticket).focus()
    page.keyboard.press("Space")
    expect(page.locator("[data-announcer]")).to_contain_text("Picked up CS-1")

    ticket_create(board=board, created_by=member_user, title="Meanwhile", column=columns[3])
    page.wait_for_timeout(700)  # the event arrives; the board must not redraw under the card
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")

    expect(page.locator("[data-announcer]")).to_contain_text("moved to “Open tickets”")
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column == columns[1])
    # Dropped: the redraw held back for the move now happens, showing the new ticket.
    expect(column(page, columns[3]).locator('[data-ticket="2"]')).to_be_visible(timeout=2000)


def test_a_move_in_one_browser_shows_in_another_within_two_seconds(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    mia = open_board(new_page, sign_in, board, "mia")
    gus = open_board(new_page, sign_in, board, "gus")

    drag(mia, card(mia, ticket), column(mia, columns[1]))

    expect(column(gus, columns[1]).locator('[data-ticket="1"]')).to_be_visible(timeout=2000)
    expect(gus.locator(f'[data-column="{columns[1].pk}"] .count')).to_have_text("1")


def test_a_ticket_created_while_the_page_loads_shows_once_its_socket_listens(
    new_page, sign_in, asgi_server, board, columns, member_user
):
    page = new_page()
    sign_in(page, "gus", PASSWORD)
    # Signed in, on My work (live on its own socket): the board is not drawn yet.
    expect(page.locator(f'section[data-column="{columns[1].pk}"]')).to_have_count(0)

    def create_first(route):
        # The page is drawn; its socket is not open yet (the script that opens it is held).
        ticket_create(board=board, created_by=member_user, title="Meanwhile", column=columns[1])
        route.continue_()

    page.route("**/js/board-live*.js", create_first)
    page.goto(f"/boards/{board.pk}/")

    expect(page.locator("[data-live-status]")).to_have_text("Live")
    expect(column(page, columns[1]).locator('[data-ticket="1"]')).to_be_visible(timeout=2000)


def test_the_wip_counter_follows_a_ticket_created_elsewhere_within_two_seconds(
    new_page, sign_in, asgi_server, board, columns, member_user
):
    column_update(column=columns[1], wip_limit=3)
    ticket_create(board=board, created_by=member_user, title="First", column=columns[1])
    page = open_board(new_page, sign_in, board, "gus")
    counter = page.locator(f'section[data-column="{columns[1].pk}"] .wip')
    expect(counter).to_have_text("1 / 3")

    ticket_create(board=board, created_by=member_user, title="Second", column=columns[1])

    expect(counter).to_have_text("2 / 3", timeout=2000)
    expect(column(page, columns[1]).locator('[data-ticket="2"]')).to_be_visible()


def test_a_comment_and_a_board_chat_message_show_without_a_reload(
    new_page, sign_in, asgi_server, board, ticket, admin_user
):
    from workspace.services import message_post

    page = open_board(new_page, sign_in, board, "gus")
    page.locator("#board-chat summary").click()

    message_post(board=board, by=admin_user, body="Called them back", ticket=ticket)
    message_post(board=board, by=admin_user, body="Standup moved to 10:00")

    expect(card(page, ticket).locator(".card__comments")).to_contain_text("1", timeout=2000)
    chat = page.locator("#board-chat")
    expect(chat.locator(".chat__messages")).to_contain_text("Standup moved to 10:00", timeout=2000)
    expect(chat.locator("summary .tabs__count")).to_have_text("1")
    expect(chat).to_have_attribute("open", "")  # the open panel stays open


SOCKETS_COUNTED = """
window.__sockets = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  window.__sockets.push(socket);
  return socket;
};
window.WebSocket.prototype = Native.prototype;
"""


def test_after_a_dropped_socket_the_board_catches_up_on_what_it_missed(
    new_page, sign_in, asgi_server, board, columns, member_user
):
    page = open_board(new_page, sign_in, board, init_script=SOCKETS_COUNTED)
    status = page.locator("[data-live-status]")

    page.evaluate("window.__sockets.at(-1).close()")  # the connection drops
    expect(status).to_have_text("Reconnecting…")
    ticket_create(board=board, created_by=member_user, title="Missed", column=columns[2])

    expect(status).to_have_text("Live", timeout=5000)
    expect(column(page, columns[2]).locator('[data-ticket="1"]')).to_be_visible(timeout=2000)


def test_a_member_removed_while_watching_stops_listening_and_stops_retrying(
    new_page, sign_in, asgi_server, board, member_user, admin_user
):
    from boards.models import Membership
    from boards.services import membership_remove

    page = open_board(new_page, sign_in, board, init_script=SOCKETS_COUNTED)
    status = page.locator("[data-live-status]")

    membership_remove(
        membership=Membership.objects.get(board=board, user=member_user), by=admin_user
    )

    expect(status).to_have_text("Not live")
    page.wait_for_timeout(2500)  # a retry would come after 1 s
    assert page.evaluate("window.__sockets.length") == 1
    assert page.evaluate("window.__sockets[0].readyState") == 3  # CLOSED


def test_a_guests_board_has_no_drag_and_a_drag_moves_nothing(
    new_page, sign_in, asgi_server, board, columns, ticket
):
    page = open_board(new_page, sign_in, board, "gus")
    expect(card(page, ticket)).not_to_have_attribute("tabindex", "0")

    drag(page, card(page, ticket), column(page, columns[1]))

    page.wait_for_timeout(500)
    expect(column(page, columns[0]).locator(f'[data-ticket="{ticket.number}"]')).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).column == columns[0]


def test_a_filtered_url_shows_only_matching_cards(
    new_page, sign_in, asgi_server, board, member_user
):
    ticket_create(board=board, created_by=member_user, title="Calm", priority=Priority.LOW)
    ticket_create(board=board, created_by=member_user, title="Fire", priority=Priority.URGENT)

    page = open_board(new_page, sign_in, board, query="?priority=urgent")

    expect(page.locator("[data-ticket]")).to_have_count(1)
    expect(page.locator("[data-ticket]")).to_contain_text("Fire")
    expect(page.get_by_text("1 of 2")).to_be_visible()


def test_the_zoomed_out_view_is_remembered(new_page, sign_in, asgi_server, board, ticket):
    page = open_board(new_page, sign_in, board)

    page.get_by_role("button", name="Zoom out").click()
    expect(page.locator(".card--compact")).to_have_count(1)
    page.goto(f"/boards/{board.pk}/")

    expect(page.locator(".card--compact")).to_have_count(1)
    expect(page.get_by_role("button", name="Full cards")).to_be_visible()


def test_an_admin_drags_a_column_to_reorder_the_board(
    new_page, sign_in, asgi_server, board, columns
):
    page = open_board(new_page, sign_in, board, "alice")
    bugs = page.locator(f'section[data-column="{columns[3].pk}"] .column__header')
    first = page.locator(f'section[data-column="{columns[0].pk}"] .column__header')

    drag(page, bugs, first)

    expect(page.locator("section.column").first).to_have_attribute(
        "data-column", str(columns[3].pk)
    )
    eventually(lambda: board.columns.order_by("position").first().name == "Bugs")


def test_a_card_moves_by_touch(browser, asgi_server, board, columns, ticket, sign_in):
    context = browser.new_context(
        base_url=asgi_server, viewport={"width": 1024, "height": 768}, has_touch=True
    )
    page = context.new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/")
    start = card(page, ticket).bounding_box()
    end = column(page, columns[1]).bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + 20
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + 30

    # A finger: touchstart, a rest on the card (a swipe would scroll), a few touchmoves and
    # touchend, dispatched as a touch screen sends them.
    cdp = context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    page.wait_for_timeout(300)
    for step in range(1, 21):
        x, y = x0 + (x1 - x0) * step / 20, y0 + (y1 - y0) * step / 20
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
        page.wait_for_timeout(15)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    expect(column(page, columns[1]).locator('[data-ticket="1"]')).to_be_visible()
    eventually(lambda: Ticket.objects.get(pk=ticket.pk).column == columns[1])
    context.close()


def test_a_quick_swipe_over_a_card_scrolls_and_does_not_pick_it_up(
    browser, asgi_server, board, columns, ticket, member_user, sign_in
):
    below = ticket_create(board=board, created_by=member_user, title="Below")
    context = browser.new_context(
        base_url=asgi_server, viewport={"width": 1024, "height": 768}, has_touch=True
    )
    page = context.new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/")
    start, end = card(page, ticket).bounding_box(), card(page, below).bounding_box()
    x, y0, y1 = start["x"] + start["width"] / 2, start["y"] + 20, end["y"] + end["height"] + 10
    cdp = context.new_cdp_session(page)

    # Straight down over the card below, without resting first: a swipe, not a pick-up.
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
    for step in range(1, 11):
        y = y0 + (y1 - y0) * step / 10
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
        page.wait_for_timeout(10)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    page.wait_for_timeout(500)
    numbers = column(page, columns[0]).locator("[data-ticket]")
    expect(numbers).to_have_count(2)
    assert [n.get_attribute("data-ticket") for n in numbers.all()] == ["1", "2"]
    assert placed(Ticket.objects.filter(column_id=Ticket.objects.get(pk=ticket.pk).column_id))[
        0
    ] == (ticket.number, 0)
    context.close()
