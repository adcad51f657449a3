"""Django's sign-in signals are the one place every sign-in path (page, admin, API) passes."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AuditEvent
from accounts.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(kind=AuditEvent.Kind.SIGNED_IN, actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditEvent.Kind.SIGNED_OUT, actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_FAILED,
        actor_username=str(credentials.get("username", ""))[:150],
        request=request,
    )
