from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from boards.models import Board
from tickets.models import Ticket


class TicketDocument(models.Model):
    """What search reads of one ticket, archived or not: its words as plain text (Markdown
    flattened), written again after each commit that changes them (search.services), and on
    PostgreSQL their `vector` (the `simple` configuration: every board's language alike),
    weighted title A, customer and tags B, description C, conversation D, under a GIN index.
    `board` is the ticket's, so that a search is scoped to the caller's boards without a join.
    SQLite has no full-text search: the text columns serve its slower fallback, and the vector
    stays empty (its GIN index is PostgreSQL's only, migration 0001)."""

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    title = models.TextField()
    people = models.TextField(blank=True)  # the customer: name, email, company
    tags = models.TextField(blank=True)  # the tags' names, ", " between them
    description = models.TextField(blank=True)
    conversation = models.TextField(blank=True)  # the ticket's messages, oldest first
    vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_ticketdoc_vector_idx"),
        ]

    def __str__(self):
        return f"Search document of ticket {self.ticket_id}"
