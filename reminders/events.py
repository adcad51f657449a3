"""What the reminders app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# An SLA reminder went out (once per reminder row, reminders.services.reminder_deliver): the
# ticket is due soon, or breached a deadline (overdue, first response missed, escalated).
# Payload: ticket_id, board_id, key ("reminder:<id>"), origin, kind (reminders.models.Reminder.Kind).
sla_due_soon = Event("sla_due_soon")
sla_breached = Event("sla_breached")
