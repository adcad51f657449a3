"""The access policy, written once. HTML views, API views and (later) sockets all call it.

Roles are ordered (`Role`): admin ⊃ member ⊃ guest. A non-member may see a board only when its
visibility lets every signed-in user in, and then as a guest. A board the caller may not see is
answered exactly like a board that does not exist (404); a 403 only tells a caller who can see
the board that this action needs a higher role.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from boards.models import Board, Membership, Role, Visibility

ACTION_NEEDS = {
    "view": Role.GUEST,  # read the board, its tickets, members and tags
    "work": Role.MEMBER,  # create, edit, move and comment on tickets
    "manage": Role.ADMIN,  # board settings, columns, tags, members, deleting tickets
}

ROLE_DENIED = {
    Role.MEMBER: "Guests can only view this board.",
    Role.ADMIN: "Only board admins can do that.",
}


def can(role: int | None, action: str) -> bool:
    return role is not None and role >= ACTION_NEEDS[action]


def visible_boards(user) -> QuerySet[Board]:
    """Every board `user` may see, each annotated with `my_role` (the effective role)."""
    if not user.is_authenticated:
        return Board.objects.none()
    member_role = Membership.objects.filter(board=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Board.objects.annotate(member_role=Subquery(member_role, output_field=IntegerField()))
        .filter(Q(member_role__isnull=False) | Q(visibility=Visibility.SIGNED_IN))
        .annotate(my_role=Coalesce("member_role", Value(Role.GUEST)))
    )


def board_for(user, board_id, need: int = Role.GUEST) -> Board:
    """The board `board_id` as `user` may see it, with `my_role` set; 404 if hidden, 403 if the
    caller sees the board but lacks the role `need`."""
    try:
        board = visible_boards(user).get(pk=board_id)
    except (Board.DoesNotExist, ValueError, TypeError):
        raise Http404("No such board.") from None
    if board.my_role < need:
        raise PermissionDenied(ROLE_DENIED.get(need, "You may not do that."))
    return board
