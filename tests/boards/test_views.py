"""The board pages: my boards, a new board, the board itself and its settings."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.services import preference_set
from boards.models import Board, Column, Membership, Role, Tag, Visibility
from boards.realtime import now_ms
from boards.services import board_create, board_update, column_update, tag_create
from csboard.core.pages import RENDERED_AT_HEADER
from tests.factories import TicketFactory, UserFactory
from tests.pages import (
    LOGIN,
    MANAGE,
    MANAGE_PAGE,
    READ,
    expect,
    fill_data,
    fill_path,
    matrix_cases,
    messages_of,
    post_form_actions,
)
from tickets.models import Priority, Ticket
from tickets.services import ticket_create
from workspace.services import checklist_item_add, link_add, message_post

BOARD = "/boards/{board}/"
MATRIX = [
    ("get", "/", None, expect(200, 200, 200, 200)),
    ("get", "/boards/new/", None, expect(200, 200, 200, 200)),
    (
        "post",
        "/boards/new/",
        {"name": "Renewals", "key": "REN", "visibility": "private", "template": "simple"},
        expect(302, 302, 302, 302),
    ),
    ("get", BOARD, None, READ),
    # The columns alone, for the page's live redraw: the page's own access check.
    ("get", BOARD + "live/columns/", None, READ),
    # Zooming out is a personal view preference: anyone who may see the board may switch it.
    ("post", BOARD + "zoom/", {}, expect(302, 302, 302, 404)),
    # Guests see metrics only where the board allows it (tests/metrics/). The CSV exports have
    # their own matrix, over visibility and that switch: tests/boards/test_exports.py.
    ("get", BOARD + "metrics/", None, expect(200, 200, 403, 404)),
    ("get", BOARD + "settings/", None, MANAGE_PAGE),
    (
        "post",
        BOARD + "settings/general/",
        {"name": "Renamed", "key": "CS", "description": "", "visibility": "private"},
        MANAGE,
    ),
    ("post", BOARD + "delete/", {"confirm_key": "CS"}, MANAGE),
    ("post", BOARD + "columns/", {"name": "Escalated"}, MANAGE),
    ("post", BOARD + "settings/columns/", {}, MANAGE_PAGE),  # an empty form: shown again
    ("post", BOARD + "columns/{column}/delete/", {}, MANAGE),
    ("post", BOARD + "tags/", {"name": "vip", "color": "#8b5cf6"}, MANAGE),
    ("post", BOARD + "tags/{tag}/", {"name": "money", "color": "#f59e0b"}, MANAGE),
    ("post", BOARD + "tags/{tag}/delete/", {}, MANAGE),
    ("post", BOARD + "members/", {"login": "newbie", "role": "20"}, MANAGE),
    ("post", BOARD + "members/{membership}/", {"role": "20"}, MANAGE),
    ("post", BOARD + "members/{membership}/delete/", {}, MANAGE),
]


@pytest.fixture
def objects(board, guest_user):
    """What the matrix's paths name: an empty column, a tag and gus's guest membership."""
    UserFactory(username="newbie")
    return {
        "board": board,
        "column": board.columns.get(name="Done"),
        "tag": tag_create(board=board, name="billing", color="#f59e0b"),
        "membership": Membership.objects.get(board=board, user=guest_user),
    }


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), matrix_cases(MATRIX))
def test_board_pages_answer_each_role_as_the_policy_says(
    method, path, data, role, expected, objects, client_as
):
    client = client_as(role)

    response = getattr(client, method)(fill_path(path, objects), fill_data(data, objects))

    assert response.status_code == expected, response.content[:500]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def test_an_outsider_sees_a_board_open_to_signed_in_users_read_only(board, client_as):
    board_update(board=board, visibility=Visibility.SIGNED_IN)
    client = client_as("outsider")

    page = client.get(f"/boards/{board.pk}/")
    add = client.post(f"/boards/{board.pk}/tickets/new/", {"title": "Hi", "column": "1"})

    assert page.status_code == 200
    assert "View only" in page.content.decode()
    assert add.status_code == 403


# --- My boards ---------------------------------------------------------------------------------
def test_my_boards_lists_only_the_boards_the_user_can_see(board, outsider_user, client_as):
    board_create(name="Secret", key="SEC", created_by=outsider_user)

    response = client_as("member").get("/")

    assert [b.key for b in response.context["boards"]] == ["CS"]
    assert "Secret" not in response.content.decode()


def test_my_boards_shows_key_name_description_role_and_ticket_count(board, ticket, client_as):
    board_update(board=board, description="Every customer request.")

    content = client_as("guest").get("/").content.decode()

    assert ">CS<" in content
    assert "Customer Success" in content
    assert "Every customer request." in content
    assert ">Guest<" in content
    assert "1 ticket<" in content


def test_my_boards_invites_a_user_without_boards_to_create_one(client_as):
    content = client_as("outsider").get("/").content.decode()

    assert "No boards yet" in content
    assert "Create your first board" in content


# --- New board ---------------------------------------------------------------------------------
def test_the_new_board_form_offers_the_customer_success_template_by_default(client_as):
    content = client_as("member").get("/boards/new/").content.decode()

    assert 'value="customer-success" checked' in content
    assert "Feature requests" in content


def test_creating_a_board_from_the_customer_success_template_makes_its_columns(
    member_user, client_as
):
    response = client_as("member").post(
        "/boards/new/",
        {
            "name": "Support",
            "key": "sup",
            "visibility": "private",
            "template": "customer-success",
        },
    )

    board = Board.objects.get(key="SUP")
    assert response["Location"] == f"/boards/{board.pk}/"
    assert list(board.columns.values_list("name", flat=True)) == [
        "New tickets",
        "Open tickets",
        "Feature requests",
        "Bugs",
        "Done",
    ]
    assert board.memberships.get().user == member_user
    assert board.memberships.get().role == Role.ADMIN


def test_creating_a_board_with_a_key_in_use_shows_the_error_on_the_key_field(board, client_as):
    response = client_as("member").post(
        "/boards/new/",
        {"name": "Copy", "key": "CS", "visibility": "private", "template": "simple"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["key"]
    assert Board.objects.count() == 1


def test_creating_a_board_with_an_invalid_key_explains_the_key_format(client_as):
    response = client_as("member").post(
        "/boards/new/",
        {"name": "Bad", "key": "1-A", "visibility": "private", "template": "simple"},
    )

    assert "capital letters or digits" in response.context["form"].errors["key"][0]


# --- Board page --------------------------------------------------------------------------------
def test_the_board_page_shows_the_columns_side_by_side_in_order(board, client_as):
    response = client_as("guest").get(f"/boards/{board.pk}/")

    assert [lane.column.name for lane in response.context["lanes"]] == [
        "New tickets",
        "Open tickets",
        "Feature requests",
        "Bugs",
        "Done",
    ]


def test_a_card_shows_reference_title_priority_tags_assignees_and_due_date(
    board, member_user, client_as
):
    tag = tag_create(board=board, name="vip", color="#8b5cf6")
    ticket_create(
        board=board,
        created_by=member_user,
        title="Charged twice",
        priority=Priority.URGENT,
        tags=[tag],
        assignees=[member_user],
        due_at=timezone.now() + timedelta(days=3),
    )

    content = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert "CS-1" in content
    assert "Charged twice" in content
    assert "badge--urgent" in content
    assert ">Urgent</span>" in content
    assert 'style="--chip: #8b5cf6">vip<' in content
    assert ">MM</span>" in content  # Mia Member's initials
    assert 'class="due"' in content


def test_an_overdue_ticket_is_marked_overdue_on_its_card(board, member_user, client_as):
    ticket_create(
        board=board,
        created_by=member_user,
        title="Late",
        due_at=timezone.now() - timedelta(hours=2),
    )

    content = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert "card--overdue" in content
    assert "badge--overdue" in content


def test_a_column_with_a_wip_limit_counts_its_tickets_against_the_limit(
    board, columns, member_user, client_as
):
    column_update(column=columns[1], wip_limit=5)
    for title in ("One", "Two", "Three"):
        ticket_create(board=board, created_by=member_user, title=title, column=columns[1])

    content = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "3 / 5</span>" in content
    assert "wip--full" not in content


def test_a_full_column_is_marked_full_and_offers_no_quick_add(
    board, columns, member_user, client_as
):
    column_update(column=columns[1], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Only", column=columns[1])

    response = client_as("member").get(f"/boards/{board.pk}/")

    content = response.content.decode()
    assert "wip--full" in content
    assert "Full</span>1 / 1" in content
    assert f'name="column" value="{columns[1].pk}"' not in content


def test_a_column_without_a_limit_shows_a_plain_count(board, ticket, client_as):
    response = client_as("member").get(f"/boards/{board.pk}/")

    lane = response.context["lanes"][0]
    assert lane.total == 1
    assert 'title="1 ticket">1</span>' in response.content.decode()


def test_a_member_gets_a_quick_add_form_per_column_and_a_link_per_card(board, ticket, client_as):
    response = client_as("member").get(f"/boards/{board.pk}/")

    actions = post_form_actions(response)
    assert actions.count(f"/boards/{board.pk}/tickets/new/") == 5
    # Without JavaScript a card moves from its ticket page, which its title links to (a move
    # link on every card cost a board of hundreds of cards more than the card itself).
    assert f'href="/boards/{board.pk}/tickets/1/"' in response.content.decode()
    assert "#move" not in response.content.decode()


def test_the_ticket_page_has_a_move_form_without_javascript(board, ticket, client_as):
    response = client_as("member").get(f"/boards/{board.pk}/tickets/1/")

    assert 'id="move"' in response.content.decode()
    assert f"/boards/{board.pk}/tickets/1/move/" in post_form_actions(response)


def test_a_guests_board_page_has_no_edit_forms_and_no_settings_link(board, ticket, client_as):
    response = client_as("guest").get(f"/boards/{board.pk}/")

    # Signing out, the zoom switch (a personal view preference) and saving a personal view of
    # the filters are the only forms.
    assert post_form_actions(response) == [
        "/accounts/logout/",
        f"/boards/{board.pk}/views/",
        f"/boards/{board.pk}/zoom/",
    ]
    assert f"/boards/{board.pk}/settings/" not in response.content.decode()


def test_a_members_board_page_has_no_settings_link(board, client_as):
    content = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert f"/boards/{board.pk}/settings/" not in content


def test_an_admins_board_page_links_to_the_settings(board, client_as):
    content = client_as("admin").get(f"/boards/{board.pk}/").content.decode()

    assert f"/boards/{board.pk}/settings/" in content


def test_the_board_page_filters_tickets_like_the_api_and_counts_filtered_of_total(
    board, member_user, client_as
):
    TicketFactory(board=board, title="Fire", priority=Priority.URGENT)
    TicketFactory(board=board, title="Calm", priority=Priority.LOW)

    response = client_as("member").get(f"/boards/{board.pk}/?priority=urgent")

    lane = response.context["lanes"][0]
    assert [t.title for t in lane.tickets] == ["Fire"]
    assert response.context["filtering"] is True
    assert "1 of 2</span>" in response.content.decode()


def test_the_board_page_searches_titles_and_customers(board, member_user, client_as):
    TicketFactory(board=board, title="Refund", customer_company="Globex")
    TicketFactory(board=board, title="Login", customer_company="Acme")

    response = client_as("member").get(f"/boards/{board.pk}/?q=globex")

    assert [t.title for t in response.context["lanes"][0].tickets] == ["Refund"]


def test_the_board_page_filters_on_tickets_assigned_to_me(board, member_user, client_as):
    TicketFactory(board=board, title="Mine", assignees=[member_user])
    TicketFactory(board=board, title="Nobody's")

    response = client_as("member").get(f"/boards/{board.pk}/?assignee=me")

    assert [t.title for t in response.context["lanes"][0].tickets] == ["Mine"]


def test_the_board_page_filters_on_overdue_tickets(board, member_user, client_as):
    late = timezone.now() - timedelta(days=1)
    TicketFactory(board=board, title="Late", due_at=late)
    TicketFactory(board=board, title="On time")

    response = client_as("member").get(f"/boards/{board.pk}/?overdue=true")

    assert [t.title for t in response.context["lanes"][0].tickets] == ["Late"]


def test_the_board_page_ignores_filter_values_it_does_not_know(board, ticket, client_as):
    response = client_as("member").get(f"/boards/{board.pk}/?priority=whenever")

    assert response.status_code == 200
    assert [t.title for t in response.context["lanes"][0].tickets] == ["Team discount?"]


def test_without_filters_the_board_page_shows_every_ticket_and_no_clear_link(
    board, ticket, client_as
):
    response = client_as("member").get(f"/boards/{board.pk}/")

    assert response.context["filtering"] is False
    assert response.context["filter_count"] == 0
    assert re.search(r"<a [^>]*data-filters-clear hidden>", response.content.decode())


# The user, the board with the caller's role, the columns with their counts (all and matching)
# and their first cards' ids, the cards, their assignees, their tags, the filter bar's people and
# tags, the board's SLA policy (read once for every card's SLA clocks), the bell's unread count,
# the board chat and the board files, the members an @mention offers, the saved views beside the
# board's name, the board's custom fields (their options and the cards' values too, where it has
# fields: tests/customfields): none depends on the number of tickets, checklist items, messages or
# files, nor on whether a filter is on.
BOARD_PAGE_QUERIES = 15


# The board page's columns alone, for its live redraw: the board page's queries but the filter
# bar's people and tags, the bell's unread count, the board chat, the board files, the members
# to mention and the saved views.
LIVE_COLUMNS_QUERIES = BOARD_PAGE_QUERIES - 7


@pytest.mark.parametrize(
    ("path", "queries"),
    [("", BOARD_PAGE_QUERIES), ("live/columns/", LIVE_COLUMNS_QUERIES)],
    ids=["page", "live-columns"],
)
@pytest.mark.parametrize("zoomed", [False, True], ids=["full", "zoomed"])
@pytest.mark.parametrize("count", [5, 60])
def test_the_board_page_runs_the_same_bounded_number_of_queries_for_5_or_60_tickets(
    count, zoomed, path, queries, board, columns, member_user, admin_user, client_as,
    django_assert_max_num_queries,
):  # fmt: skip
    preference_set(member_user, "board_zoomed_out", zoomed)
    tags = [tag_create(board=board, name=name) for name in ("billing", "vip")]
    due = timezone.now() + timedelta(days=1)
    for index in range(count):
        ticket = ticket_create(
            board=board,
            created_by=member_user,
            title=f"Ticket {index}",
            column=columns[index % len(columns)],
            tags=tags,
            assignees=[member_user, admin_user],
            due_at=due,
        )
        checklist_item_add(ticket=ticket, by=member_user, text="Call back")
        message_post(board=board, by=member_user, body=f"Board note {index}")
        link_add(board=board, by=member_user, title=f"Doc {index}", url="https://example.com/d")
    client = client_as("member")

    with django_assert_max_num_queries(queries):
        response = client.get(f"/boards/{board.pk}/{path}?status=ready")

    assert sum(len(lane.tickets) for lane in response.context["lanes"]) == count
    if not zoomed:
        assert "0/1" in response.content.decode()  # each card's checklist progress


@pytest.mark.parametrize("zoomed", [False, True], ids=["full", "zoomed"])
@pytest.mark.parametrize("count", [5, 120])
def test_the_board_page_runs_the_same_queries_for_a_column_longer_than_it_draws(
    count, zoomed, board, columns, member_user, admin_user, client_as,
    django_assert_max_num_queries,
):  # fmt: skip
    # 120 tickets in one column: past both CARDS_PER_COLUMN and ZOOMED_CARDS, so the column
    # draws its first cards and a "Show N more" link.
    preference_set(member_user, "board_zoomed_out", zoomed)
    tags = [tag_create(board=board, name=name) for name in ("billing", "vip")]
    for index in range(count):
        ticket = TicketFactory(
            board=board, title=f"Ticket {index}", column=columns[0],
            tags=tags, assignees=[member_user, admin_user],
        )  # fmt: skip
        message_post(board=board, by=member_user, body="On it", ticket=ticket)
    client = client_as("member")

    with django_assert_max_num_queries(BOARD_PAGE_QUERIES):
        response = client.get(f"/boards/{board.pk}/")

    drawn = len(response.context["lanes"][0].tickets)
    assert drawn == min(count, 100 if zoomed else 50)
    if count > drawn:
        assert f"Show {count - drawn} more" in response.content.decode()


def _columns_html(html: str) -> str:
    """The columns' markup, each form's CSRF token (masked afresh on every render) left out."""
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", html)


@pytest.mark.parametrize(
    "query", ["", "?priority=urgent", "?q=fire&expand={column}"], ids=["all", "filtered", "more"]
)
def test_the_live_columns_are_the_board_pages_columns_with_the_same_filters(
    query, board, columns, member_user, client_as
):
    ticket_create(board=board, created_by=member_user, title="Calm", priority=Priority.LOW)
    ticket_create(board=board, created_by=member_user, title="Fire", priority=Priority.URGENT)
    query = query.format(column=columns[0].pk)
    client = client_as("member")

    page = client.get(f"/boards/{board.pk}/{query}").content.decode()
    live = client.get(f"/boards/{board.pk}/live/columns/{query}")

    start = page.index(">", page.index("data-board=")) + 1
    drawn = page[start : page.rindex("</div>", start, page.index("</main>"))]
    assert _columns_html(live.content.decode()).strip() == _columns_html(drawn).strip()
    assert "board-header" not in live.content.decode()  # the columns alone
    # A quick add goes back to the board page with its filters, not to the partial.
    assert f'name="next" value="{escape(f"/boards/{board.pk}/{query}")}"' in live.content.decode()


def test_the_live_columns_say_when_they_were_drawn(board, client_as):
    before = now_ms()

    response = client_as("guest").get(f"/boards/{board.pk}/live/columns/")

    assert before <= int(response[RENDERED_AT_HEADER]) <= now_ms()


def test_a_long_column_draws_its_first_cards_and_shows_more_on_demand(
    board, columns, member_user, client_as, monkeypatch
):
    monkeypatch.setattr("web.views.CARDS_PER_COLUMN", 3)
    for index in range(5):
        TicketFactory(board=board, title=f"T{index}", column=columns[0])
    client = client_as("member")

    first = client.get(f"/boards/{board.pk}/?priority=normal")
    expanded = client.get(f"/boards/{board.pk}/?priority=normal&expand={columns[0].pk}")

    (lane, *_) = first.context["lanes"]
    assert [t.title for t in lane.tickets] == ["T0", "T1", "T2"]
    assert (lane.matching, lane.hidden) == (5, 2)
    html = first.content.decode()
    assert "Show 2 more" in html
    assert f"?priority=normal&amp;expand={columns[0].pk}" in html
    assert "5 of 5" in html
    assert len(expanded.context["lanes"][0].tickets) == 5


def test_zooming_out_shows_reference_and_title_only_and_is_remembered(
    board, ticket, member_user, client_as
):
    client = client_as("member")

    client.post(f"/boards/{board.pk}/zoom/")
    html = client.get(f"/boards/{board.pk}/").content.decode()

    assert 'class="card card--compact' in html
    assert "card__customer" not in html
    member_user.refresh_from_db()
    assert member_user.preferences["board_zoomed_out"] is True


def test_a_zoomed_out_card_marks_a_missed_first_response(board, ticket, member_user, client_as):
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=timezone.now() - timedelta(minutes=5)
    )
    preference_set(member_user, "board_zoomed_out", True)

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "mark--sla-breached" in html
    assert "Response breached" in html


def test_a_zoomed_out_card_says_nothing_of_a_first_response_on_track(
    board, ticket, member_user, client_as
):
    preference_set(member_user, "board_zoomed_out", True)

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "mark--sla" not in html


def test_critical_tickets_carry_marks_in_words(board, member_user, client_as):
    soon = timezone.now() + timedelta(hours=3)
    TicketFactory(board=board, title="Soon", due_at=soon)
    TicketFactory(board=board, title="Late", due_at=soon - timedelta(days=1))

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "Due soon" in html
    assert "Overdue" in html


def test_the_due_this_week_filter_keeps_open_tickets_due_by_sunday(board, member_user, api_as):
    now = timezone.now()
    TicketFactory(board=board, title="Soon", due_at=now + timedelta(hours=1))
    TicketFactory(board=board, title="Later", due_at=now + timedelta(days=8))
    TicketFactory(board=board, title="Late", due_at=now - timedelta(hours=1))

    rows = api_as("member").get(f"/api/boards/{board.pk}/tickets/?due=week").json()["results"]

    assert [row["title"] for row in rows] == ["Soon"]


def test_the_due_this_week_filter_ends_the_week_at_sunday_midnight_in_the_boards_time_zone(
    board, member_user, api_as, client_as
):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    zone = "Pacific/Kiritimati"  # 14 hours ahead of UTC: its week ends long before UTC's
    board_update(board=board, timezone=zone)
    today = timezone.localdate(timezone.now(), ZoneInfo(zone))
    monday = today + timedelta(days=7 - today.weekday())
    week_ends = datetime.combine(monday, time.min, tzinfo=ZoneInfo(zone))
    TicketFactory(board=board, title="Sunday night there", due_at=week_ends - timedelta(minutes=1))
    TicketFactory(board=board, title="Monday there", due_at=week_ends + timedelta(minutes=1))

    rows = api_as("member").get(f"/api/boards/{board.pk}/tickets/?due=week").json()["results"]
    page = client_as("member").get(f"/boards/{board.pk}/?due=week")

    assert [row["title"] for row in rows] == ["Sunday night there"]
    assert [t.title for lane in page.context["lanes"] for t in lane.tickets] == [
        "Sunday night there"
    ]


def test_the_board_page_combines_filters_on_tag_priority_text_and_no_assignee(
    board, member_user, client_as
):
    vip = tag_create(board=board, name="vip")
    wanted = {"priority": Priority.HIGH, "tags": [vip]}
    ticket_create(board=board, created_by=member_user, title="Invoice wrong", **wanted)
    ticket_create(
        board=board, created_by=member_user, title="Invoice late", assignees=[member_user],
        **wanted,
    )  # fmt: skip
    ticket_create(board=board, created_by=member_user, title="Invoice low", tags=[vip])
    ticket_create(
        board=board, created_by=member_user, title="Login", priority=Priority.HIGH, tags=[vip]
    )
    ticket_create(
        board=board, created_by=member_user, title="Invoice untagged", priority=Priority.HIGH
    )

    response = client_as("member").get(
        f"/boards/{board.pk}/?tag=vip&priority=high&assignee=none&q=invoice"
    )

    assert [t.title for lane in response.context["lanes"] for t in lane.tickets] == [
        "Invoice wrong"
    ]
    assert "1 of 5</span>" in response.content.decode()


def test_a_card_shows_how_many_comments_its_ticket_has(board, ticket, member_user, client_as):
    for body in ("Called them", "Sent the quote"):
        message_post(board=board, by=member_user, body=body, ticket=ticket)
    message_post(board=board, by=member_user, body="Board chat, not a comment")

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert 'title="2 comments"' in html
    assert '2<span class="visually-hidden"> comments</span>' in html


def test_a_card_without_comments_shows_no_comment_count(board, ticket, client_as):
    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert "card__comments" not in html


def test_a_guests_cards_are_not_movable(board, ticket, client_as):
    html = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert 'data-can-work="false"' in html
    assert 'aria-roledescription="movable ticket"' not in html
    assert "tabindex" not in html.split("data-board=")[1]


def test_compact_cards_mark_urgent_and_high_with_different_icons_and_words(
    board, member_user, client_as
):
    preference_set(member_user, "board_zoomed_out", True)
    ticket_create(board=board, created_by=member_user, title="Fire", priority=Priority.URGENT)
    ticket_create(board=board, created_by=member_user, title="Soon", priority=Priority.HIGH)

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    urgent = html.split('class="mark mark--urgent"')[1].split("</span></span>")[0]
    high = html.split('class="mark mark--high"')[1].split("</span></span>")[0]
    assert "Urgent" in urgent
    assert "High" in high
    assert urgent.split("<svg")[1].split("</svg>")[0] != high.split("<svg")[1].split("</svg>")[0]


# --- Settings: general -------------------------------------------------------------------------
def settings_url(board, path=""):
    return f"/boards/{board.pk}/settings/{path}"


def test_the_settings_page_shows_every_section(board, client_as):
    content = client_as("admin").get(settings_url(board)).content.decode()

    for section in ('id="general"', 'id="columns"', 'id="tags"', 'id="members"', 'id="danger"'):
        assert section in content


def test_an_admin_renames_the_board_and_changes_its_key(board, client_as):
    response = client_as("admin").post(
        settings_url(board, "general/"),
        {"name": "Support", "key": "sup", "description": "All of it", "visibility": "signed_in"},
    )

    board.refresh_from_db()
    assert response.status_code == 302
    assert (board.name, board.key, board.description) == ("Support", "SUP", "All of it")
    assert board.visibility == Visibility.SIGNED_IN
    assert messages_of(response) == ["Board details saved."]


def test_a_refused_board_change_is_shown_on_the_form_and_not_saved(board, outsider_user, client_as):
    board_create(name="Taken", key="TAKEN", created_by=outsider_user)

    response = client_as("admin").post(
        settings_url(board, "general/"),
        {"name": "Support", "key": "TAKEN", "visibility": "private"},
    )

    board.refresh_from_db()
    assert response.status_code == 200
    assert response.context["general_form"].errors["key"]
    assert board.key == "CS"


def test_deleting_the_board_needs_its_key_typed(board, client_as):
    response = client_as("admin").post(f"/boards/{board.pk}/delete/", {"confirm_key": "NO"})

    assert Board.objects.filter(pk=board.pk).exists()
    assert messages_of(response) == ["Type CS to delete this board."]


def test_deleting_the_board_with_its_key_removes_it_and_its_tickets(board, ticket, client_as):
    response = client_as("admin").post(f"/boards/{board.pk}/delete/", {"confirm_key": "cs"})

    assert response["Location"] == "/"
    assert not Board.objects.filter(pk=board.pk).exists()
    assert not Ticket.objects.exists()


# --- Settings: columns -------------------------------------------------------------------------
def test_an_admin_adds_a_column_with_a_wip_limit_at_the_end(board, client_as):
    client_as("admin").post(f"/boards/{board.pk}/columns/", {"name": "Escalated", "wip_limit": 2})

    column = board.columns.order_by("position").last()
    assert (column.name, column.wip_limit) == ("Escalated", 2)


def test_an_admin_adds_a_column_after_a_chosen_one(board, columns, client_as):
    # When the admin adds "Escalated" to go after "Open tickets" (index 2)
    client_as("admin").post(f"/boards/{board.pk}/columns/", {"name": "Escalated", "position": 2})

    # Then it sits there, and the others moved right
    names = list(board.columns.order_by("position").values_list("name", flat=True))
    assert names[:4] == ["New tickets", "Open tickets", "Escalated", "Feature requests"]
    assert list(board.columns.order_by("position").values_list("position", flat=True)) == [
        *range(6)
    ]


def test_the_add_form_offers_every_place_and_chooses_before_the_done_column(
    board, columns, client_as
):
    content = client_as("admin").get(settings_url(board)).content.decode()

    assert '<option value="0">First</option>' in content
    assert '<option value="4" selected>After “Bugs”</option>' in content
    assert '<option value="5">After “Done”</option>' in content


def test_an_admin_deletes_an_empty_column(board, columns, client_as):
    response = client_as("admin").post(f"/boards/{board.pk}/columns/{columns[2].pk}/delete/")

    assert not Column.objects.filter(pk=columns[2].pk).exists()
    assert messages_of(response) == ["Column “Feature requests” deleted."]


def test_the_delete_form_of_a_column_with_tickets_asks_where_to_move_them(board, ticket, client_as):
    content = client_as("admin").get(settings_url(board)).content.decode()

    assert "Its 1 ticket move to" in content
    assert f'<select name="move_to" form="delete-column-{ticket.column_id}" required>' in content


def test_deleting_a_column_with_tickets_moves_them_to_the_chosen_column(
    board, columns, ticket, client_as
):
    client_as("admin").post(
        f"/boards/{board.pk}/columns/{columns[0].pk}/delete/", {"move_to": columns[3].pk}
    )

    ticket.refresh_from_db()
    assert not Column.objects.filter(pk=columns[0].pk).exists()
    assert ticket.column_id == columns[3].pk


def test_deleting_a_column_with_tickets_without_a_target_is_refused_with_a_message(
    board, columns, ticket, client_as
):
    response = client_as("admin").post(f"/boards/{board.pk}/columns/{columns[0].pk}/delete/")

    assert Column.objects.filter(pk=columns[0].pk).exists()
    assert messages_of(response) == [
        "“New tickets” still holds 1 ticket(s): choose a column to move them to."
    ]


def test_a_column_of_another_board_is_not_found(board, outsider_user, client_as):
    other = board_create(name="Other", key="OT", created_by=outsider_user)

    response = client_as("admin").post(
        f"/boards/{board.pk}/columns/{other.columns.first().pk}/delete/"
    )

    assert response.status_code == 404
    assert other.columns.count() == 3


# --- Settings: tags ----------------------------------------------------------------------------
def test_an_admin_adds_a_tag_with_a_colour(board, client_as):
    client_as("admin").post(f"/boards/{board.pk}/tags/", {"name": "vip", "color": "#8b5cf6"})

    assert board.tags.get().color == "#8b5cf6"


def test_an_admin_renames_and_recolours_a_tag(board, client_as):
    tag = tag_create(board=board, name="billing")

    client_as("admin").post(
        f"/boards/{board.pk}/tags/{tag.pk}/", {"name": "invoices", "color": "#22c55e"}
    )

    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("invoices", "#22c55e")


def test_a_tag_colour_that_is_not_a_colour_is_refused(board, client_as):
    response = client_as("admin").post(f"/boards/{board.pk}/tags/", {"name": "vip", "color": "red"})

    assert not board.tags.exists()
    assert messages_of(response) == ["Colour: Use a colour such as #22c55e."]


def test_an_admin_deletes_a_tag(board, client_as):
    tag = tag_create(board=board, name="billing")

    client_as("admin").post(f"/boards/{board.pk}/tags/{tag.pk}/delete/")

    assert not Tag.objects.filter(pk=tag.pk).exists()


# --- Settings: members -------------------------------------------------------------------------
def test_an_admin_adds_a_member_by_username(board, outsider_user, client_as):
    response = client_as("admin").post(
        f"/boards/{board.pk}/members/", {"login": "OLGA", "role": Role.MEMBER}
    )

    assert board.memberships.get(user=outsider_user).role == Role.MEMBER
    assert messages_of(response) == ["Olga Outsider joined as member."]


def test_an_admin_adds_a_guest_by_email_address(board, outsider_user, client_as):
    client_as("admin").post(
        f"/boards/{board.pk}/members/", {"login": "Olga@Example.com", "role": Role.GUEST}
    )

    assert board.memberships.get(user=outsider_user).role == Role.GUEST


def test_adding_an_unknown_person_says_so(board, client_as):
    response = client_as("admin").post(
        f"/boards/{board.pk}/members/", {"login": "nobody", "role": Role.MEMBER}
    )

    assert messages_of(response) == [
        "Username or email: No account has that username or email address."
    ]


def test_adding_someone_already_on_the_board_says_so(board, client_as):
    response = client_as("admin").post(
        f"/boards/{board.pk}/members/", {"login": "mia", "role": Role.MEMBER}
    )

    assert messages_of(response) == ["mia is already a member of this board."]


def test_an_admin_changes_a_members_role(board, member_user, client_as):
    membership = board.memberships.get(user=member_user)

    client_as("admin").post(f"/boards/{board.pk}/members/{membership.pk}/", {"role": Role.ADMIN})

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_the_last_admin_cannot_step_down_and_is_told_why(board, admin_user, client_as):
    membership = board.memberships.get(user=admin_user)

    response = client_as("admin").post(
        f"/boards/{board.pk}/members/{membership.pk}/", {"role": Role.MEMBER}, follow=True
    )

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert "A board needs at least one admin: make someone else admin first." in (
        response.content.decode()
    )


def test_the_last_admin_cannot_be_removed_and_is_told_why(board, admin_user, client_as):
    membership = board.memberships.get(user=admin_user)

    response = client_as("admin").post(f"/boards/{board.pk}/members/{membership.pk}/delete/")

    assert board.memberships.filter(pk=membership.pk).exists()
    assert messages_of(response) == [
        "A board needs at least one admin: make someone else admin first."
    ]


def test_an_admin_removes_a_member(board, member_user, client_as):
    membership = board.memberships.get(user=member_user)

    client_as("admin").post(f"/boards/{board.pk}/members/{membership.pk}/delete/")

    assert not board.memberships.filter(user=member_user).exists()


def test_an_admin_who_steps_down_is_sent_back_to_the_board(
    board, member_user, admin_user, client_as
):
    board.memberships.filter(user=member_user).update(role=Role.ADMIN)
    membership = board.memberships.get(user=admin_user)

    response = client_as("admin").post(
        f"/boards/{board.pk}/members/{membership.pk}/", {"role": Role.MEMBER}
    )

    assert response["Location"] == f"/boards/{board.pk}/"


# --- Error pages -------------------------------------------------------------------------------
def test_a_forbidden_page_explains_the_role_it_needs(board, client_as):
    response = client_as("member").get(settings_url(board))

    assert response.status_code == 403
    assert "Only board admins can do that." in response.content.decode()


def test_a_hidden_board_gets_the_friendly_not_found_page(board, client_as):
    response = client_as("outsider").get(f"/boards/{board.pk}/")

    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()
