"""Production: everything from the environment, no default secret, secure transport."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one
# No default either: without Redis every web process would keep its own cache and live updates
# would not cross processes, so a scaled-out deployment would be quietly wrong. base.py has
# already pointed the cache, the Celery broker and the channel layer at it.
REDIS_URL = env("REDIS_URL")
DEBUG = env.bool("DEBUG", default=False)

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
