"""What a rule may test and do, each kind once: its shape (checked by automation.services on every
save, and published in the API's schema), its words (the pages, the API, the history, the dry
run) and its work. Conditions read the ticket as it is when the rule runs; actions go through
the services of the apps that own what they change (tickets, workspace, notifications), so
every rule of theirs holds (WIP limits, assignees from the team, the ticket's history).

Extension points: `register_condition` and `register_action` add a kind. A board's custom fields
(`customfields`, below this app) are conditions of that board alone (`cf_<field id>`, see
`BoardNames.conditions`), each testing the ticket's value as its type allows; the `macro`
action uses a shared canned reply (`macros`) in the name of a person of the team."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from boards.models import Board, Column, Tag
from boards.selectors import board_team
from csboard.core.exceptions import InvalidInput, NotFound
from customfields.models import Field, FieldType
from customfields.selectors import board_fields, ticket_values
from customfields.values import BadValue, Stored, number_out, parse
from customfields.values import Context as FieldContext
from macros.models import Macro
from macros.services import macro_apply
from notifications.models import Notification
from notifications.services import notify
from sla.priorities import Priority
from ticket_templates.models import TicketTemplate
from tickets.models import Source, Status, Ticket
from tickets.services import ticket_move, ticket_update
from workspace.models import ChecklistItem, Message
from workspace.services import checklist_item_add, message_post

NOTE_MAX = Message._meta.get_field("body").max_length
ITEM_MAX = ChecklistItem._meta.get_field("text").max_length
ITEMS_MAX = 20
WORDS_MAX = 200
HOURS_MAX = 24 * 365


@dataclass
class BoardNames:
    """The board's columns, tags and team by id: what a rule's ids are checked against and
    named by. Three queries, whatever the number of rules; its custom fields (two) and shared
    macros (one) when first asked for."""

    board: Board
    columns: dict[int, Column] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    team: dict[int, object] = field(default_factory=dict)

    @classmethod
    def of(cls, board: Board) -> "BoardNames":
        return cls(
            board,
            {c.pk: c for c in board.columns.all()},
            {t.pk: t for t in board.tags.all()},
            {u.pk: u for u in board_team(board).order_by("username")},
        )

    def column(self, pk) -> str:
        return self.columns[pk].name if pk in self.columns else "a deleted column"

    def tag(self, pk) -> str:
        return self.tags[pk].name if pk in self.tags else "a deleted tag"

    def person(self, pk) -> str:
        return self.team[pk].username if pk in self.team else "someone who left"

    def person_id(self, username) -> int | None:
        return next((pk for pk, user in self.team.items() if user.username == username), None)

    @cached_property
    def fields(self) -> dict[int, Field]:
        return {each.pk: each for each in board_fields(self.board)}

    @cached_property
    def macros(self) -> dict[int, Macro]:
        """The board's shared macros: a rule replies as the board does, never from one
        person's own macro."""
        shared = Macro.objects.filter(board=self.board, owner__isnull=True).order_by("name", "id")
        return {macro.pk: macro for macro in shared}

    @cached_property
    def templates(self) -> dict[int, TicketTemplate]:
        """The board's ticket templates (a rule may add one's checklist)."""
        return {each.pk: each for each in TicketTemplate.objects.filter(board=self.board)}

    def template(self, pk) -> str:
        return self.templates[pk].name if pk in self.templates else "(deleted)"

    def macro(self, pk) -> str:
        return self.macros[pk].name if pk in self.macros else "(deleted)"

    @cached_property
    def conditions(self) -> dict[str, "ConditionKind"]:
        """What a rule of this board may test: every board's kinds, then its custom fields."""
        return {**CONDITIONS, **{custom_key(f.pk): _custom_kind(f) for f in self.fields.values()}}


# --- Values: how each type of value is checked, named and offered -----------------------------
def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class ValueType:
    """`check(value, names)` returns the value as stored or raises ValueError(why)."""

    check: Callable[[object, BoardNames], object]
    name: Callable[[object, BoardNames], str]
    # The choices a form offers (value, label), None for typed text.
    choices: Callable[[BoardNames], list[tuple]] | None = None


def _one_of(choices) -> ValueType:
    def check(value, names):
        if value not in choices.values:
            raise ValueError(f"One of: {', '.join(choices.values)}.")
        return value

    return ValueType(check, lambda value, names: _label(choices, value), lambda n: choices.choices)


def _id_of(attribute: str, what: str) -> ValueType:
    def check(value, names):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"The id of a {what} of this board.")
        if value not in getattr(names, attribute):
            raise ValueError(f"No such {what} on this board.")
        return value

    def choices(names):
        return [(pk, getattr(names, what)(pk)) for pk in getattr(names, attribute)]

    return ValueType(check, lambda value, names: getattr(names, what)(value), choices)


def _ids_of(attribute: str, what: str, *, least: int = 1) -> ValueType:
    one = _id_of(attribute, what)

    def check(value, names):
        if not isinstance(value, list) or len(value) < least:
            raise ValueError(f"A list of at least {least} {what} id(s).")
        return list(dict.fromkeys(one.check(each, names) for each in value))

    def name(value, names):
        return ", ".join(getattr(names, what)(pk) for pk in value) or "nobody"

    return ValueType(check, name, one.choices)


def _text(max_length: int, what: str) -> ValueType:
    def check(value, names):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"Give the {what}.")
        if len(value) > max_length or "\x00" in value:
            raise ValueError(f"At most {max_length} characters.")
        return value.strip()

    return ValueType(check, lambda value, names: f"“{value}”")


def _domain(value, names):
    value = _text(253, "domain").check(value, names).lower().lstrip("@")
    if "@" in value or " " in value or "." not in value:
        raise ValueError("A domain such as example.com.")
    return value


def _hours(value, names):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= HOURS_MAX:
        raise ValueError(f"A whole number of hours from 1 to {HOURS_MAX}.")
    return value


def _items(value, names):
    if not isinstance(value, list) or not 1 <= len(value) <= ITEMS_MAX:
        raise ValueError(f"From 1 to {ITEMS_MAX} items.")
    return [_text(ITEM_MAX, "item's text").check(each, names) for each in value]


def _flag(value, names):
    if not isinstance(value, bool):
        raise ValueError("true or false.")
    return value


def _number(value, names):
    """A JSON number that a number field may hold (customfields.values: its range, its places)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("A number, such as 12 or 4.5.")
    return number_out(_field_value(FieldType.NUMBER, value).number)


def _day(value, names):
    """A day as "YYYY-MM-DD", read as a date field reads one (customfields.values)."""
    return _field_value(FieldType.DATE, value).date.isoformat()


def _field_value(kind: str, value) -> Stored:
    try:
        stored = parse(kind, value, FieldContext())
    except BadValue as exc:
        raise ValueError(str(exc)) from None
    if stored is None:
        raise ValueError("Give a value.")
    return stored


ASSIGN_MODES = {
    "person": "a person",
    "round_robin": "in turn among",
    "least_loaded": "the least loaded of",
}


def _mode(value):
    if value not in ASSIGN_MODES:
        raise ValueError(f"One of: {', '.join(ASSIGN_MODES)}.")
    return value


VALUES: dict[str, ValueType] = {
    "column": _id_of("columns", "column"),
    "tag": _id_of("tags", "tag"),
    "tags": _ids_of("tags", "tag"),
    "people": _ids_of("team", "person", least=0),
    "status": _one_of(Status),
    "priority": _one_of(Priority),
    "channel": _one_of(Source),
    "domain": ValueType(_domain, lambda value, names: value),
    "words": _text(WORDS_MAX, "words"),
    "hours": ValueType(_hours, lambda value, names: f"{value} h"),
    "items": ValueType(_items, lambda value, names: ", ".join(f"“{each}”" for each in value)),
    "note": _text(NOTE_MAX, "note"),
    "message": _text(200, "message"),
    "flag": ValueType(_flag, lambda value, names: "yes" if value else "no"),
    "number": ValueType(_number, lambda value, names: f"{value:g}"),
    "date": ValueType(_day, lambda value, names: value),
    "person": _id_of("team", "person"),
    "macro": _id_of("macros", "macro"),
    "template": _id_of("templates", "template"),
    "mode": ValueType(
        lambda value, names: _mode(value),
        lambda value, names: ASSIGN_MODES.get(value, value),
        lambda names: list(ASSIGN_MODES.items()),
    ),
}


# --- Conditions --------------------------------------------------------------------------------
class Subject:
    """The ticket as a rule's conditions read it, each part read once, when first asked for."""

    def __init__(self, ticket: Ticket, names: BoardNames):
        self.ticket = ticket
        self.names = names

    @cached_property
    def tag_ids(self) -> set[int]:
        return set(self.ticket.tags.values_list("pk", flat=True))

    @cached_property
    def domain(self) -> str:
        return self.ticket.customer_email.rpartition("@")[2].lower()

    @cached_property
    def custom_values(self) -> dict[int, object]:
        """The ticket's custom-field values by field id, as the API writes them."""
        return ticket_values([self.ticket.pk]).get(self.ticket.pk, {})

    @cached_property
    def body(self) -> str:
        """The description and what the customer wrote on the ticket."""
        said = Message.objects.filter(
            ticket=self.ticket, public=True, author__isnull=True
        ).values_list("body", flat=True)
        return "\n".join([self.ticket.description, *said])


def _words(value: str) -> list[str]:
    return [word.strip() for word in value.split(",") if word.strip()]


def _contains(text: str, value: str) -> bool:
    return any(
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) for word in _words(value)
    )


def _domain_is(domain: str, value: str) -> bool:
    return domain == value or domain.endswith(f".{value}")


OPS: dict[str, tuple[str, Callable[[object, object], bool]]] = {
    "is": ("is", lambda have, value: have == value),
    "is_not": ("is not", lambda have, value: have != value),
    "has": ("has", lambda have, value: value in have),
    "has_not": ("does not have", lambda have, value: value not in have),
    "contains": ("contains any of", lambda have, value: _contains(have, value)),
    "not_contains": ("contains none of", lambda have, value: not _contains(have, value)),
    "domain_is": ("is", _domain_is),
    "domain_is_not": ("is not", lambda have, value: not _domain_is(have, value)),
    # An empty value is neither less nor more than anything, nor before or after any day.
    "less_than": ("is less than", lambda have, value: have is not None and have < value),
    "more_than": ("is more than", lambda have, value: have is not None and have > value),
    "before": ("is before", lambda have, value: have is not None and have < value),
    "after": ("is after", lambda have, value: have is not None and have > value),
}


# The sets of operators a condition takes (named once: the API's schema names each).
IS_OPS = ("is", "is_not")
HAS_OPS = ("has", "has_not")
CONTAINS_OPS = ("contains", "not_contains")
DOMAIN_OPS = ("domain_is", "domain_is_not")
NUMBER_OPS = ("is", "is_not", "less_than", "more_than")
DATE_OPS = ("is", "before", "after")


@dataclass(frozen=True)
class ConditionKind:
    field: str
    label: str
    value: str  # a key of VALUES
    read: Callable[[Subject], object]
    ops: tuple[str, ...] = IS_OPS
    # The value's own type where VALUES[value] does not say it (a custom field's options).
    own: ValueType | None = None

    @property
    def value_type(self) -> ValueType:
        return self.own or VALUES[self.value]


CONDITIONS: dict[str, ConditionKind] = {}


def register_condition(kind: ConditionKind) -> ConditionKind:
    CONDITIONS[kind.field] = kind
    return kind


for _kind in (
    ConditionKind("column", "Column", "column", lambda s: s.ticket.column_id),
    ConditionKind("status", "Status", "status", lambda s: s.ticket.status),
    ConditionKind("priority", "Priority", "priority", lambda s: s.ticket.priority),
    ConditionKind("tags", "Tags", "tag", lambda s: s.tag_ids, HAS_OPS),
    ConditionKind(
        "customer_domain",
        "Customer email domain",
        "domain",
        lambda s: s.domain,
        DOMAIN_OPS,
    ),
    ConditionKind(
        "subject", "Subject", "words", lambda s: s.ticket.title, ("contains", "not_contains")
    ),
    ConditionKind("body", "Body", "words", lambda s: s.body, CONTAINS_OPS),
    ConditionKind("channel", "Channel", "channel", lambda s: s.ticket.source),
):
    register_condition(_kind)


# --- Custom fields: conditions of one board ----------------------------------------------------
CUSTOM_PREFIX = "cf_"


def custom_key(field_id: int) -> str:
    return f"{CUSTOM_PREFIX}{field_id}"


def _options_of(custom: Field) -> ValueType:
    """An option of `custom` by id. A removed one stays valid (tickets still hold it, and a
    rule that names it keeps its meaning), named and offered as removed, after the live ones."""
    options = custom.options_by_id

    def check(value, names):
        if isinstance(value, bool) or not isinstance(value, int) or value not in options:
            raise ValueError(f"The id of an option of “{custom.name}”.")
        return value

    def label(option) -> str:
        return f"{option.label} (removed)" if option.removed_at else option.label

    def name(value, names):
        return f"“{label(options[value])}”" if value in options else "a deleted option"

    def choices(names):
        ordered = sorted(custom.option_list, key=lambda option: option.removed_at is not None)
        return [(option.pk, label(option)) for option in ordered]

    return ValueType(check, name, choices)


def _custom_read(custom: Field) -> Callable[[Subject], object]:
    """How a condition on `custom` reads the ticket's value: text ("" when none), a number, a
    day ("YYYY-MM-DD"), a checkbox (unset is unticked), a user's id, the chosen option's id
    or, for a multi select, the set of them."""
    pk, kind = custom.pk, custom.type

    def read(subject: Subject):
        value = subject.custom_values.get(pk)  # a number, a day and an option id as they are
        if kind in (FieldType.TEXT, FieldType.URL):
            return value or ""
        if kind == FieldType.CHECKBOX:
            return bool(value)
        if kind == FieldType.USER:  # by username: the one on the team of that name
            return subject.names.person_id(value)
        if kind == FieldType.MULTI_SELECT:
            return set(value or ())
        return value

    return read


# Each field type: the value a condition compares with, and its tests.
CUSTOM_TESTS: dict[str, tuple[str, tuple[str, ...]]] = {
    FieldType.TEXT: ("words", CONTAINS_OPS),
    FieldType.URL: ("words", CONTAINS_OPS),
    FieldType.NUMBER: ("number", NUMBER_OPS),
    FieldType.DATE: ("date", DATE_OPS),
    FieldType.CHECKBOX: ("flag", IS_OPS),
    FieldType.USER: ("person", IS_OPS),
    FieldType.SELECT: ("option", IS_OPS),
    FieldType.MULTI_SELECT: ("option", HAS_OPS),
}
CUSTOM_OPS = tuple(dict.fromkeys(op for _, ops in CUSTOM_TESTS.values() for op in ops))


def _custom_kind(custom: Field) -> ConditionKind:
    value, ops = CUSTOM_TESTS[custom.type]
    own = _options_of(custom) if custom.is_select else None
    return ConditionKind(custom_key(custom.pk), custom.name, value, _custom_read(custom), ops, own)


def condition_check(condition, names: BoardNames) -> dict:
    """The condition as stored; ValueError({part: why}) naming what is wrong."""
    if not isinstance(condition, dict):
        raise ValueError({"field": "An object with field, op and value."})
    kinds = names.conditions
    kind = kinds.get(condition.get("field"))
    if kind is None:
        raise ValueError({"field": f"One of: {', '.join(kinds)}."})
    op = condition.get("op")
    if op not in kind.ops:
        raise ValueError({"op": f"One of: {', '.join(kind.ops)}."})
    extra = set(condition) - {"field", "op", "value"}
    if extra:
        raise ValueError({next(iter(sorted(extra))): "Unknown key."})
    try:
        value = kind.value_type.check(condition.get("value"), names)
    except ValueError as exc:
        raise ValueError({"value": str(exc)}) from None
    return {"field": kind.field, "op": op, "value": value}


def condition_holds(condition: dict, subject: Subject, names: BoardNames) -> bool:
    kind = names.conditions.get(condition["field"])
    # A kind whose app went away, or a custom field since deleted, holds for nothing.
    if kind is None or condition["op"] not in kind.ops:
        return False
    return OPS[condition["op"]][1](kind.read(subject), condition["value"])


def condition_words(condition: dict, names: BoardNames) -> str:
    kind = names.conditions.get(condition["field"])
    if kind is None:
        if condition["field"].startswith(CUSTOM_PREFIX):
            return "A deleted custom field (holds for no ticket)"
        return f"{condition['field']} (no longer available)"
    if condition["op"] not in kind.ops:  # the field's type changed since
        return f"{kind.label}: a test its type no longer has (holds for no ticket)"
    value = kind.value_type.name(condition["value"], names)
    return f"{kind.label} {OPS[condition['op']][0]} {value}"


# --- Actions -----------------------------------------------------------------------------------
@dataclass
class Doing:
    """An action at work: the rule, the action's index in it, and the ticket (re-read for each
    action: it shows what the actions before did)."""

    rule: object
    index: int
    ticket_id: int

    def ticket(self) -> Ticket:
        ticket = Ticket.objects.select_related("board", "column").filter(pk=self.ticket_id).first()
        if ticket is None:
            raise NotFound("The ticket was archived or deleted meanwhile.")
        return ticket


@dataclass(frozen=True)
class ActionKind:
    type: str
    label: str
    params: dict[str, str]  # name: a key of VALUES
    do: Callable[[Doing, dict], str]  # does it; says what it did ("set priority High")
    # Where its parameters alone do not say it well: what it will do, and a check across them.
    say: Callable[[dict, BoardNames], str] | None = None
    check_all: Callable[[dict, BoardNames], dict] | None = None

    def words(self, params: dict, names: BoardNames) -> str:
        """What it will do ("Set priority: High")."""
        if self.say is not None:
            return self.say(params, names)
        said = ", ".join(
            VALUES[kind].name(params[name], names) for name, kind in self.params.items()
        )
        return f"{self.label}: {said}"

    def check(self, params: dict, names: BoardNames) -> dict:
        """{param: why} for what no single parameter tells (who to assign in which mode)."""
        return self.check_all(params, names) if self.check_all is not None else {}


ACTIONS: dict[str, ActionKind] = {}


def register_action(kind: ActionKind) -> ActionKind:
    ACTIONS[kind.type] = kind
    return kind


def _team_now(ticket: Ticket, ids: list[int]) -> list:
    """Of `ids`, the people still on the board's team (a person may have left since the rule
    was saved), in the rule's order; all of the team when `ids` is empty."""
    team = board_team(ticket.board_id)
    if not ids:
        return list(team.order_by("username"))
    found = {user.pk: user for user in team.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _least_loaded(ticket: Ticket, people: list):
    open_here = Q(
        assigned_tickets__board_id=ticket.board_id,
        assigned_tickets__resolved_at__isnull=True,
        assigned_tickets__archived_at__isnull=True,
    )
    return (
        board_team(ticket.board_id)
        .filter(pk__in=[user.pk for user in people])
        .annotate(load=Count("assigned_tickets", filter=open_here))
        .order_by("load", "username")
        .first()
    )


def _next_in_turn(doing: Doing, people: list):
    """The person after the one this action gave the last ticket to, under the rule's row lock
    (two tickets at once take two turns)."""
    from automation.models import Rule  # the models import this module's kinds: not at load

    rule = Rule.objects.select_for_update(no_key=True).get(pk=doing.rule.pk)
    last = rule.turns.get(str(doing.index))
    ids = [user.pk for user in people]
    after = ids.index(last) + 1 if last in ids else 0
    chosen = people[after % len(people)]
    rule.turns = {**rule.turns, str(doing.index): chosen.pk}
    rule.save(update_fields=["turns"])
    return chosen


def _assign(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    people = _team_now(ticket, params["users"])
    if not people:
        raise InvalidInput("Nobody to assign: the people chosen are no longer on the team.")
    if params["mode"] == "person":
        chosen = people[0]
    elif params["mode"] == "round_robin":
        chosen = _next_in_turn(doing, people)
    else:
        chosen = _least_loaded(ticket, people)
    ticket_update(ticket=ticket, by=None, assignees=[chosen])
    return f"assigned {chosen.username}"


def _assign_check(params: dict, names: BoardNames) -> dict:
    count = len(params["users"])
    if params["mode"] == "person" and count != 1:
        return {"users": "Choose the one person to assign."}
    if params["mode"] == "round_robin" and count < 2:
        return {"users": "Choose at least two people to take turns."}
    return {}


def _assign_words(params: dict, names: BoardNames) -> str:
    people = VALUES["people"].name(params["users"], names)
    if params["mode"] == "person":
        return f"Assign to {people}"
    if params["mode"] == "round_robin":
        return f"Assign in turn among {people}"
    return f"Assign to the least loaded of {people if params['users'] else 'the team'}"


def _set(field_name: str, choices):
    def do(doing: Doing, params: dict) -> str:
        ticket_update(ticket=doing.ticket(), by=None, **{field_name: params["value"]})
        return f"set {field_name} {_label(choices, params['value'])}"

    return do


def _set_due(doing: Doing, params: dict) -> str:
    due = timezone.now() + timedelta(hours=params["hours"])
    ticket_update(ticket=doing.ticket(), by=None, due_at=due)
    return f"set the due date {params['hours']} h from now"


def _tags(adding: bool):
    def do(doing: Doing, params: dict) -> str:
        ticket = doing.ticket()
        given = list(Tag.objects.filter(board_id=ticket.board_id, pk__in=params["tags"]))
        if not given:
            raise NotFound("The tags were deleted meanwhile.")
        # From the tags as they are under the ticket's lock: a person's tag added meanwhile stays.
        change = {"tags_add": given} if adding else {"tags_remove": given}
        ticket_update(ticket=ticket, by=None, **change)
        names = ", ".join(tag.name for tag in given)
        return f"added tags {names}" if adding else f"removed tags {names}"

    return do


def _move(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    column = Column.objects.filter(board_id=ticket.board_id, pk=params["column"]).first()
    if column is None:
        raise NotFound("The column was deleted meanwhile.")
    if column.pk == ticket.column_id:
        return f"left it in {column.name}, where it is"
    ticket_move(ticket=ticket, column=column, by=None)  # refused at the WIP limit
    return f"moved it to {column.name}"


def _checklist(doing: Doing, params: dict) -> str:
    _add_items(doing.ticket(), params["items"])
    return f"added a checklist of {len(params['items'])} item(s)"


def _add_items(ticket: Ticket, items: list[str]) -> None:
    for text in items:
        checklist_item_add(ticket=ticket, by=None, text=text)


def _template_checklist(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    template = TicketTemplate.objects.filter(
        board_id=ticket.board_id, pk=params["template"]
    ).first()
    if template is None:
        raise NotFound("The ticket template was deleted meanwhile.")
    if not template.checklist:
        return f"added nothing: ‘{template.name}’ has no checklist"
    _add_items(ticket, template.checklist)
    return f"added the checklist of ‘{template.name}’ ({len(template.checklist)} item(s))"


def _note(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    message_post(board=ticket.board, by=None, body=params["body"], ticket=ticket)
    return "added an internal note"


def _notify(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    people = _team_now(ticket, params["users"]) if params["users"] else []
    if params["assignees"]:
        people += list(ticket.assignees.all())
    sent = notify(
        recipients=people,
        kind=Notification.Kind.COMMENT,
        ticket=ticket,
        title=f"Rule ‘{doing.rule.name}’ on {ticket.reference}: {params['message']}",
        url=ticket.get_absolute_url(),
        data={"rule": doing.rule.pk},
    )
    return f"notified {', '.join(n.recipient.username for n in sent) or 'nobody'}"


def _macro(doing: Doing, params: dict) -> str:
    ticket = doing.ticket()
    macro = Macro.objects.filter(
        board_id=ticket.board_id, owner__isnull=True, pk=params["macro"]
    ).first()
    if macro is None:
        raise NotFound("The macro was deleted, or is no longer shared with the board.")
    sender = _team_now(ticket, [params["sender"]])
    if not sender:
        raise InvalidInput("The person it is sent as is no longer on the board's team.")
    macro_apply(macro=macro, ticket=ticket, by=sender[0], automatic=True)
    sent = "sent the reply" if macro.kind == Macro.Kind.REPLY else "added the note"
    return f"{sent} ‘{macro.name}’ as {sender[0].username}"


def _macro_words(params: dict, names: BoardNames) -> str:
    return f"Use the macro ‘{names.macro(params['macro'])}’ as {names.person(params['sender'])}"


def _notify_check(params: dict, names: BoardNames) -> dict:
    if not params["users"] and not params["assignees"]:
        return {"users": "Choose people to notify, or the ticket's assignees."}
    return {}


def _notify_words(params: dict, names: BoardNames) -> str:
    to = [*(["the assignees"] if params["assignees"] else []), *map(names.person, params["users"])]
    return f"Notify {', '.join(to)}: “{params['message']}”"


for _action in (
    ActionKind(
        "assign",
        "Assign",
        {"mode": "mode", "users": "people"},
        _assign,
        _assign_words,
        _assign_check,
    ),
    ActionKind("set_priority", "Set priority", {"value": "priority"}, _set("priority", Priority)),
    ActionKind("set_status", "Set status", {"value": "status"}, _set("status", Status)),
    ActionKind("set_due", "Set the due date, from now", {"hours": "hours"}, _set_due),
    ActionKind("add_tags", "Add tags", {"tags": "tags"}, _tags(adding=True)),
    ActionKind("remove_tags", "Remove tags", {"tags": "tags"}, _tags(adding=False)),
    ActionKind("move", "Move to column (within its WIP limit)", {"column": "column"}, _move),
    ActionKind("add_checklist", "Add a checklist", {"items": "items"}, _checklist),
    ActionKind(
        "template_checklist",
        "Add a ticket template’s checklist",
        {"template": "template"},
        _template_checklist,
        lambda params, names: f"Add the checklist of ‘{names.template(params['template'])}’",
    ),
    ActionKind("add_note", "Add an internal note", {"body": "note"}, _note),
    ActionKind(
        "macro",
        "Use a shared macro (send its reply, or add its note)",
        {"macro": "macro", "sender": "person"},
        _macro,
        _macro_words,
    ),
    ActionKind(
        "notify",
        "Notify people",
        {"users": "people", "assignees": "flag", "message": "message"},
        _notify,
        _notify_words,
        _notify_check,
    ),
):
    register_action(_action)


def action_check(action, names: BoardNames) -> dict:
    """The action as stored; ValueError({part: why}) naming what is wrong."""
    if not isinstance(action, dict):
        raise ValueError({"type": "An object with a type and its parameters."})
    kind = ACTIONS.get(action.get("type"))
    if kind is None:
        raise ValueError({"type": f"One of: {', '.join(ACTIONS)}."})
    extra = set(action) - {"type", *kind.params}
    if extra:
        raise ValueError({next(iter(sorted(extra))): "Unknown key."})
    params, errors = {}, {}
    for name, value_type in kind.params.items():
        try:
            params[name] = VALUES[value_type].check(action.get(name), names)
        except ValueError as exc:
            errors[name] = str(exc)
    if not errors:
        errors = kind.check(params, names)
    if errors:
        raise ValueError(errors)
    return {"type": kind.type, **params}


def action_words(action: dict, names: BoardNames) -> str:
    kind = ACTIONS.get(action["type"])
    if kind is None:
        return f"{action['type']} (no longer available)"
    return kind.words(action, names)


def action_do(doing: Doing, action: dict) -> str:
    kind = ACTIONS.get(action["type"])
    if kind is None:
        raise InvalidInput(f"The action {action['type']} is no longer available.")
    return kind.do(doing, action)
