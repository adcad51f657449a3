"""A board's own ticket fields (admins declare them), their options and each ticket's values.

A value is one row per ticket and field, in the column of its type (text and URLs in `text`, a
number in `number`, ...) so that filters are plain SQL on an indexed column; the options of a
select are rows of their own, so that renaming one renames it on every ticket, and removing one
keeps the tickets that chose it readable (the option stays, marked removed)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board
from tickets.models import Ticket


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    SELECT = "select", "Single select"
    MULTI_SELECT = "multi_select", "Multi select"
    DATE = "date", "Date"
    CHECKBOX = "checkbox", "Checkbox"
    USER = "user", "User"
    URL = "url", "URL"


SELECT_TYPES = (FieldType.SELECT, FieldType.MULTI_SELECT)


class Field(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="custom_fields")
    name = models.CharField(max_length=60)
    type = models.CharField(max_length=16, choices=FieldType.choices)
    # A required field always has a value: given or defaulted on create, never cleared.
    required = models.BooleanField(default=False)
    # What a new ticket gets when none is given, as the API writes a value of the type (an
    # option id, a list of them, a username, "2025-01-31", ...); None for no default.
    default = models.JSONField(null=True, blank=True)
    show_on_card = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("board", Lower("name"), name="customfields_field_name_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_select(self) -> bool:
        return self.type in SELECT_TYPES


class Option(models.Model):
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    # Removed options are no longer offered; the tickets that chose one keep it, readable.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "field",
                Lower("label"),
                condition=models.Q(removed_at__isnull=True),
                name="customfields_option_label_unique",
            ),
        ]

    def __str__(self):
        return self.label


class Value(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="custom_values")
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="values")
    text = models.TextField(blank=True, default="")  # text, URL
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    flag = models.BooleanField(null=True, blank=True)  # checkbox
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    options = models.ManyToManyField(Option, blank=True, related_name="values")  # select, multi

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "field"], name="customfields_value_unique"),
        ]
        indexes = [
            models.Index(fields=["field", "number"], name="customfields_value_number_idx"),
            models.Index(fields=["field", "date"], name="customfields_value_date_idx"),
            models.Index(fields=["field", "user"], name="customfields_value_user_idx"),
            models.Index(fields=["field", "flag"], name="customfields_value_flag_idx"),
        ]

    def __str__(self):
        return f"{self.field_id} of {self.ticket_id}"
