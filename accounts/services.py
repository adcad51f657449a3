"""Changes to accounts and the security audit log."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Theme, User
from csboard.core.exceptions import InvalidInput
from csboard.core.validation import full_clean_or_raise


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our own reverse proxies (TRUSTED_PROXIES,
    the compose stack's nginx) the address the outermost of them saw, the TRUSTED_PROXIES-th
    from the right of X-Forwarded-For (anything left of it the client may have written)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    kind: str,
    actor=None,
    target_user=None,
    board=None,
    board_id=None,
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
        board_id=board.pk if board is not None else board_id,
        ip_address=client_ip(request),
        data=data,
    )


USERNAME_TAKEN = "A user with that username already exists."


@transaction.atomic
def user_create(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """A new account. No two accounts share a username or an email address, whatever its case,
    and no username is another account's email address (people are added to boards by it)."""
    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    if email and User.objects.filter(email__iexact=email).exists():
        message = "An account with this email address already exists."
        raise InvalidInput(message, fields={"email": [message]})
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(USERNAME_TAKEN, fields={"username": [USERNAME_TAKEN]})
    if User.objects.filter(email__iexact=username).exists():
        message = "This is another account's email address: choose another username."
        raise InvalidInput(message, fields={"username": [message]})
    user = User(username=username, email=email, display_name=display_name.strip())
    user.set_password(password)
    full_clean_or_raise(user)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username or email signed up meanwhile
        message = "Someone signed up with that username or email address just now."
        raise InvalidInput(message) from exc
    return user


def preference_get(user, key: str, default=None):
    return (user.preferences or {}).get(key, default)


def preference_set(user, key: str, value) -> None:
    """Set one preference, keeping the others."""

    user.preferences = {**(user.preferences or {}), key: value}
    User.objects.filter(pk=user.pk).update(preferences=user.preferences)


def user_theme_set(*, user: User, theme: str) -> None:
    """Choose the colours the user's pages are drawn in (Theme: system, light or dark)."""

    if theme not in Theme.values:
        raise InvalidInput("Choose light, dark or system.", fields={"theme": ["Not a theme."]})
    user.theme = theme
    User.objects.filter(pk=user.pk).update(theme=theme)


def token_create(*, user, request=None):
    """Issue an API token; returns (token row, the secret shown once). Only its digest is kept."""
    from knox.models import AuthToken

    instance, secret = AuthToken.objects.create(user=user)
    audit_record(
        kind=AuditEvent.Kind.TOKEN_CREATED, actor=user, request=request, token=instance.token_key
    )
    return instance, secret


def api_tokens_purge(*, now=None) -> int:
    """Delete the API tokens that have expired (accounts.auth refuses them already)."""
    from knox.models import AuthToken

    return AuthToken.objects.filter(expiry__lt=now or timezone.now()).delete()[0]


def token_revoke(*, user, token_key: str, request=None) -> None:
    """Revoke one of the user's own tokens; someone else's is "not found"."""
    from django.http import Http404
    from knox.models import AuthToken

    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise Http404("No such token.")
    audit_record(kind=AuditEvent.Kind.TOKEN_REVOKED, actor=user, request=request, token=token_key)
