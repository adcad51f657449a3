"""Developer machine and `make run`: debug on, a throw-away secret, the embedded default stores."""

from .base import *  # noqa: F403
from .base import SQLITE, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-do-not-use-in-production")
# `make run` on PostgreSQL: two worker processes (base.py keeps SQLite at one).
if not SQLITE:
    CELERY_WORKER_CONCURRENCY = 2
# uvicorn's access log already shows every request with its status: a 403 or a 404 is that line.
LOGGING["filters"]["client_errors"]["drop"] = True  # noqa: F405
