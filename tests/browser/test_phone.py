"""A phone (390 x 844): no page scrolls sideways, for every role, signed out and for a
customer (tests/browser/every_page.py's pages). Only the board's strip of columns may scroll
inside itself, snapping column by column, with a picker above it that jumps to a column; the
board's filters fold behind a "Filters" button."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.every_page import ROLES, sign_in, visit_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDTH = "() => document.documentElement.scrollWidth"


class Widths:
    """Keeps each page that is wider than the phone, with the elements that stick out."""

    def __init__(self):
        self.too_wide = []

    def __call__(self, page):
        page.wait_for_load_state("load")
        width = page.evaluate(WIDTH)
        if width > PHONE["width"]:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > limit + 1
                                && !el.closest(".board"))
                .slice(0, 4).map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join("."))""",
                PHONE["width"],
            )
            self.too_wide.append(f"{page.url}: {width}px ({', '.join(culprits)})")


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_no_page_scrolls_sideways_on_a_phone(states, new_page, user_for, role):
    page = new_page(PHONE)
    widths = Widths()

    visit_as(page, states, user_for(role), widths)

    assert not widths.too_wide, "\n".join(widths.too_wide)


def test_on_a_phone_the_columns_snap_and_the_picker_jumps_to_a_column(
    states, new_page, member_user
):
    board = states["board"]
    last = board.columns.order_by("position").last()
    page = new_page(PHONE)
    sign_in(page, member_user)
    page.goto(reverse("boards:detail", args=[board.pk]))
    strip = page.locator(".board")

    assert strip.evaluate("(el) => getComputedStyle(el).scrollSnapType").startswith("x")
    assert strip.evaluate(
        "(el) => el.scrollWidth > el.clientWidth"
    )  # the strip scrolls, not the page
    assert page.evaluate(WIDTH) <= PHONE["width"]

    page.get_by_role("navigation", name="Jump to a column").get_by_role(
        "link", name=last.name
    ).click()

    expect(page.locator(f"#column-{last.pk}")).to_be_in_viewport()
    assert strip.evaluate("(el) => el.scrollLeft") > 0


def test_on_a_phone_the_filters_fold_behind_a_button(states, new_page, member_user):
    board = states["board"]
    page = new_page(PHONE)
    sign_in(page, member_user)
    page.goto(reverse("boards:detail", args=[board.pk]))
    search = page.get_by_label("Search tickets")

    expect(search).to_be_hidden()
    page.locator("summary", has_text="Filters").click()
    expect(search).to_be_visible()


def test_on_a_desktop_the_filters_show_without_a_click(states, new_page, member_user):
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, member_user)
    page.goto(reverse("boards:detail", args=[states["board"].pk]))

    expect(page.get_by_label("Search tickets")).to_be_visible()
    expect(page.locator("summary", has_text="Filters")).to_be_hidden()


def test_on_a_phone_the_picker_follows_a_column_added_or_renamed_elsewhere(
    new_page, sign_in, asgi_server, board, columns, admin_user
):
    from boards.services import column_create, column_update
    from tests.factories import PASSWORD

    page = new_page(PHONE)
    sign_in(page, "gus", PASSWORD)
    page.goto(reverse("boards:detail", args=[board.pk]))
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    picker = page.get_by_role("navigation", name="Jump to a column")

    column_create(board=board, name="Escalated <b>")
    column_update(column=columns[0], name="Inbox")

    expect(picker.get_by_role("link", name="Escalated <b>")).to_be_visible(timeout=5000)
    expect(picker.get_by_role("link", name="Inbox")).to_be_visible()
    picker.get_by_role("link", name="Escalated <b>").click()
    expect(page.get_by_role("heading", name="Escalated <b>")).to_be_in_viewport()


def test_on_a_phone_the_boards_actions_are_one_row_of_named_icons(
    new_page, sign_in, asgi_server, board, columns
):
    from tests.factories import PASSWORD

    page = new_page(PHONE)
    sign_in(page, "mia", PASSWORD)  # a member (an admin's Settings makes a second row)
    page.goto(reverse("boards:detail", args=[board.pk]))
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    actions = page.locator(".board-header__actions")

    middles = actions.evaluate(
        "(row) => Array.from(row.children).map((child) => {"
        " const box = child.getBoundingClientRect(); return Math.round(box.top + box.height / 2); })"
    )
    assert len(set(middles)) == 1, middles
    for name in ("New ticket", "Metrics", "Zoom out", "Archive", "Rules"):
        named = actions.get_by_role("link", name=name).or_(actions.get_by_role("button", name=name))
        expect(named).to_be_visible()
