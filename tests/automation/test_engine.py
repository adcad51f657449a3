"""The engine: every trigger runs the board's rules once per event, after commit, in order; a
rule's own changes never run rules again; a failing action is recorded and the rest still run."""

import pytest
from django.utils import timezone

from automation.models import RuleRun
from automation.services import rule_try, rules_run
from automation.tasks import rules_run_task
from boards.services import column_update, membership_remove
from mail.services import customer_reply
from reminders.models import Reminder
from reminders.services import reminder_deliver
from tickets.models import Activity, Source, Status, Ticket
from tickets.services import ticket_create, ticket_move, ticket_update
from workspace.models import ChecklistItem, Message

pytestmark = pytest.mark.django_db


def _fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


# --- Triggers ------------------------------------------------------------------------------------
def test_a_ticket_created_by_hand_runs_the_created_rules(board, member_user, make_rule, committed):
    rule = make_rule()

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    assert _fresh(ticket).priority == "high"
    (run,) = RuleRun.objects.filter(rule=rule)
    assert run.outcome == RuleRun.Outcome.OK
    assert run.actions == [
        {"action": "Set priority: High", "ok": True, "detail": "set priority High"}
    ]


def test_a_ticket_created_by_email_runs_the_created_rules(board, make_rule, committed):
    from mail.models import SupportAddress
    from mail.services import mail_receive

    SupportAddress.objects.create(board=board, address="support@example.com")
    make_rule(conditions=[{"field": "channel", "op": "is", "value": "email"}])

    with committed():
        received = mail_receive(
            b"From: dana@vip.example\r\nTo: support@example.com\r\nSubject: Help\r\n\r\nHi\r\n"
        )

    assert _fresh(received.ticket).priority == "high"


def test_a_move_into_a_column_runs_the_moved_rules(board, columns, ticket, make_rule, committed):
    make_rule(trigger="moved", conditions=[{"field": "column", "op": "is", "value": columns[2].pk}])

    with committed():
        ticket_move(ticket=ticket, column=columns[1])
    assert _fresh(ticket).priority == "normal"  # not the column the rule watches
    with committed():
        ticket_move(ticket=_fresh(ticket), column=columns[2])

    assert _fresh(ticket).priority == "high"


def test_a_status_change_runs_the_status_rules(ticket, make_rule, committed):
    make_rule(
        trigger="status_changed",
        conditions=[{"field": "status", "op": "is", "value": "needs_review"}],
    )

    with committed():
        ticket_update(ticket=ticket, status=Status.NEEDS_REVIEW)

    assert _fresh(ticket).priority == "high"


def test_a_priority_change_runs_the_priority_rules(ticket, vip, make_rule, committed):
    make_rule(trigger="priority_changed", actions=[{"type": "add_tags", "tags": [vip.pk]}])

    with committed():
        ticket_update(ticket=ticket, priority="urgent")

    assert list(_fresh(ticket).tags.all()) == [vip]


def test_a_tag_added_runs_the_tag_rules_and_a_tag_removed_does_not(
    ticket, vip, make_rule, committed
):
    rule = make_rule(
        trigger="tag_added", conditions=[{"field": "tags", "op": "has", "value": vip.pk}]
    )

    with committed():
        ticket_update(ticket=ticket, tags=[vip])
    assert _fresh(ticket).priority == "high"
    with committed():
        ticket_update(ticket=_fresh(ticket), tags=[])

    assert RuleRun.objects.filter(rule=rule).count() == 1


def test_an_assignment_runs_the_assigned_rules(ticket, member_user, make_rule, committed):
    make_rule(trigger="assigned", actions=[{"type": "set_status", "value": "in_progress"}])

    with committed():
        ticket_update(ticket=ticket, assignees=[member_user])

    assert _fresh(ticket).status == Status.IN_PROGRESS


def test_a_customer_reply_runs_the_reply_rules(ticket, make_rule, committed):
    make_rule(trigger="customer_replied", actions=[{"type": "set_priority", "value": "urgent"}])

    with committed():
        customer_reply(
            ticket=ticket, body="Any news?", sender_name="Dana", sender_email="dana@example.com",
            channel=Message.Channel.EMAIL, source=Source.EMAIL,
        )  # fmt: skip

    assert _fresh(ticket).priority == "urgent"


@pytest.mark.parametrize(
    ("kind", "trigger"),
    [
        (Reminder.Kind.DUE_SOON, "sla_due_soon"),
        (Reminder.Kind.OVERDUE, "sla_breached"),
        (Reminder.Kind.FIRST_RESPONSE_MISSED, "sla_breached"),
    ],
)
def test_an_sla_reminder_runs_the_sla_rules(ticket, make_rule, committed, kind, trigger):
    make_rule(trigger=trigger, actions=[{"type": "set_priority", "value": "urgent"}])
    deadline = "first_response_due_at" if kind == Reminder.Kind.FIRST_RESPONSE_MISSED else "due_at"
    due = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(**{deadline: due})
    reminder = Reminder.objects.create(ticket=ticket, kind=kind, due_for=due)

    with committed():
        reminder_deliver(reminder_id=reminder.pk)

    assert _fresh(ticket).priority == "urgent"


def test_a_rule_of_another_trigger_does_not_run(board, member_user, make_rule, committed):
    rule = make_rule(trigger="moved")

    with committed():
        ticket_create(board=board, created_by=member_user, title="Hello")

    assert not RuleRun.objects.filter(rule=rule).exists()


def test_a_disabled_rule_does_not_run(board, member_user, make_rule, committed):
    rule = make_rule(enabled=False)

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    assert _fresh(ticket).priority == "normal"
    assert not RuleRun.objects.filter(rule=rule).exists()


def test_nothing_runs_for_a_change_that_rolled_back(board, member_user, make_rule, committed):
    from django.db import transaction

    rule = make_rule()

    def create_then_fail():
        with transaction.atomic():
            ticket_create(board=board, created_by=member_user, title="Hello")
            raise RuntimeError("the write failed")

    with committed(), pytest.raises(RuntimeError):
        create_then_fail()

    assert not RuleRun.objects.filter(rule=rule).exists()


# --- Order, once, the loop guard -----------------------------------------------------------------
def test_rules_run_in_order_each_seeing_what_the_one_before_did(
    board, member_user, make_rule, committed
):
    make_rule(name="First", actions=[{"type": "set_priority", "value": "high"}])
    second = make_rule(
        name="Second",
        conditions=[{"field": "priority", "op": "is", "value": "high"}],
        actions=[{"type": "set_status", "value": "in_progress"}],
    )

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    assert _fresh(ticket).status == Status.IN_PROGRESS
    assert RuleRun.objects.get(rule=second).outcome == RuleRun.Outcome.OK


def test_a_tag_set_by_a_rule_does_not_trigger_another_rule(
    board, member_user, vip, make_rule, committed
):
    make_rule(name="Tag it", actions=[{"type": "add_tags", "tags": [vip.pk]}])
    on_tag = make_rule(
        name="On VIP", trigger="tag_added", actions=[{"type": "set_priority", "value": "urgent"}]
    )

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    assert list(_fresh(ticket).tags.all()) == [vip]
    assert _fresh(ticket).priority == "normal"
    assert not RuleRun.objects.filter(rule=on_tag).exists()


def test_a_rule_that_moves_into_a_column_it_watches_runs_once(
    ticket, columns, make_rule, committed
):
    rule = make_rule(
        name="Bounce", trigger="moved", actions=[{"type": "move", "column": columns[2].pk}]
    )

    with committed():
        ticket_move(ticket=ticket, column=columns[1])

    assert _fresh(ticket).column == columns[2]
    assert RuleRun.objects.filter(rule=rule).count() == 1
    moves = Activity.objects.filter(ticket=ticket, kind=Activity.Kind.MOVED)
    assert moves.count() == 2


def test_the_task_run_twice_for_one_event_runs_each_rule_once(board, member_user, make_rule):
    rule = make_rule(name="Note", actions=[{"type": "add_note", "body": "Welcome"}])
    ticket = ticket_create(board=board, created_by=member_user, title="Hello")
    key = f"activity:{Activity.objects.get(ticket=ticket, kind='created').pk}"

    rules_run_task.apply(args=["created", ticket.pk, key])
    rules_run_task.apply(args=["created", ticket.pk, key])

    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert Message.objects.filter(ticket=ticket, body="Welcome").count() == 1


# --- A failing action ----------------------------------------------------------------------------
def test_a_move_refused_at_the_wip_limit_is_recorded_and_the_next_rule_still_runs(
    board, columns, member_user, make_rule, committed
):
    full = columns[1]
    ticket_create(board=board, created_by=member_user, title="Already there", column=full)
    column_update(column=full, wip_limit=1)
    mover = make_rule(
        name="To open",
        actions=[
            {"type": "move", "column": full.pk},
            {"type": "set_status", "value": "in_progress"},
        ],
    )
    after = make_rule(name="After", actions=[{"type": "set_priority", "value": "high"}])

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    run = RuleRun.objects.get(rule=mover)
    assert run.outcome == RuleRun.Outcome.FAILED
    assert run.actions[0]["ok"] is False
    assert "WIP limit" in run.actions[0]["detail"]
    assert run.actions[1]["ok"] is True
    fresh = _fresh(ticket)
    assert fresh.column == columns[0]
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.priority == "high"
    assert RuleRun.objects.get(rule=after).outcome == RuleRun.Outcome.OK


def test_conditions_not_met_are_recorded_as_skipped(board, member_user, make_rule, committed):
    rule = make_rule(conditions=[{"field": "subject", "op": "contains", "value": "vip"}])

    with committed():
        ticket_create(board=board, created_by=member_user, title="Hello")

    run = RuleRun.objects.get(rule=rule)
    assert run.outcome == RuleRun.Outcome.SKIPPED
    assert run.detail == "Not met: Subject contains any of “vip”"


# --- The ticket's history ------------------------------------------------------------------------
def test_the_history_names_the_rule_that_made_the_change(
    board, member_user, make_rule, committed, client_as
):
    make_rule(name="VIP first")

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Hello")

    entry = Activity.objects.get(ticket=ticket, kind=Activity.Kind.PRIORITY)
    assert entry.actor is None
    assert entry.by_rule == "VIP first"
    page = client_as("member").get(ticket.get_absolute_url()).content.decode()
    assert "Rule ‘VIP first’</strong> changed the priority from Normal to High" in page


# --- The dry run ---------------------------------------------------------------------------------
def test_trying_a_rule_says_what_it_would_do_and_writes_nothing(
    ticket, columns, vip, member_user, make_rule, django_capture_on_commit_callbacks
):
    rule = make_rule(
        actions=[
            {"type": "set_priority", "value": "urgent"},
            {"type": "add_tags", "tags": [vip.pk]},
            {"type": "move", "column": columns[1].pk},
            {"type": "add_checklist", "items": ["Call back"]},
            {"type": "add_note", "body": "Looked at"},
            {"type": "notify", "users": [member_user.pk], "assignees": False, "message": "Hi"},
        ]
    )
    counts = _counts()

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = rule_try(rule=rule, ticket=ticket, by=member_user)

    assert outcome.met
    assert [taken["ok"] for taken in outcome.actions] == [True] * 6
    assert outcome.actions[2]["detail"] == f"moved it to {columns[1].name}"
    assert _counts() == counts
    assert callbacks == []
    fresh = _fresh(ticket)
    assert (fresh.priority, fresh.column_id) == ("normal", ticket.column_id)


def _counts() -> dict:
    from notifications.models import Notification

    return {
        model.__name__: model.objects.count()
        for model in (Activity, ChecklistItem, Message, Notification, RuleRun)
    }


def test_trying_a_rule_reports_an_action_that_would_fail(
    board, ticket, columns, member_user, make_rule
):
    ticket_create(board=board, created_by=member_user, title="Already there", column=columns[1])
    column_update(column=columns[1], wip_limit=1)
    rule = make_rule(actions=[{"type": "move", "column": columns[1].pk}])

    outcome = rule_try(rule=rule, ticket=ticket, by=member_user)

    assert outcome.failed
    assert "WIP limit" in outcome.actions[0]["detail"]


def test_trying_a_rule_whose_conditions_fail_names_them(ticket, member_user, make_rule):
    rule = make_rule(conditions=[{"field": "priority", "op": "is", "value": "urgent"}])

    outcome = rule_try(rule=rule, ticket=ticket, by=member_user)

    assert not outcome.met
    assert outcome.detail == "Not met: Priority is Urgent"


def test_a_ticket_gone_before_its_rules_ran_runs_nothing(board, member_user, make_rule):
    make_rule()
    ticket = ticket_create(board=board, created_by=member_user, title="Hello")
    Ticket.objects.filter(pk=ticket.pk).update(archived_at=timezone.now())

    assert rules_run(trigger="created", ticket_id=ticket.pk, key="activity:1") == []


def test_an_assignee_who_left_the_team_makes_the_assign_action_fail(
    board, member_user, admin_user, make_rule, committed
):
    rule = make_rule(actions=[{"type": "assign", "mode": "person", "users": [member_user.pk]}])
    membership_remove(membership=board.memberships.get(user=member_user), by=admin_user)

    with committed():
        ticket_create(board=board, created_by=admin_user, title="Hello")

    run = RuleRun.objects.get(rule=rule)
    assert run.outcome == RuleRun.Outcome.FAILED
    assert "no longer on the team" in run.actions[0]["detail"]


def test_a_rule_made_after_the_board_was_asked_about_its_rules_runs(
    board, member_user, make_rule, committed
):
    with committed():
        ticket_create(board=board, created_by=member_user, title="Before any rule")
    with committed():
        make_rule()  # its board's triggers are asked afresh after it commits

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="After")

    assert _fresh(ticket).priority == "high"
