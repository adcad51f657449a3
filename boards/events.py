"""What the boards app tells the apps above it (csboard.core.events)."""

from csboard.core.events import Event

# A tag was renamed or deleted: the tickets it was on now say something else. Payload:
# ticket_ids (every ticket it was on, archived ones too, read before a deletion).
tag_changed = Event("tag_changed")
