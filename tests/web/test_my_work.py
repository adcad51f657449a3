"""My work (`/my/`, `/api/my/work/`): my open tickets across every board I may see, by
urgency, then the tickets that mention me and those I follow. Through the real database."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from boards.models import Role, Visibility
from boards.services import board_create, board_update, membership_add, membership_remove
from notifications.services import notify
from tests.factories import TicketFactory, UserFactory
from tickets.models import Status
from tickets.selectors import my_work
from tickets.services import ticket_archive, ticket_follow, ticket_update
from workspace.services import message_post

pytestmark = pytest.mark.django_db

PAGE, LIVE, API = reverse("my:work"), reverse("my:work_live"), "/api/my/work/"


def other_board(member, key="OPS", role=Role.MEMBER):
    owner = UserFactory()
    board = board_create(
        name=f"Board {key}", key=key, created_by=owner, template="customer-success"
    )
    membership_add(board=board, user=member, role=role)
    return board


def last_wednesday_morning(board):
    """10:00 on last week's Wednesday where the board works: a moment whose day and week are
    known, before every ticket's SLA deadlines (so no clock has run out by then)."""
    zone = ZoneInfo(board.timezone)
    today = timezone.localdate(timezone.now(), zone)
    wednesday = today - timedelta(days=today.weekday() + 7 - 2)
    return datetime.combine(wednesday, time(10), tzinfo=zone)


def groups_at(user, now) -> dict[str, list[str]]:
    work = my_work(user, now=now)
    return {group.value: [t.title for t in tickets] for group, tickets in work.groups.items()}


def test_my_tickets_are_grouped_by_urgency(board, member_user):
    now = last_wednesday_morning(board)
    for title, due in [
        ("Late", now - timedelta(hours=1)),
        ("Tonight", now.replace(hour=20)),
        ("Friday", now + timedelta(days=2)),
        ("Sunday night", now + timedelta(days=4, hours=13)),
        ("Next month", now + timedelta(days=30)),
        ("By the policy", None),  # the SLA policy's due date, after this week
    ]:
        TicketFactory(board=board, title=title, assignees=[member_user], due_at=due)
    waiting = TicketFactory(board=board, title="Asked", assignees=[member_user])
    ticket_update(ticket=waiting, by=member_user, status=Status.WAITING)

    assert groups_at(member_user, now) == {
        "breached": ["Late"],
        "today": ["Tonight"],
        "week": ["Friday", "Sunday night"],
        "later": ["By the policy", "Next month"],  # the soonest due first
        "waiting": ["Asked"],
    }


def test_a_breach_comes_before_waiting_on_the_customer(board, member_user):
    """Waiting pauses the resolution clock, not the first response the customer never got."""
    unanswered = TicketFactory(board=board, title="Unanswered", assignees=[member_user])
    ticket_update(ticket=unanswered, by=member_user, status=Status.WAITING)

    groups = groups_at(member_user, timezone.now() + timedelta(days=30))

    assert groups["breached"] == ["Unanswered"]
    assert groups["waiting"] == []


def test_the_soonest_due_comes_first_then_the_higher_priority(board, member_user):
    now = last_wednesday_morning(board)
    due = now + timedelta(days=30)
    TicketFactory(board=board, title="Low", assignees=[member_user], due_at=due, priority="low")
    TicketFactory(
        board=board, title="Urgent", assignees=[member_user], due_at=due, priority="urgent"
    )
    TicketFactory(
        board=board, title="Sooner", assignees=[member_user], due_at=due - timedelta(days=1)
    )

    assert groups_at(member_user, now)["later"] == ["Sooner", "Urgent", "Low"]


def test_resolved_archived_and_others_tickets_are_left_out(board, columns, member_user, admin_user):
    TicketFactory(board=board, title="Mine", assignees=[member_user])
    TicketFactory(board=board, title="Alice's", assignees=[admin_user])
    done = next(c for c in columns if c.is_done)
    TicketFactory(board=board, title="Done", assignees=[member_user], column=done)
    gone = TicketFactory(board=board, title="Gone", assignees=[member_user])
    ticket_archive(ticket=gone, by=member_user)

    titles = [t.title for tickets in my_work(member_user).groups.values() for t in tickets]

    assert titles == ["Mine"]


def test_tickets_of_every_board_i_may_see_are_listed_with_their_board(
    board, member_user, client_as
):
    ops = other_board(member_user)
    TicketFactory(board=board, title="Here", assignees=[member_user])
    TicketFactory(board=ops, title="There", assignees=[member_user])

    html = client_as("member").get(PAGE).content.decode()

    assert "Here" in html
    assert "There" in html
    assert "Board OPS" in html
    assert "Customer Success" in html


def test_a_board_i_left_takes_its_tickets_off_my_work(board, member_user):
    ops = other_board(member_user)
    TicketFactory(board=ops, title="There", assignees=[member_user])
    ticket = TicketFactory(board=ops, title="Followed")
    ticket_follow(ticket=ticket, user=member_user)
    membership_remove(membership=ops.memberships.get(user=member_user), by=ops.created_by)

    work = my_work(member_user)

    assert work.assigned_count == 0
    assert work.following == []


def test_mentions_list_the_open_tickets_whose_chat_mentions_me(board, member_user, admin_user):
    ticket = TicketFactory(board=board, title="Ask Mia")
    TicketFactory(board=board, title="Quiet")
    message_post(board=board, ticket=ticket, by=admin_user, body="What do you think @mia?")
    message_post(board=board, by=admin_user, body="Board chat @mia")  # no ticket: not a row

    work = my_work(member_user)

    assert [t.title for t in work.mentions] == ["Ask Mia"]
    assert work.mentions[0].mentioned_at is not None


def test_a_mention_on_a_board_i_may_no_longer_see_is_not_listed(board, member_user, admin_user):
    ticket = TicketFactory(board=board, title="Secret plan")
    notify(recipients=[member_user], kind="mention", title="x", ticket=ticket)
    membership_remove(membership=board.memberships.get(user=member_user), by=admin_user)

    assert my_work(member_user).mentions == []


def test_following_lists_the_tickets_i_follow_but_am_not_assigned(board, member_user, admin_user):
    followed = TicketFactory(board=board, title="Watching", created_by=admin_user)
    TicketFactory(board=board, title="Mine", created_by=admin_user, assignees=[member_user])
    TicketFactory(board=board, title="Not followed", created_by=admin_user)
    ticket_follow(ticket=followed, user=member_user)

    assert [t.title for t in my_work(member_user).following] == ["Watching"]


def test_the_tickets_i_opened_are_followed_from_the_start(board, member_user):
    TicketFactory(board=board, title="Opened by me", created_by=member_user)

    assert [t.title for t in my_work(member_user).following] == ["Opened by me"]


def test_each_section_says_when_it_is_empty(db, outsider_user, client_as):
    html = client_as("outsider").get(PAGE).content.decode()

    assert "Nothing assigned to you" in html
    assert "No open ticket mentions you" in html
    assert "You follow no other open ticket" in html


def test_a_title_is_escaped_on_the_page(board, member_user, client_as):
    TicketFactory(board=board, title="<script>alert(1)</script>", assignees=[member_user])

    html = client_as("member").get(PAGE).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("role", "page", "live", "api"),
    [
        ("admin", 200, 200, 200),
        ("member", 200, 200, 200),
        ("guest", 200, 200, 200),
        ("outsider", 200, 200, 200),
        ("anonymous", 302, 302, 401),
    ],
)
def test_who_may_open_my_work(board, role, page, live, api, client_as, api_as):
    """Everyone signed in has their own My work (and sees only their own); anonymous is sent
    to sign in."""
    assert client_as(role).get(PAGE).status_code == page
    assert client_as(role).get(LIVE).status_code == live
    assert api_as(role).get(API).status_code == api


def test_my_work_shows_nobody_elses_tickets(board, member_user, guest_user, client_as):
    TicketFactory(board=board, title="Mia's secret", assignees=[member_user])

    html = client_as("guest").get(PAGE).content.decode()

    assert "Mia's secret" not in html


def test_the_live_part_says_when_it_was_drawn(board, member_user, client_as):
    response = client_as("member").get(LIVE)

    assert response["X-Rendered-At"].isdecimal()
    assert "Assigned to me" in response.content.decode()


def test_signing_in_lands_on_my_work(board, member_user, client, password):
    response = client.post(reverse("login"), {"username": "mia", "password": password})

    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_the_top_bar_links_my_work_and_my_boards(board, client_as):
    html = client_as("member").get(PAGE).content.decode()

    assert f'href="{PAGE}"' in html
    assert f'href="{reverse("boards:list")}"' in html


# --- The API -------------------------------------------------------------------------------------
def test_the_api_lists_each_row_with_its_section_group_and_board(
    board, member_user, admin_user, api_as
):
    late = TicketFactory(
        board=board,
        title="Late",
        assignees=[member_user],
        due_at=timezone.now() - timedelta(hours=2),
    )
    followed = TicketFactory(board=board, title="Watching", created_by=admin_user)
    ticket_follow(ticket=followed, user=member_user)

    rows = api_as("member").get(API).json()

    assert [(r["section"], r["group"], r["reference"]) for r in rows] == [
        ("assigned", "breached", late.reference),
        ("following", "later", followed.reference),
    ]
    assert rows[0]["board"] == {"id": board.pk, "key": "CS", "name": "Customer Success"}
    assert rows[0]["url"] == late.get_absolute_url()
    assert {clock["clock"] for clock in rows[0]["sla"]} == {"first_response", "resolution"}


def test_the_api_filters_by_section(board, member_user, admin_user, api_as):
    TicketFactory(board=board, title="Mine", assignees=[member_user])
    followed = TicketFactory(board=board, title="Watching", created_by=admin_user)
    ticket_follow(ticket=followed, user=member_user)

    rows = api_as("member").get(API, {"section": "following"}).json()

    assert [r["title"] for r in rows] == ["Watching"]


def test_the_api_refuses_an_unknown_section_with_a_400(board, api_as):
    response = api_as("member").get(API, {"section": "everything"})

    assert response.status_code == 400
    assert response.json()["section"] == ["Choose one of: assigned, mentions, following."]


# --- Query counts: flat in the number of boards and tickets --------------------------------------
def _fill(member, boards: int, tickets: int):
    made = [other_board(member, key=f"Q{n}") for n in range(boards)]
    now = timezone.now()
    for n in range(tickets):
        target = made[n % boards]
        ticket = TicketFactory(
            board=target,
            title=f"T{n}",
            assignees=[member] if n % 3 else [],
            due_at=now + timedelta(days=n - tickets // 2),
        )
        if n % 3 == 0:
            ticket_follow(ticket=ticket, user=member)
            notify(recipients=[member], kind="mention", title="x", ticket=ticket)


@pytest.mark.parametrize(("boards", "tickets"), [(1, 5), (3, 50)])
def test_my_work_page_reads_a_fixed_number_of_queries(
    boards, tickets, member_user, client_as, django_assert_max_num_queries
):
    _fill(member_user, boards, tickets)
    client = client_as("member")
    client.get(PAGE)  # the session warmed

    with django_assert_max_num_queries(9):
        response = client.get(PAGE)

    assert response.status_code == 200
    work = response.context["work"]
    assert work.assigned_count == len([n for n in range(tickets) if n % 3])


@pytest.mark.parametrize(("boards", "tickets"), [(1, 5), (3, 50)])
def test_my_work_api_reads_a_fixed_number_of_queries(
    boards, tickets, member_user, api_as, django_assert_max_num_queries
):
    _fill(member_user, boards, tickets)
    client = api_as("member")

    with django_assert_max_num_queries(6):
        response = client.get(API)

    assert response.status_code == 200
    followed = len(range(0, tickets, 3))  # followed and mentioned, not assigned
    assert len(response.json()) == (tickets - followed) + 2 * followed


def test_a_board_open_to_everyone_signed_in_lists_what_i_follow_there(
    board, outsider_user, admin_user
):
    board_update(board=board, by=admin_user, visibility=Visibility.SIGNED_IN)
    ticket = TicketFactory(board=board, title="Public")
    ticket_follow(ticket=ticket, user=outsider_user)

    assert [t.title for t in my_work(outsider_user).following] == ["Public"]
