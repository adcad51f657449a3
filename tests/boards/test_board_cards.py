"""The board's cards as web.cards builds them: escaped, small, with the icons of the page's
sprite, and the first cards of each column read the same on PostgreSQL as elsewhere."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import preference_set
from boards.selectors import board_columns
from boards.services import tag_create
from csboard.core.templatetags.ui import ICON_PATHS
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.selectors import first_ids_per_column, first_per_column

CARD = re.compile(r'<li class="column__item".*?</article></li>', re.S)


def _cards(html: str) -> list[str]:
    return CARD.findall(html)


def test_a_card_escapes_every_value_from_the_data(board, columns, member_user, client_as):
    hostile = '<img src=x onerror="alert(1)">'
    person = UserFactory(display_name=f"Eve {hostile}")
    board.memberships.create(user=person, role=20)
    tag = tag_create(board=board, name=f"t{hostile}"[:30])
    TicketFactory(
        board=board,
        created_by=member_user,
        title=f"Title {hostile}",
        customer_name=f"Name {hostile}",
        customer_company=f"Co {hostile}",
        assignees=[person],
        tags=[tag],
    )

    for zoomed in (False, True):
        preference_set(member_user, "board_zoomed_out", zoomed)
        (card,) = _cards(client_as("member").get(f"/boards/{board.pk}/").content.decode())

        assert "<img" not in card
        assert 'onerror="' not in card
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card


def test_a_card_draws_what_the_ticket_has_and_nothing_it_has_not(
    board, columns, member_user, client_as
):
    due = timezone.now() - timedelta(hours=2)
    tag = tag_create(board=board, name="vip")
    TicketFactory(
        board=board, created_by=member_user, title="Rich", priority="urgent", due_at=due,
        customer_name="Ada", customer_company="Acme", assignees=[member_user], tags=[tag],
    )  # fmt: skip
    TicketFactory(board=board, created_by=member_user, title="Bare")
    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()
    rich, bare = sorted(_cards(html), key=lambda card: "Bare" in card)

    assert "card--urgent card--overdue" in rich
    assert 'title="Priority: Urgent">Urgent</span>' in rich
    assert "Acme · Ada" in rich
    assert ">vip</li>" in rich
    assert "Overdue · " in rich
    assert 'aria-label="Mia Member">MM</span>' in rich
    assert "sla__clock--breached" in rich  # resolution due two hours ago
    for absent in ("card__customer", "chips", "card__checklist", "avatars"):
        assert f'class="{absent}' not in bare


def test_cards_are_small_and_their_icons_are_the_pages_sprite(
    board, columns, member_user, client_as
):
    tag = tag_create(board=board, name="billing")
    for index in range(20):
        TicketFactory(
            board=board, created_by=member_user, column=columns[index % 4],
            title=f"Customer request {index}: invoice question", customer_name=f"Customer {index}",
            customer_company="Company 12", assignees=[member_user], tags=[tag],
        )  # fmt: skip
    # Half as `make bench` seeds them (no SLA deadlines), half with both clocks and a due date.
    Ticket.objects.filter(board=board, number__lte=10).update(
        due_at=None, first_response_due_at=None
    )
    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()
    cards = _cards(html)

    assert len(cards) == 20
    sizes = {"SLA" if "sla__clock" in card else "plain": len(card.encode()) for card in cards}
    # The template cards took 2.5 KB (3 KB with SLA clocks); a plain card is under 1 KB, the two
    # SLA clocks and the due date add 600 bytes.
    assert sizes["plain"] <= 900
    assert sizes["SLA"] <= 1550
    assert html.count('class="icon-sprite"') == 1
    assert "<path" not in "".join(cards)
    used = set(re.findall(r'<use href="#i-([a-z-]+)"/>', html))
    defined = set(re.findall(r'<symbol id="i-([a-z-]+)"', html))
    assert used
    assert used <= defined == set(ICON_PATHS)


def test_a_zoomed_out_card_marks_what_needs_attention_first(board, columns, member_user, client_as):
    preference_set(member_user, "board_zoomed_out", True)
    TicketFactory(
        board=board, created_by=member_user, title="Late", priority="high",
        due_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    TicketFactory(board=board, created_by=member_user, title="Calm", priority="low")
    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()
    late, calm = sorted(_cards(html), key=lambda card: "Calm" in card)

    assert "card--compact" in late
    assert "mark--high" in late
    assert ">Overdue</span>" in late
    assert "mark--" not in calm


def test_a_filtered_card_carries_its_index_in_its_column(board, columns, member_user, client_as):
    for title in ("a", "b", "c", "d"):
        TicketFactory(
            board=board, created_by=member_user, title=title, column=columns[0],
            priority="urgent" if title in "bd" else "low",
        )  # fmt: skip
    html = client_as("member").get(f"/boards/{board.pk}/?priority=urgent").content.decode()

    drawn = re.findall(r'data-ticket="(\d+)" data-position="(\d+)"', html)
    assert drawn == [("2", "1"), ("4", "3")]  # where a drop between them must land
    unfiltered = client_as("member").get(f"/boards/{board.pk}/").content.decode()
    assert re.findall(r'data-position="(\d+)"', unfiltered) == ["0", "1", "2", "3"]


@pytest.mark.parametrize("role", ["member", "guest"])
def test_no_card_is_sent_movable_the_script_makes_a_members_so(
    role, board, columns, member_user, client_as
):
    """tabindex and the role description mean something only once static/js/board-moves.js
    runs (for those who may move cards: the browser tests pick cards up from the keyboard)."""
    TicketFactory(board=board, created_by=member_user)
    html = client_as(role).get(f"/boards/{board.pk}/").content.decode()

    (card,) = _cards(html)
    assert "tabindex" not in card
    assert "movable" not in card


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_the_first_cards_of_each_column_are_the_same_by_array_and_by_window(
    board, columns, member_user, limit
):
    """PostgreSQL reads each column's first ids as an array through the rank index; elsewhere
    (SQLite) one window over the board's ids does: the same ids, in the same order, ties of rank
    broken by number, under a filter too."""
    for index in range(12):
        TicketFactory(
            board=board, created_by=member_user, column=columns[index % 3],
            priority="urgent" if index % 2 else "low",
        )  # fmt: skip
    Ticket.objects.filter(board=board, number__in=[4, 7]).update(rank=5)  # a tie
    for tickets in (
        Ticket.objects.filter(board=board),
        Ticket.objects.filter(board=board, priority="urgent"),
    ):
        by_window = first_per_column(tickets, limit)
        for count in (False, True):  # the array's query with and without the matching count
            columns = first_ids_per_column(board_columns(board), tickets, limit, count=count)
            by_array = {column.pk: column.shown_ids for column in columns if column.shown_ids}

            assert by_array == by_window
        for column_id, ids in by_window.items():
            expected = (
                tickets.filter(column_id=column_id)
                .order_by("rank", "number")
                .values_list("pk", flat=True)[:limit]
            )
            assert ids == list(expected)
