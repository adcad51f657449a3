"""Real threads, each on its own connection: the same work released at the same moment, or
writers lined up one step at a time behind a row another client holds."""

import threading
import time
from contextlib import contextmanager

from django.db import connection


def run_at_once(count: int, work) -> tuple[list, list[BaseException]]:
    """Run `work(index)` in `count` threads released together; collect results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def target(index):
        try:
            barrier.wait()
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


class Started:
    """`work()` running in its own thread on its own connection: `.result()` waits for it and
    returns its value, or raises what it raised."""

    def __init__(self, work):
        self._outcome: list = []
        self._thread = threading.Thread(target=self._run, args=(work,))
        self._thread.start()

    def _run(self, work):
        try:
            self._outcome.append((True, work()))
        except BaseException as exc:
            self._outcome.append((False, exc))
        finally:
            connection.close()

    def result(self, timeout: float = 30):
        self._thread.join(timeout)
        assert self._outcome, "still running: a lock never came free"
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return value


def other_connection():
    """A raw connection to the test database, outside Django: a client of its own."""
    import psycopg2

    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


@contextmanager
def held(sql: str, params=(), *, commit: bool = False):
    """Another client runs `sql` (e.g. SELECT … FOR UPDATE, or an INSERT that a unique index
    makes others wait for) in a transaction it keeps open until the block ends, then rolls back
    (or commits). A test pins a writer behind it, at a known point, to line up a race."""
    gate = other_connection()
    try:
        with gate.cursor() as cursor:
            cursor.execute(sql, params)
        yield
        if commit:
            gate.commit()
    finally:
        gate.rollback()
        gate.close()


def wait_until_waiting(count: int, timeout: float = 10) -> None:
    """Return once `count` sessions of this test database wait for a lock."""
    probe = other_connection()
    probe.autocommit = True
    deadline = time.monotonic() + timeout
    try:
        with probe.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0] >= count:
                    return
                assert time.monotonic() < deadline, f"fewer than {count} sessions ever waited"
                time.sleep(0.02)
    finally:
        probe.close()


def line_up(first, second, *, behind: tuple, commit: bool = False) -> tuple[Started, Started]:
    """Line up a race: `first()` starts and stops behind the row that `behind` (sql, params)
    holds, having taken its own first locks; `second()` starts and waits too; then the row is
    let go (or its change committed). Returns both, running."""
    with held(*behind, commit=commit):
        one = Started(first)
        wait_until_waiting(1)
        two = Started(second)
        wait_until_waiting(2)
    return one, two


def delivered_as_the_task_does(reminder_id: int, attempts: int = 20) -> str:
    """reminders.services.reminder_deliver as reminder_deliver_task runs it: again after an
    EmailInFlight (another run, or a delete of the ticket, holds one of its emails, so this run
    cannot tell whether it went out; the task retries, and so does this)."""
    from reminders.services import EmailInFlight, reminder_deliver

    for _ in range(attempts - 1):
        try:
            return reminder_deliver(reminder_id=reminder_id)
        except EmailInFlight:
            time.sleep(0.05)
    return reminder_deliver(reminder_id=reminder_id)
