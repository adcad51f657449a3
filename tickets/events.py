"""What the tickets app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# A ticket became resolved (the Resolved status or a done column). Payload: ticket_id, board_id,
# customer_email (empty when the ticket names no customer).
ticket_resolved = Event("ticket_resolved")

# One per line of a ticket's history that a board's automation rules may react to, emitted by
# tickets.services.activity_record with the row. Payload: ticket_id, board_id, key (the
# history row, "activity:<id>": what makes a rule run once per event), origin (the writer's
# csboard.core.events Origin kind: "automation" for a rule's own change) and the change:
ticket_created = Event("ticket_created")  # source (tickets.models.Source)
ticket_moved = Event("ticket_moved")  # column_id (entered), from_column_id
ticket_status_changed = Event("ticket_status_changed")  # from_value, to_value
ticket_priority_changed = Event("ticket_priority_changed")  # from_value, to_value
ticket_tagged = Event("ticket_tagged")  # added (tag names)
ticket_assigned = Event("ticket_assigned")  # added (usernames)
