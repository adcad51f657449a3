"""Every change to custom fields and their values. The rules live here, once: names unique per
board whatever their case, the options of a select (renamed in place, removed but kept readable),
a type change that keeps every value readable or is refused, values checked by their type
(customfields.values), required fields and defaults on a new ticket."""

from collections.abc import Iterable, Mapping

from django.db import connection, transaction
from django.utils import timezone

from boards.locks import lock_board
from boards.models import Board
from boards.realtime import board_changed
from boards.services import UNSET
from csboard.core.exceptions import Conflict, InvalidInput
from customfields.models import SELECT_TYPES, Field, FieldType, Option, Value
from customfields.selectors import board_fields, ticket_values, value_context
from customfields.values import BadValue, Stored, api_value, display, is_empty, parse
from tickets import services as ticket_services
from tickets.locks import lock_ticket
from tickets.models import Activity, Ticket

NAME_MAX = Field._meta.get_field("name").max_length
LABEL_MAX = Option._meta.get_field("label").max_length
FIELDS_MAX = 50  # a board's fields; a card or a CSV row of hundreds helps nobody
OPTIONS_MAX = 100


def value_key(field: Field | int) -> str:
    """Where a refused value is named in an error's `fields`: "custom_fields.<field id>"."""
    return f"custom_fields.{field.pk if isinstance(field, Field) else field}"


# --- Fields ------------------------------------------------------------------------------------
def _check_name(board: Board, name: str, *, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A field needs a name.", fields={"name": ["A field needs a name."]})
    if len(name) > NAME_MAX:
        message = f"Use at most {NAME_MAX} characters."
        raise InvalidInput(message, fields={"name": [message]})
    taken = Field.objects.filter(board=board, name__iexact=name).exclude(pk=exclude)
    if taken.exists():
        message = f"This board already has a field called “{name}”."
        raise InvalidInput(message, fields={"name": [message]})
    return name


def _check_labels(labels: Iterable[str]) -> list[str]:
    cleaned, seen = [], set()
    for label in labels:
        label = (label or "").strip()
        if not label:
            continue
        if len(label) > LABEL_MAX:
            message = f"Use at most {LABEL_MAX} characters for an option (“{label[:20]}…”)."
            raise InvalidInput(message, fields={"options": [message]})
        if label.casefold() in seen:
            message = f"“{label}” is listed twice: options must differ."
            raise InvalidInput(message, fields={"options": [message]})
        seen.add(label.casefold())
        cleaned.append(label)
    if len(cleaned) > OPTIONS_MAX:
        message = f"A field takes at most {OPTIONS_MAX} options."
        raise InvalidInput(message, fields={"options": [message]})
    return cleaned


def _reloaded(field: Field) -> Field:
    return next(f for f in board_fields(field.board_id) if f.pk == field.pk)


def _check_default(board: Board, field: Field, default) -> object:
    """The default as the API writes a value (an option by id, ...), None for none; refused
    with the reason under "default"."""
    if is_empty(default):
        return None
    try:
        stored = parse(field.type, default, value_context(board, field))
    except BadValue as exc:
        raise InvalidInput(f"Default: {exc}", fields={"default": [str(exc)]}) from None
    username = default.strip() if field.type == FieldType.USER else None
    return api_value(field.type, stored, username)


@transaction.atomic
def field_create(
    *,
    board: Board,
    name: str,
    type: str,
    options: Iterable[str] = (),
    required: bool = False,
    default=None,
    show_on_card: bool = False,
    by=None,
) -> Field:
    """Add a field at the end of the board's fields. A select takes its options in order."""
    held = lock_board(board.pk)  # names and positions: one writer of a board's fields at a time
    if type not in FieldType.values:
        raise InvalidInput("Unknown field type.", fields={"type": ["Choose a field type."]})
    if Field.objects.filter(board=board).count() >= FIELDS_MAX:
        raise Conflict(f"A board takes at most {FIELDS_MAX} custom fields.")
    name = _check_name(board, name)
    labels = _check_labels(options)
    if type in SELECT_TYPES and not labels:
        message = "A select needs at least one option."
        raise InvalidInput(message, fields={"options": [message]})
    last = Field.objects.filter(board=board).order_by("-position").first()
    field = Field.objects.create(
        board=board,
        name=name,
        type=type,
        required=required,
        show_on_card=show_on_card,
        position=0 if last is None else last.position + 1,
    )
    if type in SELECT_TYPES:
        Option.objects.bulk_create(
            Option(field=field, label=label, position=i) for i, label in enumerate(labels)
        )
    field = _reloaded(field)
    field.default = _check_default(board, field, default)
    field.save(update_fields=["default"])
    if not held.has_custom_fields:
        Board.objects.filter(pk=board.pk).update(has_custom_fields=True)
    board.has_custom_fields = True
    board_changed(board.pk, kind="columns")
    return field


def _set_options(field: Field, wanted: list[dict]) -> None:
    """The select's options as `wanted` lists them, in order: {"id": ..., "label": ...} renames
    the option `id` (on every ticket that chose it); {"label": ...} adds one; a live option
    left out is removed: no longer offered, but kept, and still shown, on the tickets that
    chose it. Listing a removed option again restores it."""
    current = field.options_by_id
    labels = _check_labels(row.get("label", "") for row in wanted)
    if len(labels) != len(wanted):
        message = "Every option needs a label."
        raise InvalidInput(message, fields={"options": [message]})
    if not labels:
        message = "A select needs at least one option."
        raise InvalidInput(message, fields={"options": [message]})
    kept_ids = []
    for row in wanted:
        if row.get("id") is not None and row["id"] not in current:
            message = f"Option {row['id']} is not an option of this field."
            raise InvalidInput(message, fields={"options": [message]})
        kept_ids.append(row.get("id"))
    now = timezone.now()
    # Removed first, then renamed and added: a label may pass from one option to another.
    gone = [o for pk, o in current.items() if pk not in kept_ids and o.removed_at is None]
    for option in gone:
        option.removed_at = now
    Option.objects.bulk_update(gone, ["removed_at"])
    for position, row in enumerate(wanted):
        label = row["label"].strip()
        if row.get("id") is None:
            Option.objects.create(field=field, label=label, position=position)
            continue
        option = current[row["id"]]
        option.label, option.position, option.removed_at = label, position, None
        option.save(update_fields=["label", "position", "removed_at"])
    # Removed options go after the live ones, in the order they had.
    for position, option in enumerate(gone, start=len(wanted)):
        option.position = position
    Option.objects.bulk_update(gone, ["position"])


def _values_of(field: Field) -> list[tuple[int, object]]:
    """(ticket id, API value) of every ticket with a value of `field`, archived ones too."""
    ticket_ids = Value.objects.filter(field=field).values_list("ticket_id", flat=True)
    found = ticket_values(list(ticket_ids), field_ids=[field.pk])
    return [(ticket_id, values[field.pk]) for ticket_id, values in found.items()]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _change_type(board: Board, field: Field, new_type: str) -> None:
    """Turn `field` into a `new_type` field, every value with it, or refuse (Conflict) and write
    nothing. Anything becomes text (its words: an option by its label, a checkbox as Yes or No);
    a single select becomes a multi select, and a multi select a single one where no ticket
    chose more than one option; text and URLs become any type whose values they all read as
    (a URL, a number, a date, an option's label, a username). Other changes only while no
    ticket has a value."""
    values = _values_of(field)
    if not values:
        return
    old, kind = field.type, FieldType(new_type).label.lower()
    if old in SELECT_TYPES and new_type in SELECT_TYPES:
        several = [t for t, value in values if isinstance(value, list) and len(value) > 1]
        if new_type == FieldType.SELECT and several:
            raise Conflict(
                f"{_plural(len(several), 'ticket')} chose several options of “{field.name}”: a "
                "single select holds one. Leave one option on each first; nothing was changed.",
                fields={"type": ["Some tickets chose several options."]},
            )
        return
    if new_type != FieldType.TEXT and old not in (FieldType.TEXT, FieldType.URL):
        raise Conflict(
            f"“{field.name}” has values on {_plural(len(values), 'ticket')} that a {kind} field "
            "cannot hold: nothing was changed. Make it a text field, or clear those values first.",
            fields={"type": ["Its values cannot be converted to this type."]},
        )
    if new_type == FieldType.TEXT:
        converted = {
            ticket_id: Stored(text=display(field, value, field.options_by_id))
            for ticket_id, value in values
        }
    else:  # from text or a URL: every value must read as one of the new type
        target = Field(pk=field.pk, board=board, type=new_type)
        target.options_by_id = field.options_by_id
        context = value_context(board, target)
        converted, unreadable = {}, 0
        for ticket_id, value in values:
            try:
                converted[ticket_id] = parse(new_type, value, context)
            except BadValue:
                unreadable += 1
        if unreadable:
            raise Conflict(
                f"{_plural(unreadable, 'value')} of “{field.name}” cannot be read as a {kind}: "
                "nothing was changed. Correct or clear them first.",
                fields={"type": ["Its values cannot be converted to this type."]},
            )
    rows = {row.ticket_id: row for row in Value.objects.filter(field=field)}
    for ticket_id, stored in converted.items():
        _fill(rows[ticket_id], stored)
    Value.objects.bulk_update(list(rows.values()), ["text", "number", "date", "flag", "user"])
    links = Value.options.through
    links.objects.filter(value__field=field).delete()
    links.objects.bulk_create(
        links(value_id=rows[ticket_id].pk, option_id=option_id)
        for ticket_id, stored in converted.items()
        for option_id in stored.option_ids
    )


@transaction.atomic
def field_update(
    *,
    field: Field,
    by=None,
    name=UNSET,
    type=UNSET,
    options=UNSET,
    required=UNSET,
    default=UNSET,
    show_on_card=UNSET,
    position=UNSET,
) -> Field:
    """Change a field's settings. `options` (selects): the list _set_options reads. A type
    change keeps every value readable or is refused (_change_type); it drops the default unless
    a new one is given. `position`: its index among the board's fields."""
    board = lock_board(field.board_id)
    field = _reloaded(Field.objects.select_for_update(no_key=True).get(pk=field.pk))
    if type is not UNSET and type != field.type:
        if type not in FieldType.values:
            raise InvalidInput("Unknown field type.", fields={"type": ["Choose a field type."]})
        if type in SELECT_TYPES and options is not UNSET:
            # The new options first: text values are read as their labels.
            _set_options(field, list(options))
            field = _reloaded(field)
            options = UNSET
        if type in SELECT_TYPES and not field.live_options:
            message = "A select needs at least one option."
            raise InvalidInput(message, fields={"options": [message]})
        _change_type(board, field, type)
        field.type = type
        if default is UNSET:
            default = None
    if name is not UNSET:
        field.name = _check_name(board, name, exclude=field.pk)
    if options is not UNSET:
        if not field.is_select:
            message = "Only a select has options."
            raise InvalidInput(message, fields={"options": [message]})
        _set_options(field, list(options))
    for name_, value in (("required", required), ("show_on_card", show_on_card)):
        if value is not UNSET:
            setattr(field, name_, bool(value))
    field.save()
    if position is not UNSET:
        _move_field(field, position)
    field = _reloaded(field)
    if default is not UNSET:
        field.default = _check_default(board, field, default)
        field.save(update_fields=["default"])
    board_changed(board.pk, kind="columns")
    return field


def _move_field(field: Field, position: int) -> None:
    fields = list(Field.objects.filter(board_id=field.board_id).exclude(pk=field.pk))
    position = max(0, min(int(position), len(fields)))
    fields.insert(position, field)
    for index, each in enumerate(fields):
        each.position = index
    Field.objects.bulk_update(fields, ["position"])


@transaction.atomic
def field_delete(*, field: Field, by=None) -> None:
    """Delete the field and every ticket's value of it."""
    lock_board(field.board_id)
    board_id = field.board_id
    field.delete()
    if not Field.objects.filter(board_id=board_id).exists():
        Board.objects.filter(pk=board_id).update(has_custom_fields=False)
    board_changed(board_id, kind="columns")


# --- Values ------------------------------------------------------------------------------------
def _fill(row: Value, stored: Stored) -> None:
    row.text, row.number, row.date = stored.text, stored.number, stored.date
    row.flag, row.user_id = stored.flag, stored.user_id


def _read_values(
    board: Board, fields: dict[int, Field], raw: Mapping, current: dict[int, object]
) -> dict[int, Stored | None]:
    """Every value of `raw` ({field id or "<id>": value}) read for its field, all checked before
    anything is written: one InvalidInput naming each value at fault."""
    errors: dict[str, list[str]] = {}
    read: dict[int, Stored | None] = {}
    for key, value in raw.items():
        field_id = int(key) if str(key).isdecimal() else None
        field = fields.get(field_id)
        if field is None:
            errors[value_key(str(key))] = ["Not a custom field of this board."]
            continue
        keep = current.get(field.pk)
        keep = keep if isinstance(keep, list) else [keep] if isinstance(keep, int) else []
        try:
            stored = parse(field.type, value, value_context(board, field, keep_options=keep))
        except BadValue as exc:
            errors[value_key(field)] = [str(exc)]
            continue
        if stored is None and field.required:
            errors[value_key(field)] = [f"“{field.name}” is required."]
            continue
        read[field.pk] = stored
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)
    return read


def _write(ticket: Ticket, read: dict[int, Stored | None]) -> None:
    rows = {
        row.field_id: row for row in Value.objects.filter(ticket=ticket, field_id__in=list(read))
    }
    for field_id, stored in read.items():
        row = rows.get(field_id)
        if stored is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = Value(ticket=ticket, field_id=field_id)
        _fill(row, stored)
        row.save()
        row.options.set(stored.option_ids)


def _lock_fields(board: Board) -> dict[int, Field]:
    """The board's fields, held (shared) until the write commits: no type change converts them
    meanwhile. Board, columns, ticket, then its rows (boards/locks.py)."""
    # FOR SHARE: value writers of the board do not wait for each other, a type change (which
    # takes its field FOR NO KEY UPDATE) waits for them, and they for it. Django has no
    # select_for_share. SQLite (the embedded default) has one writer at a time, and no locks.
    held = " FOR SHARE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Field._meta.db_table} WHERE board_id = %s ORDER BY id{held}",
            [board.pk],
        )
        ids = {row[0] for row in cursor.fetchall()}
    return {field.pk: field for field in board_fields(board) if field.pk in ids}


@transaction.atomic
def values_set(*, ticket: Ticket, values: Mapping, by=None) -> list[str]:
    """Set some of the ticket's values: {field id: value}, a value as the API writes it (an
    empty one clears it; a required field is never cleared). All or nothing. Recorded in the
    ticket's history as an edit of those fields when any changed. Returns the names changed."""
    ticket = lock_ticket(ticket.pk)
    board = ticket.board
    fields = _lock_fields(board)
    current = ticket_values([ticket.pk]).get(ticket.pk, {})
    read = _read_values(board, fields, values, current)
    _write(ticket, read)
    after = ticket_values([ticket.pk]).get(ticket.pk, {})
    changed = [fields[pk].name for pk in read if current.get(pk) != after.get(pk)]
    if changed:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        ticket_services.activity_record(
            ticket=ticket, by=by, kind=Activity.Kind.EDITED, data={"fields": changed}
        )
    return changed


def _values_for_new(
    board: Board, fields: dict[int, Field], given: Mapping, *, required: bool = True
) -> dict:
    """What a new ticket's values are: those given, then each field's default; refused, naming
    each, when a required field has neither (unless not `required`)."""
    wanted = dict(given)
    given_ids = {int(key) for key in given if str(key).isdecimal()}
    missing: dict[str, list[str]] = {}
    for field in fields.values():
        if field.pk in given_ids:
            continue
        if field.default is not None:
            wanted[field.pk] = field.default
        elif field.required and required:
            missing[value_key(field)] = [f"“{field.name}” is required."]
    if missing:
        names = ", ".join(f"“{fields[int(k.split('.')[1])].name}”" for k in missing)
        raise InvalidInput(f"Fill in the required fields: {names}.", fields=missing)
    return wanted


def ticket_create_with_fields(
    *,
    board: Board,
    created_by,
    custom_fields: Mapping | None = None,
    from_outside: bool = False,
    **ticket_fields,
) -> Ticket:
    """tickets.services.ticket_create, with the ticket's custom-field values in the same
    transaction: those given, each other field's default, a required field with neither
    refused (nothing is written, no number taken). What a person's create goes through (the
    API, the board's quick add), and, `from_outside`, what the customer's does (mail, the
    request form, feedback): the defaults, and a required field left for the team to fill in
    (a customer's request is never refused for a field they cannot see). The ticket's
    `custom_field_values` are left unread (None) unless it has none."""
    fields = {field.pk: field for field in board_fields(board)}
    wanted = _values_for_new(board, fields, custom_fields or {}, required=not from_outside)
    read = _read_values(board, fields, wanted, {})  # before the ticket takes its number
    if not read:  # a board without fields (most): no savepoint of its own
        ticket = ticket_services.ticket_create(board=board, created_by=created_by, **ticket_fields)
        ticket.custom_field_values = {}
        return ticket
    with transaction.atomic():
        ticket = ticket_services.ticket_create(board=board, created_by=created_by, **ticket_fields)
        _write(ticket, read)
    return ticket


@transaction.atomic
def ticket_update_with_fields(
    *, ticket: Ticket, by=None, custom_fields: Mapping | None = None, **changes
) -> Ticket:
    """tickets.services.ticket_update and values_set in one transaction."""
    if changes:
        ticket = ticket_services.ticket_update(ticket=ticket, by=by, **changes)
    if custom_fields:
        values_set(ticket=ticket, values=custom_fields, by=by)
    return ticket
