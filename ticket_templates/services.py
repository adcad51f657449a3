"""Every change to a board's ticket templates, and opening a ticket from one: the template's
values where the caller gives none, its title's placeholders filled in, its checklist added, in
one transaction with the ticket (tickets.services.ticket_create: WIP limits, numbering, SLA;
through customfields.services.ticket_create_with_fields, with the board's custom fields)."""

from collections.abc import Iterable

from django.db import transaction

from boards.locks import lock_board
from boards.models import Board, Column, Tag
from boards.selectors import board_team
from csboard.core.exceptions import InvalidInput
from csboard.core.validation import full_clean_or_raise, max_length_of
from customfields.services import ticket_create_with_fields
from sla.priorities import Priority
from ticket_templates.models import CHECKLIST_ITEM_MAX, CHECKLIST_ITEMS_MAX, TicketTemplate
from ticket_templates.placeholders import fill_in, pattern_problem
from tickets.models import Ticket
from workspace.services import checklist_items_add

TITLE_MAX = max_length_of(Ticket, "title")
# A template's own fields, by value (its tags and assignees are relations).
TEMPLATE_FIELDS = ("name", "title_pattern", "description", "priority", "column", "checklist")


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def checklist_of(texts: Iterable[str]) -> list[str]:
    """Checklist items as a person lists them: trimmed, blank ones left out, each within the
    limit of an item, at most CHECKLIST_ITEMS_MAX of them."""
    items = [text.strip() for text in texts if text and text.strip()]
    if len(items) > CHECKLIST_ITEMS_MAX:
        raise _refuse("checklist", f"At most {CHECKLIST_ITEMS_MAX} checklist items.")
    for text in items:
        if len(text) > CHECKLIST_ITEM_MAX:
            raise _refuse(
                "checklist", f"A checklist item has at most {CHECKLIST_ITEM_MAX} characters."
            )
    return items


def _check_relations(board: Board, *, column: Column | None, tags: list[Tag], assignees: list):
    if column is not None and column.board_id != board.pk:
        raise _refuse("column", "Choose a column of this board.")
    if any(tag.board_id != board.pk for tag in tags):
        raise _refuse("tags", "Choose tags of this board.")
    team = set(
        board_team(board).filter(pk__in=[u.pk for u in assignees]).values_list("pk", flat=True)
    )
    refused = [user.username for user in assignees if user.pk not in team]
    if refused:
        raise _refuse(
            "assignees",
            f"Only members and admins of this board can be assigned: {', '.join(refused)}.",
        )


def _save(template: TicketTemplate, tags, assignees) -> TicketTemplate:
    """Check the template (under its board's lock, so that two admins cannot both take a name)
    and write it, with its tags and assignees when given (None: unchanged)."""
    template.name = template.name.strip()
    template.title_pattern = template.title_pattern.strip()
    clash = TicketTemplate.objects.filter(board_id=template.board_id, name__iexact=template.name)
    if template.name and clash.exclude(pk=template.pk).exists():
        raise _refuse("name", f"This board already has a template named “{template.name}”.")
    problem = pattern_problem(template.title_pattern)
    if problem:
        raise _refuse("title_pattern", problem)
    template.checklist = checklist_of(template.checklist)
    _check_relations(
        template.board,
        column=template.column,
        tags=list(tags) if tags is not None else [],
        assignees=list(assignees) if assignees is not None else [],
    )
    full_clean_or_raise(template, exclude=["board", "column"], validate_constraints=False)
    template.save()
    if tags is not None:
        template.tags.set(tags)
    if assignees is not None:
        template.assignees.set(assignees)
    return template


@transaction.atomic
def template_create(
    *,
    board: Board,
    name: str,
    title_pattern: str,
    description: str = "",
    priority: str = Priority.NORMAL,
    column: Column | None = None,
    tags: Iterable[Tag] = (),
    assignees: Iterable = (),
    checklist: Iterable[str] = (),
) -> TicketTemplate:
    board = lock_board(board.pk)
    template = TicketTemplate(
        board=board,
        name=name,
        title_pattern=title_pattern,
        description=description,
        priority=priority,
        column=column,
        checklist=list(checklist),
    )
    return _save(template, list(tags), list(assignees))


@transaction.atomic
def template_update(
    *, template: TicketTemplate, tags: Iterable[Tag] | None = None, assignees=None, **changes
) -> TicketTemplate:
    """Change the fields given (those of template_create); the others stay."""
    unknown = set(changes).difference(TEMPLATE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    board = lock_board(template.board_id)
    template = TicketTemplate.objects.select_for_update(no_key=True).get(pk=template.pk)
    template.board = board
    for field, value in changes.items():
        setattr(template, field, list(value) if field == "checklist" else value)
    return _save(
        template,
        None if tags is None else list(tags),
        None if assignees is None else list(assignees),
    )


def template_delete(*, template: TicketTemplate) -> None:
    """The tickets opened from it stay as they are."""
    template.delete()


def ticket_create_from(
    *,
    board: Board,
    created_by,
    template: TicketTemplate | None = None,
    checklist: Iterable[str] | None = None,
    **fields,
) -> Ticket:
    """Open a ticket as the full form and the API do: `fields` as ticket_create takes them (and
    `custom_fields`, customfields.services.ticket_create_with_fields: defaults, required ones), and
    `checklist` items to add. With a `template` (of this board), what the caller leaves out comes
    from it (title, description, priority, column, tags, assignees still on the team, checklist),
    and the title's placeholders are filled in. All in one transaction: a refusal (a column at
    its WIP limit, a tag of another board) writes nothing."""
    if template is not None:
        if template.board_id != board.pk:
            raise _refuse("template", "Choose a template of this board.")
        fields = {**template_values(template), **fields}
        if checklist is None:
            checklist = template.checklist
        title = fill_in(fields.get("title", ""), board=board, fields=fields)
        fields["title"] = title[:TITLE_MAX].strip()
    if not fields.get("title", "").strip():
        raise _refuse("title", "A ticket needs a title.")
    items = checklist_of(checklist or ())
    if not items:  # the ticket alone: the create's own transaction is enough
        return ticket_create_with_fields(board=board, created_by=created_by, **fields)
    with transaction.atomic():
        ticket = ticket_create_with_fields(board=board, created_by=created_by, **fields)
        checklist_items_add(ticket=ticket, by=created_by, texts=items)
    return ticket


def template_values(template: TicketTemplate) -> dict:
    """What `template` gives a new ticket, by the name ticket_create takes (the title still
    with its placeholders): its tags, and its assignees who are still on the team (someone who
    left keeps no claim on new tickets). Its checklist is not among them (ticket_create_from
    adds it)."""
    team = set(board_team(template.board_id).values_list("pk", flat=True))
    values = {
        "title": template.title_pattern,
        "description": template.description,
        "priority": template.priority,
        "tags": list(template.tags.all()),
        "assignees": [user for user in template.assignees.all() if user.pk in team],
    }
    if template.column_id is not None:
        values["column"] = template.column
    return values
