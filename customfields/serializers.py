from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from csboard.core.api import StrictBooleanField, StrictCharField, StrictIdField
from customfields.models import Field, FieldType, Option
from customfields.selectors import board_fields, may_have_values, ticket_values
from customfields.services import LABEL_MAX, NAME_MAX
from tickets.serializers import TicketChangeSerializer, TicketInputSerializer, TicketSerializer

# One value of a field, by its type (customfields.values.api_value).
VALUE_SCHEMA = {
    "nullable": True,
    "anyOf": [
        {"type": "string", "description": "text, url, user (a username), date (YYYY-MM-DD)"},
        {"type": "number", "description": "number"},
        {"type": "boolean", "description": "checkbox"},
        {"type": "integer", "description": "single select: the option's id"},
        {
            "type": "array",
            "items": {"type": "integer"},
            "description": "multi select: the options' ids",
        },
    ],
}
VALUES_SCHEMA = {
    "type": "object",
    "additionalProperties": VALUE_SCHEMA,
    "description": "The ticket's custom-field values by field id (`/api/boards/{id}/fields/`), "
    "each typed by its field's type: text and url a string, number a number, date a string "
    '"YYYY-MM-DD", checkbox a boolean, user a username, single select an option id, multi '
    "select a list of option ids. A field without a value is left out. When writing, a select "
    "also takes an option's label, and null (or an empty value) clears the value.",
}

# The JSON types a value of each field type may be sent as (null always: it clears).
JSON_TYPES = {
    FieldType.TEXT: (str,),
    FieldType.URL: (str,),
    FieldType.DATE: (str,),
    FieldType.USER: (str,),
    FieldType.NUMBER: (int, float),
    FieldType.CHECKBOX: (bool,),
    FieldType.SELECT: (int, str),
    FieldType.MULTI_SELECT: (list,),
}


@extend_schema_field(VALUES_SCHEMA)
class ValuesField(serializers.DictField):
    """The `custom_fields` object; on input, each value of the JSON type its field takes (the
    service checks what it means)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.JSONField(allow_null=True), **kwargs)


@extend_schema_field(VALUE_SCHEMA)
class DefaultField(serializers.JSONField):
    pass


class FieldValuesListSerializer(serializers.ListSerializer):
    """A list of tickets reads every row's values at once (one query, customfields.selectors)."""

    def to_representation(self, data):
        tickets = list(data)
        values = ticket_values([ticket.pk for ticket in tickets if may_have_values(ticket)])
        for ticket in tickets:
            ticket.custom_field_values = values.get(ticket.pk, {})
        return super().to_representation(tickets)


# The API's one ticket: its schema keeps the name it always had.
@extend_schema_serializer(component_name="Ticket")
class FieldTicketSerializer(TicketSerializer):
    """A ticket with its custom-field values."""

    custom_fields = ValuesField(read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "custom_fields"]
        read_only_fields = fields
        list_serializer_class = FieldValuesListSerializer

    def to_representation(self, ticket) -> dict:
        values = getattr(ticket, "custom_field_values", None)
        if values is None:
            values = (
                ticket_values([ticket.pk]).get(ticket.pk, {}) if may_have_values(ticket) else {}
            )
        return {
            **super().to_representation(ticket),
            "custom_fields": {str(field_id): value for field_id, value in values.items()},
        }


class _ValuesInput(serializers.Serializer):
    """The `custom_fields` a ticket's create or edit may send, each value of the JSON type its
    field takes (the service checks what it means)."""

    custom_fields = ValuesField(required=False)

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, board=board, **kwargs)
        self.board = board

    def validate_custom_fields(self, values: dict) -> dict:
        kinds = {str(field.pk): field.type for field in board_fields(self.board)}
        errors = {}
        for key, value in values.items():
            kind = kinds.get(key)
            if kind is None:
                errors[key] = ["Not a custom field of this board."]
            elif value is not None and (
                isinstance(value, bool) != (kind == FieldType.CHECKBOX)
                or not isinstance(value, JSON_TYPES[kind])
            ):
                errors[key] = [f"A {FieldType(kind).label.lower()} value is not a {_json(value)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return values


@extend_schema_serializer(component_name="TicketInput")
class FieldTicketInputSerializer(_ValuesInput, TicketInputSerializer):
    pass


@extend_schema_serializer(component_name="TicketChange")
class FieldTicketChangeSerializer(_ValuesInput, TicketChangeSerializer):
    pass


def _json(value) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}.get(
        type(value), "value of this kind"
    )


# --- The fields themselves -----------------------------------------------------------------------
class OptionSerializer(serializers.ModelSerializer):
    removed = serializers.SerializerMethodField()

    class Meta:
        model = Option
        fields = ["id", "label", "removed"]

    def get_removed(self, option) -> bool:
        return option.removed_at is not None


class FieldSerializer(serializers.ModelSerializer):
    options = serializers.SerializerMethodField()
    default = DefaultField(read_only=True)

    class Meta:
        model = Field
        fields = [
            "id",
            "name",
            "type",
            "required",
            "default",
            "show_on_card",
            "position",
            "options",
        ]
        read_only_fields = fields

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, field) -> list:
        # Removed ones too: tickets that chose them still show them (`removed: true`).
        return OptionSerializer(getattr(field, "option_list", ()), many=True).data


class OptionInputSerializer(serializers.Serializer):
    id = StrictIdField(
        required=False, help_text="An option of the field to keep (renamed to `label`)."
    )
    label = StrictCharField(max_length=LABEL_MAX)


class FieldInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=NAME_MAX)
    type = serializers.ChoiceField(choices=FieldType.choices)
    required = StrictBooleanField(required=False)
    default = DefaultField(required=False, allow_null=True)
    show_on_card = StrictBooleanField(required=False)
    position = StrictIdField(required=False, min_value=0, max_value=1000)
    options = OptionInputSerializer(
        many=True,
        required=False,
        help_text="A select's options in order. On a change: an option given with its id is "
        "kept (renamed to its label), one without an id is added, and an option left out is "
        "removed: no longer offered, still shown on the tickets that chose it.",
    )
