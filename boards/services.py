"""Every change to boards, columns, tags and memberships. The rules live here, once."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from accounts.services import audit_record
from boards.locks import lock_board
from boards.models import Board, Column, Membership, Role, Tag, Visibility
from boards.realtime import ACCESS_CHANGED, board_changed
from boards.selectors import board_admins
from csboard.core.exceptions import (
    InvalidInput,
    LastAdmin,
    NotFound,
    WipLimitReached,
)
from csboard.core.ordering import place
from csboard.core.validation import full_clean_or_raise

BOARD_TEMPLATES: dict[str, list[str]] = {
    "customer-success": ["New tickets", "Open tickets", "Feature requests", "Bugs", "Done"],
    "simple": ["To do", "In progress", "Done"],
}
DEFAULT_TEMPLATE = "simple"
UNSET = object()


# --- Boards ------------------------------------------------------------------------------------
def _save_board(board: Board, **options) -> None:
    """Save; a key taken since validation (by a concurrent create) is a field error too."""
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives
            board.save(**options)
    except IntegrityError:
        message = f"The key {board.key} is already taken."
        raise InvalidInput(message, fields={"key": [message]}) from None


@transaction.atomic
def board_create(
    *,
    name: str,
    key: str,
    created_by,
    description: str = "",
    visibility: str = Visibility.PRIVATE,
    timezone: str = "UTC",
    template: str | None = None,
) -> Board:
    template = template or DEFAULT_TEMPLATE
    if template not in BOARD_TEMPLATES:
        raise InvalidInput(
            "Unknown board template.",
            fields={"template": [f"Choose one of: {', '.join(BOARD_TEMPLATES)}."]},
        )
    board = Board(
        name=name.strip(),
        key=key.strip().upper(),
        description=description,
        visibility=visibility,
        timezone=timezone,
        created_by=created_by,
    )
    full_clean_or_raise(board)
    _save_board(board)
    Membership.objects.create(board=board, user=created_by, role=Role.ADMIN)
    names = BOARD_TEMPLATES[template]
    # Every template ends with its done column: tickets that reach it are resolved.
    Column.objects.bulk_create(
        Column(board=board, name=name, position=index, is_done=index == len(names) - 1)
        for index, name in enumerate(names)
    )
    return board


@transaction.atomic
def board_update(*, board: Board, by=None, **changes) -> Board:
    allowed = {"name", "key", "description", "visibility", "timezone"}
    old_visibility = board.visibility
    for field, value in changes.items():
        if field not in allowed:
            raise InvalidInput(f"{field} cannot be changed here.", fields={field: ["Read-only."]})
        setattr(board, field, value.strip().upper() if field == "key" else value)
    full_clean_or_raise(board, exclude=["created_by"])
    # Only the fields changed here: a full save from a stale copy would turn back next_number.
    _save_board(board, update_fields=[*changes, "updated_at"])
    if board.visibility != old_visibility:
        board_changed(board.pk, kind=ACCESS_CHANGED)
        audit_record(
            kind=AuditEvent.Kind.VISIBILITY_CHANGED,
            actor=by,
            board=board,
            old=old_visibility,
            new=board.visibility,
        )
    return board


@transaction.atomic
def board_delete(*, board: Board) -> None:
    # Tickets (archived ones too) protect their column from deletion; remove them first, then
    # the rest cascades.
    board_changed(board.pk, kind=ACCESS_CHANGED)  # its open sockets close
    board.tickets(manager="all_objects").all().delete()  # the archived ones too
    board.delete()


# --- Names unique on a board --------------------------------------------------------------------
def name_taken_message(item: Column | Tag) -> str:
    return f"This board already has a {type(item).__name__.lower()} named “{item.name}”."


def ensure_name_free(item: Column | Tag) -> None:
    """Refuse a column or tag name that another of the board's columns or tags already has,
    whatever its case (each has a unique constraint on its lower-cased name, which would only
    say "violated", and not about which field). Call with the board locked."""
    clash = type(item).objects.filter(board_id=item.board_id, name__iexact=item.name)
    if item.name and clash.exclude(pk=item.pk).exists():
        message = name_taken_message(item)
        raise InvalidInput(message, fields={"name": [message]})


# --- Columns -----------------------------------------------------------------------------------
WIP_LIMIT_MESSAGE = "A WIP limit is at least 1; leave it empty for no limit."


def _check_wip_limit(wip_limit: int | None) -> None:
    # The database's check constraint would only say "violated", and not about which field.
    if wip_limit is not None and wip_limit < 1:
        raise InvalidInput(WIP_LIMIT_MESSAGE, fields={"wip_limit": [WIP_LIMIT_MESSAGE]})


def column_ensure_room(column: Column, incoming: int = 1) -> None:
    """Refuse to add `incoming` tickets to a column at its WIP limit. Call with the column locked."""
    if column.wip_limit is None:
        return
    if column.tickets.count() + incoming > column.wip_limit:
        raise WipLimitReached(
            f"“{column.name}” is at its WIP limit of {column.wip_limit}: "
            "finish or move a ticket out of it first."
        )


@transaction.atomic
def column_create(
    *,
    board: Board,
    name: str,
    wip_limit: int | None = None,
    position: int | None = None,
    is_done: bool = False,
) -> Column:
    """A new column, last or at `position` (an index). It may count as done from the start: it
    holds no ticket yet, so nothing is resolved (a column's flag changed later is
    tickets.services.column_set_done, which resolves the tickets in it)."""
    lock_board(board.pk)  # serialises concurrent column edits on one board
    _check_wip_limit(wip_limit)
    column = Column(board=board, name=name.strip(), wip_limit=wip_limit, is_done=is_done)
    column.position = board.columns.count()  # positions are dense: the count is the next index
    ensure_name_free(column)
    full_clean_or_raise(column)
    column.save()
    if position is not None:
        place(list(board.columns.all()), column, position)
    board_changed(board.pk, kind="columns")
    return column


@transaction.atomic
def column_update(*, column: Column, name=UNSET, wip_limit=UNSET, position=UNSET) -> Column:
    lock_board(column.board_id)
    changed = []
    if name is not UNSET:
        column.name = name.strip()
        changed.append("name")
    if wip_limit is not UNSET:
        _check_wip_limit(wip_limit)
        column.wip_limit = wip_limit
        changed.append("wip_limit")
    ensure_name_free(column)
    full_clean_or_raise(column)
    if changed:
        column.save(update_fields=changed)
    if position is not UNSET and position is not None:
        place(list(Column.objects.filter(board_id=column.board_id)), column, position)
    board_changed(column.board_id, kind="columns")
    return column


# --- Tags --------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(*, board: Board, name: str, color: str = "#6366f1") -> Tag:
    lock_board(board.pk)  # two clients adding the same name: the second sees the first's tag
    tag = Tag(board=board, name=name.strip(), color=color)
    ensure_name_free(tag)
    full_clean_or_raise(tag)
    tag.save()
    return tag


@transaction.atomic
def tag_update(*, tag: Tag, name=UNSET, color=UNSET) -> Tag:
    lock_board(tag.board_id)
    if name is not UNSET:
        tag.name = name.strip()
    if color is not UNSET:
        tag.color = color
    ensure_name_free(tag)
    full_clean_or_raise(tag)
    tag.save()
    return tag


def tag_delete(*, tag: Tag) -> None:
    tag.delete()


# --- Members -----------------------------------------------------------------------------------
def _ensure_another_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    if not board_admins(membership.board_id).exclude(pk=membership.user_id).exists():
        raise LastAdmin("A board needs at least one admin: make someone else admin first.")


def _refresh_under_lock(membership: Membership) -> None:
    """Lock the membership (after the board, boards/locks.py) and read it again; NotFound once
    someone removed it. An assignment of this person in flight holds the lock too, so it is
    either finished and unassigned below, or refused once this change commits."""
    if not Membership.objects.select_for_update(no_key=True).filter(pk=membership.pk).exists():
        raise NotFound("This person was removed from the board meanwhile.")
    membership.refresh_from_db()


def _unassign_everywhere(membership: Membership) -> None:
    """Only members and admins may be assigned: whoever leaves that circle leaves its tickets.
    In the caller's transaction, under its locks. The assignment rows are reached through the
    relation tickets declares on the user (`assigned_tickets`), not by importing tickets, which
    sits above boards."""
    assignments = get_user_model().assigned_tickets.through.objects
    assignments.filter(ticket__board_id=membership.board_id, user_id=membership.user_id).delete()


@transaction.atomic
def membership_add(*, board: Board, user, role: int = Role.MEMBER, by=None) -> Membership:
    lock_board(board.pk)  # two admins adding the same user: the second sees the first's
    if Membership.objects.filter(board=board, user=user).exists():
        raise InvalidInput(
            f"{user.username} is already a member of this board.",
            fields={"user": [f"{user.username} is already a member of this board."]},
        )
    membership = Membership.objects.create(board=board, user=user, role=Role(role))
    audit_record(
        kind=AuditEvent.Kind.MEMBER_ADDED,
        actor=by,
        target_user=user,
        board=board,
        role=Role(role).slug,
    )
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: int, by=None) -> Membership:
    lock_board(membership.board_id)  # two admins demoting each other at once: one must lose
    _refresh_under_lock(membership)
    if role != Role.ADMIN:
        _ensure_another_admin(membership)
    old_role = Role(membership.role)
    membership.role = Role(role)
    membership.save(update_fields=["role"])
    if membership.role != old_role:
        board_changed(membership.board_id, kind=ACCESS_CHANGED)
        audit_record(
            kind=AuditEvent.Kind.ROLE_CHANGED,
            actor=by,
            target_user=membership.user,
            board_id=membership.board_id,
            old=old_role.slug,
            new=membership.role.slug,
        )
    if membership.role < Role.MEMBER:
        _unassign_everywhere(membership)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by=None) -> None:
    lock_board(membership.board_id)
    _refresh_under_lock(membership)
    _ensure_another_admin(membership)
    _unassign_everywhere(membership)
    audit_record(
        kind=AuditEvent.Kind.MEMBER_REMOVED,
        actor=by,
        target_user=membership.user,
        board_id=membership.board_id,
        role=Role(membership.role).slug,
    )
    membership.delete()
    board_changed(membership.board_id, kind=ACCESS_CHANGED)
