"""What runs once a write has committed (the live broadcast, its cache stamp, enqueueing a task)
is best effort: the write stands whatever happens to it, so a failure here is logged and never
reaches the response. (A 500 for a committed create made the client's retry a duplicate.)"""

import logging

from django.db import transaction

from csboard.core.exceptions import SERVICE_ERRORS

logger = logging.getLogger(__name__)


def after_commit(func, *args, **kwargs) -> None:
    """Call `func(*args, **kwargs)` once the current transaction commits (at once outside one)."""
    name = getattr(func, "__qualname__", repr(func))

    def run():
        try:
            func(*args, **kwargs)
        except SERVICE_ERRORS as exc:
            logger.warning("After commit, %s skipped: %s: %s", name, type(exc).__name__, exc)
        except Exception:
            logger.exception("After commit, %s failed; the write stands", name)

    transaction.on_commit(run)


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Enqueue a Celery task once the transaction commits; a broker that is away loses only the
    enqueueing (each task's periodic sweep or re-drive picks the work up again)."""
    after_commit(task.delay, *args, **kwargs)
