"""What a value of each field type is, once: how one sent (over the API, from a form, as a
default) is read and checked, how it is stored on a Value row, and how it is written back (the
API's JSON, the CSV's text). The services, the selectors and every adapter go through here."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from customfields.models import Field, FieldType, Option

TEXT_MAX = 2000
# Decimal(20, 6): 14 digits before the point, 6 after.
NUMBER_MAX = Decimal("1e14")
NUMBER_PLACES = 6
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
_url = URLValidator(schemes=["http", "https"])


class BadValue(ValueError):
    """A value the field's type cannot hold; its message says why, for beside the field."""


@dataclass
class Stored:
    """A value as its Value row holds it: the column of its type, and the chosen options."""

    text: str = ""
    number: Decimal | None = None
    date: datetime.date | None = None
    flag: bool | None = None
    user_id: int | None = None
    option_ids: list[int] = field(default_factory=list)


@dataclass
class Context:
    """What reading a value of `field` needs beyond the value: the field's options (by id), the
    people who may be chosen for a user field (username -> id), and the options the ticket
    holds already (a removed option may stay chosen, never be newly chosen)."""

    options: dict[int, Option] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    keep_options: frozenset[int] = frozenset()


def is_empty(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def parse(kind: str, raw, context: Context) -> Stored | None:
    """`raw` as a value of type `kind`, or None for "no value". BadValue if it cannot be one."""
    if is_empty(raw):
        return None
    reader = _READERS[kind]
    return reader(raw, context)


def _text(raw, context: Context) -> Stored:
    if not isinstance(raw, str):
        raise BadValue("Enter text.")
    text = raw.strip()
    if len(text) > TEXT_MAX:
        raise BadValue(f"Use at most {TEXT_MAX} characters (it has {len(text)}).")
    return Stored(text=text)


def _url_value(raw, context: Context) -> Stored:
    stored = _text(raw, context)
    try:
        _url(stored.text)
    except ValidationError:
        raise BadValue("Enter a web address starting with http:// or https://.") from None
    return stored


def _number(raw, context: Context) -> Stored:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise BadValue("Enter a number.")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise BadValue("Enter a number, such as 12 or 4.5.") from None
    if not number.is_finite():
        raise BadValue("Enter a number, such as 12 or 4.5.")
    if abs(number) >= NUMBER_MAX:
        raise BadValue("Use a number below 100,000,000,000,000.")
    if number != number.quantize(Decimal(1).scaleb(-NUMBER_PLACES)):
        raise BadValue(f"Use at most {NUMBER_PLACES} decimal places.")
    return Stored(number=number)


def _date(raw, context: Context) -> Stored:
    if not isinstance(raw, str):
        raise BadValue("Enter a date as YYYY-MM-DD.")
    try:
        return Stored(date=datetime.date.fromisoformat(raw.strip()))
    except ValueError:
        raise BadValue("Enter a date as YYYY-MM-DD, such as 2025-01-31.") from None


def _checkbox(raw, context: Context) -> Stored:
    if isinstance(raw, bool):
        return Stored(flag=raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return Stored(flag=True)
    if word in FALSE_WORDS:
        return Stored(flag=False)
    raise BadValue("Use true or false.")


def _user(raw, context: Context) -> Stored:
    if not isinstance(raw, str):
        raise BadValue("Enter a username.")
    user_id = context.people.get(raw.strip())
    if user_id is None:
        raise BadValue(f"“{raw.strip()}” is not a member or admin of this board.")
    return Stored(user_id=user_id)


def _option(raw, context: Context) -> int:
    """One option, by its id (a number) or its label (any case)."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise BadValue("Choose an option by its id or its label.")
    chosen = None
    if isinstance(raw, int) or raw.strip().isdecimal():
        chosen = context.options.get(int(raw))
    if chosen is None and isinstance(raw, str):
        label = raw.strip().casefold()
        matches = [o for o in context.options.values() if o.label.casefold() == label]
        # A live option before a removed one of the same label.
        chosen = min(matches, key=lambda o: o.removed_at is not None, default=None)
    if chosen is None:
        raise BadValue(f"“{raw}” is not an option of this field.")
    if chosen.removed_at is not None and chosen.pk not in context.keep_options:
        raise BadValue(f"“{chosen.label}” was removed from this field's options.")
    return chosen.pk


def _select(raw, context: Context) -> Stored:
    if isinstance(raw, list):
        if len(raw) != 1:
            raise BadValue("Choose one option.")
        raw = raw[0]
    return Stored(option_ids=[_option(raw, context)])


def _multi_select(raw, context: Context) -> Stored:
    if not isinstance(raw, list):
        raw = [raw]
    chosen: list[int] = []
    for item in raw:
        option_id = _option(item, context)
        if option_id not in chosen:
            chosen.append(option_id)
    return Stored(option_ids=chosen)


_READERS = {
    FieldType.TEXT: _text,
    FieldType.URL: _url_value,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.CHECKBOX: _checkbox,
    FieldType.USER: _user,
    FieldType.SELECT: _select,
    FieldType.MULTI_SELECT: _multi_select,
}


def number_out(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def api_value(kind: str, stored: Stored, username: str | None = None):
    """A stored value as the API writes it (and ticket_values gives it): text and URLs as
    strings, a number as a JSON number, a date as "YYYY-MM-DD", a checkbox as a boolean, a user
    by `username`, a single select as its option's id, a multi select as a list of option ids."""
    if kind in (FieldType.TEXT, FieldType.URL):
        return stored.text or None
    if kind == FieldType.NUMBER:
        return None if stored.number is None else number_out(stored.number)
    if kind == FieldType.DATE:
        return None if stored.date is None else stored.date.isoformat()
    if kind == FieldType.CHECKBOX:
        return stored.flag
    if kind == FieldType.USER:
        return username
    ids = sorted(stored.option_ids or ())
    if kind == FieldType.SELECT:
        return ids[0] if ids else None
    return ids or None


def display(field: Field, value, options: dict[int, Option]) -> str:
    """An API value of `field` in words, for a page, a card or the CSV: an option by its label
    (a removed one too: it stays readable), a checkbox as Yes or No."""
    if value is None:
        return ""
    if field.type == FieldType.CHECKBOX:
        return "Yes" if value else "No"
    if field.type == FieldType.SELECT:
        value = [value]
    if field.type in (FieldType.SELECT, FieldType.MULTI_SELECT):
        return ", ".join(options[pk].label for pk in value if pk in options)
    return str(value)
