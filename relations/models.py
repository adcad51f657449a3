"""Links between tickets: one relates to, duplicates or is blocked by another. (A merge is a
ticket's own field, `Ticket.merged_into`: relations.services.ticket_merge.)"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least

from tickets.models import Ticket


class TicketLink(models.Model):
    class Kind(models.TextChoices):
        RELATES = "relates", "relates to"
        DUPLICATES = "duplicates", "duplicates"
        BLOCKED_BY = "blocked_by", "is blocked by"

    # How the other side reads it: shown on both tickets.
    INVERSE = {
        Kind.RELATES: "relates to",
        Kind.DUPLICATES: "is duplicated by",
        Kind.BLOCKED_BY: "blocks",
    }

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One link between two tickets, whichever way round it was written.
            models.UniqueConstraint(
                Least("from_ticket", "to_ticket"),
                Greatest("from_ticket", "to_ticket"),
                name="relations_link_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_ticket=models.F("to_ticket")),
                name="relations_no_self_link",
            ),
        ]
        indexes = [models.Index(fields=["to_ticket"], name="relations_link_to_idx")]

    def __str__(self):
        return f"{self.from_ticket_id} {self.kind} {self.to_ticket_id}"

    def label_from(self, ticket_id: int) -> str:
        """The link as the ticket `ticket_id` (one of its two) reads it."""
        if ticket_id == self.from_ticket_id:
            return self.get_kind_display()
        return self.INVERSE[self.Kind(self.kind)]
