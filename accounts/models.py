from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class Theme(models.TextChoices):
    """The colours a user sees: the system's setting (prefers-color-scheme) unless they chose."""

    SYSTEM = "system", "System"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


def initials_of(name: str) -> str:
    """The letters an avatar shows for a name: the first letters of its first two words, or a
    one-word name's first two letters; "?" for no name. Unescaped: the caller escapes."""
    parts = name.split()
    letters = "".join(part[0] for part in parts[:2]) if len(parts) > 1 else name.strip()[:2]
    return letters.upper() or "?"


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)
    # A column rather than a key in `preferences`: base.html reads it on every page, and the
    # choices are checked by the database.
    theme = models.CharField(max_length=6, choices=Theme.choices, default=Theme.SYSTEM)
    # Per-user settings that need no query of their own: the board zoom, which reminder emails
    # to receive, … Read and written through accounts.services.preference_* only.
    preferences = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # "ADA" beside "ada" would be two people to the eye and one to a case-blind lookup.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_unique_ci",
                violation_error_message="A user with that username already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
            ),
            models.CheckConstraint(
                condition=models.Q(theme__in=Theme.values), name="accounts_user_theme_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        return initials_of(self.name)


class AuditEvent(models.Model):
    """A security-relevant event: who did what, to whom, on which board, from where."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGNED_OUT = "signed_out", "Signed out"
        MEMBER_ADDED = "member_added", "Member added"
        MEMBER_REMOVED = "member_removed", "Member removed"
        ROLE_CHANGED = "role_changed", "Role changed"
        VISIBILITY_CHANGED = "visibility_changed", "Board visibility changed"
        DONE_COLUMN_CHANGED = "done_column_changed", "Done column changed"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the log must still say who it was after an account is deleted.
    actor_username = models.CharField(max_length=150, blank=True)
    target_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board = models.ForeignKey(
        "boards.Board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["board", "-created_at"], name="accounts_audit_board_idx")]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()} by {self.actor_username}"
        )
