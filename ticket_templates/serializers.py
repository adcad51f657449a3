from django.contrib.auth import get_user_model
from rest_framework import serializers

from boards.models import Board, Column, Tag
from boards.selectors import board_team
from csboard.core.api import StrictCharField, StrictIdField, column_field
from customfields.serializers import FieldTicketInputSerializer
from sla.priorities import Priority
from ticket_templates.models import CHECKLIST_ITEM_MAX, TicketTemplate
from ticket_templates.placeholders import HELP
from ticket_templates.services import CHECKLIST_ITEMS_MAX
from tickets.models import Ticket

CHECKLIST_HELP = f"Checklist items, in order: at most {CHECKLIST_ITEMS_MAX}."


def _checklist_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=StrictCharField(max_length=CHECKLIST_ITEM_MAX),
        max_length=CHECKLIST_ITEMS_MAX,
        **kwargs,
    )


class TicketTemplateSerializer(serializers.ModelSerializer):
    assignees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    checklist = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = TicketTemplate
        fields = [
            "id",
            "name",
            "title_pattern",
            "description",
            "priority",
            "column",
            "tags",
            "assignees",
            "checklist",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TicketTemplateInputSerializer(serializers.Serializer):
    """A template as an admin writes it; its column, tags and assignees looked up through the
    board only."""

    name = column_field(TicketTemplate, "name")
    title_pattern = column_field(TicketTemplate, "title_pattern", help_text=HELP)
    description = column_field(TicketTemplate, "description")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    column = serializers.PrimaryKeyRelatedField(
        queryset=Column.objects.none(),
        required=False,
        allow_null=True,
        pk_field=StrictIdField(),
        help_text="Where its tickets go; null: the board's first column.",
    )
    tags = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Tag.objects.none(), required=False, pk_field=StrictIdField()
    )
    assignees = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Members and admins of the board; those who leave it are not assigned.",
    )
    checklist = _checklist_field(required=False, help_text=CHECKLIST_HELP)

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is None:  # the schema generator's instance
            return
        self.fields["column"].queryset = board.columns.all()
        self.fields["tags"].child_relation.queryset = board.tags.all()
        self.fields["assignees"].child_relation.queryset = board_team(board)


class TicketCreateInputSerializer(FieldTicketInputSerializer):
    """A new ticket: the ticket's fields (its custom fields too; the schema's TicketInput), and
    optionally a `template` of the board, which gives
    what is left out (the title too) and its checklist, and whose title placeholders are filled
    in; and `checklist` items (instead of the template's)."""

    template = serializers.PrimaryKeyRelatedField(
        queryset=TicketTemplate.objects.none(),
        required=False,
        pk_field=StrictIdField(),
        help_text="A ticket template of this board (`/api/boards/{id}/ticket-templates/`). "
        f"With it `title` is optional; in the title, {HELP}",
    )
    checklist = _checklist_field(
        required=False, help_text=f"{CHECKLIST_HELP} Without it, the template's (if any)."
    )

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, board=board, **kwargs)
        if board is not None:
            self.fields["template"].queryset = TicketTemplate.objects.filter(board=board)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["title"] = column_field(Ticket, "title", required=False)
        return fields

    def validate(self, attrs: dict) -> dict:
        if "template" not in attrs and not attrs.get("title", "").strip():
            raise serializers.ValidationError({"title": ["This field is required."]})
        return attrs
