"""A page or API view that needs Redis while it is away answers 503 (JSON under /api/, the
app's own page elsewhere), never a 500: the request is fine, a service is not."""

import logging

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render

from csboard.core.exceptions import (
    RETRY_AFTER,
    SERVICE_ERRORS,
    SERVICE_UNAVAILABLE,
    MovedTo,
    error_body,
    moved_location,
)

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SERVICE_ERRORS):
            return None
        # One warning line, not a traceback: the outage is known, the request is not a bug.
        logger.warning(
            "%s %s: 503, %s: %s", request.method, request.path, type(exception).__name__, exception
        )
        if request.path.startswith("/api/"):
            response = JsonResponse(error_body(SERVICE_UNAVAILABLE), status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response


class MovedToMiddleware:
    """A page whose object moved (csboard.core.exceptions.MovedTo: a merged ticket's number)
    answers a GET with a permanent redirect to the same page of where it went; any other
    request goes on to its 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MovedTo):
            return None
        location = moved_location(request, exception)
        return HttpResponsePermanentRedirect(location) if location else None
