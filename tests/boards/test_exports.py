"""CSV exports: the board's filters apply, hidden boards stay hidden, spreadsheet formulas are
defused, and a large board streams in bounded memory."""

import csv
import io
import tracemalloc

import pytest

from boards.models import Visibility
from boards.services import board_update
from feedback.models import FeedbackSettings
from feedback.services import feedback_receive
from metrics.views import METRIC_TABLES
from tests.pages import LOGIN, ROLES, expect
from tickets.models import Priority, Ticket
from tickets.services import ticket_create

# Every export, and who gets it (an export shows a role only what its pages show that role): the
# tickets to anyone on the board; the feedback (every customer's email, score and comment) and
# the metrics drawn from it to members, and to guests only where the board shares its metrics.
# On a board open to signed-in users an outsider is a guest.
TICKETS = expect(200, 200, 200, 404)
MEMBERS_ONLY = expect(200, 200, 403, 404)
EXPORTS = [
    ("export/tickets.csv", TICKETS, TICKETS),
    ("export/feedback.csv", MEMBERS_ONLY, TICKETS),
    *[(f"metrics/{table}.csv", MEMBERS_ONLY, TICKETS) for table in METRIC_TABLES],
]


def export_cases():
    for path, kept, shared in EXPORTS:
        for visibility in Visibility:
            for guests_see_metrics, statuses in ((False, kept), (True, shared)):
                for role in ROLES:
                    expected = statuses[role]
                    if visibility == Visibility.SIGNED_IN and role == "outsider":
                        expected = statuses["guest"]
                    sharing = "shared" if guests_see_metrics else "kept"
                    yield pytest.param(
                        path, visibility, guests_see_metrics, role, expected,
                        id=f"{path} {visibility.value} {sharing} {role}",
                    )  # fmt: skip


@pytest.mark.parametrize(
    ("path", "visibility", "guests_see_metrics", "role", "expected"), export_cases()
)
def test_each_role_gets_each_export_as_its_pages_show_it(
    board, client_as, path, visibility, guests_see_metrics, role, expected
):
    # Given a board with this visibility, sharing its metrics with guests or not
    board_update(board=board, visibility=visibility)
    FeedbackSettings.objects.update_or_create(
        board=board, defaults={"guests_see_metrics": guests_see_metrics}
    )

    # When the role asks for the export
    response = client_as(role).get(f"/boards/{board.pk}/{path}")

    # Then it gets the status of the matrix (anonymous callers are sent to sign in)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_ticket_export_follows_the_filters_of_the_url(board, member_user, client_as):
    ticket_create(board=board, created_by=member_user, title="Calm", priority=Priority.LOW)
    ticket_create(board=board, created_by=member_user, title="Fire", priority=Priority.URGENT)

    response = client_as("guest").get(f"/boards/{board.pk}/export/tickets.csv?priority=urgent")

    assert response["Content-Disposition"] == 'attachment; filename="CS-tickets.csv"'
    table = rows(response)
    assert table[0][:3] == ["number", "title", "column"]
    assert [row[1] for row in table[1:]] == ["Fire"]


def test_a_hidden_board_cannot_be_exported(board, client_as):
    assert client_as("outsider").get(f"/boards/{board.pk}/export/tickets.csv").status_code == 404
    assert client_as("outsider").get(f"/boards/{board.pk}/export/feedback.csv").status_code == 404


@pytest.mark.parametrize("role", ["guest", "outsider"])
def test_the_feedback_export_refuses_guests_of_a_board_that_keeps_its_metrics_to_members(
    board, client_as, role
):
    # Given a board every signed-in user may see, with feedback, not sharing its metrics
    board_update(board=board, visibility=Visibility.SIGNED_IN)
    feedback_receive(board=board, kind="nps", score=2, email="ada@example.com", comment="Slow")

    # When a guest (or any signed-in user) asks for the feedback export
    response = client_as(role).get(f"/boards/{board.pk}/export/feedback.csv")

    # Then it is refused, and nobody's email or comment is in the answer
    assert response.status_code == 403
    assert b"ada@example.com" not in response.content


def test_guests_get_the_feedback_export_where_the_board_shares_its_metrics(board, client_as):
    feedback_receive(board=board, kind="nps", score=2, email="ada@example.com", comment="Slow")
    FeedbackSettings.objects.update_or_create(board=board, defaults={"guests_see_metrics": True})

    table = rows(client_as("guest").get(f"/boards/{board.pk}/export/feedback.csv"))

    assert [row[3] for row in table[1:]] == ["ada@example.com"]


def test_spreadsheet_formulas_are_defused(board, member_user, client_as):
    ticket_create(board=board, created_by=member_user, title='=HYPERLINK("http://x","y")')

    table = rows(client_as("member").get(f"/boards/{board.pk}/export/tickets.csv"))

    assert table[1][1] == '\'=HYPERLINK("http://x","y")'


def test_the_feedback_export_lists_responses_with_their_tickets(board, client_as):
    feedback_receive(board=board, kind="nps", score=2, email="a@example.com", comment="Slow")
    feedback_receive(board=board, kind="csat", score=5, email="b@example.com")

    table = rows(client_as("member").get(f"/boards/{board.pk}/export/feedback.csv"))

    assert [row[1:3] for row in table[1:]] == [["csat", "5"], ["nps", "2"]]
    assert table[2][-1] == "1"  # the detractor's ticket number


def test_fifty_thousand_tickets_stream_in_bounded_memory(board, columns, member_user, client_as):
    Ticket.objects.bulk_create(
        (
            Ticket(
                board=board, number=n, title=f"Request {n} " + "x" * 80, column=columns[0],
                rank=n, created_by=member_user, customer_email=f"c{n}@example.com",
            )
            for n in range(1, 50_001)
        ),
        batch_size=5000,
    )  # fmt: skip
    response = client_as("member").get(f"/boards/{board.pk}/export/tickets.csv")

    tracemalloc.start()
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert lines == 50_001
    # The whole file is ~7 MB; streaming keeps only a chunk of rows (2,000) in memory at once.
    assert peak < 3 * 1024 * 1024, peak
