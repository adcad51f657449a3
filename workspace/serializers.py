from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from csboard.core.api import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    column_field,
)
from csboard.core.markdown import render
from csboard.core.validation import max_length_of
from tickets.models import Activity
from workspace.models import Attachment, ChecklistItem, Message

USERNAME = {"slug_field": "username", "read_only": True, "allow_null": True}


class ChecklistItemSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)
    done_by = serializers.SlugRelatedField(**USERNAME)

    class Meta:
        model = ChecklistItem
        fields = ["id", "text", "position", "done", "done_by", "done_at", "created_at"]
        read_only_fields = fields


class ChecklistItemInputSerializer(serializers.Serializer):
    text = column_field(ChecklistItem, "text")
    done = StrictBooleanField(required=False)
    position = StrictIntegerField(min_value=0, max_value=100_000, required=False)


class MessageSerializer(serializers.ModelSerializer):
    """A message: an internal note (`public` false) or part of the conversation with the
    customer; a customer's own mail has no `author`, and says who sent it."""

    author = serializers.SlugRelatedField(**USERNAME)
    # A string, not an email: it is "" on the team's messages.
    sender_email = serializers.CharField(
        read_only=True, help_text="Who sent a customer's mail; empty on the team's messages."
    )
    html = serializers.SerializerMethodField(help_text="The body as sanitised HTML.")

    class Meta:
        model = Message
        fields = [
            "id",
            "author",
            "public",
            "sender_name",
            "sender_email",
            "body",
            "html",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_html(self, message: Message) -> str:
        return str(render(message.body))


class MessageInputSerializer(serializers.Serializer):
    body = column_field(Message, "body")


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(**USERNAME)
    is_link = serializers.BooleanField(read_only=True)
    # A link's address, or "" for a stored file (fetched through the download action).
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "is_link",
            "url",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), help_text="One or more files."
    )


class LinkSerializer(serializers.Serializer):
    title = column_field(Attachment, "name")
    url = StrictCharField(
        max_length=max_length_of(Attachment, "url"), help_text="An http(s) address."
    )


class UploadedSerializer(serializers.Serializer):
    files = AttachmentSerializer(many=True, help_text="The files stored, in the order sent.")


class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(**USERNAME)
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "kind", "actor", "summary", "from_column", "to_column", "from_value",
            "to_value", "data", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
