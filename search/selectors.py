"""Searching the tickets of every board the caller may see, scoped in the query itself (the
documents' board among the caller's visible boards, an SQL subquery): a hidden board's ticket
is never read, so never counted, ranked, highlighted or jumped to. Archived tickets are left out
(each board's archive page searches its own).

PostgreSQL: each word a prefix ("invo" finds "invoice"), all of them required, matched against
the documents' GIN-indexed vector, ranked by ts_rank (title before customer and tags, before
description, before conversation), the matching words marked by ts_headline. Elsewhere (the
SQLite of `make run`): the same words, each required somewhere in the same text columns
(icontains, no index), title matches first, marked in Python."""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.safestring import SafeString

from boards.models import Board
from boards.permissions import visible_boards
from search.highlight import SNIPPET_WORDS, START, STOP, as_html, mark, snippet
from search.models import TicketDocument
from tickets.models import Ticket

QUERY_MAX = 200
TERMS_MAX = 12
TEXT_FIELDS = ("title", "people", "tags", "description", "conversation")
# "CS-12", "#CS-12": a board's key and a ticket's number, as the board shows them.
REFERENCE = re.compile(r"#?([A-Za-z][A-Za-z0-9]{1,9})-([0-9]{1,9})")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def search_terms(query: str) -> list[str]:
    """The words searched for, lower-cased, each once, at most TERMS_MAX: runs of letters and
    digits, and email addresses whole. Nothing else of the query reaches SQL."""
    terms: list[str] = []
    for chunk in query[:QUERY_MAX].split():
        address = chunk.strip(".,;:!?()[]<>\"'")
        if ADDRESS.fullmatch(address):
            terms.append(address)
        else:
            terms += re.findall(r"\w+", chunk)
    return list(dict.fromkeys(term.lower() for term in terms))[:TERMS_MAX]


def ticket_by_reference(user, query: str) -> Ticket | None:
    """The live ticket a query names by reference ("cs-12" as well), on a board the user may
    see; None otherwise, whether it does not exist or is hidden from them."""
    found = REFERENCE.fullmatch(query.strip())
    if found is None:
        return None
    key, number = found[1].upper(), int(found[2])
    return (
        Ticket.objects.filter(board__in=visible_boards(user).values("pk"), board__key=key)
        .filter(number=number)
        .select_related("board")
        .order_by()
        .first()
    )


def search_boards(user) -> QuerySet[Board]:
    """The boards a search may be narrowed to: those the user may see, by name."""
    return visible_boards(user).order_by("name", "id").only("pk", "key", "name")


@dataclass
class Hit:
    """One result as shown: the ticket (with its board), and its words with the matches in
    <mark> (escaped HTML)."""

    ticket: Ticket
    title: SafeString
    customer: SafeString
    tags: SafeString
    snippet: SafeString
    rank: float | None

    @property
    def board(self) -> Board:
        return self.ticket.board

    @property
    def reference(self) -> str:
        return self.ticket.reference

    @property
    def url(self) -> str:
        return reverse("tickets:detail", args=[self.ticket.board_id, self.ticket.number])


@dataclass
class Search:
    """A search: its words, the matching documents (a queryset, to paginate) and how they were
    matched (`full_text`: PostgreSQL's; else the fallback)."""

    query: str
    terms: list[str]
    full_text: bool
    documents: QuerySet[TicketDocument] = field(repr=False)

    def hits(self, documents) -> list[Hit]:
        """The results for `documents` (a page of `self.documents`), with their marks."""
        return [self._hit(document) for document in documents]

    def _hit(self, document: TicketDocument) -> Hit:
        document.ticket.board = document.board  # read with the document: its ticket's board
        if self.full_text:
            marked = (document.title_marked, document.people_marked, document.tags_marked)
            text = document.snippet_marked
        else:
            marked = tuple(
                mark(getattr(document, name), self.terms) for name in ("title", "people", "tags")
            )
            text = snippet(f"{document.description}\n{document.conversation}", self.terms)
        title, people, tags = (as_html(value) for value in marked)
        return Hit(document.ticket, title, people, tags, as_html(text), document.rank)


def _visible(user, board: Board | None) -> QuerySet[TicketDocument]:
    documents = TicketDocument.objects.filter(
        board__in=visible_boards(user).values("pk"), ticket__archived_at__isnull=True
    )
    return documents.filter(board=board) if board is not None else documents


# What a result shows of its ticket and board (the documents' long texts stay unread unless the
# fallback marks them in Python).
SHOWN = (
    "ticket__board_id", "ticket__number", "ticket__title", "ticket__status", "ticket__priority",
    "board__key", "board__name", "title", "people", "tags",
)  # fmt: skip


def ticket_search(
    user, query: str, *, board: Board | None = None, full_text: bool | None = None
) -> Search:
    """Search the live tickets of every board `user` may see (or of `board`, one of them) for
    `query`; best matches first. `full_text` None: PostgreSQL's full-text search where the
    database is PostgreSQL, the fallback elsewhere (True or False to choose)."""
    terms = search_terms(query)
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    documents = _visible(user, board).select_related("ticket", "board")
    if not terms:
        documents = documents.none()
    elif full_text:
        documents = _full_text(documents.only(*SHOWN), terms)
    else:
        documents = _fallback(documents.only(*SHOWN, "description", "conversation"), terms)
    return Search(query=query, terms=terms, full_text=full_text, documents=documents)


def _full_text(documents: QuerySet[TicketDocument], terms: list[str]) -> QuerySet:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    # Raw tsquery syntax from words alone (search_terms): each a prefix, all required.
    query = SearchQuery(
        " & ".join(f"'{term}':*" for term in terms), search_type="raw", config="simple"
    )

    def headline(expression, **options):
        return SearchHeadline(
            expression, query, config="simple", start_sel=START, stop_sel=STOP, **options
        )

    body = Concat("description", Value("\n"), "conversation", output_field=TextField())
    return (
        documents.filter(vector=query)
        .annotate(
            # The stored vector, weights and all (a name alone would be to_tsvector of its text).
            rank=SearchRank(F("vector"), query),
            title_marked=headline("title", highlight_all=True),
            people_marked=headline("people", highlight_all=True),
            tags_marked=headline("tags", highlight_all=True),
            snippet_marked=headline(
                body,
                max_fragments=2,
                max_words=SNIPPET_WORDS // 2,
                min_words=SNIPPET_WORDS // 4,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-ticket_id")
    )


def _fallback(documents: QuerySet[TicketDocument], terms: list[str]) -> QuerySet:
    every = Q()
    in_title = Q()
    for term in terms:
        anywhere = Q()
        for name in TEXT_FIELDS:
            anywhere |= Q(**{f"{name}__icontains": term})
        every &= anywhere
        in_title &= Q(title__icontains=term)
    first = Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        documents.filter(every)
        .annotate(rank=Value(None, output_field=FloatField()), in_title=first)
        .order_by("-in_title", "-ticket_id")
    )
