"""Searching the tickets of every board the caller may see, scoped in the query itself (the
documents' board among the caller's visible boards, an SQL subquery): a hidden board's ticket
is never read, so never counted, ranked, highlighted or jumped to. Archived tickets are left out
(each board's archive page searches its own).

PostgreSQL: each word a prefix ("invo" finds "invoice"), all of them required, matched against
the documents' GIN-indexed vector, ranked by ts_rank (title before customer and tags, before
description, before conversation), the matching words marked by ts_headline. Elsewhere (the
SQLite of `make run`): the same words, each required somewhere in the same text columns
(icontains, no index), title matches first, marked in Python.

The full-text search is two statements written here in SQL (`FullTextDocuments`: the count and
the page), not built through the ORM: a search's own work is a millisecond or two of SQL, and
building and compiling its ranked, highlighted queryset cost several times that on every request
(bench/search.py). The scope stays the one policy: the visible boards' subquery is
boards.permissions.visible_boards, compiled by Django."""

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
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
    visible, params = visible_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, t.board_id, t.number, t.title, t.status, t.priority, b.key, b.name"
            " FROM tickets_ticket t JOIN boards_board b ON b.id = t.board_id"
            f" WHERE t.board_id IN ({visible}) AND b.key = %(key)s AND t.number = %(number)s"
            " AND t.archived_at IS NULL LIMIT 1",
            {**params, "key": key, "number": number},
        )
        row = cursor.fetchone()
    return None if row is None else _ticket(*row)


# visible_boards compiled once a process, for a stand-in user whose id is this sentinel; each
# search puts its user's id in its place (the SQL is the same for everyone, only that differs).
_SENTINEL = -2_000_000_007
_visible_compiled: tuple[str, dict] | None = None


def visible_sql(user) -> tuple[str, dict]:
    """boards.permissions.visible_boards(user)'s ids as SQL with named parameters, for the
    statements written here: the one policy, compiled by Django once (building and compiling
    its queryset on every search cost more than the search)."""
    global _visible_compiled
    if not user.is_authenticated:
        return "SELECT NULL::bigint WHERE FALSE", {}
    if _visible_compiled is None:
        stand_in = SimpleNamespace(pk=_SENTINEL, is_authenticated=True)
        sql, params = visible_boards(stand_in).values("pk").query.sql_with_params()
        names = [f"v{index}" for index in range(len(params))]
        assert _SENTINEL in params, "visible_boards no longer filters by the user's id"
        named = sql % tuple(f"%({name})s" for name in names)
        _visible_compiled = (named, dict(zip(names, params, strict=True)))
    sql, params = _visible_compiled
    return sql, {name: user.pk if value == _SENTINEL else value for name, value in params.items()}


def _ticket(ticket_id, board_id, number, title, status, priority, key, name) -> Ticket:
    """A ticket as a search shows it, with its board: unsaved instances of what was read."""
    ticket = Ticket(
        pk=ticket_id, board_id=board_id, number=number, title=title, status=status,
        priority=priority,
    )  # fmt: skip
    ticket.board = Board(pk=board_id, key=key, name=name)
    return ticket


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
    documents: "QuerySet[TicketDocument] | FullTextDocuments" = field(repr=False)

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
    if not terms:
        documents = TicketDocument.objects.none()
    elif full_text:
        documents = FullTextDocuments(user, board, terms)
    else:
        shown = _visible(user, board).select_related("ticket", "board")
        documents = _fallback(shown.only(*SHOWN, "description", "conversation"), terms)
    return Search(query=query, terms=terms, full_text=full_text, documents=documents)


def _headline_options(**options) -> str:
    """ts_headline's options, the marks as search.highlight writes them (quoted)."""
    said = [f"StartSel='{START}'", f"StopSel='{STOP}'"]
    return ", ".join([*said, *(f"{name}={value}" for name, value in options.items())])


WHOLE = _headline_options(HighlightAll="true")
SNIPPET = _headline_options(
    MaxWords=SNIPPET_WORDS // 2,
    MinWords=SNIPPET_WORDS // 4,
    MaxFragments=2,
    FragmentDelimiter="' … '",
)
_QUERY = "to_tsquery('simple'::regconfig, %(query)s)"
_FROM = f"""
    FROM search_ticketdocument d
    JOIN tickets_ticket t ON t.id = d.ticket_id {{board_join}}
    WHERE d.board_id IN ({{visible}}) {{one_board}}
      AND t.archived_at IS NULL
      AND d.vector @@ {_QUERY}"""
_COUNT = f"SELECT COUNT(*) {_FROM}".replace("{board_join}", "")
_PAGE = f"""
    SELECT d.ticket_id, d.board_id, d.title, d.people, d.tags,
        ts_rank(d.vector, {_QUERY}) AS rank,
        ts_headline('simple'::regconfig, d.title, {_QUERY}, %(whole)s),
        ts_headline('simple'::regconfig, d.people, {_QUERY}, %(whole)s),
        ts_headline('simple'::regconfig, d.tags, {_QUERY}, %(whole)s),
        ts_headline(
            'simple'::regconfig, COALESCE(d.description, '') || E'\n' || COALESCE(d.conversation, ''),
            {_QUERY}, %(snippet)s
        ),
        t.number, t.title, t.status, t.priority, b.key, b.name
    {_FROM}
    ORDER BY rank DESC, d.ticket_id DESC
    LIMIT %(limit)s OFFSET %(offset)s""".replace(
    "{board_join}", "JOIN boards_board b ON b.id = d.board_id"
)


class FullTextDocuments:
    """The documents matching every term (each a prefix), best first, as a paginator takes
    them: `count()` is one statement, a slice another (the page, ranked and marked)."""

    ordered = True  # ranked, then newest: the paginator need not warn

    def __init__(self, user, board: Board | None, terms: list[str]):
        visible, visible_params = visible_sql(user)
        self._sql = {"visible": visible, "one_board": ""}
        self._params = {
            **visible_params,
            "query": " & ".join(f"'{term}':*" for term in terms),
            "whole": WHOLE,
            "snippet": SNIPPET,
        }
        if board is not None:
            self._sql["one_board"] = "AND d.board_id = %(board)s"
            self._params["board"] = board.pk
        self._count = None

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(_COUNT.format(**self._sql), self._params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice | int):
        if isinstance(part, int):
            return self[part : part + 1][0]
        if self._count == 0:  # counted already, and nothing matched: no page to read
            return []
        start = part.start or 0
        # LIMIT NULL is no limit: every match (iterating them all, as the tests do).
        limit = None if part.stop is None else max(part.stop - start, 0)
        params = {**self._params, "limit": limit, "offset": start}
        with connection.cursor() as cursor:
            cursor.execute(_PAGE.format(**self._sql), params)
            return [_document(row) for row in cursor.fetchall()]

    def __iter__(self):
        return iter(self[0:])


def _document(row) -> SimpleNamespace:
    """A row of the page as `Search.hits` reads a document: its ticket and board (unsaved
    instances of what was read), its words and their marked copies, its rank."""
    (ticket_id, board_id, title, people, tags, rank, title_marked, people_marked, tags_marked,
     snippet_marked, number, ticket_title, status, priority, key, name) = row  # fmt: skip
    ticket = _ticket(ticket_id, board_id, number, ticket_title, status, priority, key, name)
    return SimpleNamespace(
        ticket=ticket, board=ticket.board, title=title, people=people, tags=tags, rank=rank,
        title_marked=title_marked, people_marked=people_marked, tags_marked=tags_marked,
        snippet_marked=snippet_marked,
    )  # fmt: skip


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
