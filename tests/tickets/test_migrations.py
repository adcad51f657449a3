"""Data migrations of the tickets app, run against the real database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tickets.models import Source, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SOURCE = [
    ("tickets", "0008_ticket_sla_changed_at"),
    ("feedback", "0004_received_at_default"),
]


def test_the_migration_marks_the_tickets_the_feedback_intake_opened(admin_user):
    # Given tickets made before tickets knew their source: one the intake opened for a
    # detractor, one whose creator was deleted since, one a person opened
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_SOURCE)
    old = executor.loader.project_state(BEFORE_SOURCE).apps
    board = old.get_model("boards", "Board").objects.create(name="CS", key="CS")
    column = old.get_model("boards", "Column").objects.create(board=board, name="New")
    OldTicket = old.get_model("tickets", "Ticket")

    def ticket(number, created_by_id=None):
        return OldTicket.objects.create(
            board=board, number=number, title="T", column=column, created_by_id=created_by_id
        )

    intake, orphan, by_hand = ticket(1), ticket(2), ticket(3, admin_user.pk)
    old.get_model("feedback", "FeedbackResponse").objects.create(
        board=board, kind="nps", score=2, email="dana@example.com", ticket=intake
    )

    # When the migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Then only the intake's ticket says it came from the feedback intake
    sources = dict(Ticket.objects.values_list("pk", "source"))
    assert sources == {intake.pk: Source.FEEDBACK, orphan.pk: Source.TEAM, by_hand.pk: Source.TEAM}
