"""Responses compressed on the wire, except those that carry a secret (see README, "Compression
and BREACH"). Django's GZipMiddleware pads each gzip stream with random bytes ("Heal The
Breach", Django 4.2+) and CSRF tokens are masked per response; a view that shows a secret it
must not leak through the compressed length (an API token, a webhook secret, a password reset
link) is marked with `never_compress` and goes out as it is."""

from functools import wraps

from django.middleware.gzip import GZipMiddleware

NEVER_COMPRESS = "never_compress"


def uncompressed(response):
    """This one response goes out as it is."""
    setattr(response, NEVER_COMPRESS, True)
    return response


def never_compress(view):
    """Mark the view's responses to go out uncompressed (function views, DRF views alike)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return uncompressed(view(*args, **kwargs))

    return wrapper


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if getattr(response, NEVER_COMPRESS, False):
            return response
        return super().process_response(request, response)
