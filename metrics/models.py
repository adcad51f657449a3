from django.db import models

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
