"""The access policy, written once: which role each named action needs, and the rules about one
object ("the author or an admin may delete this message"). Page views (`board_for`), the API
(`BoardPermission`), the board socket, the services and the templates (`{% can %}`) all ask it.

Roles are ordered (`Role`): admin ⊃ member ⊃ guest. A non-member may see a board only when its
visibility lets every signed-in user in, and then as a guest. A board the caller may not see is
answered exactly like a board that does not exist (404); a 403 only tells a caller who can see
the board that this action needs a higher role.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from rest_framework.permissions import BasePermission

from boards.models import Board, Membership, Role, Visibility
from csboard.core.exceptions import PermissionRefused


class Action(StrEnum):
    VIEW = "view"  # read the board, its tickets, members, tags, chat and files
    EXPORT = "export"  # the board's tickets as CSV
    WORK = "work"  # create, edit and move tickets; checklists, chat, files
    READ_FEEDBACK = "read_feedback"  # customers' feedback and the metrics drawn from it
    MANAGE = "manage"  # settings, columns, tags, members, SLA and feedback set-up, audit log,
    # deleting tickets and the board
    MESSAGE_EDIT = "message.edit"  # a chat message or ticket comment
    MESSAGE_DELETE = "message.delete"
    FILE_DELETE = "file.delete"  # a board file or link, or a ticket's attachment
    SAVED_VIEW_EDIT = "saved_view.edit"  # rename or delete a saved view (savedviews)


# The least role each action needs. For an object action it is what the object's owner needs.
NEEDS: dict[Action, Role] = {
    Action.VIEW: Role.GUEST,
    Action.EXPORT: Role.GUEST,
    Action.WORK: Role.MEMBER,
    Action.READ_FEEDBACK: Role.MEMBER,
    Action.MANAGE: Role.ADMIN,
    Action.MESSAGE_EDIT: Role.MEMBER,
    Action.MESSAGE_DELETE: Role.MEMBER,
    Action.FILE_DELETE: Role.MEMBER,
    # A saved view is a bookmark: anyone who sees the board keeps their own (guests too); only
    # its admins share one with the board (MANAGE), and they may rename or delete a shared one.
    Action.SAVED_VIEW_EDIT: Role.GUEST,
}

# Where a board's own settings let its guests do more: the boards (as a filter) that do.
GUESTS_TOO_WHERE: dict[Action, Q] = {
    Action.READ_FEEDBACK: Q(feedback_settings__guests_see_metrics=True),
}


@dataclass(frozen=True)
class OwnerRule:
    """The object's owner may (with the role NEEDS gives the action), and so may anyone allowed
    `or_anyone_who`, whoever owns it."""

    owner: str  # the object's attribute holding its owner's id
    or_anyone_who: Action | None
    refused: str


OBJECT_RULES: dict[Action, OwnerRule] = {
    Action.MESSAGE_EDIT: OwnerRule("author_id", None, "Only its author can edit this message."),
    Action.MESSAGE_DELETE: OwnerRule(
        "author_id", Action.MANAGE, "Only its author or a board admin can delete this message."
    ),
    Action.FILE_DELETE: OwnerRule(
        "uploaded_by_id", Action.MANAGE, "Only its author or a board admin can delete this file."
    ),
    # Another's personal view is never reached (savedviews.selectors): an admin meets only
    # the shared ones.
    Action.SAVED_VIEW_EDIT: OwnerRule(
        "owner_id", Action.MANAGE, "Only its owner or a board admin can change this view."
    ),
}

ROLE_DENIED = {
    Role.MEMBER: "Guests can only view this board.",
    Role.ADMIN: "Only board admins can do that.",
}
DENIED = {
    Action.READ_FEEDBACK: "This board shares its metrics and feedback with members only.",
}


def denied_message(action: Action) -> str:
    return DENIED.get(action) or ROLE_DENIED.get(NEEDS[action], "You may not do that.")


def allows(role: int | None, action: Action, board: Board | None = None) -> bool:
    """Whether `role` (None: the board is hidden from the caller) is enough for a board action;
    `board` answers whether its settings let guests in too (GUESTS_TOO_WHERE)."""
    if role is None:
        return False
    if role >= NEEDS[action]:
        return True
    shared = GUESTS_TOO_WHERE.get(action)
    return (
        shared is not None
        and board is not None
        and Board.objects.filter(shared, pk=board.pk).exists()
    )


def boards_allowing(boards: QuerySet[Board], action: Action) -> QuerySet[Board]:
    """Of `boards` (annotated with `my_role`, as visible_boards gives them), those where the
    caller may do `action`: `allows` as a filter."""
    rule = Q(my_role__gte=NEEDS[action])
    if action in GUESTS_TOO_WHERE:
        rule |= GUESTS_TOO_WHERE[action]
    return boards.filter(rule)


def visible_boards(user) -> QuerySet[Board]:
    """Every board `user` may see, each annotated with `my_role` (the effective role)."""
    if not user.is_authenticated:
        return Board.objects.none()
    # At most one membership per board and user: unordered (Membership's ordering would join the
    # users to sort it), and an alias (only my_role is selected), which keeps the query, asked
    # on every board request, cheap to build and to run.
    member_role = (
        Membership.objects.filter(board=OuterRef("pk"), user_id=user.pk)
        .order_by()
        .values("role")[:1]
    )
    return (
        Board.objects.alias(member_role=Subquery(member_role, output_field=IntegerField()))
        .filter(Q(member_role__isnull=False) | Q(visibility=Visibility.SIGNED_IN))
        .annotate(my_role=Coalesce("member_role", Value(Role.GUEST)))
    )


def board_for(user, board_id, action: Action = Action.VIEW) -> Board:
    """The board `board_id` as `user` may see it, with `my_role` set; 404 if hidden, 403 if the
    caller sees the board but may not do `action` on it."""
    try:
        board = visible_boards(user).get(pk=board_id)
    except (Board.DoesNotExist, ValueError, TypeError):
        raise Http404("No such board.") from None
    board.my_role_for = user.pk  # `can` reads `my_role` for this user, not asking again
    if not allows(board.my_role, action, board):
        raise PermissionDenied(denied_message(action))
    return board


def role_on(user, board_id: int, known: Board | None = None) -> int | None:
    """`user`'s role on the board `board_id`, None if it is hidden from them. `known`, a board
    board_for gave this user, answers without a query."""
    if not user.is_authenticated:
        return None
    if (
        known is not None
        and known.pk == board_id
        and getattr(known, "my_role_for", None) == user.pk
    ):
        return known.my_role
    return visible_boards(user).filter(pk=board_id).values_list("my_role", flat=True).first()


def can(user, action: Action | str, target, *, board: Board | None = None) -> bool:
    """Whether `user` may do `action` to `target`: a board for a board action, else the object
    (a message, a file) the action names. `board`, the board page's own, spares a query."""
    action = Action(action)
    if isinstance(target, Board):
        return allows(role_on(user, target.pk, known=target), action, target)
    role = role_on(user, target.board_id, known=board)
    rule = OBJECT_RULES[action]
    is_owner = user.pk is not None and getattr(target, rule.owner) == user.pk
    return (is_owner and allows(role, action)) or (
        rule.or_anyone_who is not None and allows(role, rule.or_anyone_who)
    )


def require(user, action: Action, target) -> None:
    """What a service calls before it changes `target`: PermissionRefused unless `can`."""
    if not can(user, action, target):
        if isinstance(target, Board):  # a board action: the role it needs says why
            raise PermissionRefused(denied_message(action))
        raise PermissionRefused(OBJECT_RULES[action].refused)


class BoardPermission(BasePermission):
    """The API's adapter: resolves `view.board` by board_for, for the action the viewset declares
    for this request in `board_actions` (anything undeclared needs MANAGE). Runs after
    authentication: an anonymous caller has had its 401."""

    def has_permission(self, request, view) -> bool:
        board_id = view.kwargs.get(getattr(view, "board_url_kwarg", "board_id"))
        if board_id is None or getattr(view, "swagger_fake_view", False):
            return True  # about no board in particular (the list of boards, a new board)
        action = view.board_actions.get(view.action, Action.MANAGE)
        view.board = board_for(request.user, board_id, action)
        return True
