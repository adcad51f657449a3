from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    # Reminders have no actor; notifications about a board (or nothing) have no ticket.
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    ticket_number = serializers.IntegerField(
        source="ticket.number", read_only=True, default=None, allow_null=True
    )
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "actor",
            "board",
            "ticket_number",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
