from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import User


def user_by_login(identifier: str) -> User | None:
    """The active account whose username or email address is `identifier`, whatever its case:
    by email alone when it is an email address, so an account that took someone's address as
    its username is never found in the owner's place. Both are unique, whatever their case."""
    identifier = identifier.strip()
    if not identifier:
        return None
    field = "email__iexact" if _is_email(identifier) else "username__iexact"
    return User.objects.filter(is_active=True, **{field: identifier}).first()


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def board_audit_events(board):
    """A board's security log, newest first, with the people it names."""
    from accounts.models import AuditEvent

    return AuditEvent.objects.filter(board=board).select_related("actor", "target_user")
