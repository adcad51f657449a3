from django.db import migrations

# Dense positions 0..n-1 become ranks RANK_STEP apart (csboard.core.ordering); going back, each
# ticket's rank is its index in its column again, ordered by (rank, number).
STEP = 1 << 20

TO_INDEXES = """
UPDATE tickets_ticket SET rank = (
    SELECT COUNT(*) FROM tickets_ticket AS other
    WHERE other.column_id = tickets_ticket.column_id
      AND (other.rank < tickets_ticket.rank
           OR (other.rank = tickets_ticket.rank AND other.number < tickets_ticket.number))
)
"""


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_ticket_rank")]

    operations = [migrations.RunSQL(f"UPDATE tickets_ticket SET rank = rank * {STEP}", TO_INDEXES)]
