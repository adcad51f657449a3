from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from csboard.core.api import StrictFloatField, StrictIntegerField, StrictModelSerializer
from sla.models import MAX_HOURS, MAX_LEADS, MIN_HOURS, SlaPolicy
from sla.priorities import Priority

TARGET_FIELDS = [
    f"{priority}_{clock}_hours"
    for priority in reversed(Priority.values)
    for clock in ("first_response", "resolution")
]
POLICY_FIELDS = [
    *TARGET_FIELDS,
    "business_hours",
    "working_days",
    "opens_at",
    "closes_at",
    "due_soon_leads",
    "escalate_after_hours",
]


def _hours(**kwargs):
    return StrictFloatField(min_value=MIN_HOURS, max_value=MAX_HOURS, **kwargs)


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "09:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the board's time zone, "HH:MM": no offset, unlike OpenAPI's
    `format: time`."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class SlaPolicySerializer(StrictModelSerializer):
    """Targets in hours per priority; business hours in the board's time zone; due-soon lead
    times in hours before the due date; escalation to admins after this long overdue."""

    timezone = serializers.CharField(source="board.timezone", read_only=True)
    is_default = serializers.BooleanField(read_only=True)
    working_days = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        required=False,
        help_text="0 = Monday … 6 = Sunday.",
    )
    due_soon_leads = serializers.ListField(child=_hours(), max_length=MAX_LEADS, required=False)
    opens_at = LocalTimeField(required=False)
    closes_at = LocalTimeField(required=False)
    # None until the board's admins first save a policy (the defaults apply).
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    escalate_after_hours = _hours(
        allow_null=True, required=False, help_text="null: never escalate."
    )

    class Meta:
        model = SlaPolicy
        fields = [*POLICY_FIELDS, "timezone", "is_default", "updated_at"]
        read_only_fields = ["timezone", "is_default", "updated_at"]
        extra_kwargs = {
            name: {"min_value": MIN_HOURS, "max_value": MAX_HOURS} for name in TARGET_FIELDS
        }
