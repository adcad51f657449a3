from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Column, Tag
from sla.priorities import Priority


class Status(models.TextChoices):
    READY = "ready", "Ready"
    IN_PROGRESS = "in_progress", "In progress"
    NEEDS_REVIEW = "needs_review", "Needs review"
    WAITING = "waiting_on_customer", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"


class Source(models.TextChoices):
    """Who opened a ticket: a person of the team (on a page or over the API), or the system (the
    feedback intake, a customer's email through the mail app, the request form or the customer
    portal)."""

    TEAM = "team", "Team"
    FEEDBACK = "feedback", "Feedback intake"
    EMAIL = "email", "Customer's email"
    FORM = "form", "Request form"
    PORTAL = "portal", "Customer portal"


class LiveTickets(models.Manager):
    """Tickets not archived: `Ticket.objects`, so that every list, count, WIP limit, metric,
    search, export, sweep and portal page leaves an archived ticket out without each having to
    remember it. The archive itself and the services that restore or delete one for good read
    `Ticket.all_objects`; relations (an activity's ticket) and cascades use the base manager,
    which sees every row."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


def is_overdue(due_at, resolved_at, now) -> bool:
    """Past its due date and not resolved: the one rule for the card, the page and the API."""
    return due_at is not None and resolved_at is None and due_at < now


class Ticket(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="tickets")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="tickets")
    # Where the ticket sits in its column: ranks with gaps between them (csboard.core.ordering), so
    # a move writes the moved row alone. Order is (rank, number); the API speaks in indexes
    # (tickets.ranks.with_position).
    rank = models.BigIntegerField(default=0)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.READY)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    customer_name = models.CharField(max_length=150, blank=True)
    customer_email = models.EmailField(blank=True)
    customer_company = models.CharField(max_length=150, blank=True)
    customer_phone = models.CharField(max_length=40, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # Empty for tickets the system opens (`source` says which part of it), and once the person
    # who opened it is deleted.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TEAM)
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
    # The first public reply to the customer by a team member: the first-response SLA clock.
    first_response_at = models.DateTimeField(null=True, blank=True)
    # When the first response is due by the board's SLA policy (sla.selectors.ticket_deadlines).
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    # While the ticket waits on the customer, since when: its resolution clock is paused (the
    # SLA reminders of its due date hold off), and on leaving the status its due date moves
    # later by the business time spent waiting, which `paused_for` adds up (a due date the SLA
    # policy gives again, e.g. on a priority change, keeps it).
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    paused_for = models.DurationField(default=timedelta(0), editable=False)
    # When due_at or first_response_due_at last changed: the SLA sweep also looks at tickets
    # changed since its last run, for deadlines written already past (or inside a lead time).
    sla_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Deleting a ticket archives it (tickets.services.ticket_archive): off the board and every
    # list, its number and history kept; restored from the board's archive, or deleted for good
    # there by an admin. Who archived it goes empty once that person is deleted.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # Merged into another ticket of the board (relations.services.ticket_merge): archived, its
    # conversation, notes and files on that ticket, its number redirecting there.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        editable=False,
    )

    all_objects = models.Manager()
    objects = LiveTickets()

    class Meta:
        default_manager_name = "objects"  # the live tickets, for forms, serializers and relations
        ordering = ["column__position", "rank", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "number"], name="tickets_ticket_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["column", "rank", "number"], name="tickets_column_rank_idx"),
            models.Index(fields=["board", "due_at"], name="tickets_board_due_idx"),
            # The archive page: a board's archived tickets, newest first.
            models.Index(
                fields=["board", "-archived_at"],
                condition=models.Q(archived_at__isnull=False),
                name="tickets_archived_idx",
            ),
            # The SLA sweep reads only open tickets whose deadline it is crossing (sla.services).
            models.Index(
                fields=["due_at"],
                condition=models.Q(resolved_at__isnull=True, due_at__isnull=False),
                name="tickets_open_due_idx",
            ),
            models.Index(
                fields=["first_response_due_at"],
                condition=models.Q(
                    resolved_at__isnull=True,
                    first_response_at__isnull=True,
                    first_response_due_at__isnull=False,
                ),
                name="tickets_awaiting_response_idx",
            ),
            models.Index(
                fields=["sla_changed_at"],
                condition=models.Q(resolved_at__isnull=True, sla_changed_at__isnull=False),
                name="tickets_open_sla_changed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.board_id, self.number])

    @property
    def reference(self) -> str:
        return f"{self.board.key}-{self.number}"

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.due_at, self.resolved_at, timezone.now())


class Follower(models.Model):
    """Someone who follows (watches) a ticket: they hear of its messages wherever its
    notifications go (tickets.selectors.ticket_followers decides who, once). Its assignees and
    its creator follow it from the start (tickets.services); anyone who can see the ticket may
    follow or stop following it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="tickets_follower_unique"),
        ]
        # My work's "Following": a user's followed tickets.
        indexes = [models.Index(fields=["user", "ticket"], name="tickets_follower_user_idx")]

    def __str__(self):
        return f"{self.user_id} follows {self.ticket_id}"


class Activity(models.Model):
    """One change to a ticket, as data: who, when, what, and for moves and status changes the
    before and after, so that metrics (first response, time in column, cycle time) are computed
    from this history by the database. Newest first."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        MOVED = "moved", "Moved"
        STATUS = "status", "Status changed"
        PRIORITY = "priority", "Priority changed"
        ASSIGNEES = "assignees", "Assignees changed"
        DUE = "due", "Due date changed"
        TAGS = "tags", "Tags changed"
        CHECKLIST = "checklist", "Checklist changed"
        ATTACHMENT = "attachment", "Attachment changed"
        COMMENT = "comment", "Message"
        # Resolved or reopened where it stood: its column began or ceased to count as done.
        RESOLUTION = "resolution", "Resolution changed"
        ARCHIVED = "archived", "Archived"
        RESTORED = "restored", "Restored"
        MERGED = "merged", "Merged"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Moves (and creation): the column left and the column entered.
    from_column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Status, priority, due date: the value before and after (as stored, e.g. "in_progress").
    from_value = models.CharField(max_length=64, blank=True)
    to_value = models.CharField(max_length=64, blank=True)
    # Anything else worth showing: fields edited, users or tags added/removed, item text...
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["ticket", "-created_at"], name="activity_ticket_recent_idx"),
            models.Index(fields=["board", "kind", "created_at"], name="activity_board_kind_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def by_rule(self) -> str:
        """The name of the board's automation rule that made this change, "" for a person's."""
        return (self.data or {}).get("rule", "")

    @property
    def summary(self) -> str:
        """What happened, in words ("moved from New tickets to Open tickets"); needs from_column
        and to_column selected with the row."""
        data, kind = self.data or {}, self.Kind
        if self.kind == kind.CREATED:
            return f"created this ticket in {_name(self.to_column)}"
        if self.kind == kind.MOVED:
            return f"moved it from {_name(self.from_column)} to {_name(self.to_column)}"
        if self.kind == kind.RESOLUTION:
            if self.to_value == "resolved":
                return f"resolved it: {_name(self.to_column)} now counts as done"
            return f"reopened it: {_name(self.to_column)} no longer counts as done"
        if self.kind == kind.STATUS:
            return f"changed the status from {_label(Status, self.from_value)} to {_label(Status, self.to_value)}"
        if self.kind == kind.PRIORITY:
            return f"changed the priority from {_label(Priority, self.from_value)} to {_label(Priority, self.to_value)}"
        if self.kind == kind.DUE:
            if data.get("given_back"):
                return "gave the due date back to the SLA policy"
            if data.get("by_sla"):
                return "moved the due date to the SLA policy's date"
            return "cleared the due date" if not self.to_value else "set the due date"
        if self.kind in (kind.ASSIGNEES, kind.TAGS):
            what = "assigned" if self.kind == kind.ASSIGNEES else "tagged"
            parts = []
            if data.get("added"):
                parts.append(f"{what} {', '.join(data['added'])}")
            if data.get("removed"):
                parts.append(f"removed {', '.join(data['removed'])}")
            return "; ".join(parts) or f"changed the {self.kind}"
        if self.kind == kind.EDITED:
            fields = ", ".join(f.replace("customer_", "customer ") for f in data.get("fields", []))
            return f"edited {fields}"
        if self.kind == kind.CHECKLIST:
            said = f"{data.get('action', 'changed')} checklist item “{data.get('text', '')}”"
            if data.get("action") == "moved" and {"from", "to"} <= data.keys():
                # Stored as indexes (as the API counts); people count from 1.
                said += f" from position {data['from'] + 1} to {data['to'] + 1}"
            return said
        if self.kind == kind.ATTACHMENT:
            return f"{data.get('action', 'changed')} file “{data.get('name', '')}”"
        if self.kind == kind.ARCHIVED:
            return "archived this ticket"
        if self.kind == kind.RESTORED:
            return f"restored it from the archive to {_name(self.to_column)}"
        if self.kind == kind.MERGED:
            if data.get("into"):
                return f"merged this ticket into {data['into']}"
            return f"merged {data.get('from', 'a ticket')} into this ticket"
        if self.kind == kind.COMMENT:
            return {
                "edited": "edited a message",
                "deleted": "deleted a message",
                "replied": "replied to the customer",
            }.get(data.get("action"), "wrote a message")
        return self.get_kind_display()


def _name(column) -> str:
    return f"“{column.name}”" if column is not None else "a removed column"


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "none"
