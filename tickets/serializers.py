from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from boards.models import Board, Column, Tag
from boards.selectors import board_team
from csboard.core.api import (
    StrictIdField,
    StrictIntegerField,
    column_field,
    moment_writer,
    require_lists,
)
from sla.selectors import ClockState, policy_for, ticket_clocks
from tickets.fields import EDITABLE_FIELDS
from tickets.models import Ticket
from tickets.selectors import WorkGroup, WorkSection


class SlaClockSerializer(serializers.Serializer):
    """One SLA clock of a ticket (sla.selectors.ticket_clocks), read-only."""

    clock = serializers.ChoiceField(choices=["first_response", "resolution"], source="key")
    state = serializers.ChoiceField(
        choices=[ClockState.ON_TRACK, ClockState.DUE_SOON, ClockState.BREACHED, ClockState.MET]
    )
    deadline = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, clock) -> dict:
        # Written out, as TicketSerializer's rows are (see there).
        moment = self._moment
        return {
            "clock": clock.key,
            "state": clock.state,
            "deadline": moment(clock.deadline),
            "stopped_at": moment(clock.stopped_at),
        }

    @cached_property
    def _moment(self):
        return moment_writer()


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
    # Set while the ticket is archived (the list's `archived` filter); by whom, None once gone.
    archived_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    # The number of the ticket this one was merged into (relations.services.ticket_merge), where
    # its conversation is now; a GET of this one's number redirects there.
    merged_into = serializers.IntegerField(
        source="merged_into.number", read_only=True, allow_null=True, default=None
    )

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
            "archived_at",
            "archived_by",
            "merged_into",
        ]
        read_only_fields = fields

    def to_representation(self, ticket) -> dict:
        # Written out, in Meta.fields order: DRF's walk field by field (each field's
        # get_attribute, then its to_representation) was most of a list page's time.
        # tests/tickets/test_serializers.py holds this to that walk's output.
        moment = self._moment
        created_by = ticket.created_by
        return {
            "number": ticket.number,
            "reference": ticket.reference,
            "title": ticket.title,
            "description": ticket.description,
            "column": ticket.column_id,
            "position": ticket.position,
            "status": ticket.status,
            "priority": ticket.priority,
            "customer_name": ticket.customer_name,
            "customer_email": ticket.customer_email,
            "customer_company": ticket.customer_company,
            "customer_phone": ticket.customer_phone,
            "created_by": None if created_by is None else created_by.username,
            "source": ticket.source,
            "assignees": _assignee_usernames(ticket),
            "tags": _tag_ids(ticket),
            "due_at": moment(ticket.due_at),
            "is_overdue": ticket.is_overdue,
            "created_at": moment(ticket.created_at),
            "updated_at": moment(ticket.updated_at),
            "resolved_at": moment(ticket.resolved_at),
            "first_response_at": moment(ticket.first_response_at),
            "first_response_due_at": moment(ticket.first_response_due_at),
            "sla": self.get_sla(ticket),
            "archived_at": moment(ticket.archived_at),
            "archived_by": _archived_by(ticket),
            "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
        }

    @cached_property
    def _moment(self):
        return moment_writer()

    @cached_property
    def _clock_serializer(self) -> SlaClockSerializer:
        # One for every row of a list (a list serializer has one child): building a serializer
        # per row copies its fields each time, a fifth of a 50-row page's time.
        return SlaClockSerializer()

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket) -> list:
        if ticket.first_response_due_at is None and ticket.due_at is None:
            return []  # no clock: no policy to read
        # The view passes the board's policy once, or the rows share their board object (a list
        # page), which remembers it (policy_for).
        policy = self.context.get("sla_policy") or policy_for(ticket.board)
        return [self._clock_serializer.to_representation(c) for c in ticket_clocks(ticket, policy)]


def _archived_by(ticket) -> str | None:
    # No query for a live ticket (no id to follow); the selectors read the archiver along.
    return None if ticket.archived_by_id is None else ticket.archived_by.username


def _assignee_usernames(ticket) -> list[str]:
    # A page of the ticket list reads them as values (tickets.selectors.tickets_in).
    # By username: the relation has no order of its own, and a row must read the same each time.
    usernames = getattr(ticket, "assignee_usernames", None)
    if usernames is None:
        usernames = [user.username for user in ticket.assignees.all()]
    return sorted(usernames)


def _tag_ids(ticket) -> list[int]:
    tag_ids = getattr(ticket, "tag_ids", None)
    return [tag.pk for tag in ticket.tags.all()] if tag_ids is None else tag_ids


def _value_field(name: str) -> serializers.Field:
    """The API field of a ticket column: its limit, choices and whether it may be left empty
    come from the model, as the edit form's do (tickets.fields)."""
    column = Ticket._meta.get_field(name)
    if column.choices:
        return serializers.ChoiceField(choices=column.choices, required=False)
    if isinstance(column, models.DateTimeField):
        return serializers.DateTimeField(required=False, allow_null=column.null)
    return column_field(Ticket, name)


def _set_change(relation: str, help_text: str) -> serializers.ManyRelatedField:
    """A list of people (by username) or tags (by id) to add to a ticket's set or remove."""
    if relation == "assignees":
        queryset, extra = get_user_model().objects.none(), {"slug_field": "username"}
        field = serializers.SlugRelatedField
    else:
        queryset, extra = Tag.objects.none(), {"pk_field": StrictIdField()}
        field = serializers.PrimaryKeyRelatedField
    return field(
        many=True, queryset=queryset, required=False, write_only=True, help_text=help_text, **extra
    )


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
        for name, field in self.fields.items():
            if name.startswith("assignees"):
                field.child_relation.queryset = board_team(board)
            elif name.startswith("tags"):
                field.child_relation.queryset = board.tags.all()

    def to_internal_value(self, data):
        lists = [name for name, field in self.fields.items() if isinstance(field, ManyRelatedField)]
        require_lists(data, *lists)
        return super().to_internal_value(data)

    def get_fields(self) -> dict:
        return {**{name: _value_field(name) for name in EDITABLE_FIELDS}, **super().get_fields()}


class TicketChangeSerializer(TicketInputSerializer):
    """An edit: the input's fields, and changes to the assignees and tags that keep the others."""

    # Changes to the sets as they are when the write runs (tickets.services.ticket_update).
    assignees_add = _set_change("assignees", "Usernames to assign, keeping whoever else is.")
    assignees_remove = _set_change("assignees", "Usernames to unassign, keeping the others.")
    tags_add = _set_change("tags", "Tag ids to add, keeping the ticket's other tags.")
    tags_remove = _set_change("tags", "Tag ids to remove, keeping the ticket's other tags.")


class TicketMoveSerializer(serializers.Serializer):
    # An id, checked against the board when the move locks it (tickets.services.ticket_move):
    # one statement for both.
    column = StrictIdField(help_text="The id of a column of this board.")
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
        super().__init__(*args, **kwargs)  # `board` as the other inputs take it: unused here


class WorkBoardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class WorkItemSerializer(serializers.Serializer):
    """One row of My work (tickets.selectors.my_work): a ticket with its board, the section it
    is listed in and its urgency, read-only."""

    section = serializers.ChoiceField(
        choices=[s.value for s in WorkSection],
        help_text='"assigned": assigned to me; "mentions": a message on it mentions me (newest '
        'mention first); "following": I follow it and am not assigned.',
    )
    group = serializers.ChoiceField(
        choices=[g.value for g in WorkGroup],
        help_text='Urgency: "breached" (an SLA clock ran out), "today" and "week" (due by the '
        'end of today, of Sunday, in the board\'s time zone), "later" (or no due date), '
        '"waiting" (on the customer). Assigned rows come in this order, the soonest due first.',
    )
    board = WorkBoardSerializer()
    number = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    column = serializers.CharField(source="column.name")
    due_at = serializers.DateTimeField(allow_null=True)
    sla = serializers.SerializerMethodField()
    mentioned_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="The ticket's page.")

    def to_representation(self, row) -> dict:
        section, ticket = row
        moment = self._moment
        return {
            "section": section.value,
            "group": ticket.group.value,
            "board": {"id": ticket.board.pk, "key": ticket.board.key, "name": ticket.board.name},
            "number": ticket.number,
            "reference": ticket.reference,
            "title": ticket.title,
            "status": ticket.status,
            "priority": ticket.priority,
            "column": ticket.column.name,
            "due_at": moment(ticket.due_at),
            "sla": self.get_sla(ticket),
            "mentioned_at": moment(getattr(ticket, "mentioned_at", None)),
            "url": ticket.get_absolute_url(),
        }

    @cached_property
    def _moment(self):
        return moment_writer()

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket) -> list:
        clocks = ticket_clocks(ticket, policy_for(ticket.board))
        return [SlaClockSerializer().to_representation(clock) for clock in clocks]


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField(help_text="Whether the caller follows the ticket.")
