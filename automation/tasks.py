"""The events that run rules, and the task that runs them (automation.services.rules_run).

Each trigger's event (csboard.core.events) has a subscriber here that enqueues one task per
event, after the change committed, unless the change was a rule's own (origin "automation"):
the loop guard, so a rule's changes never run rules again. The task takes ids and the event's
key and is idempotent (each rule's run is claimed once per event), so it is acknowledged late:
a worker lost mid-task leaves it to another, which runs only the rules not yet claimed."""

from celery import shared_task
from django.db import OperationalError

from automation import services
from automation.models import Trigger
from automation.selectors import board_triggers
from csboard.core.events import AUTOMATION
from mail.events import customer_replied
from reminders.events import sla_breached, sla_due_soon
from tickets import events


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def rules_run_task(trigger: str, ticket_id: int, key: str) -> int:
    return len(services.rules_run(trigger=trigger, ticket_id=ticket_id, key=key))


def _subscriber(trigger: str):
    def run_rules(*, ticket_id: int, board_id: int, key: str, origin: str, **facts) -> None:
        if origin == AUTOMATION:
            return  # a rule's own change: never run rules for it again
        if trigger in board_triggers(board_id):
            rules_run_task.delay(trigger, ticket_id, key)

    run_rules.__qualname__ = f"run_rules_on_{trigger}"
    return run_rules


# Made once, at import: subscribing the same functions again (ready() in tests) keeps one each.
SUBSCRIBERS = {
    event: _subscriber(trigger)
    for event, trigger in (
        (events.ticket_created, Trigger.CREATED),
        (events.ticket_moved, Trigger.MOVED),
        (events.ticket_status_changed, Trigger.STATUS_CHANGED),
        (events.ticket_priority_changed, Trigger.PRIORITY_CHANGED),
        (events.ticket_tagged, Trigger.TAG_ADDED),
        (events.ticket_assigned, Trigger.ASSIGNED),
        (customer_replied, Trigger.CUSTOMER_REPLIED),
        (sla_due_soon, Trigger.SLA_DUE_SOON),
        (sla_breached, Trigger.SLA_BREACHED),
    )
}
