from rest_framework import serializers

from accounts.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username", read_only=True)
    # Only membership and role events are about a user.
    target_user = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = AuditEvent
        fields = ["id", "kind", "actor", "target_user", "ip_address", "data", "created_at"]
        read_only_fields = fields
