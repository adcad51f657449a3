"""`make test`: real PostgreSQL and real Redis, as in production."""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csboard")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")


def isolate_redis(environ) -> None:
    """Each test process gets Redis of its own: pytest-xdist worker gwN uses REDIS_URL's database
    + N (gw0 the database itself, as a serial run does), and every key it writes (cache, sessions
    behind it, channel layer, Celery broker) starts with a prefix of this run and worker, which is
    all tests/redis_db.py ever deletes. Decided here, before anything reads REDIS_URL, and written
    back to the environment, so the worker and server processes a test starts inherit the same
    database and prefix (CSBOARD_TEST_REDIS_OWNER says whose they are: they derive nothing again)."""
    worker = environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ... under pytest-xdist
    owner = worker or "main"  # never empty: base.py drops empty variables
    if environ.get("CSBOARD_TEST_REDIS_OWNER") == owner and environ.get("CSBOARD_TEST_KEY_PREFIX"):
        return
    index = int(worker.removeprefix("gw") or 0)
    url = urlsplit(environ["REDIS_URL"])
    database = int(url.path.strip("/") or 0) + index
    if database > 15:
        raise ImproperlyConfigured(
            f"pytest-xdist worker {worker} would use Redis database {database}, and Redis has 16 "
            f"(0-15): start from a lower REDIS_URL database or run fewer workers (-n)"
        )
    run = environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
    environ["REDIS_URL"] = urlunsplit(url._replace(path=f"/{database}"))
    environ["CSBOARD_TEST_KEY_PREFIX"] = f"csboard-test-{run}-{owner}"
    environ["CSBOARD_TEST_REDIS_OWNER"] = owner


isolate_redis(os.environ)

from .base import *  # noqa: E402, F403
from .base import CACHES, CHANNEL_LAYERS, VAR_DIR, env  # noqa: E402

KEY_PREFIX = env("CSBOARD_TEST_KEY_PREFIX")
CACHES["default"]["KEY_PREFIX"] = KEY_PREFIX
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{KEY_PREFIX}:ws"
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{KEY_PREFIX}:celery:"}

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The locmem outbox is the SMTP mock; a Celery worker started by a test writes files instead.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "test-mail"))
SITE_URL = "https://csboard.example"
MEDIA_ROOT = str(VAR_DIR / "test-media")
# Django's test client signs in without a request, which django-axes refuses; the lockout tests
# switch it back on with the `settings` fixture.
AXES_ENABLED = False
AXES_VERBOSE = False

# Parallel test runs on one machine (several worktrees or engineers) each name their own database.
DATABASES["default"]["TEST"] = {"NAME": env("CSBOARD_TEST_DB", default="test_csboard")}  # noqa: F405

# The browser tests' ASGI server (tests/browser/conftest.py) serves static files the way
# production does, through WhiteNoise, but straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The API reads JSON: the test client sends it unless a test asks for multipart (uploads).
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}  # noqa: F405

# The provider webhooks are served (csboard.urls) and ask for this basic auth.
# Mailgun also signs each post, with its webhook signing key (tests/mail/test_webhooks.py).
ANYMAIL = {
    **ANYMAIL,  # noqa: F405
    "WEBHOOK_SECRET": "provider:test-webhook-secret",
    "MAILGUN_WEBHOOK_SIGNING_KEY": "test-mailgun-signing-key",
}
