"""What a team works with around tickets: checklists, chat and files. Chat and files serve both
a ticket (ticket set) and the board as a whole (ticket empty), under the same rules."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models

from boards.models import Board
from tickets.models import Ticket


class ChecklistItem(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["ticket", "position"], name="checklist_ticket_pos_idx")]

    def __str__(self):
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Message(models.Model):
    """One message: on a ticket, or on the board's own chat when `ticket` is empty. `body` is
    Markdown, rendered through csboard.core.markdown (sanitised) when shown.

    On a ticket, a message is an internal note (the team's chat, never shown to the customer) or,
    `public`, part of the conversation with the customer: a reply the team emailed, or the
    customer's own mail. A customer's message has no `author` (they have no account): its
    `sender_name` and `sender_email` say who wrote it, and `channel` how (their mail, the request
    form, the customer portal)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "email"
        FORM = "form", "request form"
        PORTAL = "portal", "portal"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    public = models.BooleanField(default=False)
    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.EmailField(blank=True)
    channel = models.CharField(
        max_length=10, choices=Channel.choices, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_idx"),
            models.Index(
                fields=["board", "created_at"],
                condition=models.Q(ticket__isnull=True),
                name="message_board_chat_idx",
            ),
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def from_customer(self) -> bool:
        return self.author_id is None and bool(self.sender_email)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is not the shown one: a random directory keeps two uploads of "report.pdf"
    # apart, and nothing the uploader typed becomes a path.
    from uuid import uuid4

    return f"boards/{instance.board_id}/{uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file (or, for board files, a link) on a ticket or on the board. Files are stored through
    Django's storage API (local disk, or S3-compatible storage by setting) and only ever served
    through a permission-checked view."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300, blank=True)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    # A file that came with a message (a customer's mail): the message, and for an inline image
    # the Content-ID its HTML points at (`cid:…`).
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    content_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "-created_at"], name="attachment_ticket_idx"),
            models.Index(
                fields=["board", "-created_at"],
                condition=models.Q(ticket__isnull=True),
                name="attachment_board_files_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(file="") & models.Q(url="")),
                name="attachment_file_or_link",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_link(self) -> bool:
        return bool(self.url)

    @property
    def link_host(self) -> str:
        """Where a link goes (e.g. "docs.example.com"), shown beside its title so that a reader
        knows the site before following it."""
        try:
            return urlsplit(self.url).hostname or ""
        except ValueError:  # e.g. an unclosed "[" of an IPv6 address
            return ""
