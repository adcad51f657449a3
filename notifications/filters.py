import django_filters

from csboard.core.filters import StrictBooleanFilter
from notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="Only unread ones."
    )

    class Meta:
        model = Notification
        fields = ["unread"]
