"""Changes to accounts and the security audit log."""

from accounts.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    kind: str,
    actor=None,
    target_user=None,
    board=None,
    request=None,
    actor_username: str = "",
    **data,
) -> AuditEvent:
    """Write one audit event. Called by the services that make the change, inside their
    transaction, so an event is recorded exactly when the change is."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_username=actor.username if actor else actor_username,
        target_user=target_user,
        board=board,
        ip_address=client_ip(request),
        data=data,
    )
