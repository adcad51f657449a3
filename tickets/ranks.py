"""Where a ticket sits in its column. Tickets keep gapped ranks (csboard.core.ordering), so a
create or a move writes its own row alone; the order is (rank, number), total and stable.
Everything here runs under the column's lock (boards/locks.py), which every write that places a
ticket holds: two writers never pick the same gap, and a renumbering sees the column whole."""

from functools import cache

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce

from csboard.core.ordering import RANK_STEP, rank_between
from tickets.models import Ticket


def _rows(column_id: int, exclude: int | None) -> QuerySet:
    rows = Ticket.objects.filter(column_id=column_id)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows


def _ranks(column_id: int, exclude: int | None) -> QuerySet:
    return _rows(column_id, exclude).order_by("rank", "number").values_list("rank", flat=True)


def _neighbours(column_id: int, index: int, exclude: int | None) -> tuple | None:
    """The ranks at index-1 and index of the column (without `exclude`), None if it holds
    fewer than `index` others: one read of at most two rows through the (column, rank,
    number) index."""
    if index == 0:
        after = list(_ranks(column_id, exclude)[:1])
        return None, after[0] if after else None
    pair = list(_ranks(column_id, exclude)[index - 1 : index + 1])
    if not pair:
        return None
    return pair[0], pair[1] if len(pair) > 1 else None


def renumber_column(column_id: int) -> int:
    """Spread the column's ranks RANK_STEP apart again, keeping their order: one UPDATE of the
    column's rows. Returns how many rows it wrote."""
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "rank" = ranked.n * %s FROM ('
            f'  SELECT id, ROW_NUMBER() OVER (ORDER BY "rank", number) AS n'
            f"  FROM {table} WHERE column_id = %s"
            f") AS ranked WHERE {table}.id = ranked.id",
            [RANK_STEP, column_id],
        )
        return cursor.rowcount


def rank_at(column_id: int, index: int | None, *, exclude: int | None = None) -> tuple[int, int]:
    """The rank that puts a ticket at `index` among the column's other tickets (0 = top; None
    or past their number: last), and the index it gets: one read of the neighbours, which
    also says whether the index lies inside the column, so that only an index past the end
    costs a second (rank_last, which counts). When the two neighbours leave no room, the column
    is renumbered once and the gap read again."""
    if index is not None:
        index = max(index, 0)
        neighbours = _neighbours(column_id, index, exclude)
        if neighbours is not None:
            rank = rank_between(*neighbours)
            if rank is None:
                renumber_column(column_id)
                rank = rank_between(*_neighbours(column_id, index, exclude))
            return rank, index
    return rank_last(column_id, exclude=exclude)


def rank_last(column_id: int, *, exclude: int | None = None) -> tuple[int, int]:
    """The rank past the column's last ticket (`exclude` left out), and the index it gives (how
    many others it holds): one read of one row through the (column, rank, number) index."""
    last = list(
        _rows(column_id, exclude)
        .annotate(size=Window(Count("pk")))
        .order_by("-rank", "-number")
        .values_list("rank", "size")[:1]
    )
    if not last:
        return rank_between(None, None), 0
    rank, size = last[0]
    return rank_between(rank, None), size


def _ahead(column_id, rank, number) -> QuerySet:
    """The tickets ahead of (rank, number) in the column, in (rank, number) order: values, or
    OuterRefs to count them for each row of an outer query."""
    return Ticket.objects.filter(column_id=column_id).filter(
        Q(rank__lt=rank) | Q(rank=rank, number__lt=number)
    )


@cache
def _position() -> Coalesce:
    # Built once: an annotation resolves its own copy for each query, and building the subquery
    # costs a fair part of a page's query.
    outer = _ahead(OuterRef("column_id"), OuterRef("rank"), OuterRef("number"))
    count = outer.order_by().values("column_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def with_position(tickets: QuerySet) -> QuerySet:
    """Annotate `position`: the ticket's index in its column (0 = top), as the API speaks. A
    count through the (column, rank, number) index per row."""
    return tickets.annotate(position=_position())


def position_of(ticket: Ticket) -> int:
    """The ticket's index in its column, as it is stored now."""
    return _ahead(ticket.column_id, ticket.rank, ticket.number).count()
