"""The board's quick add in a real browser: two cards typed in a row, by keyboard only, without a
reload; the field keeps its focus for the next one. A refusal is said under the field."""

import pytest
from playwright.sync_api import expect

from boards.services import column_update
from tests.factories import PASSWORD
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_board(new_page, sign_in, board, columns):
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/boards/{board.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillHere = true; }")
    return page


def test_two_cards_are_added_in_a_row_by_keyboard_without_a_reload(on_board, columns):
    name = columns[0].name
    column = on_board.get_by_role("region", name=name)
    field = column.get_by_label(f"New ticket in {name}")
    field.focus()

    on_board.keyboard.type("Invoice copy for ACME")
    on_board.keyboard.press("Enter")
    expect(column.get_by_role("link", name="Invoice copy for ACME")).to_be_visible()
    expect(column.get_by_label(f"New ticket in {name}")).to_be_focused()
    expect(column.get_by_label(f"New ticket in {name}")).to_have_value("")
    on_board.keyboard.type("Refund for Globex")
    on_board.keyboard.press("Enter")

    expect(column.get_by_role("link", name="Refund for Globex")).to_be_visible()
    expect(column.get_by_label(f"New ticket in {name}")).to_be_focused()
    assert on_board.evaluate("() => window.stillHere") is True
    assert list(Ticket.objects.order_by("pk").values_list("title", flat=True)) == [
        "Invoice copy for ACME",
        "Refund for Globex",
    ]
    # The new cards are set up like the others (they can be picked up to move).
    new_card = on_board.locator(".column__cards > [data-ticket]").filter(
        has_text="Refund for Globex"
    )
    expect(new_card).to_have_attribute("aria-roledescription", "movable ticket")


def test_a_column_at_its_limit_says_so_under_the_field(on_board, columns, board, member_user):
    column_update(column=columns[0], wip_limit=1)
    name = columns[0].name
    column = on_board.get_by_role("region", name=name)
    field = column.get_by_label(f"New ticket in {name}")
    field.fill("First")
    field.press("Enter")
    expect(column.get_by_role("link", name="First")).to_be_visible()
    # The redraw drew the column full: a second add now comes from a stale page, as when
    # someone else filled it.
    column_update(column=columns[0], wip_limit=2)
    on_board.reload()
    column_update(column=columns[0], wip_limit=1)
    field = on_board.get_by_role("region", name=name).get_by_label(f"New ticket in {name}")
    field.fill("Second")
    field.press("Enter")

    expect(on_board.get_by_role("alert").filter(has_text="WIP limit")).to_be_visible()
    assert not Ticket.objects.filter(title="Second").exists()
