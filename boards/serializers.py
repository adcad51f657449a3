from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from rest_framework import serializers

from accounts.selectors import user_by_login
from boards.api import RoleField
from boards.models import Board, Column, Membership, Role, Tag, Visibility, time_zone_validator
from boards.services import BOARD_TEMPLATES
from csboard.core.api import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictRegexField,
    column_field,
    moment_writer,
)
from csboard.core.validation import max_length_of


class ColumnSerializer(serializers.ModelSerializer):
    ticket_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Column
        fields = ["id", "name", "position", "wip_limit", "is_done", "ticket_count"]

    def to_representation(self, column) -> dict:
        # Written out, in Meta.fields order, as BoardSerializer's is: DRF's walk field by field
        # is most of the board API's own time. tests/boards/test_serializers.py holds it to it.
        return {
            "id": column.pk,
            "name": column.name,
            "position": column.position,
            "wip_limit": column.wip_limit,
            "is_done": column.is_done,
            "ticket_count": column.ticket_count,
        }


class ColumnInputSerializer(serializers.Serializer):
    name = column_field(Column, "name")
    wip_limit = StrictIntegerField(min_value=1, allow_null=True, required=False)
    position = StrictIntegerField(
        min_value=0,
        required=False,
        help_text="Where the column goes, as an index from the left (0 = first); "
        "without it, a new column goes last. A position past the end is the end.",
    )
    is_done = StrictBooleanField(
        required=False,
        help_text="Entering a done column resolves a ticket. Changing it resolves or reopens "
        "the tickets already in the column; a board keeps at least one done column (409).",
    )


class ColumnDeleteSerializer(serializers.Serializer):
    """The query of a column delete: where its tickets go, a column of the same board."""

    move_to = serializers.PrimaryKeyRelatedField(
        queryset=Column.objects.none(),
        required=False,
        allow_null=True,
        pk_field=serializers.IntegerField(),  # a query string: every value is text
    )

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is not None:
            self.fields["move_to"].queryset = board.columns.all()


class BoardSerializer(serializers.ModelSerializer):
    my_role = RoleField(read_only=True)
    # Given with the board (boards.apis): its columns in order, with their ticket counts.
    columns = ColumnSerializer(many=True, read_only=True, source="shown_columns")

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "key",
            "description",
            "visibility",
            "timezone",
            "my_role",
            "columns",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, board) -> dict:
        # Without self.fields: building a model serializer's fields costs more than the row.
        column = self._column_serializer.to_representation
        moment = moment_writer()
        role = board.my_role
        return {
            "id": board.pk,
            "name": board.name,
            "key": board.key,
            "description": board.description,
            "visibility": board.visibility,
            "timezone": board.timezone,
            "my_role": None if role is None else Role(role).slug,  # as RoleField writes it
            "columns": [column(each) for each in board.shown_columns],
            "created_at": moment(board.created_at),
            "updated_at": moment(board.updated_at),
        }

    @cached_property
    def _column_serializer(self) -> ColumnSerializer:
        return ColumnSerializer()


class BoardInputSerializer(serializers.Serializer):
    name = column_field(Board, "name")
    key = StrictRegexField(
        r"^[A-Za-z][A-Za-z0-9]{1,9}$",
        max_length=max_length_of(Board, "key"),
        help_text="2 to 10 letters or digits, starting with a letter; stored in capitals.",
    )
    description = column_field(Board, "description")
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    # A plain string in the schema: the ~600 IANA names as an enum collide in generated clients
    # (GMT+0, GMT-0 and GMT0 make one identifier).
    timezone = StrictCharField(
        max_length=max_length_of(Board, "timezone"),
        validators=[time_zone_validator],
        required=False,
        help_text="IANA name, e.g. Europe/Berlin.",
    )
    template = serializers.ChoiceField(
        choices=list(BOARD_TEMPLATES), required=False, write_only=True
    )


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "color"]


class TagInputSerializer(serializers.Serializer):
    name = column_field(Tag, "name")
    color = StrictRegexField(r"^#[0-9a-fA-F]{6}$", required=False)


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["username", "display_name", "email"]


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role = RoleField()

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class UserByNameOrEmailField(StrictCharField):
    def run_validation(self, data=serializers.empty):
        # Look the user up only after CharField's own checks (blank, length, NUL characters),
        # as the settings page does.
        user = user_by_login(super().run_validation(data))
        if user is None:
            raise serializers.ValidationError("No user with that username or email.")
        return user


class MembershipInputSerializer(serializers.Serializer):
    user = UserByNameOrEmailField(
        help_text="A username (any case) or an email address (its owner's account, by email alone)."
    )
    role = RoleField(required=False)


class MembershipRoleSerializer(serializers.Serializer):
    role = RoleField()
