"""Cycle time, first-contact resolution, tickets per agent and the cumulative flow, computed
from a ticket history made through the real services with the clock moved, against numbers
worked out by hand (every time below is UTC, the board's time zone)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine

from mail.models import SupportAddress
from mail.outbound import reply_send
from metrics.selectors import Period, board_metrics
from tickets.models import Status
from tickets.services import ticket_create, ticket_move, ticket_update
from workspace.services import message_post

RANGE = "start=2026-11-02&end=2026-11-15"


def at(month, day, hour):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def history(board, columns, admin_user, member_user):
    """New, Open, Feature requests, Bugs, Done (a done column). Mia and Alice work the tickets:

    A  Nov 2  09 created (Mia) · 10 Mia replies · 11 a note · 12 to Done      resolved in 3 h
    B  Nov 3  09 created (Mia, Alice) · 11 In progress · Nov 4 09 to Open ·
       10 Mia replies · 11 Alice replies · Nov 5 11 Resolved                 resolved in 50 h
    C  Nov 9  09 created (Alice) · 10 Resolved · Nov 10 09 reopened, In
       progress · 13 Resolved again                                         resolved in 28 h
    D  Nov 10 09 created, unassigned · Nov 11 09 to Bugs                     open
    E  Oct 30 09 created, unassigned · Oct 31 09 to Open (before the range)  open
    """
    _new, open_, _, bugs, done = columns
    SupportAddress.objects.create(board=board, address="support@example.com")
    steps = []

    def step(when, action):
        steps.append((when, action))

    made = {}

    def create(name, *assignees):
        def action():
            made[name] = ticket_create(
                board=board, created_by=member_user, title=name, assignees=assignees,
                customer_email=f"{name.lower()}@customer.example",
            )  # fmt: skip

        return action

    def update(name, by, **changes):
        return lambda: ticket_update(ticket=made[name], by=by, **changes)

    def move(name, column, by=member_user):
        return lambda: ticket_move(ticket=made[name], column=column, by=by)

    def reply(name, by):  # to the customer, by email
        return lambda: reply_send(ticket=made[name], by=by, body="On it.")

    def note(name, by):  # internal: no contact with the customer
        return lambda: message_post(board=board, ticket=made[name], by=by, body="Checked.")

    step(at(10, 30, 9), create("E"))
    step(at(10, 31, 9), move("E", open_))
    step(at(11, 2, 9), create("A", member_user))
    step(at(11, 2, 10), reply("A", member_user))
    step(at(11, 2, 11), note("A", member_user))
    step(at(11, 2, 12), move("A", done))
    step(at(11, 3, 9), create("B", member_user, admin_user))
    step(at(11, 3, 11), update("B", member_user, status=Status.IN_PROGRESS))
    step(at(11, 4, 9), move("B", open_))
    step(at(11, 4, 10), reply("B", member_user))
    step(at(11, 4, 11), reply("B", admin_user))
    step(at(11, 5, 11), update("B", admin_user, status=Status.RESOLVED))
    step(at(11, 9, 9), create("C", admin_user))
    step(at(11, 9, 10), update("C", admin_user, status=Status.RESOLVED))
    step(at(11, 10, 9), update("C", admin_user, status=Status.IN_PROGRESS))
    step(at(11, 10, 13), update("C", admin_user, status=Status.RESOLVED))
    step(at(11, 10, 9), create("D"))
    step(at(11, 11, 9), move("D", bugs))
    for when, action in sorted(steps, key=lambda pair: pair[0]):
        with time_machine.travel(when, tick=False):
            action()
    return made


@pytest.fixture
def metrics(board, history):
    return board_metrics(board, Period.of(board, date(2026, 11, 2), date(2026, 11, 15)))


def test_resolution_times_follow_the_history(metrics):
    # A 3 h, B 50 h, C 28 h (its second resolution counts): median 28, p90 28 + (50 - 28) * 0.8.
    assert metrics["resolved"] == 3
    assert metrics["resolution"] == {"median": 28.0, "p90": 45.6}


def test_cycle_time_runs_from_work_started_to_resolution(metrics):
    # A: moved (work started) and resolved at 12:00, 0 h. B: In progress Nov 3 11:00 to Nov 5
    # 11:00, 48 h. C: In progress Nov 10 09:00 to 13:00, 4 h. Median 4, p90 4 + (48 - 4) * 0.8.
    assert metrics["cycle"] == {"median": 4.0, "p90": 39.2, "n": 3}


def test_first_contact_resolution_counts_one_reply_and_no_reopening(metrics):
    # A: one reply (and a note, which is no contact), never reopened. B: two replies. C: no
    # reply, and reopened.
    assert metrics["first_contact"] == {"resolved": 1, "rate": 33.3}


def test_tickets_per_agent_per_week_and_time_per_ticket(metrics, admin_user, member_user):
    agents = metrics["agents"]

    assert agents["weeks"] == [date(2026, 11, 2), date(2026, 11, 9)]
    # Alice: B (50 h) and C (28 h); Mia: A (3 h) and B (50 h). Equal counts go by name.
    assert [(row["agent"], row["per_week"], row["resolved"], row["hours_per_ticket"])
            for row in agents["rows"]] == [
        (admin_user, [1, 1], 2, 39.0),
        (member_user, [2, 0], 2, 26.5),
    ]  # fmt: skip


def test_the_cumulative_flow_counts_each_column_at_the_end_of_each_day(metrics):
    flow = metrics["flow"]
    by_day = {row["day"]: row["counts"] for row in flow["rows"]}

    assert [column["name"] for column in flow["columns"]] == [
        "New tickets", "Open tickets", "Feature requests", "Bugs", "Done",
    ]  # fmt: skip
    assert len(flow["rows"]) == 14
    assert by_day[date(2026, 11, 2)] == [0, 1, 0, 0, 1]  # E from before the range, A done
    assert by_day[date(2026, 11, 3)] == [1, 1, 0, 0, 1]
    assert by_day[date(2026, 11, 4)] == [0, 2, 0, 0, 1]
    assert by_day[date(2026, 11, 9)] == [1, 2, 0, 0, 1]
    assert by_day[date(2026, 11, 10)] == [2, 2, 0, 0, 1]
    assert by_day[date(2026, 11, 11)] == [1, 2, 0, 1, 1]
    assert by_day[date(2026, 11, 15)] == [1, 2, 0, 1, 1]


def test_one_agents_dashboard_counts_only_their_tickets(board, history, member_user):
    period = Period.of(board, date(2026, 11, 2), date(2026, 11, 15))

    mine = board_metrics(board, period, agent=member_user)

    # A (3 h, first contact, cycle 0 h) and B (50 h, cycle 48 h).
    assert (mine["created"], mine["resolved"]) == (2, 2)
    assert mine["resolution"]["median"] == 26.5
    assert mine["cycle"] == {"median": 24.0, "p90": 43.2, "n": 2}
    assert mine["first_contact"] == {"resolved": 1, "rate": 50.0}
    assert [row["agent"] for row in mine["agents"]["rows"]] == [member_user]


def test_the_dashboard_shows_the_new_figures_and_links_each_agent(
    board, history, client_as, member_user
):
    html = client_as("member").get(f"/boards/{board.pk}/metrics/?{RANGE}").content.decode()

    assert "First-contact resolution" in html
    assert "33.3 %" in html
    assert "Cycle time" in html
    assert "39.2 h" in html
    assert f"agent={member_user.pk}" in html
    assert 'id="chart-flow"' in html
    assert 'id="chart-agents"' in html


def test_an_agent_who_is_not_on_the_team_is_refused_in_words(board, history, client_as, guest_user):
    response = client_as("member").get(f"/boards/{board.pk}/metrics/?{RANGE}&agent={guest_user.pk}")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["agent"] is None


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_each_metric_table_exports_as_csv(board, history, client_as):
    client = client_as("member")

    def table(name):
        return _csv(client.get(f"/boards/{board.pk}/metrics/{name}.csv?{RANGE}"))

    summary = dict(table("summary")[1:])
    assert summary["first_contact_resolution_percent"] == "33.3"
    assert summary["cycle_median_hours"] == "4.0"
    assert table("volume") == [
        ["week", "created", "resolved"], ["2026-11-02", "2", "2"], ["2026-11-09", "2", "1"],
    ]  # fmt: skip
    agents = table("agents")
    assert agents[0] == [
        "agent", "email", "resolved", "hours_per_ticket",
        "resolved_week_of_2026-11-02", "resolved_week_of_2026-11-09",
    ]  # fmt: skip
    assert agents[1][0] == "Alice Admin"
    assert agents[1][2:] == ["2", "39.0", "1", "1"]
    flow = table("flow")
    assert flow[0] == ["day", "New tickets", "Open tickets", "Feature requests", "Bugs", "Done"]
    assert flow[10] == ["2026-11-11", "1", "2", "0", "1", "1"]
    assert table("scores")[0][:3] == ["week", "nps", "nps_answers"]


def test_an_agents_export_counts_only_their_tickets(board, history, client_as, member_user):
    response = client_as("member").get(
        f"/boards/{board.pk}/metrics/summary.csv?{RANGE}&agent={member_user.pk}"
    )

    assert dict(_csv(response)[1:])["tickets_resolved"] == "2"


def test_metric_exports_follow_the_dashboards_access_rules(board, client_as):
    url = f"/boards/{board.pk}/metrics/agents.csv"

    assert client_as("guest").get(url).status_code == 403
    assert client_as("outsider").get(url).status_code == 404
    assert client_as("member").get(f"/boards/{board.pk}/metrics/secrets.csv").status_code == 404


def test_a_range_longer_than_two_years_is_refused_in_words(board, client_as):
    html = (
        client_as("member")
        .get(f"/boards/{board.pk}/metrics/?start=2020-01-01&end=2026-11-01")
        .content.decode()
    )

    assert "Choose a range of two years at most." in html


def test_replies_per_ticket_count_the_emails_to_the_customers_of_resolved_tickets(
    board, member_user
):
    from django.utils import timezone

    from mail.models import SupportAddress
    from mail.services import mail_receive, reply_send
    from metrics.selectors import key_figures
    from tests.mail.test_receive import mail

    SupportAddress.objects.create(board=board, address="support@example.com")
    answered = mail_receive(mail(message_id="<one@fbi.example>")).ticket
    mail_receive(mail(message_id="<two@fbi.example>"))  # open: not counted
    for body in ("Looking into it.", "Fixed."):
        reply_send(ticket=answered, by=member_user, body=body)
    ticket_update(ticket=answered, by=member_user, status=Status.RESOLVED)

    today = timezone.localdate()
    figures = key_figures(board, Period.of(board, today, today))

    assert figures["replies"] == {"total": 2, "per_ticket": 2.0}
