"""Rules that read a board's custom fields (a condition per field, as its type allows) and that
answer with a shared macro, in the name of a person of the team."""

import pytest

from automation.kinds import custom_key
from automation.models import Rule
from automation.services import rule_try, rule_update, rules_run
from boards.services import membership_remove
from csboard.core.exceptions import InvalidInput
from customfields.models import FieldType
from customfields.services import field_create, field_delete, field_update, values_set
from macros.models import Macro
from macros.services import macro_create
from mail.models import Email
from tests.factories import TicketFactory
from tickets.models import Status, Ticket
from workspace.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(board, admin_user):
    def make(name, type, **settings):
        return field_create(board=board, name=name, type=type, by=admin_user, **settings)

    return make


def option(custom, label) -> int:
    return next(o.pk for o in custom.options.all() if o.label == label)


def holds(make_rule, ticket, by, custom, op, value) -> bool:
    condition = {"field": custom_key(custom.pk), "op": op, "value": value}
    rule = make_rule(name=f"Rule {Rule.objects.count()}", conditions=[condition])
    return rule_try(rule=rule, ticket=ticket, by=by).met


# --- Custom-field conditions, one type at a time -------------------------------------------------
def test_a_text_or_url_field_contains_words(field, ticket, member_user, make_rule):
    note = field("Account note", FieldType.TEXT)
    site = field("Site", FieldType.URL)
    values_set(
        ticket=ticket, values={note.pk: "Renewal due, annual plan", site.pk: "https://acme.example"}
    )

    assert holds(make_rule, ticket, member_user, note, "contains", "renewal, churn")
    assert not holds(make_rule, ticket, member_user, note, "contains", "churn")
    assert holds(make_rule, ticket, member_user, note, "not_contains", "churn")
    assert holds(make_rule, ticket, member_user, site, "contains", "acme")


def test_a_number_field_compares_and_an_empty_one_is_neither_less_nor_more(
    field, board, ticket, member_user, make_rule
):
    seats = field("Seats", FieldType.NUMBER)
    values_set(ticket=ticket, values={seats.pk: 250})

    assert holds(make_rule, ticket, member_user, seats, "is", 250)
    assert holds(make_rule, ticket, member_user, seats, "more_than", 99.5)
    assert not holds(make_rule, ticket, member_user, seats, "less_than", 250)
    assert holds(make_rule, ticket, member_user, seats, "is_not", 10)
    empty = TicketFactory(board=board)
    assert not holds(make_rule, empty, member_user, seats, "less_than", 1_000)
    assert not holds(make_rule, empty, member_user, seats, "more_than", -1)


def test_a_date_field_is_before_or_after_a_day(field, ticket, member_user, make_rule):
    renewal = field("Renewal", FieldType.DATE)
    values_set(ticket=ticket, values={renewal.pk: "2027-03-01"})

    assert holds(make_rule, ticket, member_user, renewal, "is", "2027-03-01")
    assert holds(make_rule, ticket, member_user, renewal, "before", "2027-04-01")
    assert not holds(make_rule, ticket, member_user, renewal, "after", "2027-03-01")


def test_a_checkbox_unset_is_unticked(field, board, ticket, member_user, make_rule):
    churn = field("Churn risk", FieldType.CHECKBOX)
    values_set(ticket=ticket, values={churn.pk: True})

    assert holds(make_rule, ticket, member_user, churn, "is", True)
    assert holds(make_rule, TicketFactory(board=board), member_user, churn, "is", False)


def test_a_user_field_is_a_person_of_the_team(field, ticket, member_user, admin_user, make_rule):
    owner = field("Account owner", FieldType.USER)
    values_set(ticket=ticket, values={owner.pk: member_user.username})

    assert holds(make_rule, ticket, member_user, owner, "is", member_user.pk)
    assert holds(make_rule, ticket, member_user, owner, "is_not", admin_user.pk)


def test_a_select_is_an_option_and_a_multi_select_has_one(field, ticket, member_user, make_rule):
    plan = field("Plan", FieldType.SELECT, options=["Free", "Pro", "Enterprise"])
    addons = field("Add-ons", FieldType.MULTI_SELECT, options=["SSO", "Audit", "API"])
    values_set(ticket=ticket, values={plan.pk: "Enterprise", addons.pk: ["SSO", "API"]})

    assert holds(make_rule, ticket, member_user, plan, "is", option(plan, "Enterprise"))
    assert holds(make_rule, ticket, member_user, plan, "is_not", option(plan, "Free"))
    assert holds(make_rule, ticket, member_user, addons, "has", option(addons, "API"))
    assert holds(make_rule, ticket, member_user, addons, "has_not", option(addons, "Audit"))
    assert not holds(make_rule, ticket, member_user, addons, "has", option(addons, "Audit"))


def test_a_custom_field_condition_is_checked_against_the_field(field, board, make_rule, admin_user):
    plan = field("Plan", FieldType.SELECT, options=["Free", "Pro"])
    seats = field("Seats", FieldType.NUMBER)
    other_board_field = 10**9
    bad = [
        ({"field": custom_key(plan.pk), "op": "more_than", "value": 1}, "op"),
        ({"field": custom_key(plan.pk), "op": "is", "value": 10**9}, "value"),
        ({"field": custom_key(plan.pk), "op": "is", "value": "Pro"}, "value"),
        ({"field": custom_key(seats.pk), "op": "less_than", "value": "many"}, "value"),
        ({"field": custom_key(seats.pk), "op": "less_than", "value": True}, "value"),
        ({"field": custom_key(other_board_field), "op": "is", "value": 1}, "field"),
    ]
    for condition, part in bad:
        with pytest.raises(InvalidInput) as refused:
            make_rule(name=f"Bad {part}", conditions=[condition])
        assert f"conditions.0.{part}" in refused.value.fields, condition
    assert not Rule.objects.exists()


def test_a_removed_option_keeps_its_rule_and_a_deleted_field_holds_for_nothing(
    field, board, ticket, admin_user, member_user, make_rule
):
    from automation.kinds import BoardNames
    from automation.selectors import rule_said

    plan = field("Plan", FieldType.SELECT, options=["Free", "Pro"])
    values_set(ticket=ticket, values={plan.pk: "Pro"})
    pro = option(plan, "Pro")
    rule = make_rule(conditions=[{"field": custom_key(plan.pk), "op": "is", "value": pro}])

    free = option(plan, "Free")
    field_update(field=plan, by=admin_user, options=[{"id": free, "label": "Free"}])
    rule = rule_update(rule=rule, by=admin_user, conditions=rule.conditions)  # saved again
    assert rule_try(rule=rule, ticket=ticket, by=member_user).met  # the ticket keeps "Pro"
    assert rule_said(rule, BoardNames.of(board))["if"] == ["Plan is “Pro (removed)”"]

    field_update(field=plan, by=admin_user, type=FieldType.MULTI_SELECT)
    trial = rule_try(rule=rule, ticket=ticket, by=member_user)
    assert trial.unmet == ["Plan: a test its type no longer has (holds for no ticket)"]

    field_delete(field=plan, by=admin_user)
    trial = rule_try(rule=rule, ticket=ticket, by=member_user)
    assert not trial.met
    assert trial.unmet == ["A deleted custom field (holds for no ticket)"]


def test_a_custom_field_rule_runs_on_new_tickets(field, board, member_user, make_rule):
    plan = field("Plan", FieldType.SELECT, options=["Free", "Enterprise"])
    make_rule(
        conditions=[
            {"field": custom_key(plan.pk), "op": "is", "value": option(plan, "Enterprise")}
        ],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )
    big, small = TicketFactory(board=board), TicketFactory(board=board)
    values_set(ticket=big, values={plan.pk: "Enterprise"})
    values_set(ticket=small, values={plan.pk: "Free"})

    for each in (big, small):
        rules_run(trigger="created", ticket_id=each.pk, key=f"test:{each.pk}")

    assert Ticket.objects.get(pk=big.pk).priority == "urgent"
    assert Ticket.objects.get(pk=small.pk).priority != "urgent"


# --- Replying with a macro -----------------------------------------------------------------------
@pytest.fixture
def answer(board, admin_user):
    return macro_create(
        board=board, by=admin_user, shared=True, name="Password reset",
        body="Hi {{customer.name}}, reset it at https://example.com/reset. {{agent.name}}",
        set_status=Status.WAITING,
    )  # fmt: skip


def reply_rule(make_rule, macro, sender):
    return make_rule(
        name="Reset answer", actions=[{"type": "macro", "macro": macro.pk, "sender": sender.pk}]
    )


def test_a_rule_replies_with_a_shared_macro_as_the_person_it_names(
    make_rule, ticket, answer, member_user, address
):
    rule = reply_rule(make_rule, answer, member_user)

    (run,) = rules_run(trigger="created", ticket_id=ticket.pk, key="test:1")

    assert run.outcome == "ok", run.actions
    assert run.actions[0]["detail"] == f"sent the reply ‘Password reset’ as {member_user.username}"
    message = Message.objects.get(ticket=ticket)
    assert message.public
    assert message.author == member_user
    assert message.body.startswith("Hi Dana Scully, reset it at")
    assert message.body.endswith(member_user.name)
    email = Email.objects.get(entry=message)
    assert email.to == ["dana@example.com"]
    # Marked automatic, so that no autoresponder answers it; not the team's first response.
    assert b"Auto-Submitted: auto-generated" in bytes(email.raw)
    assert b"X-Auto-Response-Suppress: All" in bytes(email.raw)
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.first_response_at is None
    assert after.status == Status.WAITING  # the macro's own action, as the rule
    assert rule.runs.count() == 1


def test_a_person_replying_by_hand_is_not_marked_automatic(ticket, answer, member_user, address):
    from macros.services import macro_apply

    _, message = macro_apply(macro=answer, ticket=ticket, by=member_user)

    assert b"Auto-Submitted" not in bytes(Email.objects.get(entry=message).raw)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None


def test_a_note_macro_adds_its_note(make_rule, board, ticket, admin_user, member_user):
    note = macro_create(
        board=board, by=admin_user, shared=True, name="Escalate", kind=Macro.Kind.NOTE,
        body="Escalated for {{customer.name}}",
    )  # fmt: skip
    reply_rule(make_rule, note, member_user)

    (run,) = rules_run(trigger="created", ticket_id=ticket.pk, key="test:1")

    assert run.outcome == "ok", run.actions
    message = Message.objects.get(ticket=ticket)
    assert (message.public, message.body) == (False, "Escalated for Dana Scully")


def test_only_a_shared_macro_and_a_person_of_the_team_may_be_chosen(
    make_rule, board, answer, member_user, guest_user
):
    own = macro_create(board=board, by=member_user, shared=False, name="Mine", body="Hi")
    for action, part in (
        ({"type": "macro", "macro": own.pk, "sender": member_user.pk}, "macro"),
        ({"type": "macro", "macro": answer.pk, "sender": guest_user.pk}, "sender"),
        ({"type": "macro", "macro": answer.pk}, "sender"),
    ):
        with pytest.raises(InvalidInput) as refused:
            make_rule(name=f"Bad {part}", actions=[action])
        assert f"actions.0.{part}" in refused.value.fields


def test_a_macro_reply_that_cannot_be_sent_is_recorded_and_the_next_action_runs(
    make_rule, board, ticket, answer, member_user, admin_user, address
):
    make_rule(
        name="Reset answer",
        actions=[
            {"type": "macro", "macro": answer.pk, "sender": member_user.pk},
            {"type": "set_priority", "value": "high"},
        ],
    )
    membership_remove(membership=board.memberships.get(user=member_user), by=admin_user)

    (run,) = rules_run(trigger="created", ticket_id=ticket.pk, key="test:1")

    assert run.outcome == "failed"
    assert run.actions[0]["ok"] is False
    assert "no longer on the board's team" in run.actions[0]["detail"]
    assert run.actions[1]["ok"] is True
    assert not Message.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_a_dry_run_of_a_macro_reply_sends_nothing(make_rule, ticket, answer, member_user, address):
    rule = reply_rule(make_rule, answer, member_user)

    trial = rule_try(rule=rule, ticket=ticket, by=member_user)

    assert trial.met
    assert not trial.failed
    assert not Message.objects.filter(ticket=ticket).exists()
    assert not Email.objects.exists()


def test_the_rule_says_its_macro_in_words(make_rule, answer, member_user, admin_user, board):
    from automation.kinds import BoardNames
    from automation.selectors import rule_said

    rule = reply_rule(make_rule, answer, member_user)

    said = rule_said(rule, BoardNames.of(board))
    assert said["then"] == [f"Use the macro ‘Password reset’ as {member_user.username}"]
    Macro.objects.filter(pk=answer.pk).delete()
    assert rule_said(rule, BoardNames.of(board))["then"] == [
        f"Use the macro ‘(deleted)’ as {member_user.username}"
    ]


def test_rules_with_fields_and_macros_list_in_flat_queries(
    make_rule,
    field,
    board,
    answer,
    member_user,
    admin_user,
    client_as,
    django_assert_max_num_queries,
):
    for index in range(5):
        custom = field(f"Number {index}", FieldType.NUMBER)
        make_rule(
            name=f"Rule {index}",
            conditions=[{"field": custom_key(custom.pk), "op": "more_than", "value": index}],
            actions=[{"type": "macro", "macro": answer.pk, "sender": member_user.pk}],
        )
    client = client_as("admin")
    client.get(f"/boards/{board.pk}/rules/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/boards/{board.pk}/rules/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/api/boards/{board.pk}/rules/").status_code == 200
