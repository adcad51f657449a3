#!/usr/bin/env python
"""`make bench`, automation part: a board's rules run on 1,000 new tickets.

Seeds a fresh PostgreSQL database with a board of five members and three rules on "ticket
created" (a refund in the subject: tag it and set it High; a customer of example.com: assign
in turn among three people; every ticket: add a checklist of two items),
then opens 1,000 tickets, a third of them refunds and half from example.com, and runs the
board's rules on each as the worker does (automation.services.rules_run, the Celery task's
body: claim each rule's run, read the ticket, test the conditions, apply the actions through the
services, record the run). Times the sweep over the 1,000, each ticket's run (p50, p95), and
the SQL queries per ticket; then runs the same events again, which must do nothing (each run is
claimed once). Writes its own section of bench/results.md."""

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB", "csboard_bench") + "_rules"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

TICKETS = 1_000
SECTION = "rule-sweep"


def seed():
    from django.core.management import call_command

    from accounts.models import User
    from automation.services import rule_create
    from boards.models import Role
    from boards.services import board_create, membership_add, tag_create

    call_command("migrate", verbosity=0)
    admin = User.objects.create_user("bench", "bench@example.com", "bench-password-1")
    board = board_create(name="Rules", key="RU", created_by=admin, template="customer-success")
    people = [admin]
    for index in range(4):
        user = User.objects.create_user(f"agent{index}", f"agent{index}@example.com", "pw-1234567")
        membership_add(board=board, user=user, role=Role.MEMBER)
        people.append(user)
    refund = tag_create(board=board, name="Refund")
    rule_create(
        board=board, by=admin, name="Refunds first", trigger="created",
        conditions=[{"field": "subject", "op": "contains", "value": "refund, money back"}],
        actions=[{"type": "add_tags", "tags": [refund.pk]}, {"type": "set_priority", "value": "high"}],
    )  # fmt: skip
    rule_create(
        board=board, by=admin, name="Example in turn", trigger="created",
        conditions=[{"field": "customer_domain", "op": "domain_is", "value": "example.com"}],
        actions=[{"type": "assign", "mode": "round_robin", "users": [u.pk for u in people[1:4]]}],
    )  # fmt: skip
    rule_create(
        board=board, by=admin, name="Checklist", trigger="created",
        actions=[{"type": "add_checklist", "items": ["Read the request", "Answer the customer"]}],
    )  # fmt: skip
    return board


def open_tickets(board) -> list[tuple[int, str]]:
    from tickets.models import Activity
    from tickets.services import ticket_create

    events = []
    for index in range(TICKETS):
        ticket = ticket_create(
            board=board,
            created_by=None,
            title=f"Refund for order {index}" if index % 3 == 0 else f"Question {index}",
            customer_email=f"c{index}@example.com" if index % 2 else f"c{index}@other.org",
        )
        key = Activity.objects.filter(ticket=ticket, kind="created").values_list("pk", flat=True)
        events.append((ticket.pk, f"activity:{key[0]}"))
    return events


def sweep(events) -> tuple[float, list[float], list[int], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from automation.services import rules_run

    each, queries, runs = [], [], 0
    started = time.perf_counter()
    for ticket_id, key in events:
        connection.queries_log.clear()  # a full log (9,000) would count nothing more
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            runs += len(rules_run(trigger="created", ticket_id=ticket_id, key=key))
            each.append(time.perf_counter() - begun)
        queries.append(len(captured))
    return time.perf_counter() - started, each, queries, runs


def main():
    import django

    from bench.run import recreate_database
    from bench.sections import write_section

    recreate_database(DB_NAME)
    django.setup()
    from django.db.models import Count

    from automation.models import RuleRun
    from tickets.models import Ticket

    board = seed()
    began = time.perf_counter()
    events = open_tickets(board)
    opened = time.perf_counter() - began
    total, each, queries, runs = sweep(events)
    again, _, again_queries, again_runs = sweep(events)
    assert again_runs == 0, again_runs
    outcomes = dict(RuleRun.objects.values_list("outcome").annotate(n=Count("id")))
    high = Ticket.objects.filter(board=board, priority="high").count()
    assigned = Ticket.objects.filter(board=board, assignees__isnull=False).distinct().count()
    p50 = statistics.median(each) * 1000
    p95 = statistics.quantiles(each, n=20)[18] * 1000
    print(f"{TICKETS} tickets, {runs} runs in {total:.2f} s (p50 {p50:.1f} ms, p95 {p95:.1f} ms)")
    print(f"outcomes {outcomes}, {high} high, {assigned} assigned; again: {again:.2f} s")

    said = ", ".join(f"{outcome or 'running'} {n:,}" for outcome, n in sorted(outcomes.items()))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_section(
        [
            "## Automation rule sweep",
            "",
            f"`make bench` (bench/rule_sweep.py), {stamp}: {TICKETS:,} new tickets on one board "
            "with three rules on “ticket created”",
            "(a refund in the subject: tag it and set it High; a customer of example.com: assign "
            "in turn among three;",
            "every ticket: a checklist of two items), each ticket's rules run as the worker runs "
            "them (claim, read,",
            "test, apply through the services, record). PostgreSQL on the same machine, "
            f"{os.cpu_count()} cores; opening the tickets took {opened:.0f} s.",
            "",
            "| sweep | rule runs | total s | per ticket p50 ms | p95 ms | SQL per ticket (median) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| 1,000 new tickets × 3 rules | {runs:,} | {total:.2f} | {p50:.1f} | {p95:.1f} | "
            f"{statistics.median(queries):.0f} |",
            f"| the same events again (each run claimed once: nothing done) | {again_runs} | "
            f"{again:.2f} | | | {statistics.median(again_queries):.0f} |",
            "",
            f"Outcomes: {said}; {high:,} tickets set High, {assigned:,} assigned.",
        ],
        SECTION,
    )


if __name__ == "__main__":
    main()
