"""The embedded default of `make run`: SQLite and no Redis, under the local settings, for real (a
database file of its own, in subprocesses: never the test suite's PostgreSQL)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD = Path(__file__).with_name("sqlite_load.py")


def _local_env(tmp_path: Path, **env) -> dict:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "csboard.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'csboard.sqlite3'}",
        "EMAIL_URL": "memorymail://",
        **env,
    }


def _python(tmp_path: Path, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_local_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _json(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database with a board, a member and an admin (one per module: migrating
    takes seconds)."""
    folder = tmp_path_factory.mktemp("embedded")
    result = _python(folder, "manage.py", "migrate", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    _json(_python(folder, str(LOAD), "setup"))
    return folder


def test_web_and_worker_write_to_sqlite_at_once_without_database_is_locked(migrated):
    # Given two web-like processes creating and moving tickets and two worker-like processes
    # sweeping and delivering the reminders of those (overdue) tickets, all starting together
    start_at, seconds = time.time() + 5, 5
    roles = ["web", "web", "worker", "worker"]
    processes = [
        subprocess.Popen(
            [sys.executable, str(LOAD), role, str(start_at), str(seconds)],
            cwd=ROOT,
            env=_local_env(migrated),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in roles
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        finished = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        results.append(_json(finished))
        assert "database is locked" not in stderr

    # Then no write failed, and the database holds every one of them, numbered without gaps
    assert [result["errors"] for result in results] == [[], [], [], []]
    created = sum(result["done"] for result in results if result["role"] == "web")
    delivered = sum(result["delivered"] for result in results if result["role"] == "worker")
    assert created > 10
    assert delivered > 0
    state = _json(_python(migrated, str(LOAD), "check"))
    assert state["errors"] == []
    assert state["numbers"] == list(range(1, created + 1))
    assert state["positions"] == list(range(created))
    assert state["overdue_reminders"] == state["sent"] == created


def test_sqlite_connections_use_wal_a_busy_timeout_and_immediate_transactions(migrated):
    code = (
        "import json, django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); "
        "mode = c.execute('PRAGMA journal_mode').fetchone()[0]; "
        "busy = c.execute('PRAGMA busy_timeout').fetchone()[0]; "
        "from django.conf import settings; "
        "print(json.dumps([mode, busy, connection.transaction_mode, "
        "settings.CELERY_WORKER_CONCURRENCY]))"
    )

    mode, busy_ms, transaction_mode, concurrency = _json(_python(migrated, "-c", code))

    assert mode == "wal"
    assert busy_ms == 20_000
    assert transaction_mode == "IMMEDIATE"
    assert concurrency == 1  # one worker process: SQLite serves one writer at a time


def test_the_worker_runs_two_processes_when_make_run_is_on_postgresql(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_WORKER_CONCURRENCY)"
    )

    result = _python(tmp_path, "-c", code, DATABASE_URL="postgres://postgres@127.0.0.1/csboard")

    assert result.stdout.strip().splitlines()[-1] == "2", result.stderr
