"""The API's shapes of rules, their runs and a dry run. The conditions and actions are typed in
the schema, one shape per kind (automation.kinds); what they may say is checked by the services."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from automation.kinds import (
    ACTIONS,
    ASSIGN_MODES,
    CONDITIONS,
    CUSTOM_OPS,
    HOURS_MAX,
    ITEMS_MAX,
)
from automation.models import Rule, RuleRun, Trigger
from automation.selectors import rule_said
from csboard.core.api import StrictBooleanField
from sla.priorities import Priority
from tickets.models import Source, Status

# Each type of value (automation.kinds.VALUES) as the schema shows it.
VALUE_FIELDS = {
    "column": lambda: serializers.IntegerField(help_text="A column id of the board."),
    "tag": lambda: serializers.IntegerField(help_text="A tag id of the board."),
    "tags": lambda: serializers.ListField(child=serializers.IntegerField(), min_length=1),
    "people": lambda: serializers.ListField(
        child=serializers.IntegerField(), help_text="User ids of the board's members and admins."
    ),
    "status": lambda: serializers.ChoiceField(choices=Status.choices),
    "priority": lambda: serializers.ChoiceField(choices=Priority.choices),
    "channel": lambda: serializers.ChoiceField(choices=Source.choices),
    "domain": lambda: serializers.CharField(help_text="e.g. example.com (its subdomains too)."),
    "words": lambda: serializers.CharField(help_text="Words or phrases, comma-separated."),
    "hours": lambda: serializers.IntegerField(min_value=1, max_value=HOURS_MAX),
    "items": lambda: serializers.ListField(
        child=serializers.CharField(), min_length=1, max_length=ITEMS_MAX
    ),
    "note": lambda: serializers.CharField(help_text="Markdown."),
    "message": lambda: serializers.CharField(max_length=200),
    "flag": lambda: StrictBooleanField(),
    "mode": lambda: serializers.ChoiceField(choices=list(ASSIGN_MODES.items())),
    "person": lambda: serializers.IntegerField(help_text="The user id of a member or admin."),
    "macro": lambda: serializers.IntegerField(help_text="The id of a macro shared with the board."),
    "template": lambda: serializers.IntegerField(
        help_text="The id of a ticket template of the board."
    ),
}


class CustomFieldCondition(serializers.Serializer):
    """A test of one of the board's custom fields, as its type allows: text and URLs
    `contains`/`not_contains` words; a number `is`, `is_not`, `less_than`, `more_than` a number;
    a date `is`, `before`, `after` a "YYYY-MM-DD"; a checkbox `is`/`is_not` a boolean; a user
    `is`/`is_not` a user id; a single select `is`/`is_not` an option id; a multi select
    `has`/`has_not` an option id."""

    field = serializers.RegexField(r"^cf_\d+$", help_text="cf_<the custom field's id>")
    op = serializers.ChoiceField(choices=list(CUSTOM_OPS))
    value = serializers.JSONField(help_text="Typed as the field's type tests it (above).")


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _condition_serializer(kind) -> type[serializers.Serializer]:
    fields = {
        "field": serializers.ChoiceField(choices=[kind.field]),
        "op": serializers.ChoiceField(choices=list(kind.ops)),
        "value": VALUE_FIELDS[kind.value](),
    }
    return type(f"{_camel(kind.field)}Condition", (serializers.Serializer,), fields)


def _action_serializer(kind) -> type[serializers.Serializer]:
    fields = {"type": serializers.ChoiceField(choices=[kind.type])}
    fields.update({name: VALUE_FIELDS[value]() for name, value in kind.params.items()})
    return type(f"{_camel(kind.type)}Action", (serializers.Serializer,), fields)


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="Condition",
        serializers={
            **{field: _condition_serializer(kind) for field, kind in CONDITIONS.items()},
            "cf_<id>": CustomFieldCondition,
        },
        resource_type_field_name="field",
        many=True,
    )
)
class ConditionsField(serializers.JSONField):
    """Every condition must hold (none: the rule always runs)."""


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="RuleAction",
        serializers={name: _action_serializer(kind) for name, kind in ACTIONS.items()},
        resource_type_field_name="type",
        many=True,
    )
)
class ActionsField(serializers.JSONField):
    """Done in order, each on its own: one that fails is recorded and the next still runs."""


class RuleSerializer(serializers.ModelSerializer):
    conditions = ConditionsField()
    actions = ActionsField()
    said = serializers.SerializerMethodField(help_text="The conditions and actions in words.")

    class Meta:
        model = Rule
        fields = [
            "id", "name", "position", "enabled", "trigger", "conditions", "actions", "said",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_said(self, rule) -> dict[str, list[str]]:
        return rule_said(rule, self.context["names"])


class RuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Rule._meta.get_field("name").max_length)
    trigger = serializers.ChoiceField(choices=Trigger.choices)
    enabled = StrictBooleanField(required=False, default=True)
    conditions = ConditionsField(required=False, default=list)
    actions = ActionsField()
    position = serializers.IntegerField(
        min_value=0, required=False, help_text="Where it runs among the board's rules (0 first)."
    )


class ActionTakenSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="The action, in words.")
    ok = serializers.BooleanField()
    detail = serializers.CharField(help_text="What it did, or why it failed.")


class RuleRunSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    ticket = serializers.IntegerField(source="ticket.number", read_only=True)
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    actions = ActionTakenSerializer(many=True, read_only=True)

    class Meta:
        model = RuleRun
        fields = [
            "id", "rule", "rule_name", "ticket", "ticket_reference", "event_key", "trigger",
            "outcome", "detail", "actions", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class TryInputSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, help_text="The ticket's number on the board.")


class TrialSerializer(serializers.Serializer):
    met = serializers.BooleanField(help_text="Whether every condition holds.")
    unmet = serializers.ListField(child=serializers.CharField())
    failed = serializers.BooleanField(help_text="Whether an action would fail.")
    actions = ActionTakenSerializer(many=True)
