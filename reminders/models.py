"""The SLA reminders, each recorded once: which went out for which deadline, their emails, and
how far the sweep has looked. The tables kept their names (sla_*) when these models moved here
from the sla app (migrations: sla 0004, reminders 0001)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from notifications.models import Notification
from tickets.models import Ticket


class Reminder(models.Model):
    """One reminder about one ticket, for the deadline it was computed for. The unique
    constraint is what makes it exactly once: the row is written before anything is sent, and a
    second sweep (or a concurrent one) cannot write it again. A moved deadline is a new row; a
    row skipped because the ticket was waiting on its customer, or was archived, is re-armed by
    the first sweep after the wait or the restore, if its deadline stayed
    (reminders.services._insert)."""

    class Kind(models.TextChoices):
        DUE_SOON = Notification.Kind.DUE_SOON.value, "Due soon"
        OVERDUE = Notification.Kind.OVERDUE.value, "Overdue"
        FIRST_RESPONSE_MISSED = (
            Notification.Kind.FIRST_RESPONSE_MISSED.value,
            "First response missed",
        )
        ESCALATION = Notification.Kind.ESCALATION.value, "Escalation"

    class Outcome(models.TextChoices):
        PENDING = "", "Pending"
        SENT = "sent", "Sent"
        RESOLVED = "resolved", "Skipped: the ticket was resolved"
        MOVED = "moved", "Skipped: the deadline moved"
        ANSWERED = "answered", "Skipped: the customer got a response"
        PAUSED = "paused", "Skipped: the ticket waits on the customer"
        ARCHIVED = "archived", "Skipped: the ticket was archived"
        FAILED = "failed", "Given up: not delivered in time"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    due_for = models.DateTimeField()  # the deadline this reminder was computed for
    lead = models.DurationField(default=timedelta(0))  # due-soon reminders: how long before
    created_at = models.DateTimeField(default=timezone.now)  # written, or re-armed after a wait
    # When the outcome was decided and the in-app notifications (with one ReminderEmail per
    # email recipient) were written, in one transaction.
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When nothing is left to do: delivered and every email sent. Until then, the sweep
    # re-drives the reminder if its task got lost.
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # Delivery attempts that failed on the mail server, and when the next attempt (the task's
    # retry, or a re-drive) is due: the sweep re-drives only a delivery nobody has scheduled.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "sla_reminder"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "due_for", "lead"], name="sla_reminder_once"
            ),
        ]
        indexes = [
            # The sweep re-drives reminders whose delivery task got lost: only pending rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(finished_at__isnull=True),
                name="sla_reminder_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for ticket {self.ticket_id} (due {self.due_for:%Y-%m-%d %H:%M})"


class ReminderEmail(models.Model):
    """A reminder's email to one recipient. Written with the in-app notifications, marked sent
    right after its own message went out: a retry after a mail-server failure sends only the
    emails still unsent, and one refused address holds back nobody else's."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # the last failure, if any

    class Meta:
        db_table = "sla_reminderemail"
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="sla_reminder_email_once"),
        ]

    def __str__(self):
        state = "sent" if self.sent_at else "unsent"
        return f"{state} email of reminder {self.reminder_id} to user {self.user_id}"


class SweepMark(models.Model):
    """How far the sweep has looked: the next one starts from here (with some overlap), so a
    sweep reads only the deadlines crossed since, however long beat was away."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    swept_until = models.DateTimeField()

    class Meta:
        db_table = "sla_sweepmark"

    def __str__(self):
        return f"swept until {self.swept_until:%Y-%m-%d %H:%M:%S}"
