"""The weekly digest: Monday morning in the board's time zone, to its admins, once per week."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import transaction

from boards.services import board_create, board_update
from feedback.models import FeedbackResponse
from metrics.models import DigestSent
from metrics.services import weekly_digest_send
from tickets.models import Ticket
from tickets.services import ticket_create

MONDAY_9_UTC = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def last_week(board, member_user):
    """Last week (16-22 Nov): two tickets created, one breached its due date; a detractor."""
    late = ticket_create(board=board, created_by=member_user, title="Refund still pending")
    ontime = ticket_create(board=board, created_by=member_user, title="Invoice copy")
    Ticket.objects.filter(pk=late.pk).update(
        created_at=datetime(2026, 11, 16, 9, tzinfo=UTC), due_at=datetime(2026, 11, 18, tzinfo=UTC)
    )
    Ticket.objects.filter(pk=ontime.pk).update(
        created_at=datetime(2026, 11, 17, 9, tzinfo=UTC),
        due_at=datetime(2026, 11, 19, tzinfo=UTC),
        resolved_at=datetime(2026, 11, 18, tzinfo=UTC),
    )
    response = FeedbackResponse.objects.create(
        board=board, kind="nps", score=2, email="dana@example.com", comment="Nobody called back"
    )
    FeedbackResponse.objects.filter(pk=response.pk).update(
        received_at=datetime(2026, 11, 20, tzinfo=UTC)
    )


def test_the_admins_get_last_weeks_numbers_breaches_and_detractor_comments(
    board, admin_user, last_week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # sent once its record commits
        assert weekly_digest_send(now=MONDAY_9_UTC) == 1

    (email,) = mail.outbox
    assert email.to == [admin_user.email]
    assert "the week of 16 Nov 2026" in email.body
    assert "Tickets created              2" in email.body
    assert "SLA breaches (1):" in email.body
    assert "Refund still pending" in email.body
    assert "Invoice copy" not in email.body.split("SLA breaches")[1].split("Detractor")[0]
    assert "Nobody called back" in email.body
    assert email.alternatives[0][1] == "text/html"


def test_a_second_tick_in_the_same_morning_sends_nothing(
    board, admin_user, last_week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest_send(now=MONDAY_9_UTC)
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest_send(now=MONDAY_9_UTC.replace(hour=10))

    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 11, 23, 5, tzinfo=UTC), datetime(2026, 11, 24, 9, tzinfo=UTC)],
    ids=["too early on Monday", "Tuesday"],
)
def test_no_digest_outside_monday_morning(board, admin_user, now):
    assert weekly_digest_send(now=now) == 0


def test_monday_morning_follows_the_boards_time_zone(board, admin_user):
    board_update(board=board, timezone="Asia/Tokyo")

    # 23:00 UTC on Sunday is 08:00 on Monday in Tokyo.
    assert weekly_digest_send(now=datetime(2026, 11, 22, 23, tzinfo=UTC)) == 1
    assert weekly_digest_send(now=MONDAY_9_UTC) == 0  # 18:00 in Tokyo, and already sent


def test_the_digest_goes_out_only_once_its_record_commits(board, admin_user, last_week):
    with transaction.atomic():
        weekly_digest_send(now=MONDAY_9_UTC)
        assert mail.outbox == []
        transaction.set_rollback(True)

    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_a_mail_server_that_is_away_costs_no_other_board_and_the_next_tick_tries_again(
    board, admin_user, last_week, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.Backend"
    other = board_create(name="Second", key="SE", created_by=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digest_send(now=MONDAY_9_UTC) == 2  # neither send fails the run

    assert "failed; the write stands" in caplog.text
    assert not DigestSent.objects.exists()  # both records taken back

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digest_send(now=MONDAY_9_UTC.replace(hour=10)) == 2

    assert len(mail.outbox) == 2
    assert set(DigestSent.objects.values_list("board", flat=True)) == {board.pk, other.pk}
