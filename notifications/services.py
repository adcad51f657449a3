"""Writing and reading out notifications. Features call `notify`; nothing else creates them."""

from collections.abc import Iterable

from django.utils import timezone

from notifications.models import Notification


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    actor=None,
    board=None,
    ticket=None,
    body: str = "",
    url: str = "",
    data: dict | None = None,
) -> list[Notification]:
    """One notification per distinct recipient; nobody is notified of their own action. One
    INSERT (bulk_create is atomic on its own), none when nobody is left to notify: no
    savepoint of its own inside the caller's transaction."""
    seen, notifications = set(), []
    for user in recipients:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        notifications.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                actor=actor,
                board=board if board is not None else getattr(ticket, "board", None),
                ticket=ticket,
                body=body,
                url=url,
                data=data or {},
            )
        )
    return Notification.objects.bulk_create(notifications)


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
