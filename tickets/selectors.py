from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from boards.models import Board, Column, Visibility
from boards.permissions import visible_boards
from csboard.core.exceptions import MovedTo
from notifications.models import Notification
from sla.models import SlaPolicy
from sla.priorities import Priority
from sla.selectors import ClockState, policy_for, remember_policies, ticket_clocks
from tickets.models import Follower, Status, Ticket
from tickets.ranks import with_position

LIST_ORDER = ("column__position", "rank", "number")


def _shown(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return with_position(
        tickets.select_related("column", "created_by", "archived_by", "merged_into")
        .prefetch_related("assignees", "tags")
        .order_by(*LIST_ORDER)
    )


def board_tickets(board: Board) -> QuerySet[Ticket]:
    """A board's tickets with everything an API row shows, in a fixed number of queries (the
    board page adds the workspace counts a card shows: workspace.selectors.with_card_counts)."""
    return _shown(Ticket.objects.filter(board=board)).select_related("board")


def board_ticket_order(board: Board, *, with_archived: bool = False) -> QuerySet[Ticket]:
    """A board's tickets, bare, in the order of its list: what the list API filters and pages
    before it reads the page's tickets whole (tickets_in). `with_archived`: the archived ones
    too, for the list's `archived` filter to choose from."""
    rows = Ticket.all_objects if with_archived else Ticket.objects
    return rows.filter(board=board).order_by(*LIST_ORDER)


def tickets_in(board: Board, ids: QuerySet) -> list[Ticket]:
    """The tickets `ids` of `board` (a page of board_ticket_order, left unread) with what an API
    row shows, in list order. One query, whose sort over the whole board is of narrow rows: the
    wide ones are read for the page alone, by their ids. Their board is `board` itself (no join,
    and one object, which holds the SLA policy once); their assignees' usernames and their tag
    ids come as plain values (`assignee_usernames`, `tag_ids`), one query each: a prefetch
    builds a manager, a queryset and model objects for each ticket, most of a page's time."""
    tickets = list(
        with_position(
            Ticket.all_objects.filter(pk__in=ids)
            .select_related("created_by", "archived_by", "merged_into")
            .order_by(*LIST_ORDER)
        )
    )
    usernames, tag_ids = defaultdict(list), defaultdict(list)
    pks = [ticket.pk for ticket in tickets]
    assigned = Ticket.assignees.through.objects.filter(ticket_id__any_of=pks)
    for ticket_id, username in assigned.values_list("ticket_id", "user__username"):
        usernames[ticket_id].append(username)
    # In the order of Tag.Meta.ordering, as `ticket.tags.all()` gives them.
    tagged = Ticket.tags.through.objects.filter(ticket_id__any_of=pks)
    tagged = tagged.order_by("tag__name", "tag_id")
    for ticket_id, tag_id in tagged.values_list("ticket_id", "tag_id"):
        tag_ids[ticket_id].append(tag_id)
    for ticket in tickets:
        ticket.board = board
        ticket.assignee_usernames = usernames[ticket.pk]
        ticket.tag_ids = tag_ids[ticket.pk]
    return tickets


def ticket_for(board: Board, number, *, archived: bool | None = False) -> Ticket:
    """A ticket looked up through its board, never by a bare id, with what board_tickets reads.
    Its `board` is `board` itself (with the caller's role, as board_for gave it), not read
    again. Not an archived one, unless `archived` is None (either) or True (only those). The
    number of a ticket merged into another is that ticket's now: MovedTo (a GET redirects)."""
    try:
        ticket = get_object_or_404(_shown(_archived_or_not(board, archived)), number=number)
    except Http404:
        if archived is False:
            _raise_if_merged(board, number)
        raise
    ticket.board = board
    return ticket


def merged_target(board: Board, number) -> Ticket | None:
    """The live ticket a merged ticket of the board (by its number) now lives in, or None."""
    merged = Ticket.all_objects.filter(
        board=board, number=number, merged_into__isnull=False, merged_into__archived_at=None
    )
    return Ticket.all_objects.filter(pk__in=merged.values("merged_into_id")).first()


def _raise_if_merged(board: Board, number) -> None:
    if not str(number).isdecimal():
        return
    target = merged_target(board, number)
    if target is not None:
        raise MovedTo(
            f"{board.key}-{number} was merged into {board.key}-{target.number}.",
            number=target.number,
        )


def _archived_or_not(board: Board, archived: bool | None) -> QuerySet[Ticket]:
    if archived is None:
        return Ticket.all_objects.filter(board=board)
    if archived:
        return Ticket.all_objects.filter(board=board, archived_at__isnull=False)
    return Ticket.objects.filter(board=board)


def ticket_to_change(board: Board, number, *, archived: bool | None = False) -> Ticket:
    """A ticket looked up through its board for a service that changes it: its row alone, with
    `board` as its board. The service locks the ticket and reads it again (tickets.locks), so
    what a view shows (people, tags, index) would be read here for nothing. `archived` as in
    ticket_for."""
    ticket = get_object_or_404(_archived_or_not(board, archived), number=number)
    ticket.board = board
    return ticket


def archived_tickets(board: Board, query: str = "") -> QuerySet[Ticket]:
    """The board's archive, last archived first: searchable by title, number (with or without
    the board's key, "SUP-12") or customer (name, email, company)."""
    tickets = Ticket.all_objects.filter(board=board, archived_at__isnull=False)
    query = query.strip()
    if query:
        text = Q()
        for field in ("title", "customer_name", "customer_email", "customer_company"):
            text |= Q(**{f"{field}__icontains": query})
        number = query.upper().removeprefix(f"{board.key.upper()}-").lstrip("#")
        if number.isdecimal() and len(number) < 10:
            text |= Q(number=int(number))
        tickets = tickets.filter(text)
    return tickets.select_related("column", "archived_by").order_by("-archived_at", "-number")


# What a card shows, and nothing else: a board page reads hundreds of them.
CARD_FIELDS = (
    "id",
    "board_id",
    "column_id",
    "number",
    "rank",
    "title",
    "status",
    "priority",
    "customer_name",
    "customer_company",
    "due_at",
    "resolved_at",
    "created_at",
    "first_response_due_at",
    "first_response_at",
    "waiting_since",
)
IN_COLUMN_ORDER = ("rank", "number")


def first_ids_per_column(
    columns: QuerySet[Column], tickets: QuerySet[Ticket], limit: int, *, count: bool = True
) -> QuerySet[Column]:
    """Annotate each column with `shown_ids`, the ids of its first `limit` tickets of `tickets`
    in column order, and (`count`, when `tickets` are filtered) `matching`, how many of
    `tickets` it holds, in the columns' own query. On PostgreSQL each column's ids are an array
    read through the (column, rank, number) index, so a column of thousands costs what its
    first screenful does; elsewhere (SQLite, `make run`'s default) `shown_ids` is None and
    `first_per_column` reads them."""
    in_column = tickets.filter(column_id=OuterRef("pk")).order_by()
    if count:  # a filter through tags or assignees joins: a ticket counts once
        counted = in_column.values("column_id").annotate(n=Count("pk", distinct=True)).values("n")
        columns = columns.annotate(
            matching=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
        )
    if connection.vendor != "postgresql":
        return columns.annotate(shown_ids=Value(None, output_field=IntegerField()))
    # DISTINCT only behind a filter: unfiltered, the LIMIT stops the index scan early.
    first = (in_column.distinct() if count else in_column).order_by(*IN_COLUMN_ORDER)
    first = first.values("pk")[:limit]
    return columns.annotate(shown_ids=ArraySubquery(first))


def first_per_column(tickets: QuerySet[Ticket], limit: int) -> dict[int, list[int]]:
    """The ids of the first `limit` tickets of each column, in column order: one query that
    numbers the ids (a narrow row each) before it keeps the first of each column."""
    numbered = tickets.order_by().annotate(
        column_index=Window(
            RowNumber(),
            partition_by=[F("column_id")],
            order_by=[F(name) for name in IN_COLUMN_ORDER],
        )
    )
    ids: dict[int, list[int]] = {}
    rows = numbered.filter(column_index__lte=limit).values_list("column_id", "pk", "column_index")
    for column_id, pk, _index in sorted(rows, key=lambda row: (row[0], row[2])):
        ids.setdefault(column_id, []).append(pk)
    return ids


def column_ids(tickets: QuerySet[Ticket], column_id: int) -> list[int]:
    """All the ids of one column's tickets of `tickets`, in column order ("Show more")."""
    return list(
        tickets.filter(column_id=column_id).order_by(*IN_COLUMN_ORDER).values_list("pk", flat=True)
    )


def card_tickets(ids) -> QuerySet[Ticket]:
    """The tickets `ids` with the fields of CARD_FIELDS (the page adds the workspace counts:
    workspace.selectors.with_card_counts; people and tags: card_people, card_tags), to be read
    as card_rows."""
    return Ticket.objects.filter(pk__any_of=ids).only(*CARD_FIELDS).order_by()


class CardRow(SimpleNamespace):
    """A ticket as its card reads it: the fields and annotations of its query, no model
    instance (a board page reads hundreds; building them was a third of its Python time)."""

    @property
    def pk(self) -> int:
        return self.id


def card_rows(tickets: QuerySet[Ticket]) -> list[CardRow]:
    """card_tickets' rows, with whatever was annotated on them, as CardRows."""
    names = [*CARD_FIELDS, *tickets.query.annotations]
    return [CardRow(**row) for row in tickets.values(*names)]


def card_people(ids) -> dict[int, list]:
    """Each of the tickets' assignees, by ticket id: one read of the links with the names a card
    shows, one user object per person however many cards they are on (a prefetch would build a
    manager and a queryset per card)."""
    User = get_user_model()
    links = (
        Ticket.assignees.through.objects.filter(ticket_id__any_of=ids)
        .order_by("pk")
        .values_list(
            "ticket_id",
            "user_id",
            "user__username",
            "user__display_name",
            "user__first_name",
            "user__last_name",
        )
    )
    people: dict[int, object] = {}
    by_ticket: dict[int, list] = {}
    for ticket_id, user_id, username, display_name, first_name, last_name in links:
        person = people.get(user_id)
        if person is None:
            person = people[user_id] = User(
                pk=user_id,
                username=username,
                display_name=display_name,
                first_name=first_name,
                last_name=last_name,
            )
        by_ticket.setdefault(ticket_id, []).append(person)
    return by_ticket


def card_tags(ids) -> dict[int, list[tuple[str, str, int]]]:
    """Each of the tickets' tags as (name, colour, id), by ticket id, in the tags' order."""
    links = (
        Ticket.tags.through.objects.filter(ticket_id__any_of=ids)
        .order_by("tag__name", "tag_id")
        .values_list("ticket_id", "tag__name", "tag__color", "tag_id")
    )
    by_ticket: dict[int, list[tuple[str, str, int]]] = {}
    for ticket_id, name, color, tag_id in links:
        by_ticket.setdefault(ticket_id, []).append((name, color, tag_id))
    return by_ticket


# --- Followers ---------------------------------------------------------------------------------
def ticket_followers(ticket: Ticket, *, exclude=None) -> list:
    """Who hears of the ticket's messages: its followers (its assignees and its creator follow
    it from the start, tickets.services) who may still see its board, but not `exclude`, the
    person who acted. The one place that decides it."""
    people = get_user_model().objects.filter(followed__ticket=ticket, is_active=True)
    if ticket.board.visibility != Visibility.SIGNED_IN:
        people = people.filter(memberships__board_id=ticket.board_id)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people.order_by("pk"))


def ticket_interested_ids(ticket_id: int) -> set[int]:
    """The ids of the people whose own lists show the ticket (My work): its assignees and its
    followers."""
    assigned = Ticket.assignees.through.objects.filter(ticket_id=ticket_id).values_list(
        "user_id", flat=True
    )
    following = Follower.objects.filter(ticket_id=ticket_id).values_list("user_id", flat=True)
    return set(assigned.union(following))


def is_following(user, ticket: Ticket) -> bool:
    return user.is_authenticated and Follower.objects.filter(ticket=ticket, user=user).exists()


# --- My work: a person's tickets across every board they may see -------------------------------
class WorkGroup(StrEnum):
    """How urgent a ticket of mine is, in the order My work lists them."""

    BREACHED = "breached"  # an SLA clock ran out
    TODAY = "today"  # due by the end of today, where its board works
    WEEK = "week"  # due by the end of Sunday, as the `due=week` filter says
    LATER = "later"  # due later, or no due date
    WAITING = "waiting"  # waiting on the customer: its resolution clock is paused

    @property
    def label(self) -> str:
        return WORK_GROUP_LABELS[self]


WORK_GROUP_LABELS = {
    WorkGroup.BREACHED: "Breached",
    WorkGroup.TODAY: "Due today",
    WorkGroup.WEEK: "Due this week",
    WorkGroup.LATER: "Later",
    WorkGroup.WAITING: "Waiting on the customer",
}


class WorkSection(StrEnum):
    ASSIGNED = "assigned"
    MENTIONS = "mentions"
    FOLLOWING = "following"


# The most a section lists: mine are all there, mentions and follows the latest.
WORK_LIMITS = {WorkSection.ASSIGNED: 200, WorkSection.MENTIONS: 20, WorkSection.FOLLOWING: 50}
PRIORITY_RANK = {value: rank for rank, value in enumerate(Priority.values)}  # urgent highest


def work_group(ticket: Ticket, policy: SlaPolicy, now: datetime) -> WorkGroup:
    """The ticket's urgency, from its own fields and its board's policy (no query). A breach
    comes first, even while waiting (someone must answer for it); then waiting on the customer;
    then the due date, by the day where the board works."""
    clocks = ticket_clocks(ticket, policy, now)
    if any(clock.state == ClockState.BREACHED and not clock.stopped_at for clock in clocks):
        return WorkGroup.BREACHED
    if ticket.status == Status.WAITING:
        return WorkGroup.WAITING
    if ticket.due_at is None:
        return WorkGroup.LATER
    zone = ZoneInfo(ticket.board.timezone)
    today, due = timezone.localdate(now, zone), timezone.localdate(ticket.due_at, zone)
    if due <= today:
        return WorkGroup.TODAY
    if due <= today + timedelta(days=6 - today.weekday()):
        return WorkGroup.WEEK
    return WorkGroup.LATER


@dataclass
class MyWork:
    """What My work shows: my open tickets by urgency, then the open tickets that mention me
    and those I follow (not mine), each ticket with its board and `group`."""

    groups: dict[WorkGroup, list[Ticket]]
    mentions: list[Ticket]
    following: list[Ticket]

    @property
    def assigned_count(self) -> int:
        return sum(len(tickets) for tickets in self.groups.values())

    def rows(self):
        """(section, ticket) for every row, in the page's order: the API's list."""
        for tickets in self.groups.values():
            for ticket in tickets:
                yield WorkSection.ASSIGNED, ticket
        for section, tickets in (
            (WorkSection.MENTIONS, self.mentions),
            (WorkSection.FOLLOWING, self.following),
        ):
            for ticket in tickets:
                yield section, ticket


def _urgency_order(ticket: Ticket) -> tuple:
    far = datetime.max.replace(tzinfo=UTC)
    return (ticket.due_at or far, -PRIORITY_RANK[ticket.priority], ticket.board.name, ticket.number)


def my_work(user, now: datetime | None = None) -> MyWork:
    """`user`'s work across every board they may see, in three queries whatever the number of
    boards and tickets, plus one for the boards' SLA policies: open, live tickets only (an
    archived or resolved ticket is off the list). Each ticket's board is one object per board,
    which holds its policy, as `group` (work_group) and the clocks read it."""
    now = now or timezone.now()
    mine = Ticket.objects.filter(
        board__in=visible_boards(user), resolved_at__isnull=True
    ).select_related("board", "column")
    assigned_ids = Ticket.assignees.through.objects.filter(user=user).values("ticket_id")
    assigned = list(mine.filter(pk__in=assigned_ids)[: WORK_LIMITS[WorkSection.ASSIGNED]])
    mentioned_at = (
        Notification.objects.filter(
            recipient=user, kind=Notification.Kind.MENTION, ticket_id=OuterRef("pk")
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    mentions = list(
        mine.annotate(mentioned_at=Subquery(mentioned_at))
        .filter(mentioned_at__isnull=False)
        .order_by("-mentioned_at", "pk")[: WORK_LIMITS[WorkSection.MENTIONS]]
    )
    followed_at = Follower.objects.filter(user=user, ticket_id=OuterRef("pk")).values("created_at")
    following = list(
        mine.annotate(followed_at=Subquery(followed_at[:1]))
        .filter(followed_at__isnull=False)
        .exclude(pk__in=assigned_ids)
        .order_by("-followed_at", "pk")[: WORK_LIMITS[WorkSection.FOLLOWING]]
    )
    boards: dict[int, Board] = {}
    for ticket in (*assigned, *mentions, *following):
        ticket.board = boards.setdefault(ticket.board_id, ticket.board)
    remember_policies(boards.values())
    groups: dict[WorkGroup, list[Ticket]] = {group: [] for group in WorkGroup}
    for ticket in (*assigned, *mentions, *following):
        ticket.group = work_group(ticket, policy_for(ticket.board), now)
    for ticket in sorted(assigned, key=_urgency_order):
        groups[ticket.group].append(ticket)
    return MyWork(groups=groups, mentions=mentions, following=following)
