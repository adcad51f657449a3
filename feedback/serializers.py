from rest_framework import serializers

from csboard.core.api import StrictIntegerField, column_field
from feedback.models import FeedbackResponse


class FeedbackIntakeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedbackResponse.Kind.choices)
    score = StrictIntegerField(min_value=0, max_value=10, help_text="NPS 0-10, CSAT 1-5.")
    email = column_field(FeedbackResponse, "email")
    name = column_field(FeedbackResponse, "name")
    comment = column_field(FeedbackResponse, "comment")
    source = column_field(FeedbackResponse, "source")
    idempotency_key = column_field(
        FeedbackResponse,
        "idempotency_key",
        help_text="The sender's id for this response: a retry with the same key changes nothing.",
    )

    def validate(self, data):
        if data["kind"] == FeedbackResponse.Kind.CSAT and not 1 <= data["score"] <= 5:
            raise serializers.ValidationError({"score": ["A CSAT score is from 1 to 5."]})
        return data


class FeedbackResponseSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    is_detractor = serializers.BooleanField(read_only=True)

    class Meta:
        model = FeedbackResponse
        fields = [
            "id", "kind", "score", "email", "name", "comment", "source", "idempotency_key",
            "is_detractor", "ticket", "received_at",
        ]  # fmt: skip
        read_only_fields = fields


class FeedbackSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: store it now.")


class FeedbackImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV in UTF-8 with a header row: kind (nps or csat), score, email, and "
        "optionally name, comment, source, received_at (ISO date or date-time, board time if no "
        "zone) and idempotency_key. All rows or none are imported."
    )


class FeedbackImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(read_only=True)
    skipped = serializers.IntegerField(
        read_only=True, help_text="Rows already imported (same idempotency key)."
    )
