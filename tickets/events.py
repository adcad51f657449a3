"""What the tickets app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# A ticket became resolved (the Resolved status or a done column). Payload: ticket_id, board_id,
# customer_email (empty when the ticket names no customer).
ticket_resolved = Event("ticket_resolved")

# What a ticket says changed: its title, description, customer, tags or conversation (a history
# entry of tickets.services.WORDS_CHANGED). Payload: ticket_id.
ticket_text_changed = Event("ticket_text_changed")
