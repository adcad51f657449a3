from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board


class DigestSent(models.Model):
    """The weekly digest of one board for one ISO week, recorded before it is sent: the unique
    constraint is what makes "exactly once" hold across beat ticks and workers."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the week the digest reports on.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "week"], name="metrics_digest_once_per_week")
        ]

    def __str__(self):
        return f"Digest of {self.board} for the week of {self.week}"


class Team(models.Model):
    """A named group of agents that a manager picks, for the team's metrics across the boards the
    viewer administers. Its creator manages it (metrics/services.py says who may make one and
    whom it may hold)."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="metrics_teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "created_by", Lower("name"), name="metrics_team_name_unique_per_manager"
            )
        ]

    def __str__(self):
        return self.name
