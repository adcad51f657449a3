"""Every metric on a small hand-built history, against numbers worked out by hand."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import FeedbackResponse, FeedbackSettings
from metrics.selectors import Period, board_metrics
from tickets.models import Status, Ticket
from tickets.services import ticket_create, ticket_move, ticket_update


def at(day, hour=10):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def history(board, member_user):
    def make(title, created, first_response=None, resolved=None, due=None):
        ticket = ticket_create(board=board, created_by=member_user, title=title)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=created, first_response_at=first_response, resolved_at=resolved, due_at=due
        )

    # T1: answered in 2 h, resolved in 24 h, before its due date.
    make("T1", at(2), first_response=at(2, 12), resolved=at(3), due=at(4))
    # T2: answered in 4 h, resolved in 168 h, after its due date.
    make("T2", at(3), first_response=at(3, 14), resolved=at(10), due=at(5))
    # T3: answered in 1 h, still open.
    make("T3", at(9), first_response=at(9, 11))
    # T4: created before the range, resolved in it after 504 h, no due date.
    make("T4", datetime(2026, 10, 20, 10, tzinfo=UTC), resolved=at(10))
    scores = [("nps", 10, 2), ("nps", 9, 3), ("nps", 5, 4), ("nps", 7, 5), ("csat", 5, 3),
              ("csat", 3, 4), ("nps", 0, 10)]  # fmt: skip
    for kind, score, day in scores:
        response = FeedbackResponse.objects.create(
            board=board, kind=kind, score=score, email=f"{kind}{score}@example.com"
        )
        FeedbackResponse.objects.filter(pk=response.pk).update(received_at=at(day))
    return board_metrics(board, Period.of(board, date(2026, 11, 2), date(2026, 11, 15)))


def test_tickets_created_and_resolved_per_week(history):
    assert history["weeks"] == [
        {"week": date(2026, 11, 2), "created": 2, "resolved": 1},
        {"week": date(2026, 11, 9), "created": 1, "resolved": 2},
    ]
    assert (history["created"], history["resolved"]) == (3, 3)


def test_first_response_median_and_90th_percentile(history):
    # 1, 2 and 4 hours: the median is 2; the 90th percentile interpolates 2 + (4 - 2) * 0.8.
    assert history["first_response"] == {"median": 2.0, "p90": 3.6}


def test_resolution_median_and_90th_percentile(history):
    # 24, 168 and 504 hours: median 168; p90 = 168 + (504 - 168) * 0.8.
    assert history["resolution"] == {"median": 168.0, "p90": 436.8}


def test_sla_compliance_counts_resolved_tickets_with_a_due_date(history):
    assert history["sla"] == {"due": 2, "met": 1, "compliance": 50.0}


def test_nps_and_csat_per_week(history):
    first, second = history["scores"]
    # 2 promoters, 1 detractor of 4 answers: NPS 25. CSAT 5 and 3: average 4, half satisfied.
    assert first == {
        "week": date(2026, 11, 2), "nps": 25, "nps_answers": 4, "csat": 4.0,
        "csat_satisfied": 50, "csat_answers": 2,
    }  # fmt: skip
    assert (second["nps"], second["nps_answers"], second["csat"]) == (-100, 1, None)


def test_the_dashboard_shows_the_numbers_to_members(board, history, client_as):
    html = (
        client_as("member")
        .get(f"/boards/{board.pk}/metrics/?start=2026-11-02&end=2026-11-15")
        .content.decode()
    )

    assert "50.0 %" in html
    assert "3.6 h" in html
    assert 'id="metrics-data"' in html


def test_guests_see_the_dashboard_only_when_the_board_allows_it(board, client_as):
    url = f"/boards/{board.pk}/metrics/"
    guest = client_as("guest")

    assert guest.get(url).status_code == 403
    FeedbackSettings.objects.create(board=board, guests_see_metrics=True)
    assert guest.get(url).status_code == 200


def test_outsiders_never_see_a_private_boards_metrics(board, client_as):
    assert client_as("outsider").get(f"/boards/{board.pk}/metrics/").status_code == 404


def test_a_start_after_the_end_is_explained(board, client_as):
    html = (
        client_as("member")
        .get(f"/boards/{board.pk}/metrics/?start=2026-11-20&end=2026-11-01")
        .content.decode()
    )

    assert "The start comes after the end." in html


def test_the_dashboard_runs_a_fixed_number_of_queries(
    board, columns, admin_user, member_user, client_as, django_assert_max_num_queries
):
    client = client_as("member")
    url = f"/boards/{board.pk}/metrics/"

    def add(count):
        for index in range(count):
            ticket = ticket_create(
                board=board, created_by=member_user, title=f"T{index}",
                assignees=[member_user, admin_user][: index % 3],
            )  # fmt: skip
            ticket_move(ticket=ticket, column=columns[index % len(columns)], by=member_user)
            if index % 2:
                ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)

    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(60)

    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
    assert len(few) <= 24


def test_the_board_links_its_metrics_only_for_those_who_may_see_them(board, client_as):
    def has_link(role):
        html = client_as(role).get(f"/boards/{board.pk}/").content.decode()
        return f'href="/boards/{board.pk}/metrics/"' in html

    assert has_link("member")
    assert not has_link("guest")
    FeedbackSettings.objects.create(board=board, guests_see_metrics=True)
    assert has_link("guest")
