"""Reminders in Django's admin: staff see what was sent, skipped or given up, read-only."""

import pytest
from django.utils import timezone

from reminders.models import Reminder, ReminderEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reminders/reminder/"


@pytest.fixture
def given_up(ticket, member_user):
    reminder = Reminder.objects.create(
        ticket=ticket, kind=Reminder.Kind.OVERDUE, due_for=timezone.now(), attempts=5,
        outcome=Reminder.Outcome.FAILED, delivered_at=timezone.now(),
    )  # fmt: skip
    ReminderEmail.objects.create(
        reminder=reminder, user=member_user, error="550 mailbox unavailable"
    )
    return reminder


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_see_a_given_up_reminder_with_its_emails_error(staff_client, given_up):
    listed = staff_client.get(CHANGELIST, {"state": "pending", "outcome__exact": "failed"})
    detail = staff_client.get(f"{CHANGELIST}{given_up.pk}/change/")

    assert list(listed.context["cl"].result_list) == [given_up]
    assert detail.status_code == 200
    assert "550 mailbox unavailable" in detail.content.decode()


def test_a_finished_reminder_is_not_listed_as_pending(staff_client, given_up):
    Reminder.objects.filter(pk=given_up.pk).update(finished_at=timezone.now())

    pending = staff_client.get(CHANGELIST, {"state": "pending"}).context["cl"]
    finished = staff_client.get(CHANGELIST, {"state": "finished"}).context["cl"]

    assert list(pending.result_list) == []
    assert list(finished.result_list) == [given_up]


def test_nobody_adds_edits_or_deletes_a_reminder(staff_client, given_up):
    detail = f"{CHANGELIST}{given_up.pk}/change/"

    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403
    assert staff_client.post(detail, {"attempts": "0"}).status_code == 403
    assert staff_client.post(detail.replace("change", "delete"), {"post": "yes"}).status_code == 403
    given_up.refresh_from_db()
    assert given_up.attempts == 5


def test_the_reminder_list_runs_a_fixed_number_of_queries(
    staff_client, given_up, board, member_user, django_assert_max_num_queries
):
    from tickets.services import ticket_create

    for number in range(20):
        other = ticket_create(board=board, created_by=member_user, title=f"T{number}")
        Reminder.objects.create(ticket=other, kind=Reminder.Kind.OVERDUE, due_for=timezone.now())

    with django_assert_max_num_queries(12):
        assert staff_client.get(CHANGELIST).status_code == 200
