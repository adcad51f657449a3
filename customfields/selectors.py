"""Reads of custom fields and their values, each in a fixed number of queries whatever the
number of tickets or fields: the board page, the API's list and the CSV read many tickets."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404

from boards.models import Board
from boards.selectors import board_team
from customfields.models import Field, Option, Value
from customfields.values import Context, Stored, api_value, display
from tickets.models import Ticket


def board_fields(board: Board | int) -> list[Field]:
    """The board's fields in their order, each with every option (removed ones too, which the
    tickets that chose them still show) as `option_list` and `options_by_id`. Two queries; none
    for a board (read already) without fields."""
    if isinstance(board, Board) and not board.has_custom_fields:
        return []
    fields = list(
        Field.objects.filter(board=board).prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position", "id"))
        )
    )
    for field in fields:
        field.option_list = list(field.options.all())
        field.options_by_id = {option.pk: option for option in field.option_list}
        field.live_options = [o for o in field.option_list if o.removed_at is None]
    return fields


def field_of(board: Board, field_id) -> Field:
    """One field of the board (404 for another board's, or none), with its options."""
    if not str(field_id).isdecimal():
        raise Http404("No such field.")
    for field in board_fields(board):
        if field.pk == int(field_id):
            return field
    raise Http404("No such field.")


def may_have_values(ticket) -> bool:
    """Whether the ticket may hold values: no when its board, read along, has no fields."""
    if not Ticket._meta.get_field("board").is_cached(ticket):
        return True
    return ticket.board.has_custom_fields


def ticket_values(ticket_ids: Iterable[int], *, field_ids: Iterable[int] | None = None) -> dict:
    """Each ticket's custom-field values: {ticket_id: {field_id: value}}, a ticket or field
    without a value left out. Values as the API writes them (customfields.values.api_value):
    str for text, URL and user (a username), int or float for a number, "YYYY-MM-DD" for a date,
    bool for a checkbox, an option id for a single select and a list of them for a multi select.
    One query, for any number of tickets and fields. Public: automation rules read it."""
    rows = Value.objects.filter(ticket_id__in=list(ticket_ids))
    if field_ids is not None:
        rows = rows.filter(field_id__in=list(field_ids))
    columns = ["ticket_id", "field_id", "field__type", "text", "number", "date", "flag"]
    columns.append("user__username")
    if connection.vendor == "postgresql":
        chosen = ArrayAgg("options__id", filter=Q(options__isnull=False), default=[])
        rows = rows.annotate(option_ids=chosen).values_list(*columns, "option_ids")
    else:  # SQLite (`make run`'s default) has no arrays: the options in a second query
        rows = [(*row, []) for row in rows.values_list(*columns, "pk")]
        by_value = {row[-2]: row[-1] for row in rows}
        chosen = Value.options.through.objects.filter(value_id__in=by_value)
        for value_id, option_id in chosen.order_by("option_id").values_list(
            "value_id", "option_id"
        ):
            by_value[value_id].append(option_id)
        rows = [(*row[:-2], row[-1]) for row in rows]
    found: dict[int, dict[int, object]] = {}
    for ticket_id, field_id, kind, text, number, day, flag, username, option_ids in rows:
        stored = Stored(text=text, number=number, date=day, flag=flag, option_ids=option_ids)
        value = api_value(kind, stored, username)
        if value is not None:
            found.setdefault(ticket_id, {})[field_id] = value
    return found


def value_context(board: Board, field: Field, *, keep_options=()) -> Context:
    """What reading a value of `field` needs (customfields.values.Context). The team is read
    only for a user field."""
    people = {}
    if field.type == "user":
        people = dict(board_team(board).values_list("username", "pk"))
    return Context(options=field.options_by_id, people=people, keep_options=frozenset(keep_options))


@dataclass
class Shown:
    """One field as a ticket's page shows it: its value as the API writes it and in words."""

    field: Field
    value: object
    text: str

    @property
    def chosen(self) -> list[str]:
        """The value as form values (option ids, "true"), to mark what is chosen."""
        if self.value is None:
            return []
        value = self.value if isinstance(self.value, list) else [self.value]
        return [str(item).lower() if isinstance(item, bool) else str(item) for item in value]


def ticket_fields_shown(board: Board, ticket_id: int, fields: list[Field] | None = None):
    """Every field of the board with the ticket's value (None where it has none): what the
    ticket's page and panel show. Three queries (none on a board without fields)."""
    fields = board_fields(board) if fields is None else fields
    if not fields:
        return []
    values = ticket_values([ticket_id]).get(ticket_id, {})
    return [
        Shown(
            field, values.get(field.pk), display(field, values.get(field.pk), field.options_by_id)
        )
        for field in fields
    ]


def card_fields(fields: list[Field], ticket_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The values each card shows, by ticket id: (field name, value in words) of the fields
    shown on cards, in the fields' order. One query for any number of cards and fields, none
    when no field is shown on cards."""
    shown = [field for field in fields if field.show_on_card]
    if not shown or not ticket_ids:
        return {}
    values = ticket_values(ticket_ids, field_ids=[field.pk for field in shown])
    cards: dict[int, list[tuple[str, str]]] = {}
    for ticket_id, by_field in values.items():
        cards[ticket_id] = [
            (field.name, display(field, by_field[field.pk], field.options_by_id))
            for field in shown
            if field.pk in by_field
        ]
    return cards


def csv_columns(board: Board):
    """The custom fields as CSV columns (tickets.views.tickets_csv's `more`): one per field,
    headed by its name, each cell the value in words (an option by its label)."""
    fields = board_fields(board)

    def cells(ticket_ids: list[int]) -> dict[int, list[str]]:
        values = ticket_values(ticket_ids)
        return {
            ticket_id: [display(f, by_field.get(f.pk), f.options_by_id) for f in fields]
            for ticket_id, by_field in values.items()
        }

    return [field.name for field in fields], cells


@dataclass
class FilterControl:
    """A custom field's control in the board's filter bar: its parameter, the value chosen
    and, for a select, its options (a user field offers the board's people, a checkbox yes or
    no)."""

    field: Field
    param: str
    chosen: str
    choices: list[tuple[str, str]]


def field_filters(fields: list[Field], params) -> list[FilterControl]:
    """Controls for the fields the filter bar offers: selects, checkboxes and user fields."""
    controls = []
    for field in fields:
        if field.type not in ("select", "multi_select", "checkbox", "user"):
            continue
        choices = [(str(option.pk), option.label) for option in field.live_options]
        param = f"cf_{field.pk}"
        controls.append(FilterControl(field, param, params.get(param, ""), choices))
    return controls
