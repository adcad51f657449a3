"""Production settings on loopback, plus the baseline view (bench/urls.py)."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from csboard.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The benchmark's clients are one user at hundreds of requests a second: no throttling here.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
