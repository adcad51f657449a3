"""What every API view shares: idempotent creates and strict JSON fields. (What board-scoped API
views share, the board resolved through the access policy, is boards.api.)"""

from django.db import models
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from csboard.core import idempotency
from csboard.core.validation import max_length_of

IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string (a UUID) to make this create safe to retry: the same key and body "
        "within 24 hours answers the first result (with `Idempotent-Replayed: true`) and "
        "creates nothing; the same key with another body is a 409 `idempotency_key_reused`. "
        "Scoped per user and endpoint; at most 255 characters."
    ),
)


def idempotent_create(request, create) -> Response:
    """Answer a create (`create()` returns its Response) once per `Idempotency-Key`."""

    def run():
        response = create()
        return response.status_code, response.data

    answer = idempotency.idempotent(
        user=request.user,
        scope=f"{request.method} {request.path}",
        key=request.headers.get(idempotency.HEADER, ""),
        body=request.data,
        create=run,
    )
    response = Response(answer.data, status=answer.status_code)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# The API reads JSON, and a value of the wrong JSON type is a 400, never coerced: DRF's own
# fields would quietly read 0 as "0", "3" as 3 and "yes" as true.
class _OnlyStrings:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_OnlyStrings, serializers.CharField):
    """A string, and only a string."""


class StrictEmailField(_OnlyStrings, serializers.EmailField):
    """An email address, given as a string."""


class StrictRegexField(_OnlyStrings, serializers.RegexField):
    """A string matching the pattern."""


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A row by its slug, or null where allowed: "" is refused, not read as null (DRF's
    relations read "" as None, so a blank username would quietly clear the choice)."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return super().run_validation(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number, not "1.5" or true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, not 0, 1 or "yes"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


# What an integer column holds (positions, limits); ids are 64-bit.
INT_RANGE = (-(2**31), 2**31 - 1)
BIGINT_RANGE = (-(2**63), 2**63 - 1)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, not "3" or 3.0, and one its column can hold: 2**40 is a 400 (it would
    be a database error or, clamped, a silent change of what the caller asked for)."""

    value_range = INT_RANGE

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", self.value_range[0])
        kwargs.setdefault("max_value", self.value_range[1])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIdField(StrictIntegerField):
    """A row's id, as a JSON integer."""

    value_range = BIGINT_RANGE


def moment_writer():
    """What DateTimeField.to_representation writes (None stays None), with the current time zone
    looked up once: DRF looks it up (a context-local read) for every value it writes, most of the
    cost of a date-time. For a serializer that writes its rows out by hand; take one per
    serializer, within the request."""
    field = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
    write = field.to_representation
    return lambda value: None if value is None else write(value)


def column_field(model: type[models.Model], name: str, **kwargs) -> StrictCharField:
    """The input field for a model's string column: its length and whether it may be left
    blank come from the column, so a value the column cannot hold is a 400 naming the field."""
    column = model._meta.get_field(name)
    field_class = StrictEmailField if isinstance(column, models.EmailField) else StrictCharField
    if column.blank:
        kwargs = {"required": False, "allow_blank": True, **kwargs}
    return field_class(max_length=max_length_of(model, name), **kwargs)


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer whose writable fields take their own JSON type only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.FloatField: StrictFloatField,
        models.BooleanField: StrictBooleanField,
    }


def require_lists(data, *names: str) -> None:
    """DRF takes any iterable for a list of relations: {} or "ab" would be read as a list. Each
    of `names` sent must be a JSON list, or the input is a 400 naming it."""
    for name in names:
        if hasattr(data, "get") and name in data and not isinstance(data[name], list):
            message = f'Expected a list of items but got type "{type(data[name]).__name__}".'
            raise serializers.ValidationError({name: [message]})
