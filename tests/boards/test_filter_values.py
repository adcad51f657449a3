"""The board page's filters with several values (the parameter repeated), as the API's."""

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


def test_the_filter_bars_blank_choices_filter_nothing(board, columns, member_user, client_as):
    # The bar sends every control, "Anyone" and "Any tag" as blanks.
    for title in ("Invoice", "Login"):
        ticket_create(board=board, created_by=member_user, title=title)

    response = client_as("member").get(
        f"/boards/{board.pk}/?q=&status=&priority=&assignee=&tag=&due="
    )

    assert titles(response) == {"Invoice", "Login"}
