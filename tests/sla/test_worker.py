"""End to end: a real Celery worker process, the real Redis broker, the test database."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from csboard.celery import app
from notifications.models import Notification
from sla.models import Reminder
from sla.tasks import sla_sweep_task
from tickets.models import Ticket

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


@pytest.fixture
def worker(tmp_path):
    """A worker subprocess on this test's database, writing its emails into files."""
    app.control.purge()  # nothing left over from other runs on this Redis database
    mail_dir = tmp_path / "mail"
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csboard.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
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
        yield mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        connection.close()


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
    assert _wait_for(lambda: worker.exists() and any(worker.iterdir()), 10)
    [message] = [path.read_text() for path in worker.iterdir()]
    assert "To: mia@example.com" in message
    assert "Content-Type: text/html" in message
    assert f"https://csboard.example/boards/{assigned.board_id}/tickets/{assigned.number}/" in (
        message
    )
