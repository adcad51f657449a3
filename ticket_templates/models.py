"""A board's ticket templates: what a recurring request starts with (a title with placeholders,
a description, checklist items, tags, a priority, and optionally a column and assignees). They
fill the full new-ticket form and the ticket API's create (`template`); the ticket they open is
an ordinary ticket, made by tickets.services.ticket_create."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board, Column, Tag
from sla.priorities import Priority

CHECKLIST_ITEMS_MAX = 50
CHECKLIST_ITEM_MAX = 500  # workspace.models.ChecklistItem.text's limit


class TicketTemplate(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="ticket_templates")
    name = models.CharField(max_length=80)
    # The new ticket's title; its placeholders (ticket_templates.placeholders) are filled in when
    # the ticket is created.
    title_pattern = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)  # Markdown, as a ticket's
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # Where the ticket goes; the board's first column when empty (or once the column is gone).
    column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    # Only those still on the board's team are assigned (ticket_templates.services).
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # A list of texts (JSON: the embedded SQLite has no arrays), checked by the services
    # (ticket_templates.services.checklist_of: CHECKLIST_ITEMS_MAX items of CHECKLIST_ITEM_MAX).
    checklist = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "board", Lower("name"), name="ticket_template_name_unique_per_board"
            ),
        ]

    def __str__(self):
        return self.name
