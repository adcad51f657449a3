"""End to end: a real Celery worker process, the real Redis broker, the test database."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from csboard.celery import app
from notifications.models import Notification
from reminders.models import Reminder
from reminders.tasks import sla_sweep_task
from tests.redis_server import RedisServer
from tickets.models import Ticket

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
TIMEOUT = 60


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _wait_for(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@contextmanager
def running_worker(tmp_path, redis_url: str):
    """A worker subprocess on this test's database and the given Redis, writing its emails into
    files; yields the process and its mail folder (its log is `worker.log` beside it)."""
    mail_dir = tmp_path / "mail"
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csboard.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "csboard",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"sla-test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        connection.close()


def _mails(folder) -> list[str]:
    return [path.read_text() for path in folder.iterdir()] if folder.exists() else []


@pytest.fixture
def worker(tmp_path):
    """A worker on the test's Redis database; yields its mail folder."""
    app.control.purge()  # nothing left over from other runs on this Redis database
    with running_worker(tmp_path, settings.REDIS_URL) as (_, mail_dir):
        yield mail_dir


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sweeps_and_delivers_a_reminder_end_to_end(assigned, worker):
    # Given a ticket assigned to mia that went overdue a minute ago
    Ticket.objects.filter(pk=assigned.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    # When beat would enqueue a sweep, through Redis, to the worker
    sla_sweep_task.delay()

    # Then the worker writes the reminder, delivers it, and mia has a notification and an email
    assert _wait_for(
        lambda: Reminder.objects.filter(outcome=Reminder.Outcome.SENT).exists(), TIMEOUT
    ), (worker.parent / "worker.log").read_text()[-3000:]
    [note] = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert note.recipient.username == "mia"
    # The file backend creates the file, then writes the message and its closing rule of dashes.
    assert _wait_for(
        lambda: len(_mails(worker)) == 1 and _mails(worker)[0].endswith("-" * 79 + "\n"), 10
    )
    [message] = _mails(worker)
    assert "To: mia@example.com" in message
    assert "Content-Type: text/html" in message
    assert f"https://csboard.example/boards/{assigned.board_id}/tickets/{assigned.number}/" in (
        message
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_the_broker_going_away_and_works_once_it_returns(assigned, tmp_path):
    broker = RedisServer(tmp_path)
    broker.start()
    log = tmp_path / "worker.log"
    with running_worker(tmp_path, broker.url) as (process, _):
        assert _wait_for(lambda: " ready." in log.read_text(), TIMEOUT), log.read_text()[-3000:]
        # Given a message the worker holds unacknowledged (a task due in ten minutes)
        with app.connection_for_write(broker.url) as conn:
            sla_sweep_task.apply_async(countdown=600, connection=conn)
        assert _wait_for(lambda: "sla_sweep_task[" in log.read_text(), TIMEOUT), log.read_text()[
            -3000:
        ]

        # When Redis goes away and comes back
        broker.stop()
        assert _wait_for(lambda: "Connection to broker lost" in log.read_text(), TIMEOUT), (
            log.read_text()[-3000:]
        )
        time.sleep(1)
        broker.start()

        # Then the worker is still running, and works the next task
        Ticket.objects.filter(pk=assigned.pk).update(due_at=timezone.now() - timedelta(minutes=1))
        with app.connection_for_write(broker.url) as conn:
            sla_sweep_task.apply_async(connection=conn)
        assert _wait_for(
            lambda: Reminder.objects.filter(outcome=Reminder.Outcome.SENT).exists(), TIMEOUT
        ), log.read_text()[-3000:]
        assert process.poll() is None
        assert "Unrecoverable error" not in log.read_text()
    broker.stop()
