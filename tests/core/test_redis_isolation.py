"""Test processes share one Redis server without touching each other's data."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from csboard.settings.test import isolate_redis
from tests.redis_db import own_keys_clear, own_pattern

ROOT = Path(__file__).resolve().parents[2]


def _database(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


def _other_database_url() -> str:
    url = urlsplit(settings.REDIS_URL)
    other = (_database(settings.REDIS_URL) + 1) % 16
    return urlunsplit(url._replace(path=f"/{other}"))


def test_a_tests_cleanup_deletes_its_own_keys_and_no_one_elses():
    # Given this process's cache key, and keys someone else wrote: another prefix on the same
    # database, a key with no prefix at all, and a key in another database
    own = redis.Redis.from_url(settings.REDIS_URL)
    other_db = redis.Redis.from_url(_other_database_url())
    tag = uuid.uuid4().hex
    neighbour = f"{settings.KEY_PREFIX}0:1:{tag}"  # gw1's prefix is the start of gw10's
    foreign = [f"csboard-test-someone-else:1:{tag}", f"bench:{tag}", neighbour]
    cache.set("mine", "soon gone")
    for key in foreign:
        own.set(key, "stays", ex=60)
    other_db.set(f"{settings.KEY_PREFIX}:1:{tag}", "stays", ex=60)
    try:
        # When a test's cleanup runs (what the autouse fixture runs before each test)
        own_keys_clear()

        # Then this process's key is gone, and every other one is still there
        assert cache.get("mine") is None
        assert [own.get(key) for key in foreign] == [b"stays"] * 3
        assert other_db.get(f"{settings.KEY_PREFIX}:1:{tag}") == b"stays"
    finally:
        own.delete(*foreign)
        other_db.delete(f"{settings.KEY_PREFIX}:1:{tag}")


def test_the_cleanup_reaches_the_channel_layer_and_the_broker_keys_too():
    client = redis.Redis.from_url(settings.REDIS_URL)
    layer = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    broker = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
    client.set(f"{layer}:group:board-1", "x", ex=60)
    client.set(f"{broker}celery", "x", ex=60)

    assert own_keys_clear() == 2
    assert client.exists(f"{layer}:group:board-1", f"{broker}celery") == 0


def test_a_prefix_with_glob_characters_matches_only_itself():
    assert own_pattern("run[1]*") == r"run\[1\]\*:*"


def test_cache_sessions_channel_layer_and_broker_share_this_processs_database_and_prefix():
    url = settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == url
    assert settings.CACHES["default"]["KEY_PREFIX"] == settings.KEY_PREFIX
    assert settings.SESSION_ENGINE == "csboard.core.sessions"  # sessions live behind that cache
    assert [h["address"] for h in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]] == [url]
    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"].startswith(settings.KEY_PREFIX)
    assert url == settings.CELERY_BROKER_URL
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"].startswith(
        settings.KEY_PREFIX + ":"
    )


@pytest.mark.parametrize(("worker", "database"), [("", 4), ("gw0", 4), ("gw1", 5), ("gw3", 7)])
def test_each_xdist_worker_takes_the_base_database_plus_its_index(worker, database):
    environ = {"REDIS_URL": "redis://127.0.0.1:6379/4", "PYTEST_XDIST_WORKER": worker}
    environ["PYTEST_XDIST_TESTRUNUID"] = "0123456789abcdef"

    isolate_redis(environ)

    assert environ["REDIS_URL"] == f"redis://127.0.0.1:6379/{database}"
    assert environ["CSBOARD_TEST_KEY_PREFIX"] == f"csboard-test-01234567-{worker or 'main'}"


@pytest.mark.parametrize(("worker", "database"), [("", "4"), ("gw2", "6")])
def test_a_process_a_test_starts_keeps_its_parents_database_and_prefix(worker, database):
    parent = {"REDIS_URL": "redis://127.0.0.1:6379/4", "PYTEST_XDIST_WORKER": worker}
    isolate_redis(parent)
    child = dict(parent)  # a Celery worker or server started with the test's environment

    isolate_redis(child)

    assert child == parent
    assert child["REDIS_URL"].endswith(f"/{database}")


def test_a_worker_process_this_test_starts_writes_under_this_processs_database_and_prefix():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REDIS_URL, s.KEY_PREFIX, s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "csboard.settings.test"}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    broker = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
    assert result.stdout.split() == [settings.REDIS_URL, settings.KEY_PREFIX, broker]


def test_a_worker_past_redis_last_database_is_refused():
    environ = {"REDIS_URL": "redis://127.0.0.1:6379/14", "PYTEST_XDIST_WORKER": "gw2"}

    with pytest.raises(ImproperlyConfigured, match="Redis database 16"):
        isolate_redis(environ)
