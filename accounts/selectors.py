from accounts.models import User


def user_by_login(identifier: str) -> User | None:
    """The active account whose username or email address is `identifier`, whatever its case."""
    identifier = identifier.strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    return User.objects.filter(is_active=True, **{field: identifier}).first()


def board_audit_events(board):
    """A board's security log, newest first, with the people it names."""
    from accounts.models import AuditEvent

    return AuditEvent.objects.filter(board=board).select_related("actor", "target_user")
