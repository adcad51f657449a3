"""`make test`: real PostgreSQL and real Redis, as in production."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csboard")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .base import *  # noqa: F403
from .base import VAR_DIR, env

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
