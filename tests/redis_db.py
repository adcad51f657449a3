"""The tests' Redis: each test starts with none of this process's keys, and nothing else is wiped.

`csboard.settings.test` gives every test process (a serial run, or each pytest-xdist worker) a
Redis database of its own (REDIS_URL's + the worker's index) and a key prefix of this run and
worker, which the cache (sessions behind it), the channel layer and the Celery broker all write
under. Clearing deletes those keys alone, never the database (no FLUSHDB): another run, an
engineer's `make run` or a benchmark on the same Redis keeps its data. Loaded from tests/conftest.py.
"""

import contextlib
import re

import pytest
import redis
from django.conf import settings

_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


def own_pattern(prefix: str) -> str:
    """The SCAN pattern of every key written under `prefix` (the cache's `prefix:1:key`, the
    channel layer's `prefix:ws…`, the broker's `prefix:celery:…`), and no other prefix's."""
    return _GLOB_SPECIAL.sub(r"\\\1", prefix) + ":*"


def own_keys_clear(client: redis.Redis | None = None, prefix: str | None = None) -> int:
    """Delete this process's keys on its Redis database; returns how many went."""
    client = client or _client()
    prefix = prefix or settings.KEY_PREFIX
    deleted = 0
    batch = []
    for key in client.scan_iter(match=own_pattern(prefix), count=500):
        batch.append(key)
        if len(batch) == 500:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url)
    return _clients[url]


@pytest.fixture(autouse=True)
def _fresh_redis():
    """API throttle counters, sessions, socket groups and queued tasks do not leak across tests."""
    own_keys_clear()


def pytest_report_header(config):
    workers = " (pytest-xdist worker gwN: database + N)" if config.getoption("numprocesses") else ""
    return f"redis: {settings.REDIS_URL}{workers}, this process's keys under {settings.KEY_PREFIX}:"


def pytest_sessionfinish(session):
    """A run leaves nothing of its own behind in Redis."""
    with contextlib.suppress(redis.RedisError):  # a run that ends with Redis away: nothing to do
        own_keys_clear()
