from django.conf import settings
from django.db import models
from django.utils import timezone

from boards.models import Board, Column
from customers.models import Customer


class FeedbackSettings(models.Model):
    """How a board takes customer feedback: the intake secret (stored as a digest only), where
    detractor tickets land and who takes feedback duty, in turn."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="feedback_settings")
    secret_digest = models.CharField(max_length=64, blank=True)
    intake_column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duty = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Ask the customer for a CSAT rating (one-click links by email) when a ticket is resolved.
    csat_on_resolve = models.BooleanField(default=False)
    # Guests (auditors, stakeholders) see the metrics dashboard only when the board allows it.
    guests_see_metrics = models.BooleanField(default=False)
    # Round-robin pointer: the next detractor ticket goes to the duty member after this one.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"Feedback settings of {self.board}"


class FeedbackResponse(models.Model):
    class Kind(models.TextChoices):
        NPS = "nps", "NPS (0-10)"
        CSAT = "csat", "CSAT (1-5)"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    score = models.PositiveSmallIntegerField()
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    source = models.CharField(max_length=50, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)  # an import gives past dates

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="feedback_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="nps", score__lte=10))
                | (models.Q(kind="csat", score__gte=1, score__lte=5)),
                name="feedback_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["board", "received_at"], name="feedback_board_time_idx")]

    def __str__(self):
        return f"{self.kind} {self.score} from {self.email}"

    @property
    def is_detractor(self) -> bool:
        return self.score <= (6 if self.kind == self.Kind.NPS else 2)
