"""Each pair of writes that once deadlocked (or failed on a foreign key) on one board, lined up
step by step on real PostgreSQL: another client holds a row so that the first writer stops at a
known point, holding its first locks, the second writer starts and waits, then the row is let
go. Both must finish cleanly, whatever the order (boards/locks.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.models import Role
from boards.services import membership_add, membership_remove
from csboard.core.exceptions import NotFound
from feedback.services import feedback_duty_set, feedback_receive
from reminders.models import Reminder
from tests.factories import UserFactory, placed
from tests.threads import Started, delivered_as_the_task_does, held, line_up, wait_until_waiting
from tickets.models import Activity, Ticket
from tickets.services import (
    column_set_done,
    ticket_create,
    ticket_delete,
    ticket_move,
    ticket_update,
)
from workspace.models import Attachment, ChecklistItem, Message
from workspace.services import attachments_upload, checklist_item_add, message_post

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

LOCK_TICKET = "SELECT 1 FROM tickets_ticket WHERE id = %s FOR UPDATE"


def test_a_create_and_a_move_into_the_same_column_both_succeed(board, columns, member_user):
    # Given a ticket to move into the second column
    ticket = ticket_create(board=board, created_by=member_user, title="Mover")

    # When the move holds both columns, a create into the second column takes the board and
    # waits for that column, and then the move goes on (its history row points at the board)
    move, create = line_up(
        lambda: ticket_move(ticket=ticket, column=columns[1], position=0),
        lambda: ticket_create(board=board, created_by=member_user, title="New", column=columns[1]),
        behind=(LOCK_TICKET, [ticket.pk]),
    )

    # Then both succeed, one after the other
    assert move.result().column_id == columns[1].pk
    assert create.result().number == 2
    assert placed(Ticket.objects.filter(column=columns[1]), "title") == [("Mover", 0), ("New", 1)]


def test_feedback_intake_and_a_move_into_its_intake_column_both_succeed(
    board, columns, member_user
):
    # Given detractor feedback lands in the second column, and a ticket to move there
    feedback_duty_set(board=board, users=[member_user], intake_column=columns[1])
    ticket = ticket_create(board=board, created_by=member_user, title="Mover")

    # When the move holds the columns while the intake takes the board and waits for a column
    move, intake = line_up(
        lambda: ticket_move(ticket=ticket, column=columns[1], position=0),
        lambda: feedback_receive(board=board, kind="nps", score=2, email="x@example.com"),
        behind=(LOCK_TICKET, [ticket.pk]),
    )

    # Then both succeed: the move, and the detractor's ticket behind it
    assert move.result().column_id == columns[1].pk
    response, created = intake.result()
    assert created
    assert response.ticket.column_id == columns[1].pk
    assert Ticket.objects.filter(column=columns[1]).count() == 2


def test_removing_a_member_while_someone_unassigns_them_both_succeed(
    board, member_user, admin_user
):
    # Given a ticket assigned to mia, whom an admin removes while another reassigns the ticket
    sam = UserFactory(username="sam")
    membership_add(board=board, user=sam, role=Role.MEMBER)
    ticket = ticket_create(board=board, created_by=admin_user, title="T", assignees=[member_user])
    through = Ticket.assignees.through._meta.db_table

    # When the reassignment has dropped mia and waits to add sam (someone is adding him too),
    # the removal takes the board and waits for mia's assignment row, and then the
    # reassignment goes on
    membership = board.memberships.get(user=member_user)
    edit, removal = line_up(
        lambda: ticket_update(ticket=ticket, by=admin_user, assignees=[sam]),
        lambda: membership_remove(membership=membership, by=admin_user),
        behind=(f"INSERT INTO {through} (ticket_id, user_id) VALUES (%s, %s)", [ticket.pk, sam.pk]),
    )

    # Then both succeed
    edit.result()
    removal.result()
    assert list(Ticket.objects.get(pk=ticket.pk).assignees.all()) == [sam]
    assert not board.memberships.filter(user=member_user).exists()


def test_assigning_a_member_while_they_are_removed_never_leaves_a_non_member_assigned(
    board, member_user, admin_user
):
    # Given a ticket nobody is assigned to
    ticket = ticket_create(board=board, created_by=admin_user, title="T")
    user_table = type(member_user)._meta.db_table

    # When an admin assigns mia while another removes her from the board, both paused at
    # commit (another client holds mia's row, which both point at)
    membership = board.memberships.get(user=member_user)
    assign, removal = line_up(
        lambda: ticket_update(ticket=ticket, by=admin_user, assignees=[member_user]),
        lambda: membership_remove(membership=membership, by=admin_user),
        behind=(f"SELECT 1 FROM {user_table} WHERE id = %s FOR UPDATE", [member_user.pk]),
    )

    # Then both succeed, and mia, no longer on the board, is assigned to nothing
    assign.result()
    removal.result()
    assert not board.memberships.filter(user=member_user).exists()
    assert not Ticket.objects.get(pk=ticket.pk).assignees.exists()


def test_delivering_a_reminder_while_its_ticket_is_deleted_both_succeed(
    board, member_user, admin_user
):
    # Given an overdue ticket's reminder, for mia (who wants email)
    ticket = ticket_create(board=board, created_by=admin_user, title="T", assignees=[member_user])
    reminder = Reminder.objects.create(
        ticket=ticket, kind=Reminder.Kind.OVERDUE, due_for=ticket.due_at
    )
    email_table = Reminder.emails.rel.related_model._meta.db_table

    # When the delivery waits to write mia's email row (someone writes it too), the delete takes
    # the ticket and waits for the reminder, and then the delivery goes on
    # (a delivery that finds the delete taking mia's email raises EmailInFlight, and its task
    # runs it again: then the reminder is gone)
    delivery, delete = line_up(
        lambda: delivered_as_the_task_does(reminder.pk),
        lambda: ticket_delete(ticket=ticket, by=admin_user),
        behind=(
            f"INSERT INTO {email_table} (reminder_id, user_id, error) VALUES (%s, %s, '')",
            [reminder.pk, member_user.pk],
        ),
    )

    # Then both succeed (the delivery first: the delete waited for it) and the ticket is gone
    delivery.result()
    delete.result()
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not Reminder.objects.exists()


def test_a_comment_waiting_for_a_move_of_its_ticket_finds_the_ticket_in_its_new_column(
    board, columns, member_user
):
    # Given the only ticket of the first column
    ticket = ticket_create(board=board, created_by=member_user, title="T", column=columns[0])

    # When another client moves it to the second column, and a comment waits for that move
    with held(
        "UPDATE tickets_ticket SET column_id = %s, rank = 0 WHERE id = %s",
        [columns[1].pk, ticket.pk],
        commit=True,
    ):
        comment = Started(lambda: _comment(ticket, member_user))
        wait_until_waiting(1)

    # Then the comment is written once the move is done (the ticket was not taken for gone)
    assert comment.result().ticket_id == ticket.pk
    assert Ticket.objects.get(pk=ticket.pk).column_id == columns[1].pk


def _comment(ticket, by):
    return message_post(board=ticket.board, ticket=ticket, by=by, body="Still there?")


def _checklist(ticket, by):
    return checklist_item_add(ticket=ticket, by=by, text="Call back")


def _attach(ticket, by):
    upload = SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    return attachments_upload(board=ticket.board, ticket=ticket, by=by, files=[upload])


def _edit(ticket, by):
    return ticket_update(ticket=ticket, by=by, title="Renamed")


@pytest.mark.parametrize("write", [_comment, _checklist, _attach, _edit])
def test_a_write_on_a_ticket_being_deleted_is_not_found_and_leaves_nothing(
    write, board, member_user, admin_user
):
    # Given a ticket with some history
    ticket = ticket_create(board=board, created_by=admin_user, title="T")
    first = ticket.activities.get()

    # When its deletion holds the ticket and waits (someone holds a history row), and a write
    # on the ticket starts meanwhile
    delete, other = line_up(
        lambda: ticket_delete(ticket=ticket, by=admin_user),
        lambda: write(Ticket.objects.get(pk=ticket.pk), member_user),
        behind=("SELECT 1 FROM tickets_activity WHERE id = %s FOR UPDATE", [first.pk]),
    )

    # Then the delete succeeds, the write is refused as not found, and it left nothing behind
    delete.result()
    with pytest.raises(NotFound):
        other.result()
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    for model in (Activity, Message, ChecklistItem, Attachment):
        assert not model.objects.exists()


def test_a_move_into_a_column_while_an_admin_makes_it_done_ends_resolved(
    board, columns, admin_user, member_user
):
    # Given a ticket already in "Bugs" and one to move there from "New tickets"
    bugs = columns[3]
    staying = ticket_create(board=board, created_by=member_user, title="Staying", column=bugs)
    mover = ticket_create(board=board, created_by=member_user, title="Mover")

    # When the admin's change holds the board and "Bugs" and waits for the ticket in it, and the
    # move waits for "Bugs"
    flip, move = line_up(
        lambda: column_set_done(column=bugs, is_done=True, by=admin_user),
        lambda: ticket_move(ticket=mover, column=bugs),
        behind=(LOCK_TICKET, [staying.pk]),
    )

    # Then both succeed, and the moved ticket entered a done column: resolved, like the other
    assert flip.result() == 1
    assert move.result().column_id == bugs.pk
    assert all(ticket.resolved_at for ticket in Ticket.objects.filter(column=bugs))


def test_an_admin_making_a_column_done_while_a_ticket_moves_in_resolves_it_too(
    board, columns, admin_user, member_user
):
    # Given a ticket to move into "Bugs"
    bugs = columns[3]
    mover = ticket_create(board=board, created_by=member_user, title="Mover")

    # When the move holds both columns and waits for its ticket, and the admin's change waits
    # for "Bugs"
    move, flip = line_up(
        lambda: ticket_move(ticket=mover, column=bugs),
        lambda: column_set_done(column=bugs, is_done=True, by=admin_user),
        behind=(LOCK_TICKET, [mover.pk]),
    )

    # Then the move lands first (in a column not yet done), and the change resolves it after
    assert move.result().column_id == bugs.pk
    assert flip.result() == 1
    moved = Ticket.objects.get(pk=mover.pk)
    assert moved.resolved_at is not None
    assert moved.activities.filter(kind=Activity.Kind.RESOLUTION).count() == 1
