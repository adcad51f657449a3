"""A board's automation rules and the record of each run. What a rule's conditions and actions
may say is automation.kinds; every change goes through automation.services."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board
from tickets.models import Ticket


class Trigger(models.TextChoices):
    """The events a rule runs on, each heard from the app that knows of it (csboard.core.events:
    tickets, mail, reminders)."""

    CREATED = "created", "Ticket created"
    MOVED = "moved", "Moved into a column"
    STATUS_CHANGED = "status_changed", "Status changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    TAG_ADDED = "tag_added", "Tag added"
    ASSIGNED = "assigned", "Assigned"
    CUSTOMER_REPLIED = "customer_replied", "Customer replied"
    SLA_DUE_SOON = "sla_due_soon", "SLA due soon"
    SLA_BREACHED = "sla_breached", "SLA breached"


class Rule(models.Model):
    """When `trigger` happens to a ticket of the board, if every condition holds, do the actions,
    in order. Rules of a board run in `position` order. `conditions` and `actions` are lists of
    objects whose shapes automation.kinds declares (and automation.services checks)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list)
    # Round-robin assignment: for each action (by its index), the id of the last person given a
    # ticket. Written under the rule's row lock (automation.kinds `assign`).
    turns = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("board", Lower("name"), name="automation_rule_name_unique_ci"),
        ]
        indexes = [
            models.Index(
                fields=["board", "trigger", "position"], name="automation_rule_trigger_idx"
            )
        ]

    def __str__(self):
        return self.name


class RuleRun(models.Model):
    """One rule on one ticket for one event, recorded once: the row is written (claimed) before
    any action runs, under a unique (rule, ticket, event key), so an event heard twice, or a
    task run twice, runs the rule once. `actions` lists what each action did or why it failed."""

    class Outcome(models.TextChoices):
        RUNNING = "", "Running"
        OK = "ok", "Done"
        FAILED = "failed", "An action failed"
        SKIPPED = "skipped", "Conditions not met"

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    # What happened: "activity:<id>" (a line of the ticket's history), "message:<id>" (a
    # customer's reply), "reminder:<id>" (an SLA reminder).
    event_key = models.CharField(max_length=64)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    actions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "event_key"], name="automation_run_once"
            ),
        ]
        indexes = [
            models.Index(fields=["board", "-created_at"], name="automation_run_board_idx"),
            models.Index(fields=["rule", "-created_at"], name="automation_run_rule_idx"),
        ]

    def __str__(self):
        return f"{self.rule_id} on ticket {self.ticket_id} ({self.event_key}): {self.outcome}"
