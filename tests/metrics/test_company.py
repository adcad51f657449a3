"""The company view (the boards an admin administers), an agent's and a team's: the numbers per
board are the board dashboard's own, the totals and the agents add up across boards, and the page,
the CSV and the API give the same numbers, in a number of queries flat in boards and tickets."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Role
from boards.services import board_create, membership_add
from feedback.models import FeedbackResponse
from metrics.forms import org_choice
from metrics.models import Team
from metrics.selectors import Period, board_metrics, key_figures, org_metrics
from metrics.services import team_create
from tests.factories import UserFactory
from tickets.models import Ticket
from tickets.services import ticket_create

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 15)
RANGE = "from=2026-11-02&to=2026-11-15"


def at(day, hour=10):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def make(board, by, title, created, *, first_response=None, resolved=None, due=None, to=()):
    ticket = ticket_create(board=board, created_by=by, title=title, assignees=list(to))
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created, first_response_at=first_response, resolved_at=resolved, due_at=due
    )
    return ticket


def feedback(board, kind, score, day, ticket=None):
    response = FeedbackResponse.objects.create(
        board=board, kind=kind, score=score, email=f"{kind}{score}{day}@example.com", ticket=ticket
    )
    FeedbackResponse.objects.filter(pk=response.pk).update(received_at=at(day))


@pytest.fixture
def second(admin_user, member_user):
    """A second board alice administers, in Tokyo: its days start 9 hours before UTC's."""
    board = board_create(
        name="Onboarding", key="ON", created_by=admin_user, template="customer-success",
        timezone="Asia/Tokyo",
    )  # fmt: skip
    membership_add(board=board, user=member_user, role=Role.MEMBER)
    return board


@pytest.fixture
def history(board, second, admin_user, member_user):
    mia, alice = member_user, admin_user
    one = make(
        board, mia, "T1", at(2), first_response=at(2, 12), resolved=at(3), due=at(4), to=[mia]
    )
    make(board, mia, "T2", at(3), first_response=at(3, 14), resolved=at(10), due=at(5), to=[alice])
    make(board, mia, "T3", at(9), first_response=at(9, 11), to=[mia])
    # 2 Nov, 20:00 UTC is 3 Nov in Tokyo; 15 Nov, 20:00 UTC is 16 Nov there: outside the range.
    make(second, mia, "S1", at(2, 20), first_response=at(2, 21), resolved=at(4), to=[mia, alice])
    make(second, mia, "S2", at(15, 20), resolved=at(15, 21), to=[mia])
    feedback(board, "nps", 10, 3, ticket=one)
    feedback(board, "nps", 3, 4)
    feedback(second, "csat", 5, 5)
    feedback(second, "csat", 2, 6)
    return {"board": board, "second": second}


def row_of(metrics, board):
    return next(row for row in metrics["boards"] if row["board"] == board)


def test_each_boards_row_has_the_numbers_of_its_own_dashboard(history, board, second):
    metrics = org_metrics([board, second], FIRST, LAST)

    for each in (board, second):
        own = key_figures(each, Period.of(each, FIRST, LAST))
        row = row_of(metrics, each)
        for name in ("created", "resolved", "first_response", "resolution", "sla"):
            assert row[name] == own[name], (each.key, name)
    assert row_of(metrics, second)["created"] == 1  # S2 is 16 Nov in Tokyo


def test_the_totals_add_up_every_board(history, board, second):
    total = org_metrics([board, second], FIRST, LAST)["total"]

    assert (total["created"], total["resolved"]) == (4, 3)
    # First responses of T1, T2, T3, S1: 2, 4, 1 and 1 hours.
    assert total["first_response"] == {"median": 1.5, "p90": 3.4}
    assert total["sla"] == {"due": 2, "met": 1, "compliance": 50.0}
    # NPS: one promoter, one detractor; CSAT 5 and 2.
    assert total["scores"]["nps"] == 0
    assert (total["scores"]["csat"], total["scores"]["csat_satisfied"]) == (3.5, 50)


def test_the_agents_are_counted_across_boards(history, board, second, admin_user, member_user):
    agents = org_metrics([board, second], FIRST, LAST)["agents"]

    by_name = {row["name"]: row for row in agents}
    assert by_name[member_user.name]["resolved"] == 2  # T1 and S1
    assert by_name[member_user.name]["boards"] == 2
    assert by_name[admin_user.name]["resolved"] == 2  # T2 and S1
    assert by_name[member_user.name]["hours_per_ticket"] == 31.0  # 24 h and 38 h


def test_an_agents_view_counts_only_their_tickets(history, board, second, admin_user):
    metrics = org_metrics([board, second], FIRST, LAST, [admin_user])

    assert (metrics["total"]["created"], metrics["total"]["resolved"]) == (2, 2)
    assert [row["name"] for row in metrics["agents"]] == [admin_user.name]
    assert metrics["total"]["scores"]["nps_answers"] == 0  # feedback on alice's tickets only


def test_a_teams_view_counts_a_ticket_of_two_of_its_agents_once(
    history, board, second, admin_user, member_user
):
    team = team_create(by=admin_user, name="Tier 1", members=[admin_user, member_user])

    metrics = org_metrics([board, second], FIRST, LAST, team.members.all())

    assert metrics["total"]["created"] == 4
    assert metrics["total"]["resolved"] == 3
    assert metrics["total"]["scores"]["nps_answers"] == 1  # the promoter on T1, mia's


def test_the_company_view_queries_are_flat_in_boards_and_tickets(
    admin_user, member_user, client_as, django_assert_max_num_queries
):
    client = client_as("admin")

    def add_board(index, tickets):
        board = board_create(
            name=f"B{index}", key=f"B{index}", created_by=admin_user,
            timezone=["UTC", "Europe/Paris", "Asia/Tokyo"][index % 3],
        )  # fmt: skip
        membership_add(board=board, user=member_user, role=Role.MEMBER)
        for number in range(tickets):
            make(board, member_user, f"T{number}", at(3), first_response=at(3, 12),
                 resolved=at(4) if number % 2 else None, to=[member_user])  # fmt: skip
            feedback(board, "nps", number % 11, 5)

    add_board(0, 2)
    with CaptureQueriesContext(connection) as one_board:
        assert client.get(f"/metrics/?{RANGE}").status_code == 200
    for index in range(1, 5):
        add_board(index, 6)

    with django_assert_max_num_queries(len(one_board)):
        assert client.get(f"/metrics/?{RANGE}").status_code == 200
    with django_assert_max_num_queries(len(one_board)):
        assert client.get(f"/api/metrics/?{RANGE}").status_code == 200


def test_the_page_shows_the_totals_and_both_breakdowns(history, client_as, board, second):
    html = client_as("admin").get(f"/metrics/?{RANGE}").content.decode()

    assert "Across the 2 boards you administer" in html
    assert f'href="/boards/{board.pk}/metrics/?start=2026-11-02&amp;end=2026-11-15"' in html
    assert "Onboarding" in html
    assert "Mia Member" in html
    assert "50.0 %" in html


def test_a_member_who_administers_nothing_is_told_what_the_view_covers(history, client_as):
    response = client_as("member").get("/metrics/")

    assert response.status_code == 200
    assert "you administer none" in response.content.decode()
    assert response.context["boards"] == []


def test_signed_out_visitors_are_sent_to_sign_in(client_as):
    response = client_as("anonymous").get("/metrics/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_boards_where_the_admin_is_only_a_member_stay_out(history, member_user, admin_user):
    theirs = board_create(name="Theirs", key="TH", created_by=member_user)
    membership_add(board=theirs, user=admin_user, role=Role.MEMBER)
    make(theirs, member_user, "X", at(3))

    choice = org_choice(admin_user, {"from": "2026-11-02", "to": "2026-11-15"})

    assert theirs not in choice["boards"]
    assert choice["metrics"]["total"]["created"] == 4


def test_the_api_gives_the_pages_numbers(history, api_as, client_as, board):
    page = client_as("admin").get(f"/metrics/?{RANGE}").context["metrics"]

    body = api_as("admin").get(f"/api/metrics/?{RANGE}").json()

    assert body["total"]["created"] == page["total"]["created"] == 4
    assert body["total"]["first_response"] == page["total"]["first_response"]
    assert [row["board"]["key"] for row in body["boards"]] == ["CS", "ON"]
    assert body["boards"][0]["sla"] == row_of(page, board)["sla"]
    assert {row["agent"]["username"] for row in body["agents"]} == {"alice", "mia"}
    assert (body["start"], body["end"], body["agent"], body["team"]) == (
        "2026-11-02", "2026-11-15", None, None,
    )  # fmt: skip


def test_the_api_narrows_to_one_board_an_agent_or_a_team(history, api_as, admin_user, second):
    client = api_as("admin")
    team = team_create(by=admin_user, name="Tier 1", members=[admin_user])

    one_board = client.get(f"/api/metrics/?{RANGE}&board={second.pk}").json()
    agent = client.get(f"/api/metrics/?{RANGE}&agent={admin_user.pk}").json()
    of_team = client.get(f"/api/metrics/?{RANGE}&team={team.pk}").json()

    assert [row["board"]["key"] for row in one_board["boards"]] == ["ON"]
    assert agent["total"]["created"] == of_team["total"]["created"] == 2
    assert of_team["team"] == {"id": team.pk, "name": "Tier 1"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-11-20&to=2026-11-01", "non_field_errors"),
        ("from=2020-01-01&to=2026-11-01", "non_field_errors"),
        ("board=999999", "board"),
        ("agent=abc", "agent"),
        ("team=999999", "team"),
    ],
)
def test_the_api_refuses_a_bad_choice_by_parameter(history, api_as, query, field):
    response = api_as("admin").get(f"/api/metrics/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_the_api_refuses_a_board_the_caller_does_not_administer(history, api_as, board):
    response = api_as("member").get(f"/api/metrics/?board={board.pk}")

    assert response.status_code == 400
    assert "board" in response.json()


def test_the_api_refuses_someone_elses_team(history, api_as, admin_user, member_user, board):
    other_admin = UserFactory(username="oscar")
    membership_add(board=board, user=other_admin, role=Role.ADMIN)
    team = team_create(by=other_admin, name="Oscar's", members=[member_user])

    response = api_as("admin").get(f"/api/metrics/?team={team.pk}")

    assert response.status_code == 400
    assert "team" in response.json()


def test_the_company_csv_has_a_row_per_board_and_per_agent(history, client_as):
    client = client_as("admin")

    boards = b"".join(client.get(f"/metrics/boards.csv?{RANGE}").streaming_content).decode()
    agents = b"".join(client.get(f"/metrics/agents.csv?{RANGE}").streaming_content).decode()

    assert boards.splitlines()[0].startswith("board,key,tickets_created")
    assert boards.splitlines()[1].startswith("Customer Success,CS,3,2")
    assert len(agents.splitlines()) == 3
    assert client.get("/metrics/nothing.csv").status_code == 404


def test_a_team_exists_once_per_manager_and_name(admin_user, board):
    team_create(by=admin_user, name="Tier 1", members=[])

    from csboard.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        team_create(by=admin_user, name="tier 1", members=[])
    assert Team.objects.count() == 1


def test_the_board_api_gives_the_board_dashboards_numbers(history, api_as, board, member_user):
    own = board_metrics(board, Period.of(board, FIRST, LAST))

    body = api_as("member").get(f"/api/boards/{board.pk}/metrics/?{RANGE}").json()

    assert (body["created"], body["resolved"]) == (own["created"], own["resolved"])
    assert body["first_response"] == own["first_response"]
    assert body["sla"] == own["sla"]
    assert body["cycle"]["n"] == own["cycle"]["n"]
    assert [row["week"] for row in body["weeks"]] == [str(row["week"]) for row in own["weeks"]]
    assert len(body["flow"]["rows"]) == 14
    assert body["scores"][0]["nps_answers"] == 2
    mine = api_as("member").get(f"/api/boards/{board.pk}/metrics/?{RANGE}&agent={member_user.pk}")
    assert mine.json()["created"] == 2
    assert mine.json()["agent"]["username"] == "mia"


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=11/02/2026", "from"), ("to=2026-11-01&from=2026-11-05", "non_field_errors"),
     ("agent=999999", "agent")],
)  # fmt: skip
def test_the_board_api_refuses_a_bad_choice_by_parameter(history, api_as, board, query, field):
    response = api_as("member").get(f"/api/boards/{board.pk}/metrics/?{query}")

    assert response.status_code == 400
    assert field in response.json()
