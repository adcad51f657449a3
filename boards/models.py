import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower


class Role(models.IntegerChoices):
    """Board roles, ordered: each role has a superset of the permissions of the one below."""

    GUEST = 10, "Guest"
    MEMBER = 20, "Member"
    ADMIN = 30, "Admin"

    @property
    def slug(self) -> str:
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug: str) -> "Role":
        return cls[slug.upper()]


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private to members"
    SIGNED_IN = "signed_in", "Every signed-in user, as a guest"


board_key_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$",
    "Use 2 to 10 capital letters or digits, starting with a letter (e.g. CS).",
)


brand_color_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Use a colour as #RRGGBB (e.g. #4f46e5)."
)


def board_logo_path(instance: "Board", filename: str) -> str:
    # A random name: the stored path never comes from what the admin's file was called.
    from uuid import uuid4

    return f"brand/{instance.pk or 'new'}/{uuid4().hex}"


def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def time_zone_validator(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/Berlin).")


class Board(models.Model):
    name = models.CharField(max_length=120)
    key = models.CharField(max_length=10, unique=True, validators=[board_key_validator])
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Business hours, reminders and weekly digests are reckoned in the board's own time zone.
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[time_zone_validator],
        help_text="e.g. Europe/Berlin",
    )
    # What the customer sees on the board's pages for them (request form, portal, CSAT): its
    # logo (PNG, JPEG or WebP, served through a view) and colour; without them, the product's.
    brand_color = models.CharField(
        max_length=7, blank=True, default="", db_default="", validators=[brand_color_validator]
    )
    logo = models.FileField(
        upload_to=board_logo_path, max_length=200, blank=True, default="", db_default=""
    )
    logo_type = models.CharField(max_length=20, blank=True, default="", db_default="")
    # The next ticket number; only ever read and bumped under a row lock (tickets.services).
    next_number = models.PositiveIntegerField(default=1, editable=False)
    # Whether the board has custom fields (kept by customfields.services, under the board's
    # lock): a board without any, most of them, reads none of their rows on any page or answer.
    has_custom_fields = models.BooleanField(default=False, db_default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.key} · {self.name}"

    @property
    def brand_ink(self) -> str:
        """The text colour that reads on the brand colour: dark on a light one, white on a dark
        one (by WCAG relative luminance); "" without a brand colour."""
        if not self.brand_color:
            return ""
        channels = [int(self.brand_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        # White contrasts better than near-black below ~0.18 (where the two ratios meet).
        return "#ffffff" if luminance < 0.179 else "#111827"


class Column(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    wip_limit = models.PositiveIntegerField(null=True, blank=True)
    # Entering a done column resolves a ticket (for SLA clocks and metrics).
    is_done = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wip_limit__isnull=True) | models.Q(wip_limit__gte=1),
                name="boards_column_wip_limit_positive",
            ),
            # "Done" and "done" would be two columns nobody tells apart (boards.services checks
            # first, to name the field; migration 0005 renamed the duplicates made before).
            models.UniqueConstraint("board", Lower("name"), name="boards_column_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Tag(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)
    color = models.CharField(
        max_length=7,
        default="#6366f1",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #22c55e.")],
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("board", Lower("name"), name="boards_tag_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="boards_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} of {self.board.key}"
