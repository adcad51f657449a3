from django.contrib.auth import get_user_model
from rest_framework import serializers

from boards.models import Board, Tag
from boards.selectors import board_team
from csboard.core.api import (
    StrictBooleanField,
    StrictCharField,
    StrictIdField,
    StrictSlugRelatedField,
    column_field,
    require_lists,
)
from macros.models import Macro
from macros.selectors import action_summary
from tickets.models import Status


class MacroSerializer(serializers.ModelSerializer):
    shared = serializers.BooleanField(source="is_shared", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    add_tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    remove_tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    actions = serializers.SerializerMethodField()
    # Blank: the macro leaves the status alone (in the schema too: StatusEnum or "").
    set_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Macro
        fields = [
            "id",
            "name",
            "kind",
            "body",
            "shared",
            "owner",
            "set_status",
            "add_tags",
            "remove_tags",
            "assign_to_me",
            "assignee",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_actions(self, macro) -> str:
        """The actions in words."""
        return action_summary(macro)


class MacroInputSerializer(serializers.Serializer):
    """A macro as written: `shared` (on create only) makes it the board's (admins only)."""

    name = column_field(Macro, "name")
    kind = serializers.ChoiceField(choices=Macro.Kind.choices, required=False)
    body = column_field(Macro, "body")
    shared = StrictBooleanField(required=False, default=False)
    set_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    add_tags = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Tag.objects.none(), required=False, pk_field=StrictIdField()
    )
    remove_tags = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Tag.objects.none(), required=False, pk_field=StrictIdField()
    )
    assign_to_me = StrictBooleanField(required=False)
    assignee = StrictSlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.none(),
        required=False,
        allow_null=True,
    )

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is None:  # the schema generator's instance
            return
        self.fields["add_tags"].child_relation.queryset = board.tags.all()
        self.fields["remove_tags"].child_relation.queryset = board.tags.all()
        self.fields["assignee"].queryset = board_team(board)

    def to_internal_value(self, data):
        require_lists(data, "add_tags", "remove_tags")
        return super().to_internal_value(data)


class MacroUseSerializer(serializers.Serializer):
    """Using a macro on a ticket of the board (its number): `body`, when given, is the text as
    the person edited it, sent instead of the macro's own; `cc` for a reply."""

    ticket = StrictIdField(min_value=1)
    body = StrictCharField(required=False, max_length=10_000)
    cc = serializers.ListField(child=StrictCharField(max_length=320), required=False, max_length=20)


class RenderedSerializer(serializers.Serializer):
    body = serializers.CharField()


class AppliedSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(help_text="The ticket's number.")
    status = serializers.CharField()
    message = serializers.IntegerField(help_text="The id of the reply or note posted.")
