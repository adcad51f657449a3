"""Every change to tickets: numbering, moves under WIP limits, edits. The rules live here, once."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record
from boards import services as board_services
from boards.locks import lock_board, lock_column, lock_columns
from boards.models import Board, Column, Tag
from boards.realtime import board_changed, people_changed
from boards.selectors import board_team, team_memberships
from boards.services import UNSET, column_ensure_room
from csboard.core.aftercommit import after_commit
from csboard.core.events import current_origin
from csboard.core.exceptions import ColumnNotEmpty, Conflict, InvalidInput, MovedMeanwhile
from csboard.core.ordering import RANK_STEP, place, rank_between
from csboard.core.validation import full_clean_or_raise
from customers.services import customer_for_email
from notifications.models import Notification
from notifications.services import notify
from sla.selectors import delay_deadline, paused_between, ticket_deadlines
from tickets import events
from tickets.events import ticket_resolved
from tickets.fields import EDITABLE_FIELDS
from tickets.locks import (
    atomic_with_column,
    lock_board_for_create,
    lock_ticket,
    lock_ticket_with_column,
)
from tickets.models import Activity, Follower, Source, Status, Ticket
from tickets.ranks import position_of, rank_at, rank_last
from tickets.selectors import ticket_interested_ids


def _check_column(board: Board, column: Column | None) -> Column:
    if column is None:
        column = board.columns.order_by("position", "id").first()
        if column is None:
            raise InvalidInput(
                "This board has no column yet.", fields={"column": ["Add a column first."]}
            )
    if column.board_id != board.pk:
        raise InvalidInput("Unknown column.", fields={"column": ["Choose a column of this board."]})
    return column


def _check_assignees(board: Board, users: Iterable) -> list:
    users = list(users)
    # Their memberships stay locked until this write commits (after the ticket, boards/locks.py):
    # a removal or demotion meanwhile waits, then takes the assignment away with the rest.
    memberships = team_memberships(board).filter(user__in=users)
    allowed = set(memberships.select_for_update(no_key=True).values_list("user_id", flat=True))
    refused = [u.username for u in users if u.pk not in allowed]
    if refused:
        message = f"Only members and admins of this board can be assigned: {', '.join(refused)}."
        raise InvalidInput(message, fields={"assignees": [message]})
    return users


def _check_tags(board: Board, tags: Iterable[Tag]) -> list[Tag]:
    tags = list(tags)
    if any(tag.board_id != board.pk for tag in tags):
        raise InvalidInput("Unknown tag.", fields={"tags": ["Choose tags of this board."]})
    return tags


# The history rows the apps above hear of (tickets.events), and what each tells them.
_EVENTS = {
    Activity.Kind.CREATED: (events.ticket_created, lambda row: {"source": row.ticket.source}),
    Activity.Kind.MOVED: (
        events.ticket_moved,
        lambda row: {"column_id": row.to_column_id, "from_column_id": row.from_column_id},
    ),
    Activity.Kind.STATUS: (
        events.ticket_status_changed,
        lambda row: {"from_value": row.from_value, "to_value": row.to_value},
    ),
    Activity.Kind.PRIORITY: (
        events.ticket_priority_changed,
        lambda row: {"from_value": row.from_value, "to_value": row.to_value},
    ),
    Activity.Kind.TAGS: (events.ticket_tagged, lambda row: {"added": row.data["added"]}),
    Activity.Kind.ASSIGNEES: (events.ticket_assigned, lambda row: {"added": row.data["added"]}),
}

# The kinds of history that change what a ticket says (its title, description, customer, tags,
# conversation; a merge moves a conversation and may give a customer): each tells the apps above
# (tickets.events.ticket_text_changed; search re-reads the ticket's words after commit).
WORDS_CHANGED = frozenset(
    {
        Activity.Kind.CREATED,
        Activity.Kind.EDITED,
        Activity.Kind.TAGS,
        Activity.Kind.COMMENT,
        Activity.Kind.MERGED,
    }
)


def activity_record(*, ticket: Ticket, by, kind: str, **details) -> Activity:
    """Write one entry of the ticket's history. Every service that changes a ticket calls it,
    inside its own transaction, so that history and change land (or fail) together. A change
    made by an automation rule (csboard.core.events `acting`) names the rule in the row's data;
    the rows of tickets.events are emitted, to be heard after commit."""
    board_changed(ticket.board_id, kind=kind, ticket=ticket.number)
    _tell_interested(ticket)
    if kind in WORDS_CHANGED:
        events.ticket_text_changed.emit(ticket_id=ticket.pk)
    origin = current_origin()
    if origin.is_automation:
        details["data"] = {**details.get("data", {}), "rule": origin.name, "rule_id": origin.id}
    row = Activity.objects.create(
        board_id=ticket.board_id, ticket=ticket, actor=by, kind=kind, **details
    )
    event = _EVENTS.get(kind)
    if event is not None and row.data.get("added", True):  # not for tags or people only removed
        emit, facts = event
        emit.emit(
            ticket_id=ticket.pk, board_id=ticket.board_id, key=f"activity:{row.pk}",
            origin=origin.kind, **facts(row),
        )  # fmt: skip
    return row


def _history_row(ticket: Ticket, by, kind: str, now, **details) -> Activity:
    """A line of history not yet written, for the writes that insert many at once."""
    return Activity(
        board_id=ticket.board_id, ticket=ticket, actor=by, kind=kind, created_at=now, **details
    )


def _tell_interested(ticket: Ticket) -> None:
    """The people whose My work shows the ticket (its assignees and followers, as they are once
    the change commits) hear that it changed. Their pages redraw once for a burst of events.
    A write that read them with its lock (a move: tickets.locks.with_sets) tells those."""
    known = getattr(ticket, "interested_ids", None)
    if known is None:
        after_commit(_tell_interested_now, ticket.pk)
    else:
        people_changed(known)


def _tell_interested_now(ticket_id: int) -> None:
    people_changed(ticket_interested_ids(ticket_id))


def _follow(ticket: Ticket, users: Iterable) -> None:
    """`users` follow the ticket (those who already do, still do): its assignees and creator."""
    Follower.objects.bulk_create(
        [Follower(ticket=ticket, user=user) for user in users if user is not None],
        ignore_conflicts=True,
    )


@transaction.atomic
def ticket_follow(*, ticket: Ticket, user) -> bool:
    """`user` follows the ticket: they hear of its messages (tickets.selectors.ticket_followers)
    and My work lists it. The caller checks that they may see it (anyone who may see the
    ticket may follow it, guests too). Following twice is following. Returns whether it is new."""
    _, created = Follower.objects.get_or_create(ticket=ticket, user=user)
    if created:
        people_changed([user.pk])
    return created


@transaction.atomic
def ticket_unfollow(*, ticket: Ticket, user) -> bool:
    """`user` stops following the ticket (an assignee too: assigning again follows again).
    Returns whether they followed it."""
    deleted, _ = Follower.objects.filter(ticket=ticket, user=user).delete()
    if deleted:
        people_changed([user.pk])
    return bool(deleted)


def _stamp(value) -> str:
    return value.isoformat() if value is not None else ""


def _notify_assigned(ticket: Ticket, users: Iterable, by) -> None:
    notify(
        recipients=users,
        kind=Notification.Kind.ASSIGNED,
        actor=by,
        ticket=ticket,
        title=f"You were assigned {ticket.reference}: {ticket.title}",
        url=ticket.get_absolute_url(),
    )


def _mark_resolved(ticket: Ticket) -> None:
    """The moment a ticket becomes resolved: it enters the Resolved status or a done column.
    The one place that stamps `resolved_at` (SLA clocks stop, reminders stop); runs inside the
    caller's transaction before the ticket is saved, so the apps above hear of it after commit
    (tickets.events.ticket_resolved: feedback asks for a CSAT rating)."""
    if ticket.resolved_at is None:
        ticket.resolved_at = timezone.now()
        if ticket.pk is not None:
            ticket_resolved.emit(
                ticket_id=ticket.pk, board_id=ticket.board_id, customer_email=ticket.customer_email
            )


def _attach_customer(ticket: Ticket) -> None:
    """A ticket with a customer email belongs to that customer (created on first sight). The
    name, company and phone stay on the ticket: they are what this board knows."""
    ticket.customer = customer_for_email(email=ticket.customer_email)


def _apply_resolution(ticket: Ticket) -> None:
    """The one rule of resolution, for every path that changes a ticket's column or status
    (create, edit, move): a ticket is resolved while it has the Resolved status or sits in a
    done column, and open otherwise. Entering resolution stamps `resolved_at` once
    (_mark_resolved); leaving it clears the stamp (a reopened ticket's clocks run again)."""
    if ticket.status == Status.RESOLVED or ticket.column.is_done:
        _mark_resolved(ticket)
    else:
        ticket.resolved_at = None


def _apply_sla(ticket: Ticket, start, *, was: tuple | None = None) -> None:
    """Deadlines from the board's SLA policy for the ticket's priority; a due date a person set
    by hand stays. `was`: the (first response, due) deadlines before this change, None for a new
    ticket. A deadline written is stamped, so that the next SLA sweep also reminds of one that
    is already past (or inside a lead time) when written, not only of those it sees crossed."""
    deadlines = ticket_deadlines(
        board=ticket.board, priority=ticket.priority, start=start, paused=ticket.paused_for
    )
    ticket.first_response_due_at = deadlines.first_response
    if not ticket.due_is_manual:
        ticket.due_at = deadlines.resolution
    if was != (ticket.first_response_due_at, ticket.due_at):
        ticket.sla_changed_at = timezone.now()


def _apply_waiting(ticket: Ticket, was: str | None) -> list[str]:
    """The one rule of the paused resolution clock, for every status change (`was`: the status
    before, None for a new ticket): entering Waiting on customer stamps `waiting_since`; leaving
    it adds the business time waited to `paused_for` and moves the due date later by as much
    (unless a person set it). Returns the fields written."""
    if ticket.status == was:
        return []
    now = timezone.now()
    if ticket.status == Status.WAITING:
        ticket.waiting_since = now
        return ["waiting_since"]
    if was != Status.WAITING or ticket.waiting_since is None:
        return []
    waited = paused_between(ticket.board, ticket.waiting_since, now)
    ticket.paused_for += waited
    ticket.waiting_since = None
    if ticket.due_at is not None and not ticket.due_is_manual and waited:
        ticket.due_at = delay_deadline(ticket.board, ticket.due_at, waited)
    # Stamped even when the date stays (one set by hand): the next sweep then also reminds of a
    # deadline that passed while the reminders held off.
    ticket.sla_changed_at = now
    return ["waiting_since", "paused_for", "due_at", "sla_changed_at"]


@transaction.atomic
def ticket_create(
    *,
    board: Board,
    created_by,
    title: str,
    column: Column | None = None,
    assignees: Iterable = (),
    tags: Iterable[Tag] = (),
    source: str = Source.TEAM,
    notify_assignees: bool = True,
    **fields,
) -> Ticket:
    """Open a ticket: `created_by` the person who opens it, or None where the system does (its
    `source` then says which part of it, e.g. the feedback intake). The assignees are notified
    of the assignment, unless `notify_assignees` is False: a caller that tells them why itself
    (the feedback intake's detractor notice), so that they hear of it once."""
    unknown = set(fields).difference(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    # Lock the board row, then take and bump its counter: concurrent creates queue up here, so
    # no two tickets of a board ever share a number (and the unique constraint backs this up).
    # Board, then column: the lock order of boards/locks.py.
    board = lock_board_for_create(board.pk)
    column = lock_column(_check_column(board, column).pk)
    column_ensure_room(column)
    assignees = _check_assignees(board, assignees)
    tags = _check_tags(board, tags)
    rank, position = rank_last(column.pk)
    ticket = Ticket(
        board=board,
        number=board.next_number,
        title=title.strip(),
        column=column,
        rank=rank,
        created_by=created_by,
        source=source,
        due_is_manual=fields.get("due_at") is not None,
        **fields,
    )
    _apply_sla(ticket, start=timezone.now())
    _apply_waiting(ticket, was=None)
    _apply_resolution(ticket)
    # Every field checked before anything is written, the customer row included. Not the rows it
    # points at, nor its number: the board and column are locked here, the creator is the caller,
    # and the board's lock makes the number unique (its constraint backs that up).
    full_clean_or_raise(
        ticket, exclude=["board", "column", "created_by"], validate_constraints=False
    )
    _attach_customer(ticket)
    board.next_number += 1
    board.save(update_fields=["next_number"])
    ticket.save()
    ticket.position = position
    if assignees:  # a new ticket has none to compare with
        ticket.assignees.add(*assignees)
    _follow(ticket, [created_by, *assignees])
    if tags:
        ticket.tags.add(*tags)
    activity_record(
        ticket=ticket,
        by=created_by,
        kind=Activity.Kind.CREATED,
        to_column=column,
        to_value=ticket.status,
        data={"priority": ticket.priority},
    )
    if notify_assignees:
        _notify_assigned(ticket, assignees, created_by)
    return ticket


def ticket_record_first_response(*, ticket: Ticket, by, at=None) -> None:
    """Stop the first-response clock, once: the first public reply to the customer by a member
    or admin of the board (mail.outbound's reply_send; not a guest, not the system). An internal
    note, a status change or a move answers nobody. Later responses change nothing."""
    if ticket.first_response_at is not None or by is None:
        return
    if not board_team(ticket.board_id).filter(pk=by.pk).exists():
        return
    at = at or timezone.now()
    if Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
        first_response_at=at
    ):
        ticket.first_response_at = at


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    by=None,
    assignees=None,
    tags=None,
    column: Column | None = None,
    assignees_add: Iterable = (),
    assignees_remove: Iterable = (),
    tags_add: Iterable = (),
    tags_remove: Iterable = (),
    **changes,
) -> Ticket:
    """Edit fields as `by`; a `column` different from the ticket's own moves it there (last
    place). `assignees` and `tags` replace the whole set; `*_add` and `*_remove` change it from
    what it is under the ticket's lock, so that two people assigning themselves at once both
    stay assigned (a whole set read before and sent back would drop the other one)."""
    unknown = set(changes).difference(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    for name, whole, add, remove in (
        ("assignees", assignees, assignees_add, assignees_remove),
        ("tags", tags, tags_add, tags_remove),
    ):
        if whole is not None and (add or remove):
            message = f"Send either {name} or {name}_add/{name}_remove, not both."
            raise InvalidInput(message, fields={name: [message]})
    if column is not None and column.pk != ticket.column_id:
        # Move first: it locks the columns before the ticket (boards/locks.py). Locking the
        # ticket first would hold its row while waiting for the columns: a deadlock.
        ticket = ticket_move(ticket=ticket, column=column, by=by)
    else:
        lock_ticket(ticket.pk)  # NotFound once deleted
        ticket.refresh_from_db()  # the caller's copy, as it is now under the lock
    if "due_at" in changes and changes["due_at"] == ticket.due_at:
        del changes["due_at"]  # the same date sent back (e.g. by the edit form) sets nothing
    # A priority change may move the SLA due date: history shows that as a due change too.
    watched = {*changes, "due_at"} if "priority" in changes else set(changes)
    before = {field: getattr(ticket, field) for field in watched}
    deadlines_were = (ticket.first_response_due_at, ticket.due_at)
    status_was = ticket.status
    for field, value in changes.items():
        setattr(ticket, field, value.strip() if field == "title" else value)
    stamped = _apply_waiting(ticket, was=status_was)
    _apply_resolution(ticket)
    stamped += ["resolved_at"] if "status" in changes else []
    if "customer_email" in changes:
        stamped.append("customer")
    if "due_at" in changes or "priority" in changes:
        # A date set by hand sticks; clearing it hands the due date back to the SLA policy (a
        # ticket has "no due date" only on a board whose policy gives none).
        if "due_at" in changes:
            ticket.due_is_manual = changes["due_at"] is not None
        _apply_sla(ticket, start=ticket.created_at, was=deadlines_were)
        stamped += ["due_at", "due_is_manual", "first_response_due_at", "sla_changed_at"]
    full_clean_or_raise(ticket)
    if "customer_email" in changes:
        _attach_customer(ticket)  # after the checks: no customer row for a refused edit
    # Only the fields edited here: a full save from a stale copy would undo a concurrent move
    # (column and position), even into a column at its WIP limit.
    ticket.save(update_fields=list({*changes, *stamped, "updated_at"}))
    changed = [field for field in before if getattr(ticket, field) != before[field]]
    if assignees_add or assignees_remove:
        assignees = _changed_set(ticket.assignees.all(), assignees_add, assignees_remove)
    if tags_add or tags_remove:
        tags = _changed_set(ticket.tags.all(), tags_add, tags_remove)
    if assignees is not None:
        _set_assignees(ticket, _check_assignees(ticket.board, assignees), by)
    if tags is not None:
        _set_tags(ticket, _check_tags(ticket.board, tags), by)
    due_note = {}
    if "due_at" in changed and not ticket.due_is_manual:
        # The date now comes from the SLA policy: given back by a person, or moved by priority.
        due_note = {"by_sla": True, "given_back": "due_at" in changes}
    _record_changes(ticket, by, before, changed, due_note)
    return ticket


def _changed_set(current: Iterable, add: Iterable, remove: Iterable) -> list:
    """The set as it is now (read under the ticket's lock), plus `add`, minus `remove`."""
    gone = {item.pk for item in remove}
    kept = {item.pk: item for item in current if item.pk not in gone}
    kept.update((item.pk, item) for item in add if item.pk not in gone)
    return list(kept.values())


def _record_changes(ticket: Ticket, by, before: dict, changed: list[str], due_note: dict) -> None:
    for field, kind, show in (
        ("status", Activity.Kind.STATUS, str),
        ("priority", Activity.Kind.PRIORITY, str),
        ("due_at", Activity.Kind.DUE, _stamp),
    ):
        if field in changed:
            activity_record(
                ticket=ticket,
                by=by,
                kind=kind,
                from_value=show(before[field]),
                to_value=show(getattr(ticket, field)),
                data=due_note if field == "due_at" else {},
            )
    edited = [f for f in changed if f not in ("status", "priority", "due_at")]
    if edited:
        activity_record(ticket=ticket, by=by, kind=Activity.Kind.EDITED, data={"fields": edited})


def _set_assignees(ticket: Ticket, users: list, by) -> None:
    current = {user.pk: user for user in ticket.assignees.all()}
    wanted = {user.pk: user for user in users}
    added = [user for pk, user in wanted.items() if pk not in current]
    removed = [user for pk, user in current.items() if pk not in wanted]
    if not (added or removed):
        return
    ticket.assignees.set(users)
    _follow(ticket, added)
    # Whoever left the ticket's assignees sees it leave their list, followed or not.
    people_changed(user.pk for user in removed)
    activity_record(
        ticket=ticket,
        by=by,
        kind=Activity.Kind.ASSIGNEES,
        data={
            "added": [user.username for user in added],
            "removed": [user.username for user in removed],
        },
    )
    _notify_assigned(ticket, added, by)


def _set_tags(ticket: Ticket, tags: list[Tag], by) -> None:
    current = {tag.pk: tag for tag in ticket.tags.all()}
    wanted = {tag.pk: tag for tag in tags}
    added = [tag.name for pk, tag in wanted.items() if pk not in current]
    removed = [tag.name for pk, tag in current.items() if pk not in wanted]
    if not (added or removed):
        return
    ticket.tags.set(tags)
    activity_record(
        ticket=ticket, by=by, kind=Activity.Kind.TAGS, data={"added": added, "removed": removed}
    )


def _ensure_where_expected(
    ticket: Ticket, columns: dict[int, Column], from_column: int | None, from_position: int | None
) -> None:
    """Refuse a move made from a stale view: the caller says where it saw the ticket, and
    someone has moved it since. Checked under the column locks, so no move slips in between."""
    here = columns[ticket.column_id]
    if from_column is not None and from_column != ticket.column_id:
        raise MovedMeanwhile(f"Someone moved this ticket meanwhile: it is now in {here.name}.")
    if from_position is not None:
        ticket.position = position_of(ticket)
        if from_position != ticket.position:
            raise MovedMeanwhile(
                "Someone moved this ticket meanwhile: it is now at position "
                f"{ticket.position + 1} in {here.name}."
            )


def ticket_move(
    *,
    ticket: Ticket,
    column: Column | int,
    position: int | None = None,
    by=None,
    from_column: int | None = None,
    from_position: int | None = None,
    answer: bool = False,
) -> Ticket:
    """Move `ticket` to `position` (an index; None = last) in `column`. Entering a column at its
    WIP limit is refused; reordering within a column always works. The ticket takes a rank
    between its new neighbours (tickets.ranks): no other row is written, unless the gap between
    them ran out and the target column is renumbered once.
    `from_column` (an id) and `from_position`, when given, are where the caller last saw the
    ticket: if it has moved since, the move is refused (MovedMeanwhile) rather than silently
    undoing someone else's. One transaction (a savepoint when nested), run again from the top
    if the ticket left the column the caller saw it in before its lock was held.
    `column` may be an id as a request gave it: read with its lock, refused (InvalidInput) when
    it is not a column of the ticket's board. `answer`: the ticket returned carries its people,
    tags and board's SLA policy for the caller's answer, read with its lock."""
    column_id = _check_column(ticket.board, column).pk if isinstance(column, Column) else column

    def move(seen_in: int | None) -> Ticket:
        moved, locked = lock_ticket_with_column(
            ticket.pk, column_id, seen_in=seen_in, answer=answer, board_id=ticket.board_id
        )
        if column_id not in locked:
            raise InvalidInput(
                "Unknown column.", fields={"column": ["Choose a column of this board."]}
            )
        _ensure_where_expected(moved, locked, from_column, from_position)
        return _move(moved, locked[column_id], position, by)

    return atomic_with_column(move, ticket.column_id)


def _move(ticket: Ticket, target: Column, position: int | None, by) -> Ticket:
    """ticket_move under the locks of both columns and the ticket."""
    entering = ticket.column_id != target.pk
    if entering:
        column_ensure_room(target)
        activity_record(
            ticket=ticket,
            by=by,
            kind=Activity.Kind.MOVED,
            from_column_id=ticket.column_id,
            to_column=target,
        )
        ticket.column = target
        _apply_resolution(ticket)
    # The moved row alone is written (a renumbering of the target, when its gaps ran out, aside).
    ticket.rank, ticket.position = rank_at(target.pk, position, exclude=ticket.pk)
    ticket.save(update_fields=["column", "rank", "resolved_at", "updated_at"])
    if not entering:
        board_changed(ticket.board_id, kind="reordered", ticket=ticket.number)
    return ticket


def ticket_archive(*, ticket: Ticket, by=None) -> Ticket:
    """What deleting a ticket does: it leaves the board, its lists and counts (its column's WIP
    limit among them), the metrics' open tickets, search, the SLA sweeps and the portal
    (Ticket.objects leaves it out), and keeps its number (the board's counter never goes back)
    and its history, for ticket_restore or, from the archive, ticket_delete. NotFound when it
    was archived or deleted meanwhile."""

    def archive(seen_in: int | None) -> Ticket:
        locked, _ = lock_ticket_with_column(ticket.pk, seen_in=seen_in)
        locked.archived_at, locked.archived_by = timezone.now(), by
        locked.save(update_fields=["archived_at", "archived_by", "updated_at"])
        activity_record(ticket=locked, by=by, kind=Activity.Kind.ARCHIVED)
        return locked

    return atomic_with_column(archive, ticket.column_id)


def ticket_restore(*, ticket: Ticket, by=None) -> Ticket:
    """Bring an archived ticket back to its column, at the end, as entering the column would:
    refused at the column's WIP limit (WipLimitReached, a 409), nothing written; a merged ticket
    stays where it was merged (Conflict). NotFound when it was restored or deleted meanwhile."""

    def restore(seen_in: int | None) -> Ticket:
        restored, columns = lock_ticket_with_column(ticket.pk, seen_in=seen_in, archived=True)
        if restored.merged_into_id is not None:
            raise Conflict(
                f"{restored.reference} was merged into another ticket: its conversation is "
                "there now, so it cannot be restored."
            )
        column = columns[restored.column_id]
        column_ensure_room(column)
        restored.rank, restored.position = rank_last(column.pk)
        restored.archived_at = restored.archived_by = None
        restored.column = column  # its done flag may have changed while it was archived
        _apply_resolution(restored)
        # Its deadlines are as good as written now: the next SLA sweep, which left the archived
        # ticket out, reminds of those that passed meanwhile (and re-arms the reminders skipped
        # for the archive), as for a deadline written late.
        restored.sla_changed_at = timezone.now()
        fields = [
            "archived_at", "archived_by", "rank", "resolved_at", "sla_changed_at", "updated_at"
        ]  # fmt: skip
        restored.save(update_fields=fields)
        activity_record(ticket=restored, by=by, kind=Activity.Kind.RESTORED, to_column=column)
        return restored

    return atomic_with_column(restore, ticket.column_id)


def ticket_delete(*, ticket: Ticket, by=None) -> None:
    """Delete a ticket for good, with its history (the archive's Delete for good, admins only:
    boards.permissions Action.MANAGE)."""

    def delete(seen_in: int | None) -> None:
        locked, _ = lock_ticket_with_column(ticket.pk, seen_in=seen_in, archived=None)
        locked.delete()  # the others keep their ranks: a gap is no harm
        board_changed(locked.board_id, kind="deleted", ticket=locked.number)

    atomic_with_column(delete, ticket.column_id)


# --- Columns: which of them count as done ------------------------------------------------------
# Here, not in boards.services: a column's done flag decides its tickets' resolution, and the
# one rule of resolution (_apply_resolution) lives in this app, above boards.
def _ensure_another_done_column(column: Column) -> None:
    """A board keeps at least one done column: its flow ends there, and a ticket moved into none
    is never resolved by the board (only by its status), so its SLA resolution clock would run
    on and the metrics' resolution times would be empty. Call with the board locked."""
    others = Column.objects.filter(board_id=column.board_id, is_done=True).exclude(pk=column.pk)
    if not others.exists():
        raise Conflict(
            f"“{column.name}” is this board’s only done column: mark another column as done "
            "first (tickets are resolved by reaching a done column).",
            fields={"is_done": ["A board needs at least one done column."]},
        )


def _resolve_tickets_in(column: Column, by) -> int:
    """Apply the rule of resolution to every ticket in `column`, whose done flag has just
    changed: resolved in a done column (resolved_at now, the SLA clocks stop, feedback asks
    for a rating after commit), open again out of one, unless their status says Resolved.
    Called with the board and the column locked; locks the tickets (in id order) after them, as
    boards/locks.py orders it: no move enters or leaves the column meanwhile. Each ticket whose
    resolution changed gets a line of history (in one insert), which the metrics read (a
    ticket reopened this way was not resolved at the first contact). Returns how many."""
    tickets = list(
        Ticket.objects.filter(column_id=column.pk)
        .select_for_update(no_key=True, of=("self",))
        .select_related("board")
        .order_by("pk")
    )
    now = timezone.now()
    changed, history = [], []
    for ticket in tickets:
        was_resolved = ticket.resolved_at is not None
        ticket.column = column  # the locked row, with its new flag
        _apply_resolution(ticket)
        if (ticket.resolved_at is not None) == was_resolved:
            continue
        ticket.updated_at = now
        changed.append(ticket)
        history.append(
            _history_row(
                ticket,
                by,
                Activity.Kind.RESOLUTION,
                now,
                from_value="open" if not was_resolved else "resolved",
                to_value="resolved" if not was_resolved else "open",
                to_column=column,
            )
        )
    Ticket.objects.bulk_update(changed, ["resolved_at", "updated_at"])
    Activity.objects.bulk_create(history)
    return len(changed)


def _set_done(column: Column, is_done: bool, by) -> int:
    """column_set_done's work, under the board's lock that the caller holds."""
    column = lock_column(column.pk)
    if column.is_done == is_done:
        return 0
    if not is_done:
        _ensure_another_done_column(column)
    column.is_done = is_done
    column.save(update_fields=["is_done"])
    count = _resolve_tickets_in(column, by)
    audit_record(
        kind=AuditEvent.Kind.DONE_COLUMN_CHANGED,
        actor=by,
        board_id=column.board_id,
        column=column.name,
        old="not done" if is_done else "done",
        new="done" if is_done else "not done",
        tickets=count,
    )
    return count


@transaction.atomic
def column_set_done(*, column: Column, is_done: bool, by=None) -> int:
    """Make `column` count as done (entering it resolves a ticket) or not, and resolve or reopen
    the tickets already in it, all in one transaction, through the one rule of resolution. The
    last done column of a board stays done (Conflict). Audited; every open view of the board
    redraws its columns after commit. Returns how many tickets changed."""
    lock_board(column.board_id)
    count = _set_done(column, is_done, by)
    board_changed(column.board_id, kind="columns")
    return count


@transaction.atomic
def column_delete(*, column: Column, move_to: Column | None = None, by=None) -> None:
    """Delete a column; its tickets, if it holds any, go to `move_to` (another column of the
    board), after its last ticket, as moves: each one's history says so, and the one rule of
    resolution applies (into a done column resolves them, out of one reopens them). Here, not
    in boards.services, for that rule. The board keeps a column and a done column (Conflict);
    the target's WIP limit holds for them all (WipLimitReached)."""
    lock_board(column.board_id)
    others = list(Column.objects.filter(board_id=column.board_id).exclude(pk=column.pk))
    if not others:
        raise Conflict("A board needs at least one column.")
    column.refresh_from_db(fields=["is_done"])  # as it is under the board's lock
    if column.is_done and not any(other.is_done for other in others):
        raise Conflict(
            f"“{column.name}” is this board’s only done column: mark another column as done "
            "before deleting it (tickets are resolved by reaching a done column)."
        )
    same_board = move_to is not None and move_to.board_id == column.board_id
    # Both columns at once, in id order as ticket moves take them: no ticket enters or leaves.
    locked = lock_columns(column.pk, *([move_to.pk] if same_board else []))
    tickets = list(
        Ticket.objects.filter(column_id=column.pk)
        .select_for_update(no_key=True, of=("self",))
        .select_related("board")
        .order_by("rank", "number")
    )
    if tickets:
        if move_to is None:
            raise ColumnNotEmpty(
                f"“{column.name}” still holds {len(tickets)} ticket(s): "
                "choose a column to move them to."
            )
        if move_to.pk == column.pk or not same_board:
            raise InvalidInput(
                "Choose another column of this board.",
                fields={"move_to": ["Choose another column of this board."]},
            )
        _move_all(tickets, column, locked[move_to.pk], by)
    # Archived tickets (only the all_objects manager sees them) follow, or go to the first
    # other column: a restore puts them at the end of wherever they are, and decides then.
    archived = Ticket.all_objects.filter(column_id=column.pk, archived_at__isnull=False)
    archived.update(column=move_to if same_board else others[0])
    column.delete()
    place(others)
    board_changed(column.board_id, kind="columns")


def _move_all(tickets: list[Ticket], column: Column, target: Column, by) -> None:
    """column_delete's moves: the tickets of `column`, locked, after `target`'s last ticket in
    their order (RANK_STEP apart, csboard.core.ordering), each with its line of history (the
    column left is named: it is about to go) and its resolution, in one update."""
    column_ensure_room(target, incoming=len(tickets))
    last = Ticket.objects.filter(column_id=target.pk).aggregate(last=Max("rank"))["last"]
    start = rank_between(last, None)
    now = timezone.now()
    history = []
    for offset, ticket in enumerate(tickets):
        ticket.column = target
        ticket.rank = start + offset * RANK_STEP
        ticket.updated_at = now
        _apply_resolution(ticket)
        history.append(
            _history_row(
                ticket,
                by,
                Activity.Kind.MOVED,
                now,
                from_column=column,
                to_column=target,
                data={"from_column_name": column.name},
            )
        )
    Activity.objects.bulk_create(history)
    Ticket.objects.bulk_update(tickets, ["column", "rank", "resolved_at", "updated_at"])


@transaction.atomic
def column_configure(*, column: Column, by=None, is_done=UNSET, **changes) -> Column:
    """Change a column's settings, its done flag among them: boards.services.column_update
    (name, WIP limit, position) and column_set_done, in one transaction."""
    lock_board(column.board_id)  # first, as both take it: board, then column (boards/locks.py)
    if changes:
        column = board_services.column_update(column=column, **changes)
    if is_done is not UNSET:
        _set_done(column, is_done, by)
        board_changed(column.board_id, kind="columns")
    column.refresh_from_db()
    return column


def _renamed_apart(columns: list[Column], names: dict[int, str]) -> None:
    """Write new names that may swap or shift between columns ("Doing" and "Review" trading
    places): the unique index on a board's lower-cased names is checked row by row, so the
    columns being renamed first take a name no person types (an invisible separator and the
    id), then their own."""
    renamed = [column for column in columns if column.name != names[column.pk]]
    for column in renamed:
        column.name = f"\u2063{column.pk}"
    Column.objects.bulk_update(renamed, ["name"])
    for column in renamed:
        column.name = names[column.pk]
    Column.objects.bulk_update(renamed, ["name"])


@transaction.atomic
def columns_save(*, board: Board, rows: list[dict], by=None) -> int:
    """Save every column of the board at once, as the settings page's columns form sends them:
    `rows` in their new order, each {"column", "name", "wip_limit", "is_done"}. All are checked
    before anything is written; a refusal names each field at fault (`"<column id>.name"`), and
    nothing is saved. Names are unique among the rows whatever their case (they may trade
    places); a board keeps at least one done column. Flags that change resolve or reopen the
    tickets in their columns (column_set_done's rule). Returns how many tickets changed."""
    lock_board(board.pk)
    # Every column at once, in id order (boards/locks.py): no move enters or leaves one meanwhile.
    current = lock_columns(*board.columns.values_list("pk", flat=True))
    if sorted(row["column"].pk for row in rows) != sorted(current):
        raise Conflict(
            "Someone added or deleted a column meanwhile: reload the page and try again."
        )
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    # Names kept first: a clash is the fault of the column renamed onto another's name.
    for row in sorted(rows, key=lambda row: row["name"].strip() != current[row["column"].pk].name):
        column = current[row["column"].pk]
        name = row["name"].strip()
        if not name:
            errors[f"{column.pk}.name"] = ["A column needs a name."]
        elif name.casefold() in seen:
            column.name = name
            errors[f"{column.pk}.name"] = [board_services.name_taken_message(column)]
        seen.add(name.casefold())
        if row["wip_limit"] is not None and row["wip_limit"] < 1:
            errors[f"{column.pk}.wip_limit"] = [board_services.WIP_LIMIT_MESSAGE]
    if errors:
        raise InvalidInput("Nothing was saved: see the errors beside the fields.", fields=errors)
    if not any(row["is_done"] for row in rows):
        raise Conflict(
            "A board needs at least one done column (tickets are resolved by reaching one): "
            "nothing was saved."
        )
    columns = [current[row["column"].pk] for row in rows]
    _renamed_apart(columns, {row["column"].pk: row["name"].strip() for row in rows})
    for position, (column, row) in enumerate(zip(columns, rows, strict=True)):
        column.position, column.wip_limit = position, row["wip_limit"]
    Column.objects.bulk_update(columns, ["position", "wip_limit"])
    # New done columns first: then unmarking one never leaves the board without any.
    flips = sorted(
        (row for row in rows if row["is_done"] != current[row["column"].pk].is_done),
        key=lambda row: not row["is_done"],
    )
    count = sum(_set_done(row["column"], row["is_done"], by) for row in flips)
    board_changed(board.pk, kind="columns")
    return count
