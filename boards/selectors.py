from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from boards.models import Board, Column, Membership, Role, Tag
from boards.permissions import visible_boards


def boards_for_user(user) -> QuerySet[Board]:
    # Aggregation drops Meta.ordering (GROUP BY), so the order is spelled out for pagination.
    return (
        visible_boards(user)
        .annotate(ticket_count=Count("tickets", distinct=True))
        .order_by("name", "id")
    )


def board_columns(board: Board) -> QuerySet[Column]:
    return board.columns.annotate(ticket_count=Count("tickets")).order_by("position", "id")


def board_members(board: Board) -> QuerySet[Membership]:
    return board.memberships.select_related("user").order_by("-role", "user__username")


def board_tags(board: Board) -> QuerySet[Tag]:
    return board.tags.annotate(ticket_count=Count("tickets")).order_by("name", "id")


def board_team(board: Board) -> QuerySet:
    """The board's team, the people who work its tickets (and may be assigned them): its
    members and admins, not its guests, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__board=board, memberships__role__gte=Role.MEMBER)
        .order_by("display_name", "username")
    )
