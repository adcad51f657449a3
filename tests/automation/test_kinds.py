"""Every condition and every action, and the checks on what a rule may say."""

import pytest
from django.utils import timezone

from automation.models import Rule
from automation.services import rule_create, rule_try, rule_update, rules_run
from boards.services import membership_add, tag_create
from csboard.core.exceptions import InvalidInput
from notifications.models import Notification
from tests.factories import UserFactory
from tickets.models import Activity, Source, Ticket
from tickets.services import ticket_create, ticket_update
from workspace.models import ChecklistItem, Message
from workspace.services import message_receive

pytestmark = pytest.mark.django_db


def _met(make_rule, ticket, by, *conditions) -> bool:
    rule = make_rule(name=f"Rule {Rule.objects.count()}", conditions=list(conditions))
    return rule_try(rule=rule, ticket=ticket, by=by).met


# --- Conditions ----------------------------------------------------------------------------------
def test_column_is_and_is_not(ticket, columns, member_user, make_rule):
    here, there = ticket.column_id, columns[3].pk
    assert _met(make_rule, ticket, member_user, {"field": "column", "op": "is", "value": here})
    assert not _met(make_rule, ticket, member_user, {"field": "column", "op": "is", "value": there})
    assert _met(make_rule, ticket, member_user, {"field": "column", "op": "is_not", "value": there})


def test_status_and_priority(ticket, member_user, make_rule):
    ticket = ticket_update(ticket=ticket, status="in_progress", priority="urgent")

    assert _met(
        make_rule, ticket, member_user, {"field": "status", "op": "is", "value": "in_progress"}
    )
    assert not _met(
        make_rule, ticket, member_user, {"field": "status", "op": "is", "value": "ready"}
    )
    assert _met(
        make_rule, ticket, member_user, {"field": "priority", "op": "is", "value": "urgent"}
    )
    assert not _met(
        make_rule, ticket, member_user, {"field": "priority", "op": "is_not", "value": "urgent"}
    )


def test_tags_has_and_has_not(ticket, vip, board, member_user, make_rule):
    other = tag_create(board=board, name="Bug")
    ticket = ticket_update(ticket=ticket, tags=[vip])

    assert _met(make_rule, ticket, member_user, {"field": "tags", "op": "has", "value": vip.pk})
    assert not _met(
        make_rule, ticket, member_user, {"field": "tags", "op": "has", "value": other.pk}
    )
    assert _met(
        make_rule, ticket, member_user, {"field": "tags", "op": "has_not", "value": other.pk}
    )


@pytest.mark.parametrize(
    ("email", "domain", "holds"),
    [
        ("dana@example.com", "example.com", True),
        ("dana@EU.Example.com", "example.com", True),  # a subdomain, whatever the case
        ("dana@notexample.com", "example.com", False),
        ("", "example.com", False),
    ],
)
def test_customer_email_domain(board, member_user, make_rule, email, domain, holds):
    ticket = ticket_create(board=board, created_by=member_user, title="Hi", customer_email=email)
    condition = {"field": "customer_domain", "op": "domain_is", "value": domain}

    assert _met(make_rule, ticket, member_user, condition) is holds
    assert _met(make_rule, ticket, member_user, {**condition, "op": "domain_is_not"}) is not holds


@pytest.mark.parametrize(
    ("title", "words", "holds"),
    [
        ("Refund please", "refund", True),
        ("REFUND please", "cancel, refund", True),  # any of the words, any case
        ("Refunded already", "refund", False),  # whole words only
        ("Cancel my order", "my order", True),  # a phrase
        ("Hello", "refund, cancel", False),
    ],
)
def test_subject_contains_words(board, member_user, make_rule, title, words, holds):
    ticket = ticket_create(board=board, created_by=member_user, title=title)
    condition = {"field": "subject", "op": "contains", "value": words}

    assert _met(make_rule, ticket, member_user, condition) is holds
    assert _met(make_rule, ticket, member_user, {**condition, "op": "not_contains"}) is not holds


def test_body_reads_the_description_and_what_the_customer_wrote(board, member_user, make_rule):
    ticket = ticket_create(board=board, created_by=member_user, title="Hi", description="Login")
    condition = {"field": "body", "op": "contains", "value": "invoice"}
    assert not _met(make_rule, ticket, member_user, condition)

    message_receive(
        ticket=ticket, body="Where is my invoice?", sender_name="Dana",
        sender_email="dana@example.com", channel=Message.Channel.EMAIL,
    )  # fmt: skip

    assert _met(make_rule, ticket, member_user, condition)
    assert _met(
        make_rule, ticket, member_user, {"field": "body", "op": "contains", "value": "login"}
    )


def test_an_internal_note_is_not_the_body(board, member_user, make_rule):
    from workspace.services import message_post

    ticket = ticket_create(board=board, created_by=member_user, title="Hi")
    message_post(board=board, by=member_user, ticket=ticket, body="invoice sent")

    assert not _met(
        make_rule, ticket, member_user, {"field": "body", "op": "contains", "value": "invoice"}
    )


def test_channel(board, member_user, make_rule):
    by_form = ticket_create(board=board, created_by=None, title="Hi", source=Source.FORM)

    assert _met(make_rule, by_form, member_user, {"field": "channel", "op": "is", "value": "form"})
    assert not _met(
        make_rule, by_form, member_user, {"field": "channel", "op": "is", "value": "team"}
    )


def test_every_condition_must_hold(ticket, member_user, make_rule):
    assert not _met(
        make_rule, ticket, member_user,
        {"field": "priority", "op": "is", "value": "normal"},
        {"field": "status", "op": "is", "value": "resolved"},
    )  # fmt: skip


# --- Actions -------------------------------------------------------------------------------------
@pytest.fixture
def act(make_rule, ticket):
    """Run a rule of these actions on the ticket, as the task does; returns the ticket after."""

    def run(*actions):
        rule = make_rule(name=f"Rule {Rule.objects.count()}", actions=list(actions))
        (run,) = rules_run(trigger="created", ticket_id=ticket.pk, key=f"test:{rule.pk}")
        assert run.outcome == "ok", run.actions
        Rule.objects.update(enabled=False)  # the next call runs its own rule alone
        return Ticket.objects.get(pk=ticket.pk)

    return run


def test_assign_a_person(act, member_user):
    after = act({"type": "assign", "mode": "person", "users": [member_user.pk]})

    assert list(after.assignees.all()) == [member_user]
    assert Notification.objects.filter(recipient=member_user, kind="assigned").exists()


def test_assign_in_turn(board, member_user, admin_user, make_rule):
    make_rule(
        actions=[
            {"type": "assign", "mode": "round_robin", "users": [member_user.pk, admin_user.pk]}
        ]
    )
    tickets = [ticket_create(board=board, created_by=None, title=f"T{i}") for i in range(3)]

    for ticket in tickets:
        rules_run(trigger="created", ticket_id=ticket.pk, key="test")

    assigned = [list(t.assignees.values_list("username", flat=True)) for t in tickets]
    assert assigned == [["mia"], ["alice"], ["mia"]]


def test_assign_to_the_least_loaded_of_the_team(board, member_user, admin_user, act):
    for _ in range(2):
        ticket_create(board=board, created_by=None, title="Busy", assignees=[member_user])
    resolved = ticket_create(board=board, created_by=None, title="Done", assignees=[admin_user])
    ticket_update(ticket=resolved, status="resolved")  # resolved work is no load
    ticket_create(board=board, created_by=None, title="Busy", assignees=[admin_user])

    after = act({"type": "assign", "mode": "least_loaded", "users": []})

    # The ticket itself is nobody's yet: alice has 1 open ticket, mia 2.
    assert list(after.assignees.all()) == [admin_user]


def test_set_priority_status_and_due_date(act):
    before = timezone.now()

    after = act(
        {"type": "set_priority", "value": "urgent"},
        {"type": "set_status", "value": "waiting_on_customer"},
        {"type": "set_due", "hours": 4},
    )

    assert (after.priority, after.status) == ("urgent", "waiting_on_customer")
    assert after.due_is_manual
    assert (
        before.timestamp() + 4 * 3600
        <= after.due_at.timestamp()
        <= timezone.now().timestamp() + 4 * 3600
    )


def test_add_and_remove_tags(act, vip, board):
    bug = tag_create(board=board, name="Bug")

    after = act({"type": "add_tags", "tags": [vip.pk, bug.pk]})
    assert set(after.tags.all()) == {vip, bug}
    after = act({"type": "remove_tags", "tags": [bug.pk]})

    assert list(after.tags.all()) == [vip]


def test_move_to_a_column(act, columns):
    after = act({"type": "move", "column": columns[3].pk})

    assert after.column == columns[3]


def test_add_a_checklist(act, ticket):
    act({"type": "add_checklist", "items": ["Call back", "Send invoice"]})

    texts = list(ChecklistItem.objects.filter(ticket=ticket).values_list("text", flat=True))
    assert texts == ["Call back", "Send invoice"]


def test_add_the_checklist_of_a_ticket_template(act, board, ticket):
    from ticket_templates.services import template_create

    onboarding = template_create(
        board=board, name="Onboarding", title_pattern="Onboard {customer}",
        checklist=["Kick-off call", "Import users"],
    )  # fmt: skip

    act({"type": "template_checklist", "template": onboarding.pk})

    texts = list(ChecklistItem.objects.filter(ticket=ticket).values_list("text", flat=True))
    assert texts == ["Kick-off call", "Import users"]


def test_add_an_internal_note(act, ticket):
    act({"type": "add_note", "body": "Check the **contract**"})

    note = Message.objects.get(ticket=ticket)
    assert (note.body, note.public, note.author) == ("Check the **contract**", False, None)


def test_notify_people_and_the_assignees(act, ticket, admin_user, member_user):
    ticket_update(ticket=ticket, assignees=[member_user])

    act({"type": "notify", "users": [admin_user.pk], "assignees": True, "message": "VIP waiting"})

    told = Notification.objects.filter(title__contains="VIP waiting")
    assert {n.recipient for n in told} == {admin_user, member_user}
    assert all(n.ticket_id == ticket.pk for n in told)


def test_every_change_of_a_rule_is_in_the_history_under_its_name(act, ticket, vip, columns):
    act({"type": "set_priority", "value": "high"}, {"type": "add_tags", "tags": [vip.pk]})

    rows = Activity.objects.filter(ticket=ticket).exclude(kind="created")
    assert {row.by_rule for row in rows} == {"Rule 0"}


# --- What a rule may say -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("conditions", "actions", "field"),
    [
        ([{"field": "colour", "op": "is", "value": 1}], None, "conditions.0.field"),
        ([{"field": "priority", "op": "has", "value": "high"}], None, "conditions.0.op"),
        ([{"field": "priority", "op": "is", "value": "huge"}], None, "conditions.0.value"),
        ([{"field": "column", "op": "is", "value": 99999}], None, "conditions.0.value"),
        ([{"field": "subject", "op": "contains", "value": "  "}], None, "conditions.0.value"),
        (
            [{"field": "customer_domain", "op": "domain_is", "value": "a@b"}],
            None,
            "conditions.0.value",
        ),
        ([{"field": "status", "op": "is", "value": "ready", "x": 1}], None, "conditions.0.x"),
        ("priority is high", None, "conditions"),
        ([], [], "actions"),
        ([], [{"type": "explode"}], "actions.0.type"),
        ([], [{"type": "move", "column": "3"}], "actions.0.column"),
        ([], [{"type": "set_due", "hours": 0}], "actions.0.hours"),
        ([], [{"type": "add_tags", "tags": []}], "actions.0.tags"),
        ([], [{"type": "add_checklist", "items": [""]}], "actions.0.items"),
        ([], [{"type": "assign", "mode": "person", "users": []}], "actions.0.users"),
        ([], [{"type": "assign", "mode": "dice", "users": []}], "actions.0.mode"),
        (
            [],
            [{"type": "notify", "users": [], "assignees": False, "message": "x"}],
            "actions.0.users",
        ),
    ],
)
def test_a_rule_that_says_something_wrong_is_refused_naming_the_part(
    board, admin_user, make_rule, conditions, actions, field
):
    actions = [{"type": "set_priority", "value": "high"}] if actions is None else actions

    with pytest.raises(InvalidInput) as refused:
        rule_create(
            board=board, by=admin_user, name="Wrong", trigger="created", conditions=conditions,
            actions=actions,
        )  # fmt: skip

    assert field in refused.value.fields
    assert not Rule.objects.exists()


def test_only_people_of_the_team_may_be_assigned_by_a_rule(board, guest_user, make_rule):
    stranger = UserFactory()

    for user in (guest_user, stranger):
        with pytest.raises(InvalidInput) as refused:
            make_rule(actions=[{"type": "assign", "mode": "person", "users": [user.pk]}])
        assert "actions.0.users" in refused.value.fields


def test_a_tag_of_another_board_is_refused(make_rule, admin_user):
    from boards.services import board_create

    other = board_create(name="Other", key="OT", created_by=admin_user)
    foreign = tag_create(board=other, name="VIP")

    with pytest.raises(InvalidInput):
        make_rule(actions=[{"type": "add_tags", "tags": [foreign.pk]}])


def test_two_rules_of_a_board_may_not_share_a_name(make_rule):
    make_rule(name="VIP first")

    with pytest.raises(InvalidInput) as refused:
        make_rule(name="vip FIRST")

    assert "name" in refused.value.fields


def test_an_edit_is_checked_as_a_create_is(make_rule, admin_user):
    rule = make_rule()

    with pytest.raises(InvalidInput):
        rule_update(rule=rule, by=admin_user, actions=[{"type": "set_priority", "value": "x"}])

    rule.refresh_from_db()
    assert rule.actions == [{"type": "set_priority", "value": "high"}]


def test_a_member_who_joins_later_may_be_named(board, make_rule):
    newcomer = UserFactory()
    membership_add(board=board, user=newcomer)

    rule = make_rule(actions=[{"type": "assign", "mode": "person", "users": [newcomer.pk]}])

    assert rule.actions[0]["users"] == [newcomer.pk]
