"""What the mail app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# A customer answered on their ticket (by mail or through the portal), which is then open again.
# Payload: ticket_id, board_id, key ("message:<id>", the customer's message), origin, channel.
customer_replied = Event("customer_replied")
