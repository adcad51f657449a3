"""Search documents kept up to date: one per ticket (search.models.TicketDocument), written again
from what the ticket says now whenever that changes (tickets.events.ticket_text_changed,
boards.events.tag_changed, after commit: search.apps), and for every ticket at once by
`manage.py search_reindex` (and migration 0002, for the tickets made before search existed).

A document is rebuilt from the ticket's rows under the document's row lock, read after the lock
is held: of two refreshes of one ticket racing, the one that writes last has read last, so a
document never goes back to older words. Nothing here locks a ticket: writers never wait for
search."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Replace

from csboard.core.markdown import plain_text
from search.highlight import MARKS

BATCH = 500
# A tsvector holds at most 1 MB; a long conversation keeps its newest words (and the fallback
# reads the same text).
CONVERSATION_MAX = 200_000


@dataclass(frozen=True)
class Tables:
    """The models a refresh reads and writes: the app's own, or a migration's historical ones."""

    ticket: type
    message: type
    document: type


def _tables() -> Tables:
    from search.models import TicketDocument
    from tickets.models import Ticket
    from workspace.models import Message

    return Tables(ticket=Ticket, message=Message, document=TicketDocument)


def _text(value: str) -> str:
    # The highlight marks are ours alone: a text that held them could forge a <mark>.
    return value.translate(MARKS)


def _vector():
    from django.contrib.postgres.search import SearchVector

    # An address is found whole ("dana@example.com") and by its parts ("dana", "example").
    at = Replace("people", Value("@"), Value(" "), output_field=TextField())
    parts = Replace(at, Value("."), Value(" "), output_field=TextField())
    return (
        SearchVector("title", weight="A", config="simple")
        + SearchVector("people", parts, "tags", weight="B", config="simple")
        + SearchVector("description", weight="C", config="simple")
        + SearchVector("conversation", weight="D", config="simple")
    )


def _write(ids: list[int], tables: Tables) -> int:
    """Rewrite the documents of the tickets `ids` (those that still exist); returns how many."""
    Ticket, Message, Document = tables.ticket, tables.message, tables.document
    tickets = Ticket._base_manager.filter(pk__in=ids).order_by()
    boards = dict(tickets.values_list("pk", "board_id"))
    if not boards:
        return 0
    # A row for each ticket first, then its lock: a refresh racing this one waits here, and
    # reads the ticket only once this one has written.
    Document.objects.bulk_create(
        [Document(ticket_id=pk, board_id=board) for pk, board in boards.items()],
        ignore_conflicts=True,
    )
    list(Document.objects.select_for_update().filter(pk__in=boards).order_by("pk").values("pk"))
    tags, said = defaultdict(list), defaultdict(list)
    links = Ticket.tags.through.objects.filter(ticket_id__in=boards)
    for ticket_id, name in links.order_by("tag__name").values_list("ticket_id", "tag__name"):
        tags[ticket_id].append(name)
    messages = Message._base_manager.filter(ticket_id__in=boards).order_by("created_at", "pk")
    for ticket_id, body in messages.values_list("ticket_id", "body"):
        said[ticket_id].append(plain_text(body))
    documents = []
    fields = ("title", "description", "customer_name", "customer_email", "customer_company")
    for pk, title, description, name, email, company in tickets.values_list("pk", *fields):
        conversation = "\n".join(said[pk])[-CONVERSATION_MAX:]
        documents.append(
            Document(
                ticket_id=pk,
                board_id=boards[pk],
                title=_text(title),
                people=_text(" ".join(part for part in (name, email, company) if part)),
                tags=_text(", ".join(tags[pk])),
                description=_text(plain_text(description)),
                conversation=_text(conversation),
            )
        )
    # INSERT … ON CONFLICT DO UPDATE: one pass (bulk_update's CASE per row is quadratic).
    Document.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["title", "people", "tags", "description", "conversation", "indexed_at"],
    )
    if connection.vendor == "postgresql":
        Document.objects.filter(pk__in=boards).update(vector=_vector())
    return len(documents)


@transaction.atomic
def documents_refresh(*, ticket_ids: Iterable[int], tables: Tables | None = None) -> int:
    """Write the search documents of these tickets again from what they say now, in batches;
    a ticket deleted meanwhile is left out (its document went with it). Returns how many were
    written. `tables`: a migration's historical models."""
    tables = tables or _tables()
    ids = sorted(set(ticket_ids))
    return sum(_write(ids[i : i + BATCH], tables) for i in range(0, len(ids), BATCH))


def documents_rebuild(*, tables: Tables | None = None, batch: int = 5_000) -> int:
    """Every ticket's document, archived tickets too, a transaction per `batch` tickets (a
    backfill of a large site never holds one long transaction)."""
    tables = tables or _tables()
    ids = list(tables.ticket._base_manager.order_by("pk").values_list("pk", flat=True))
    return sum(
        documents_refresh(ticket_ids=ids[i : i + batch], tables=tables)
        for i in range(0, len(ids), batch)
    )


def on_ticket_text_changed(*, ticket_id: int) -> None:
    """tickets.events.ticket_text_changed, after commit."""
    documents_refresh(ticket_ids=[ticket_id])


def on_tag_changed(*, ticket_ids: list[int]) -> None:
    """boards.events.tag_changed, after commit."""
    documents_refresh(ticket_ids=ticket_ids)
