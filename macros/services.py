"""Every change to macros, and using one on a ticket. Who may do what:

- a shared macro (no owner) is the board's: its admins add, change and delete it; the team
  uses it; guests read the list;
- a personal macro is its owner's alone (a member or admin of the board): nobody else sees it;
- using one (filling it in, applying it) is work on a ticket: members and admins."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from boards.models import Board, Tag
from boards.permissions import Action, require
from boards.selectors import board_team
from csboard.core.exceptions import Conflict, InvalidInput, NotFound
from csboard.core.validation import full_clean_or_raise
from macros.models import Macro
from macros.placeholders import fill
from mail.outbound import reply_send
from tickets.models import Ticket
from tickets.services import ticket_update
from workspace.models import Message
from workspace.services import message_post

FIELDS = ("name", "kind", "body", "set_status", "assign_to_me", "assignee")


def _require_may_change(board: Board, by, shared: bool) -> None:
    require(by, Action.MANAGE if shared else Action.WORK, board)


def _check(macro: Macro, add_tags: list[Tag] | None, remove_tags: list[Tag] | None) -> None:
    errors: dict[str, list[str]] = {}
    tags = [*(add_tags or []), *(remove_tags or [])]
    if any(tag.board_id != macro.board_id for tag in tags):
        errors["add_tags"] = ["Choose tags of this board."]
    if add_tags and remove_tags and {t.pk for t in add_tags} & {t.pk for t in remove_tags}:
        errors["remove_tags"] = ["A tag is either added or removed, not both."]
    if macro.assign_to_me and macro.assignee_id:
        errors["assignee"] = ["Either assign whoever applies it, or one person."]
    if macro.assignee_id and not board_team(macro.board_id).filter(pk=macro.assignee_id).exists():
        errors["assignee"] = ["Only members and admins of this board can be assigned."]
    if errors:
        raise InvalidInput("The macro is not valid.", fields=errors)
    macro.name = macro.name.strip()
    full_clean_or_raise(macro, exclude=["board", "owner", "assignee"], validate_constraints=False)


def _save(macro: Macro, add_tags, remove_tags) -> Macro:
    _check(macro, add_tags, remove_tags)
    try:
        with transaction.atomic():
            macro.save()
    except IntegrityError:
        message = (
            "The board has a shared macro of that name already."
            if macro.is_shared
            else "You have a macro of that name already."
        )
        raise Conflict(message, fields={"name": [message]}) from None
    if add_tags is not None:
        macro.add_tags.set(add_tags)
    if remove_tags is not None:
        macro.remove_tags.set(remove_tags)
    return macro


@transaction.atomic
def macro_create(
    *,
    board: Board,
    by,
    shared: bool,
    name: str,
    body: str,
    kind: str = Macro.Kind.REPLY,
    add_tags: Iterable[Tag] = (),
    remove_tags: Iterable[Tag] = (),
    **actions,
) -> Macro:
    """A new macro: shared with the board (admins only) or `by`'s own (members and admins)."""
    _require_may_change(board, by, shared)
    unknown = set(actions).difference(FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    macro = Macro(
        board=board, owner=None if shared else by, name=name, body=body, kind=kind, **actions
    )
    return _save(macro, list(add_tags), list(remove_tags))


@transaction.atomic
def macro_update(*, macro: Macro, by, add_tags=None, remove_tags=None, **changes) -> Macro:
    """Change a macro: a shared one as a board admin, a personal one as its owner."""
    _require_may_change(macro.board, by, macro.is_shared)
    unknown = set(changes).difference(FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    macro = Macro.objects.select_for_update(no_key=True, of=("self",)).get(pk=macro.pk)
    for field, value in changes.items():
        setattr(macro, field, value)
    return _save(
        macro,
        None if add_tags is None else list(add_tags),
        None if remove_tags is None else list(remove_tags),
    )


@transaction.atomic
def macro_delete(*, macro: Macro, by) -> None:
    _require_may_change(macro.board, by, macro.is_shared)
    if not Macro.objects.filter(pk=macro.pk).delete()[0]:
        raise NotFound("This macro was deleted meanwhile.")


def macro_render(*, macro: Macro, ticket: Ticket, by) -> str:
    """The macro's text filled in for `ticket` as `by` would send it (members and admins)."""
    require(by, Action.WORK, ticket.board)
    _check_usable(macro, ticket, by)
    return fill(macro.body, ticket=ticket, agent=by)


def _check_usable(macro: Macro, ticket: Ticket, by) -> None:
    if macro.board_id != ticket.board_id or macro.owner_id not in (None, by.pk):
        raise NotFound("No such macro on this board.")


@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    by,
    body: str | None = None,
    cc: Iterable[str] = (),
    files: Iterable[UploadedFile] = (),
    automatic: bool = False,
) -> tuple[Ticket, Message]:
    """Use a macro on a ticket in one click, all or nothing: its actions (status, tags added
    and removed, the assignee added) through tickets.services.ticket_update, with every rule
    of an edit (a guest is refused, only the team is assigned, a tag of another board is not
    taken), then its text (`body` when the person edited what was filled in, else the macro's
    own, filled in) posted as its kind says: a reply emailed to the customer (mail.outbound's
    reply_send, with `cc` and `files`) or an internal note. `automatic`: an automation rule uses
    it in `by`'s name (the reply is marked automatic, see reply_send). Returns the ticket as it
    is now and the message."""
    require(by, Action.WORK, ticket.board)
    _check_usable(macro, ticket, by)
    text = fill(macro.body, ticket=ticket, agent=by) if body is None else body
    if not text.strip():
        message = "The text to send is empty."
        raise InvalidInput(message, fields={"body": [message]})
    ticket = _apply_actions(macro, ticket, by)
    if macro.kind == Macro.Kind.REPLY:
        message = reply_send(
            ticket=ticket, by=by, body=text, cc=cc, files=files, automatic=automatic
        )
    else:
        message = message_post(board=ticket.board, ticket=ticket, by=by, body=text)
    return ticket, message


def _apply_actions(macro: Macro, ticket: Ticket, by) -> Ticket:
    changes: dict = {}
    if macro.set_status:
        changes["status"] = macro.set_status
    added, removed = list(macro.add_tags.all()), {tag.pk for tag in macro.remove_tags.all()}
    if added or removed:
        tags = {tag.pk: tag for tag in ticket.tags.all()}
        tags.update({tag.pk: tag for tag in added})
        changes["tags"] = [tag for pk, tag in tags.items() if pk not in removed]
    person = by if macro.assign_to_me else macro.assignee
    if person is not None:
        assignees = list(ticket.assignees.all())
        if person.pk not in {user.pk for user in assignees}:
            changes["assignees"] = [*assignees, person]
    if not changes:
        return ticket
    return ticket_update(ticket=ticket, by=by, **changes)
