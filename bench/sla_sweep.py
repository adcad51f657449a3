#!/usr/bin/env python
"""`make bench`, SLA part: one reminder sweep over 100,000 open tickets of which 1,000 are due.

Seeds a fresh PostgreSQL database (20 boards of 5,000 open tickets; 1,000 of them crossed their
due date within the last minute, the rest are due days from now and already answered), then
times the sweep as beat runs it: from the previous sweep's mark a minute ago to now, writing the
1,000 reminders and enqueueing their delivery on the real Redis broker. It repeats that five
times (reminders deleted and the mark reset in between), times a sweep that finds nothing new,
and shows PostgreSQL's plan for the overdue query. Writes its own section of bench/results.md.
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB", "csboard_bench") + "_sla"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

BOARDS, PER_BOARD, DUE = 20, 5_000, 1_000
RUNS = 5
SMALL = 10_000
SECTION = "sla-sweep"


def seed(now):
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from boards.services import board_create
    from tickets.models import Priority, Ticket

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    user = User.objects.create_user("bench", "bench@example.com", "bench-password-1")
    due_every = BOARDS * PER_BOARD // DUE
    index = 0
    for number in range(BOARDS):
        board = board_create(name=f"SLA {number}", key=f"S{number}", created_by=user)
        column = board.columns.order_by("position").first()
        rows = []
        for position in range(PER_BOARD):
            if index % due_every == 0:  # crossed its due date within the last minute
                due = now - timedelta(seconds=1 + (index // due_every) % 59)
            else:
                due = now + timedelta(days=2, minutes=index % 40_000)
            rows.append(
                Ticket(
                    board=board,
                    number=position + 1,
                    title=f"Ticket {index}",
                    column=column,
                    rank=(position + 1) << 16,
                    priority=Priority.NORMAL,
                    due_at=due,
                    first_response_due_at=now - timedelta(days=1),
                    first_response_at=now - timedelta(days=1, hours=1),
                )
            )
            index += 1
        Ticket.objects.bulk_create(rows, batch_size=5_000)
        board.next_number = PER_BOARD + 1
        board.save(update_fields=["next_number"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    return time.perf_counter() - started


def overdue_plan(since, now) -> str:
    from django.db import connection

    from tickets.models import Ticket

    query = (
        Ticket.objects.filter(resolved_at__isnull=True, due_at__gt=since, due_at__lte=now)
        .order_by()
        .values_list("id", "board_id", "due_at")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def timed_sweep(now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders.services import sla_sweep

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        written = sla_sweep(now=now)
        elapsed = time.perf_counter() - started
    return elapsed, len(written), len(queries)


def reset(now):
    from csboard.celery import app
    from reminders.models import Reminder, SweepMark

    Reminder.objects.all().delete()
    SweepMark.objects.update_or_create(pk=1, defaults={"swept_until": now - timedelta(minutes=1)})
    app.control.purge()


def shrink(now, keep: int) -> int:
    """Delete tickets that are not due until `keep` open tickets are left; returns the count."""
    from django.db import connection

    from reminders.models import Reminder
    from tickets.models import Ticket

    Reminder.objects.all().delete()
    not_due = Ticket.objects.filter(due_at__gt=now + timedelta(days=1))
    extra = Ticket.objects.count() - keep
    ids = list(not_due.order_by("id").values_list("id", flat=True)[:extra])
    Ticket.objects.filter(id__in=ids).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    return Ticket.objects.filter(resolved_at__isnull=True).count()


def main():
    import django

    from bench.run import recreate_database
    from bench.sections import write_section

    recreate_database(DB_NAME)
    django.setup()
    from csboard.celery import app
    from reminders.models import Reminder
    from reminders.services import OVERLAP
    from tickets.models import Ticket

    now = datetime.now(UTC).replace(microsecond=0)
    seed_seconds = seed(now)
    total = Ticket.objects.filter(resolved_at__isnull=True).count()
    print(f"seeded {total:,} open tickets in {seed_seconds:.1f} s", flush=True)

    runs = []
    for _ in range(RUNS):
        reset(now)
        elapsed, written, queries = timed_sweep(now)
        runs.append(elapsed)
        print(f"sweep: {written} reminders in {elapsed * 1000:.0f} ms, {queries} queries")
    assert written == DUE, written
    assert Reminder.objects.count() == DUE
    # The same sweep without publishing to Redis: how much of it is the database's work.
    from reminders.tasks import reminder_deliver_task

    db_runs = []
    reminder_deliver_task.delay = lambda *args, **kwargs: None
    for _ in range(RUNS):
        reset(now)
        db_runs.append(timed_sweep(now)[0])
    del reminder_deliver_task.delay
    again, nothing, again_queries = timed_sweep(now + timedelta(minutes=1))
    print(f"next sweep: {nothing} reminders in {again * 1000:.0f} ms, {again_queries} queries")
    plan = overdue_plan(now - timedelta(minutes=1) - OVERLAP, now)
    # The same 1,000 due among ten times fewer tickets: the sweep should not notice.
    small_total, small_runs = shrink(now, keep=SMALL), []
    for _ in range(RUNS):
        reset(now)
        small_runs.append(timed_sweep(now)[0])
    print(plan)
    app.control.purge()

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_section(
        [
            "## SLA reminder sweep",
            "",
            f"`make bench` (bench/sla_sweep.py), {stamp}: {total:,} open tickets on {BOARDS} "
            "boards,",
            f"{DUE:,} of which crossed their due date in the minute since the last sweep; the "
            "rest are due days",
            "from now. One sweep as beat runs it: the indexed windows, the reminder rows written",
            "(INSERT … ON CONFLICT, batches of 500) and one delivery task per reminder enqueued on",
            f"the Redis broker after commit. {RUNS} runs each, reminders deleted in between; "
            "PostgreSQL and Redis",
            f"on the same machine, {os.cpu_count()} cores. Seeding (bulk_create) took "
            f"{seed_seconds:.0f} s.",
            "",
            "| sweep | reminders written | SQL queries | median ms | min ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| 1,000 due of {total:,} | {written:,} | {queries} | "
            f"{statistics.median(runs) * 1000:.0f} | {min(runs) * 1000:.0f} | "
            f"{max(runs) * 1000:.0f} |",
            f"| the same, database only (no enqueueing) | {written:,} | {queries} | "
            f"{statistics.median(db_runs) * 1000:.0f} | {min(db_runs) * 1000:.0f} | "
            f"{max(db_runs) * 1000:.0f} |",
            f"| 1,000 due of {small_total:,} (same data, 90% of the rest deleted) | {DUE:,} | "
            f"{queries} | {statistics.median(small_runs) * 1000:.0f} | "
            f"{min(small_runs) * 1000:.0f} | {max(small_runs) * 1000:.0f} |",
            f"| the next minute (nothing new) | {nothing} | {again_queries} | {again * 1000:.0f} | "
            f"{again * 1000:.0f} | {again * 1000:.0f} |",
            "",
            f"The overdue window's plan over the {total:,} tickets (the other windows are the same "
            "shape):",
            "",
            "```",
            plan,
            "```",
        ],
        SECTION,
    )


if __name__ == "__main__":
    main()
