"""API token authentication: knox's, checking only the token presented."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox (5.1, pinned) reads all of the caller's tokens on every request, to delete those
    that expired: a second statement per API call. Here a request checks the token it presents
    alone (expired: deleted and refused, as knox does). An expired token is refused whenever it
    is presented, so the others let nobody in meanwhile; they are deleted hourly
    (accounts.tasks.api_tokens_purge_task) and left out of the token list until then."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The API schema describes these tokens as knox's (drf-spectacular matches the exact class)."""

    target_class = "accounts.auth.TokenAuthentication"
