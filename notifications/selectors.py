from django.db.models import QuerySet

from notifications.models import Notification


def user_notifications(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own notifications, newest first; never anyone else's."""
    notifications = Notification.objects.filter(recipient=user).select_related(
        "actor", "board", "ticket"
    )
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
