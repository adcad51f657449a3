"""The reminders moved from the sla app to their own (sla 0004, reminders 0001): Django's record
moves, the tables, their rows and their constraints stay. Run against the real database."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reminders.models import Reminder, ReminderEmail, SweepMark

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_MOVE = [("sla", "0003_reminder_attempts"), ("reminders", None)]


def _before_move_state():
    """Every other app as it is now, the sla app just before the move, no reminders app."""
    loader = MigrationExecutor(connection).loader
    nodes = [node for node in loader.graph.leaf_nodes() if node[0] not in ("sla", "reminders")]
    return loader.project_state([*nodes, BEFORE_MOVE[0]]).apps


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _constraints(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_reminders_written_before_the_move_are_the_reminders_apps_after_it(admin_user):
    # Given a reminder, its email and the sweep's mark, written while the sla app held them
    _migrate(BEFORE_MOVE)
    old = _before_move_state()
    board = old.get_model("boards", "Board").objects.create(name="CS", key="CS")
    column = old.get_model("boards", "Column").objects.create(board=board, name="New")
    ticket = old.get_model("tickets", "Ticket").objects.create(
        board=board, number=1, title="T", column=column
    )
    OldReminder = old.get_model("sla", "Reminder")
    reminder = OldReminder.objects.create(
        ticket=ticket, kind="overdue", due_for="2026-12-01T10:00Z"
    )
    old.get_model("sla", "ReminderEmail").objects.create(reminder=reminder, user_id=admin_user.pk)
    old.get_model("sla", "SweepMark").objects.create(swept_until="2026-12-01T10:05Z")
    constraints_before = _constraints("sla_reminder") | _constraints("sla_reminderemail")

    # When the move runs
    _migrate(None)

    # Then the same rows are the reminders app's, in the same tables with the same constraints
    assert list(Reminder.objects.values_list("pk", "kind")) == [(reminder.pk, "overdue")]
    assert ReminderEmail.objects.get().reminder_id == reminder.pk
    assert SweepMark.objects.count() == 1
    assert _constraints("sla_reminder") | _constraints("sla_reminderemail") == constraints_before
    assert {"sla_reminder_once", "sla_reminder_pending_idx", "sla_reminder_email_once"} <= (
        constraints_before
    )
    # and their content types (with the permissions on them) came along
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Reminder).app_label == "reminders"
    assert not ContentType.objects.filter(app_label="sla", model="reminder").exists()


def test_the_move_can_be_undone():
    _migrate(BEFORE_MOVE)

    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("sla", "0003_reminder_attempts") in applied
    assert not any(app == "reminders" for app, _ in applied)
    assert _before_move_state().get_model("sla", "Reminder")._meta.db_table == "sla_reminder"
    assert "sla_reminder" in connection.introspection.table_names()
    _migrate(None)
