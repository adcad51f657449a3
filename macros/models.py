"""Macros: canned replies to the customer and internal notes, with placeholders filled in for
the ticket they are used on (macros.placeholders), personal (an owner) or shared by the board
(no owner, kept by its admins). A macro may also set the ticket's status, add and remove tags
and assign someone, in the same click (macros.services.macro_apply)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board, Tag
from tickets.models import Status


class Macro(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to the customer"
        NOTE = "note", "Internal note"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    # Empty: shared with the board's team. Otherwise only its owner sees and uses it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
    )
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REPLY)
    body = models.TextField(max_length=10_000)
    # The actions, each optional.
    set_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    add_tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    remove_tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    assign_to_me = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "board",
                Lower("name"),
                condition=models.Q(owner__isnull=True),
                name="macros_shared_name_unique_ci",
            ),
            models.UniqueConstraint(
                "board",
                "owner",
                Lower("name"),
                condition=models.Q(owner__isnull=False),
                name="macros_personal_name_unique_ci",
            ),
            models.CheckConstraint(
                condition=~(models.Q(assign_to_me=True) & models.Q(assignee__isnull=False)),
                name="macros_one_assignee",
            ),
        ]
        indexes = [models.Index(fields=["board", "owner"], name="macros_board_owner_idx")]

    def __str__(self):
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def has_actions(self) -> bool:
        """Whether applying it changes the ticket (tags need their rows prefetched)."""
        return bool(
            self.set_status
            or self.assign_to_me
            or self.assignee_id
            or self.add_tags.all()
            or self.remove_tags.all()
        )
