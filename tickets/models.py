from django.conf import settings
from django.db import models
from django.utils import timezone

from boards.models import Board, Column, Tag


class Status(models.TextChoices):
    READY = "ready", "Ready"
    IN_PROGRESS = "in_progress", "In progress"
    NEEDS_REVIEW = "needs_review", "Needs review"
    WAITING = "waiting_on_customer", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Ticket(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="tickets")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="tickets")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.READY)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    customer_name = models.CharField(max_length=150, blank=True)
    customer_email = models.EmailField(blank=True)
    customer_company = models.CharField(max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    due_at = models.DateTimeField(null=True, blank=True)
    # True once a person set the due date by hand: SLA recalculation then leaves it alone.
    due_is_manual = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The first chat message or status change by a team member: the first-response SLA clock.
    first_response_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["column__position", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "number"], name="tickets_ticket_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["column", "position"], name="tickets_column_position_idx"),
            models.Index(fields=["board", "due_at"], name="tickets_board_due_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.board.key}-{self.number}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_at is not None
            and self.status != Status.RESOLVED
            and self.due_at < timezone.now()
        )
