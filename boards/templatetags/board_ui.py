"""Small template helpers for board pages. The policy itself stays in boards.permissions."""

from django import template

from boards import permissions
from boards.models import Role

register = template.Library()

AVATAR_TONES = 8


@register.filter
def can(role: int | None, action: str) -> bool:
    """`{% if board.my_role|can:"work" %}` – whether that role may do that action."""
    return permissions.can(role, action)


@register.filter
def role_label(role: int | None) -> str:
    return Role(role).label if role is not None else ""


@register.filter
def tone(user) -> int:
    """A stable colour (0–7) for someone's avatar, so teammates are told apart at a glance; the
    first for nobody (the system, or an account since deleted)."""
    return (getattr(user, "pk", None) or 0) % AVATAR_TONES
