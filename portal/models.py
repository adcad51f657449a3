"""The customer's side of a board: its public request form and its portal, where a customer
follows their own tickets. Customers have no account: they sign in to a board's portal by a
link mailed to them (`PortalLink`, single-use, expiring) and hold a `PortalSession` of that
board alone, a separate audience from the team's sessions (its own cookie; it grants nothing
on the team's pages or API). Only digests of the link and session secrets are stored."""

from django.db import models

from boards.models import Board, Column, Tag
from customers.models import Customer


class PortalSettings(models.Model):
    """How a board meets its customers: whether its request form and its portal are on, the
    form's title, intro and fields, where its requests land, who may embed it, and how long a
    sign-in link lasts. Board admins set it; a board without a row has both off."""

    board = models.OneToOneField(
        Board, on_delete=models.CASCADE, primary_key=True, related_name="portal_settings"
    )
    form_enabled = models.BooleanField(default=False)
    portal_enabled = models.BooleanField(default=False)
    title = models.CharField(max_length=120, blank=True)  # blank: "Contact <board name>"
    intro = models.TextField(max_length=2000, blank=True)  # Markdown, sanitised when shown
    # Where a submission lands; none (or a column since deleted): the board's intake column.
    column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ask_priority = models.BooleanField(default=False)  # the customer suggests one
    ask_company = models.BooleanField(default=False)
    # The product areas the form offers (one may be chosen); each is a tag put on the ticket.
    areas = models.ManyToManyField(Tag, blank=True, related_name="+")
    # The origins allowed to embed the form in an <iframe> (CSP frame-ancestors), one per line,
    # e.g. https://www.example.com; none: the embeddable form cannot be framed anywhere.
    frame_ancestors = models.TextField(max_length=2000, blank=True)
    link_minutes = models.PositiveIntegerField(default=30)  # how long a sign-in link lasts
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Portal of {self.board}"

    @property
    def form_title(self) -> str:
        return self.title or f"Contact {self.board.name}"


class PortalLink(models.Model):
    """A sign-in link mailed to a customer for one board's portal: signed, used once, expiring
    at `expires_at`. Only the digest of its secret is stored."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["board", "customer", "created_at"])]

    def __str__(self):
        return f"Sign-in link for {self.customer} on {self.board}"


class PortalSession(models.Model):
    """A customer signed in to one board's portal: known by the digest of its cookie's secret,
    lasting as a team session does (SESSION_COOKIE_AGE) unless ended first (sign-out)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["board", "customer"])]

    def __str__(self):
        return f"Portal session of {self.customer} on {self.board}"
