from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from boards.models import Board

NAME_MAX = 80
QUERY_MAX = 1000


class SavedView(models.Model):
    """A named filter: the query string of a board's filtered page (`board`), or of a search
    across boards (no board). Its URL is the filter's URL (savedviews.selectors.view_url).
    Personal to its owner, or `shared` with everyone on its board (set by the board's admins)."""

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=NAME_MAX)
    # Normalised (savedviews.services.normalise_query): only the parameters the filter takes,
    # in a fixed order, so the same filter saved twice is the same string.
    query = models.CharField(max_length=QUERY_MAX, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shared", Lower("name"), "pk"]
        constraints = [
            # A name once per owner and board, and once among their search views (no board):
            # two constraints, as SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                "board",
                name="savedviews_name_unique",
                condition=models.Q(board__isnull=False),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                name="savedviews_search_name_unique",
                condition=models.Q(board__isnull=True),
            ),
            models.CheckConstraint(
                condition=models.Q(shared=False) | models.Q(board__isnull=False),
                name="savedviews_shared_needs_board",
            ),
        ]

    def __str__(self):
        return self.name
