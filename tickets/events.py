"""What the tickets app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# A ticket became resolved (the Resolved status or a done column). Payload: ticket_id, board_id,
# customer_email (empty when the ticket names no customer).
ticket_resolved = Event("ticket_resolved")
