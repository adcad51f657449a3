"""The one table of reminder rules (reminders.rules): every kind has a rule, and the sweep, the
delivery check, the recipients, the titles and the email preferences all read it."""

from datetime import timedelta

import pytest

from reminders import services
from reminders.forms import EmailPreferencesForm
from reminders.models import Reminder
from reminders.rules import ADMINS, RULES, ReminderRule
from sla.models import SlaPolicy


def test_every_kind_of_reminder_has_one_rule():
    assert set(RULES) == set(Reminder.Kind.values)


def test_a_rules_times_come_from_the_policy():
    policy = SlaPolicy(due_soon_leads=[24, 1], escalate_after_hours=None)

    assert RULES[Reminder.Kind.DUE_SOON].times(policy) == [timedelta(hours=24), timedelta(hours=1)]
    assert RULES[Reminder.Kind.ESCALATION].times(policy) == []
    assert RULES[Reminder.Kind.OVERDUE].times(policy) == [timedelta(0)]


def test_the_email_preferences_explain_each_kind_by_its_rule():
    form = EmailPreferencesForm(wanted={})

    assert {kind: form.fields[kind].help_text for kind in RULES} == {
        kind: rule.help for kind, rule in RULES.items()
    }


@pytest.fixture
def overdue_to_admins(monkeypatch):
    """The overdue rule changed in the table alone: it goes to the admins, with a new title."""
    rule = RULES[Reminder.Kind.OVERDUE]
    changed = ReminderRule(**{**rule.__dict__, "recipients": ADMINS, "headline": "is late"})
    monkeypatch.setitem(RULES, Reminder.Kind.OVERDUE, changed)


def test_delivery_follows_a_change_to_the_table(assigned, admin_user, sweep_at, overdue_to_admins):
    fired = sweep_at(assigned.due_at + timedelta(minutes=1))

    assert fired == [(Reminder.Kind.OVERDUE, Reminder.Outcome.SENT)]
    reminder = Reminder.objects.get()
    assert services.reminder_recipients(reminder, assigned) == [admin_user]
    assert services.reminder_title(reminder, assigned).endswith(f"is late: {assigned.title}")
