"""The board page's filters with several values (the parameter repeated), as the API's."""

import re

import pytest

from boards.services import tag_create
from tickets.models import Priority
from tickets.services import ticket_create


def titles(response):
    html = response.content.decode()
    return {title for title in ("Invoice", "Login", "Refund") if title in html}


def test_two_priorities_show_the_tickets_of_either(board, columns, member_user, client_as):
    for title, priority in [("Invoice", "high"), ("Login", "urgent"), ("Refund", "low")]:
        ticket_create(board=board, created_by=member_user, title=title, priority=priority)

    response = client_as("member").get(f"/boards/{board.pk}/?priority=high&priority=urgent")

    assert titles(response) == {"Invoice", "Login"}


def test_two_assignees_show_the_tickets_of_either_once(
    board, columns, admin_user, member_user, client_as
):
    ticket_create(board=board, created_by=member_user, title="Invoice", assignees=[admin_user])
    ticket_create(
        board=board, created_by=member_user, title="Login", assignees=[admin_user, member_user]
    )
    ticket_create(board=board, created_by=member_user, title="Refund", priority=Priority.LOW)

    response = client_as("member").get(
        f"/boards/{board.pk}/?assignee={admin_user.username}&assignee=me"
    )

    assert titles(response) == {"Invoice", "Login"}
    assert response.content.decode().count(">Login<") <= 1


# --- The filter bar draws what the URL chose -------------------------------------------------
def checked(html: str, name: str) -> set[str]:
    """The values of the filter bar's ticked boxes called `name`."""
    return set(
        re.findall(
            rf'<input type="(?:checkbox|radio)" name="{name}" value="([^"]*)" checked>', html
        )
    )


def test_the_filter_bar_ticks_each_value_of_a_repeated_parameter(board, columns, client_as):
    html = client_as("member").get(
        f"/boards/{board.pk}/?priority=high&priority=urgent&status=ready"
    )

    page = html.content.decode()
    assert checked(page, "priority") == {"high", "urgent"}
    assert checked(page, "status") == {"ready"}
    assert checked(page, "due") == {""}  # "Any due date"
    assert html.context["filter_count"] == 3
    assert "3 filters on" in page


def test_a_tag_chosen_by_name_is_ticked_by_its_id(board, columns, client_as):
    vip = tag_create(board=board, name="VIP")
    tag_create(board=board, name="billing")

    page = client_as("member").get(f"/boards/{board.pk}/?tag=vip").content.decode()

    assert checked(page, "tag") == {str(vip.pk)}


def test_values_the_filters_refuse_count_for_nothing(board, columns, client_as):
    response = client_as("member").get(f"/boards/{board.pk}/?priority=whenever&overdue=maybe")

    assert response.context["filter_count"] == 0
    assert response.context["filtering"] is False


@pytest.mark.parametrize(
    ("query", "pressed"),
    [
        ("", set()),
        ("?assignee=me", {"Mine"}),
        ("?overdue=true&assignee=me", {"Mine", "Overdue"}),
        ("?priority=high", set()),  # high priority is high and urgent
        ("?priority=high&priority=urgent", {"High priority"}),
    ],
)
def test_a_quick_filter_is_pressed_while_all_its_values_are_chosen(
    query, pressed, board, columns, client_as
):
    page = client_as("member").get(f"/boards/{board.pk}/{query}").content.decode()

    chips = re.findall(
        r'class="filter-chip" aria-pressed="(true|false)" data-chip="[^"]*">([^<]+)<', page
    )
    assert {label for state, label in chips if state == "true"} == pressed
    assert {label for _state, label in chips} == {"Mine", "Overdue", "High priority"}


def test_a_quick_filter_stands_for_the_values_of_the_facets(board, columns, client_as):
    page = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert 'data-chip="priority=high priority=urgent">High priority<' in page
    assert 'data-chip="assignee=me">Mine<' in page
    assert '<input type="checkbox" name="assignee" value="me">' in page
    assert '<input type="checkbox" name="overdue" value="true">' in page


def test_the_filter_bars_blank_choices_filter_nothing(board, columns, member_user, client_as):
    # The bar sends every control, "Anyone" and "Any tag" as blanks.
    for title in ("Invoice", "Login"):
        ticket_create(board=board, created_by=member_user, title=title)

    response = client_as("member").get(
        f"/boards/{board.pk}/?q=&status=&priority=&assignee=&tag=&due="
    )

    assert titles(response) == {"Invoice", "Login"}
