from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message in a user's in-app notification centre. Every feature that tells someone
    something (mentions, assignments, comments, SLA reminders, feedback) writes one of these."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"
        ASSIGNED = "assigned", "Assigned to you"
        COMMENT = "comment", "New comment"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        FIRST_RESPONSE_MISSED = "first_response_missed", "First response missed"
        ESCALATION = "escalation", "Escalation"
        DETRACTOR = "detractor", "Detractor feedback"
        NEW_TICKET = "new_ticket", "New ticket from a customer"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board = models.ForeignKey(
        "boards.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_recipient_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
