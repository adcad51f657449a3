"""A board's support addresses and every email it receives or sends.

An `Email` row is written for every message that reaches a board (a ticket's mail, a reply, and
also what is ignored: auto-replies, bounces, a runaway sender, the board's own mail), so that the
same message fetched twice is stored once (its Message-ID is unique per board) and nothing that
came in is lost unsaid. Its raw bytes are kept as received."""

from django.db import models
from django.db.models.functions import Lower

from boards.models import Board
from tickets.models import Ticket
from workspace.models import Message


class SupportAddress(models.Model):
    """An address customers write to, delivering to one board: by a mailbox the board polls over
    IMAP (`imap_host` set), or by a provider's inbound webhook or an MTA's pipe to
    `manage.py mail_receive` (no IMAP)."""

    class Security(models.TextChoices):
        SSL = "ssl", "IMAPS (TLS from the start)"
        STARTTLS = "starttls", "STARTTLS"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    address = models.EmailField()
    name = models.CharField(max_length=100, blank=True, help_text="The From name; the board's.")
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(null=True, blank=True)
    imap_security = models.CharField(max_length=10, choices=Security, default=Security.SSL)
    imap_username = models.CharField(max_length=255, blank=True)
    # The password, encrypted (mail.secrets), or the name of an environment variable holding it.
    imap_password = models.TextField(blank=True)
    imap_password_env = models.CharField(max_length=100, blank=True)
    imap_folder = models.CharField(max_length=200, default="INBOX")
    # Where processed mail is moved; blank: it stays in the folder, marked \Seen.
    imap_done_folder = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address", "id"]
        constraints = [
            # One board per address, whatever its case: mail to it must reach one place.
            models.UniqueConstraint(Lower("address"), name="mail_address_unique_ci"),
        ]

    def __str__(self):
        return self.address

    @property
    def polls(self) -> bool:
        return bool(self.imap_host)


class MailSettings(models.Model):
    """How a board treats its mail; a board without a row uses an unsaved default."""

    board = models.OneToOneField(
        Board, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # A reply to a resolved ticket reopens it within this many days; later, it opens a new one.
    reopen_days = models.PositiveIntegerField(default=14)
    # Messages one sender may send the board in an hour; more are kept, but land nowhere.
    sender_hourly_limit = models.PositiveIntegerField(default=20)
    # An email to the customer of each ticket their mail opens (never to automatic mail, and
    # marked automatic itself, so that no autoresponder answers it). {name}, {reference},
    # {title} and {board} are filled in; nothing else is read from the template.
    acknowledge = models.BooleanField(default=False)
    acknowledge_subject = models.CharField(
        max_length=200, default="We have your request: {title} [{reference}]"
    )
    acknowledge_body = models.TextField(
        max_length=5000,
        default=(
            "Hello {name},\n\nthank you for writing to {board}. Your request is {reference};"
            " we will answer you soon. To add anything, reply to this email.\n"
        ),
    )

    def __str__(self):
        return f"Mail settings of board {self.board_id}"


class Email(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", "Received"
        OUTBOUND = "out", "Sent"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"  # made a ticket or landed on one
        IGNORED = "ignored", "Ignored"  # kept, no ticket: `why` says why
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"

    class Why(models.TextChoices):
        AUTO_REPLY = "auto_reply", "Automatic reply"
        BOUNCE = "bounce", "Bounce"
        OWN_ADDRESS = "own_address", "From the board's own address"
        RATE_LIMITED = "rate_limited", "Too many from this sender"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    address = models.ForeignKey(
        SupportAddress, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    # The conversation entry it is (the customer's message, or the team's reply): a workspace
    # Message. (Not `message`: `message_id` is the Message-ID header.)
    entry = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )
    direction = models.CharField(max_length=3, choices=Direction)
    state = models.CharField(max_length=10, choices=State)
    why = models.CharField(max_length=20, choices=Why, blank=True)
    message_id = models.CharField(max_length=998)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)  # Message-IDs, space-separated
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)  # the whole text, quoted history included
    html = models.TextField(blank=True)  # sanitised (mail.parsing)
    raw = models.BinaryField()
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The same message fetched twice (an IMAP re-read, a webhook retried) is one row.
            models.UniqueConstraint(fields=["board", "message_id"], name="mail_email_once"),
        ]
        indexes = [
            models.Index(fields=["board", "from_address", "created_at"], name="mail_sender_idx"),
            models.Index(fields=["ticket", "created_at"], name="mail_ticket_idx"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.message_id}"
