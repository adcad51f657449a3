from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boards.models import Board, Column, Tag
from boards.selectors import board_team
from csboard.core.api import (
    StrictIdField,
    StrictIntegerField,
    column_field,
)
from sla.selectors import ClockState, policy_for, ticket_clocks
from tickets.fields import EDITABLE_FIELDS
from tickets.models import Ticket


class SlaClockSerializer(serializers.Serializer):
    """One SLA clock of a ticket (sla.selectors.ticket_clocks), read-only."""

    clock = serializers.ChoiceField(choices=["first_response", "resolution"], source="key")
    state = serializers.ChoiceField(
        choices=[ClockState.ON_TRACK, ClockState.DUE_SOON, ClockState.BREACHED, ClockState.MET]
    )
    deadline = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)


class TicketSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    # None for tickets nobody on the board created (feedback intake) or whose creator is gone.
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    assignees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    # An email address or "" (none given): not `format: email` in the schema.
    customer_email = serializers.CharField(read_only=True)
    sla = serializers.SerializerMethodField()
    # The ticket's index in its column (0 = top), not its stored rank (tickets.ranks).
    position = serializers.IntegerField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "reference",
            "title",
            "description",
            "column",
            "position",
            "status",
            "priority",
            "customer_name",
            "customer_email",
            "customer_company",
            "customer_phone",
            "created_by",
            "source",
            "assignees",
            "tags",
            "due_at",
            "is_overdue",
            "created_at",
            "updated_at",
            "resolved_at",
            "first_response_at",
            "first_response_due_at",
            "sla",
        ]
        read_only_fields = fields

    @cached_property
    def _clock_serializer(self) -> SlaClockSerializer:
        # One for every row of a list (a list serializer has one child): building a serializer
        # per row copies its fields each time, a fifth of a 50-row page's time.
        return SlaClockSerializer()

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket) -> list:
        # The view passes the board's policy once: each row's board is its own object.
        policy = self.context.get("sla_policy") or policy_for(ticket.board)
        return [self._clock_serializer.to_representation(c) for c in ticket_clocks(ticket, policy)]


def _value_field(name: str) -> serializers.Field:
    """The API field of a ticket column: its limit, choices and whether it may be left empty
    come from the model, as the edit form's do (tickets.fields)."""
    column = Ticket._meta.get_field(name)
    if column.choices:
        return serializers.ChoiceField(choices=column.choices, required=False)
    if isinstance(column, models.DateTimeField):
        return serializers.DateTimeField(required=False, allow_null=column.null)
    return column_field(Ticket, name)


class TicketInputSerializer(serializers.Serializer):
    """What a caller may send: the fields of tickets.fields.EDITABLE_FIELDS, then the
    relations, looked up through the board only."""

    # pk_field: an id is a whole number; 1.5 would otherwise be read as column 1.
    column = serializers.PrimaryKeyRelatedField(
        queryset=Column.objects.none(), required=False, pk_field=StrictIdField()
    )
    assignees = serializers.SlugRelatedField(
        slug_field="username", many=True, queryset=get_user_model().objects.none(), required=False
    )
    tags = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Tag.objects.none(), required=False, pk_field=StrictIdField()
    )

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is None:  # the schema generator's instance
            return
        self.fields["column"].queryset = board.columns.all()
        self.fields["assignees"].child_relation.queryset = board_team(board)
        self.fields["tags"].child_relation.queryset = board.tags.all()

    def get_fields(self) -> dict:
        return {**{name: _value_field(name) for name in EDITABLE_FIELDS}, **super().get_fields()}


class TicketMoveSerializer(serializers.Serializer):
    column = serializers.PrimaryKeyRelatedField(
        queryset=Column.objects.none(), pk_field=StrictIdField()
    )
    position = StrictIntegerField(min_value=0, required=False, allow_null=True)
    # Where the caller last saw the ticket. Optional, so older clients keep working; when sent,
    # a ticket moved since is not moved again but answered 409 (code "moved_meanwhile").
    from_column = StrictIdField(
        required=False,
        help_text="The column id the caller saw the ticket in. If the ticket has left it since, "
        'the move is refused with 409 and code "moved_meanwhile".',
    )
    from_position = StrictIntegerField(
        min_value=0,
        required=False,
        help_text="The index the caller saw the ticket at. If it differs now, the move is "
        'refused with 409 and code "moved_meanwhile".',
    )

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is not None:
            self.fields["column"].queryset = board.columns.all()
