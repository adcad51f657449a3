import pytest

from notifications.models import Notification
from reminders.services import reminder_deliver, sla_sweep


@pytest.fixture
def sweep_at():
    """Sweep as if the clock showed `moment`, then deliver what the sweep wrote (the worker's
    part, run here). Returns the delivered reminders' (kind, outcome)."""
    from reminders.models import Reminder

    def run(moment):
        ids = sla_sweep(now=moment)
        for reminder_id in ids:
            reminder_deliver(reminder_id=reminder_id, now=moment)
        return [(r.kind, r.outcome) for r in Reminder.objects.filter(pk__in=ids)]

    return run


@pytest.fixture
def assigned(ticket, member_user, admin_user):
    """The ticket, assigned to mia; after its first response (so only due-date reminders)."""
    from tickets.services import ticket_record_first_response, ticket_update

    ticket_update(ticket=ticket, by=admin_user, assignees=[member_user])
    ticket_record_first_response(ticket=ticket, by=member_user)
    Notification.objects.all().delete()
    return ticket
