from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from boards.models import Board, Column, Membership, Role, Tag
from boards.permissions import visible_boards


def boards_for_user(user) -> QuerySet[Board]:
    # Aggregation drops Meta.ordering (GROUP BY), so the order is spelled out for pagination.
    return (
        visible_boards(user)
        .annotate(ticket_count=Count("tickets", distinct=True))
        .order_by("name", "id")
    )


@cache
def _ticket_count() -> Coalesce:
    # Built once (an annotation resolves its own copy for each query): the board API asks for it
    # on every read, and building the subquery costs as much as running it.
    # The tickets app sits above this one: its model is reached through the relation's name.
    tickets = Column._meta.get_field("tickets").related_model
    count = (
        tickets.objects.filter(column=OuterRef("pk"))
        .order_by()
        .values("column")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def columns_with_counts() -> QuerySet[Column]:
    """Columns in board order, each annotated with `ticket_count`: a count per column through
    the tickets' (column, rank, number) index. A join and GROUP BY over the tickets (Count)
    reads and sorts every ticket of the board, several times slower at thousands of them."""
    return Column.objects.annotate(ticket_count=_ticket_count()).order_by("position", "id")


def board_columns(board: Board) -> QuerySet[Column]:
    return columns_with_counts().filter(board=board)


def board_members(board: Board) -> QuerySet[Membership]:
    return board.memberships.select_related("user").order_by("-role", "user__username")


def board_mentionable(board: Board | int) -> list[dict[str, str]]:
    """Whom an @mention in the board's chats names, as the compose box offers them: every member
    (a guest too: workspace.services notifies any member mentioned), by name. One query."""
    people = get_user_model().objects.filter(memberships__board=board).order_by("username")
    found = [{"username": user.username, "name": user.name} for user in people]
    return sorted(found, key=lambda person: person["name"].lower())


def board_tags(board: Board) -> QuerySet[Tag]:
    return board.tags.annotate(ticket_count=Count("tickets")).order_by("name", "id")


def team_memberships(board: Board | int) -> QuerySet[Membership]:
    """The memberships that make the board's team: its members and admins (not its guests)."""
    return Membership.objects.filter(board=board, role__gte=Role.MEMBER)


def board_team(board: Board | int) -> QuerySet:
    """The board's team, the people who work its tickets (and may be assigned them): its
    members and admins, by name."""
    return _users_of(team_memberships(board))


def boards_team(boards: QuerySet[Board]) -> QuerySet:
    """The people who work the tickets of any of `boards` (their members and admins), by name:
    the agents of a company view."""
    return _users_of(Membership.objects.filter(board__in=boards, role__gte=Role.MEMBER))


def board_admins(board: Board | int) -> QuerySet:
    """The board's admins, by name."""
    return _users_of(Membership.objects.filter(board=board, role=Role.ADMIN))


def _users_of(memberships: QuerySet[Membership]) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"))
        .order_by("display_name", "username")
    )
