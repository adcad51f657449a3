"""The ticket filters with the board's custom fields: tickets.filters.TicketFilter plus one
parameter per field, `cf_<field id>`, for the board page, the API's ticket list and the CSV alike.

- single or multi select: an option's id or label, or "none"; repeated, tickets with any of them
- checkbox: true (ticked) or false (not ticked, or no value)
- user: a username, "me" or "none"; repeated, any of them
- number, date: a value, or a range `from..to` (either end may be left out), inclusive
- text, URL: text the value contains (any case)"""

from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.db.models import Q

from csboard.core.filters import StrictBooleanFilter, ValuesFilter
from customfields.models import SELECT_TYPES, Field, FieldType, Value
from customfields.selectors import board_fields
from tickets.filters import TicketFilter

PREFIX = "cf_"


def _number(text: str):
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError("Use a number, or a range such as 10..20.") from None
    if not number.is_finite():
        raise forms.ValidationError("Use a number, or a range such as 10..20.")
    return number


def _date(text: str):
    try:
        return forms.DateField(input_formats=["%Y-%m-%d"]).to_python(text)
    except forms.ValidationError:
        raise forms.ValidationError(
            "Use a date as YYYY-MM-DD, or a range such as 2025-01-01..2025-03-31."
        ) from None


class RangeField(forms.CharField):
    """`a`, `a..b`, `a..` or `..b`, each end read by `read`: (low, high), None where open."""

    def __init__(self, *, read, **kwargs):
        self.read = read
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        low, dots, high = text.partition("..")
        low = self.read(low.strip()) if low.strip() else None
        high = (self.read(high.strip()) if high.strip() else None) if dots else low
        if low is None and high is None:
            raise forms.ValidationError("Give at least one end of the range.")
        return (low, high)


class RangeFilter(django_filters.CharFilter):
    field_class = RangeField


def _with_value(field: Field, **match) -> Q:
    """Tickets whose value of `field` matches `match` (lookups on Value)."""
    return Q(pk__in=Value.objects.filter(field=field, **match).values("ticket_id"))


def _without_value(field: Field) -> Q:
    return ~Q(pk__in=Value.objects.filter(field=field).values("ticket_id"))


class FieldTicketFilter(TicketFilter):
    """TicketFilter with a `cf_<id>` filter for each of the board's fields (read once)."""

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, board=board, **kwargs)
        self.custom_fields = board_fields(board) if board is not None else []
        for field in self.custom_fields:
            self.filters[f"{PREFIX}{field.pk}"] = self._filter_for(field)

    def _filter_for(self, field: Field) -> django_filters.Filter:
        name = f"{PREFIX}{field.pk}"

        def method(queryset, _name, value):
            return queryset.filter(self._match(field, value))

        if field.type in (*SELECT_TYPES, FieldType.USER):
            made = ValuesFilter(field_name=name, method=method)
        elif field.type == FieldType.CHECKBOX:
            made = StrictBooleanFilter(field_name=name, method=method)
        elif field.type == FieldType.NUMBER:
            made = RangeFilter(field_name=name, method=method, read=_number)
        elif field.type == FieldType.DATE:
            made = RangeFilter(field_name=name, method=method, read=_date)
        else:
            made = django_filters.CharFilter(field_name=name, method=method)
        made.parent = self
        made.model = self.queryset.model if self.queryset is not None else None
        return made

    def _match(self, field: Field, value) -> Q:
        if field.type in SELECT_TYPES:
            return self._options(field, value)
        if field.type == FieldType.USER:
            return self._people(field, value)
        if field.type == FieldType.CHECKBOX:
            ticked = _with_value(field, flag=True)
            return ticked if value else ~ticked
        if field.type in (FieldType.NUMBER, FieldType.DATE):
            column = "number" if field.type == FieldType.NUMBER else "date"
            low, high = value
            bounds = {}
            if low is not None:
                bounds[f"{column}__gte"] = low
            if high is not None:
                bounds[f"{column}__lte"] = high
            return _with_value(field, **bounds)
        return _with_value(field, text__icontains=value)

    def _options(self, field: Field, values: list[str]) -> Q:
        wanted = set()
        for value in values:
            for option in field.option_list:
                if value == str(option.pk) or value.casefold() == option.label.casefold():
                    wanted.add(option.pk)
        match = _with_value(field, options__in=wanted)
        if "none" in values:
            match |= _without_value(field)
        return match

    def _people(self, field: Field, values: list[str]) -> Q:
        people = Q(user__username__in=[v for v in values if v not in ("me", "none")])
        if "me" in values and self.request and self.request.user.is_authenticated:
            people |= Q(user=self.request.user)
        match = Q(pk__in=Value.objects.filter(people, field=field).values("ticket_id"))
        if "none" in values:
            match |= _without_value(field)
        return match
