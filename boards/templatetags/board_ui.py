"""Small template helpers for board pages. The policy itself stays in boards.permissions."""

from django import template
from django.utils.html import format_html

from boards import permissions
from boards.models import Role

register = template.Library()

AVATAR_TONES = 8


@register.simple_tag(takes_context=True)
def can(context, action: str, target) -> bool:
    """`{% can "work" board as can_work %}`, `{% can "message.edit" message as may_edit %}`:
    whether the signed-in user may, by the policy. The page's `board` (from board_for) carries
    their role, so asking about each message of a list costs no query."""
    return permissions.can(context["user"], action, target, board=context.get("board"))


@register.filter
def role_label(role: int | None) -> str:
    return Role(role).label if role is not None else ""


@register.filter
def tone(user) -> int:
    """A stable colour (0–7) for someone's avatar, so teammates are told apart at a glance; the
    first for nobody (the system, or an account since deleted)."""
    return (getattr(user, "pk", None) or 0) % AVATAR_TONES


@register.simple_tag
def avatar(person, small: bool = False, nobody: str = "") -> str:
    """`{% avatar person small=True %}`: someone's initials in their tone; for nobody, `nobody`
    says who (the system, "System", drawn as CS) or a deleted account. A tag, not an include:
    pages draw one per chat message, activity row and card."""
    size = " avatar--small" if small else ""
    if person:
        name = person.name
        return format_html(
            '<span class="avatar avatar--tone-{}{}" title="{}" aria-label="{}">{}</span>',
            tone(person),
            size,
            name,
            name,
            person.initials,
        )
    # the system (no actor) or a deleted account
    who = nobody or "Deleted user"
    return format_html(
        '<span class="avatar avatar--nobody{}" title="{}" aria-label="{}">{}</span>',
        size,
        who,
        who,
        "CS" if nobody == "System" else "?",
    )
