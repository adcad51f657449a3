"""Writes to one SQLite database from several processes at once, the way `make run`'s web process
and Celery worker do. tests/core/test_embedded.py runs it under the local settings:

    python tests/core/sqlite_load.py setup
    python tests/core/sqlite_load.py web <start at> <seconds>      (ticket creates and moves)
    python tests/core/sqlite_load.py worker <start at> <seconds>   (SLA sweeps, reminder deliveries)
    python tests/core/sqlite_load.py check
    python tests/core/sqlite_load.py fields     (custom fields and a rule on them, on a board apart)

Each role prints one JSON line: what it did and every error it met."""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csboard.settings.local")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import DatabaseError  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.models import Board, Role  # noqa: E402
from boards.services import board_create, membership_add  # noqa: E402
from csboard.celery import app  # noqa: E402
from reminders import services as reminders  # noqa: E402
from reminders.models import Reminder  # noqa: E402
from tests.factories import placed  # noqa: E402
from tickets.models import Priority, Ticket  # noqa: E402
from tickets.services import ticket_create, ticket_move  # noqa: E402

# The sweep enqueues each delivery after commit; here the worker role delivers them itself, so the
# messages stay in this process rather than in the spool of `make run`.
app.conf.broker_url = "memory://"


def setup() -> dict:
    users = get_user_model().objects
    admin = users.create_user(username="admin", email="admin@example.com", password="x" * 12)
    member = users.create_user(username="member", email="member@example.com", password="x" * 12)
    board = board_create(name="Load", key="LD", created_by=admin, template="customer-success")
    membership_add(board=board, user=member, role=Role.MEMBER)
    return {"board": board.pk}


def _wait_until(start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))


def web(start_at: float, seconds: float) -> dict:
    """Overdue tickets assigned to the member, each created and then moved within its column."""
    board = Board.objects.get(key="LD")
    member = get_user_model().objects.get(username="member")
    column = board.columns.order_by("position").first()
    done, errors = 0, []
    _wait_until(start_at)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ticket = ticket_create(
                board=board,
                created_by=member,
                title=f"Load {os.getpid()}-{done}",
                column=column,
                assignees=[member],
                priority=Priority.HIGH,
                due_at=timezone.now() - timedelta(minutes=5),
            )
            ticket_move(ticket=ticket, column=column, position=0, by=member)
            done += 1
        except DatabaseError as error:
            errors.append(repr(error))
    return {"role": "web", "done": done, "errors": errors}


def _sweep_and_deliver() -> tuple[int, list[str]]:
    delivered, errors = 0, []
    try:
        ids = reminders.sla_sweep()
    except DatabaseError as error:
        return 0, [repr(error)]
    for reminder_id in ids:
        try:
            reminders.reminder_deliver(reminder_id=reminder_id)
            delivered += 1
        except DatabaseError as error:
            errors.append(repr(error))
    return delivered, errors


def worker(start_at: float, seconds: float) -> dict:
    delivered, errors = 0, []
    _wait_until(start_at)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        count, failed = _sweep_and_deliver()
        delivered, errors = delivered + count, errors + failed
        time.sleep(0.1)
    return {"role": "worker", "delivered": delivered, "errors": errors}


def check() -> dict:
    """After the load: a last sweep, then what the database holds."""
    delivered, errors = _sweep_and_deliver()
    tickets = Ticket.objects.filter(board__key="LD")
    overdue = Reminder.objects.filter(kind=Reminder.Kind.OVERDUE, ticket__in=tickets)
    return {
        "errors": errors,
        "numbers": sorted(tickets.values_list("number", flat=True)),
        "positions": sorted(position for _, position in placed(tickets)),
        "overdue_tickets": tickets.count(),
        "overdue_reminders": overdue.count(),
        "sent": overdue.filter(outcome=Reminder.Outcome.SENT).count(),
        "late_deliveries": delivered,
    }


def fields() -> dict:
    """Custom fields on SQLite, which has no arrays and no FOR SHARE: values written and read,
    a rule that tests one, and the board page that shows them on its cards."""
    from django.test import Client

    from automation.kinds import custom_key
    from automation.services import rule_create, rules_run
    from customfields.selectors import ticket_values
    from customfields.services import field_create, values_set

    admin = get_user_model().objects.get(username="admin")
    board = board_create(name="Fields", key="CF", created_by=admin, template="customer-success")
    plan = field_create(
        board=board, name="Plan", type="multi_select", options=["SSO", "API"], by=admin,
        show_on_card=True,
    )  # fmt: skip
    api = plan.options.get(label="API").pk
    rule_create(
        board=board, by=admin, name="API first", trigger="created",
        conditions=[{"field": custom_key(plan.pk), "op": "has", "value": api}],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )  # fmt: skip
    ticket = ticket_create(board=board, created_by=admin, title="Keys")
    values_set(ticket=ticket, values={plan.pk: ["SSO", "API"]}, by=admin)
    runs = rules_run(trigger="created", ticket_id=ticket.pk, key="sqlite")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    page = client.get(f"/boards/{board.pk}/")
    return {
        "values": ticket_values([ticket.pk])[ticket.pk][plan.pk],
        "options": [plan.options.get(label="SSO").pk, api],
        "runs": [run.outcome for run in runs],
        "priority": Ticket.objects.get(pk=ticket.pk).priority,
        "page": page.status_code,
        "card_shows": "SSO, API" in page.content.decode(),
    }


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    roles = {"setup": setup, "web": web, "worker": worker, "check": check, "fields": fields}
    print(json.dumps(roles[role](*map(float, args))))
