"""One family of domain errors. Services raise them; the API maps them to JSON, views to messages."""

import redis.exceptions
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnavailable
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A request the domain refuses. `fields` maps input field names to messages, as DRF does."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(ApplicationError):
    code = "invalid"


class NotFound(ApplicationError):
    """The object went away while the request was under way (e.g. deleted by someone else)."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class PayloadTooLarge(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class SignInLocked(ApplicationError):
    """Too many failed sign-ins (django-axes): the account is locked for a while."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "locked_out"

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(ApplicationError):
    """A service the request needs (Redis: cache, throttles, broker, live updates) is away."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "service_unavailable"


# What a service going away raises: Redis itself, and the Celery broker behind it.
SERVICE_ERRORS = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerUnavailable,
)
# Seconds a client should wait before trying again (the `Retry-After` header of a 503).
RETRY_AFTER = 10
SERVICE_UNAVAILABLE = ServiceUnavailable(
    "A service CS Board depends on is unavailable for the moment; try again shortly."
)


class PermissionRefused(ApplicationError):
    """The caller may see the object but not do this to it (e.g. delete someone else's message)."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class WipLimitReached(Conflict):
    code = "wip_limit_reached"


class LastAdmin(Conflict):
    code = "last_admin"


class ColumnNotEmpty(Conflict):
    code = "column_not_empty"


class MovedMeanwhile(Conflict):
    """A move based on where the caller last saw the ticket, which someone changed since."""

    code = "moved_meanwhile"


class MovedTo(Http404):
    """What a URL names is now known by another key of the same route (a merged ticket's
    number: the ticket it was merged into). A GET or HEAD is answered 301 to the same route
    with `kwargs` changed (csboard.core.middleware.MovedToMiddleware, and the API's handler
    below, whose body also names the new key); anything else is the 404 it is, saying where."""

    def __init__(self, message: str, **kwargs):
        super().__init__(message)
        self.message = message
        self.kwargs = kwargs


def moved_location(request, exc: MovedTo) -> str | None:
    """Where a GET of the moved object goes: the route the request resolved to, with the new
    key, its query string kept; None for any other method."""
    match = getattr(request, "resolver_match", None)
    if request.method not in ("GET", "HEAD") or match is None:
        return None
    location = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, **exc.kwargs})
    query = request.META.get("QUERY_STRING", "")
    return f"{location}?{query}" if query else location


def error_body(exc: ApplicationError) -> dict:
    return {"detail": exc.message, "code": exc.code, **exc.fields}


def api_exception_handler(exc, context):
    # A service going away (SERVICE_ERRORS) is left to raise: ServiceUnavailableMiddleware
    # answers it, for the API as for pages, in one place.
    if isinstance(exc, ApplicationError):
        body = error_body(exc)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, MovedTo):
        location = moved_location(context["request"], exc)
        body = {"detail": exc.message, "code": "moved", **exc.kwargs}
        if location is None:
            return Response(body, status=status.HTTP_404_NOT_FOUND)
        return Response(
            body, status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": location}
        )
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)
