"""The rules API: typed bodies, refusals naming the part at fault, the dry run, the history."""

import pytest

from automation.models import Rule, RuleRun
from automation.services import rules_run
from tickets.models import Activity, Ticket

pytestmark = pytest.mark.django_db

RULE = {
    "name": "VIP first",
    "trigger": "created",
    "conditions": [{"field": "subject", "op": "contains", "value": "vip"}],
    "actions": [{"type": "set_priority", "value": "high"}],
}


def _url(board, *rest) -> str:
    return "/".join([f"/api/boards/{board.pk}/rules", *map(str, rest)]) + "/"


def test_an_admin_creates_a_rule_and_reads_it_in_words(board, api_as):
    response = api_as("admin").post(_url(board), RULE, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["conditions"] == RULE["conditions"]
    assert body["said"] == {"if": ["Subject contains any of “vip”"], "then": ["Set priority: High"]}
    assert Rule.objects.get().name == "VIP first"


def test_a_wrong_rule_is_a_400_naming_each_part_and_nothing_is_saved(board, api_as):
    body = {
        **RULE,
        "conditions": [{"field": "priority", "op": "is", "value": "huge"}],
        "actions": [{"type": "move", "column": 0}],
    }

    response = api_as("admin").post(_url(board), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"conditions.0.value", "actions.0.column"}
    assert not Rule.objects.exists()


def test_a_rule_of_another_board_is_a_404(board, api_as, make_rule, admin_user):
    from boards.services import board_create

    other = board_create(name="Other", key="OT", created_by=admin_user)
    rule = make_rule()

    assert api_as("admin").get(_url(other, rule.pk)).status_code == 404


def test_rules_are_ordered_by_position_and_can_be_moved(board, api_as, make_rule):
    first, second = make_rule(name="First"), make_rule(name="Second")

    response = api_as("admin").patch(_url(board, second.pk), {"position": 0}, format="json")

    assert response.status_code == 200
    listed = api_as("guest").get(_url(board)).json()["results"]
    assert [rule["name"] for rule in listed] == ["Second", "First"]
    assert Rule.objects.get(pk=first.pk).position == 1


def test_a_member_tries_a_rule_on_a_ticket_and_nothing_changes(board, ticket, api_as, make_rule):
    rule = make_rule(conditions=[{"field": "priority", "op": "is", "value": "normal"}])
    history = Activity.objects.count()

    response = api_as("member").post(
        _url(board, rule.pk, "try"), {"ticket": ticket.number}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "met": True,
        "unmet": [],
        "failed": False,
        "actions": [{"action": "Set priority: High", "ok": True, "detail": "set priority High"}],
    }
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"
    assert Activity.objects.count() == history
    assert not RuleRun.objects.exists()


def test_trying_a_rule_on_a_ticket_that_is_not_there_is_a_404(board, api_as, make_rule):
    rule = make_rule()

    response = api_as("member").post(_url(board, rule.pk, "try"), {"ticket": 999}, format="json")

    assert response.status_code == 404


def test_the_history_lists_each_run_newest_first(board, ticket, api_as, make_rule):
    rule = make_rule()
    rules_run(trigger="created", ticket_id=ticket.pk, key="activity:1")
    rules_run(trigger="created", ticket_id=ticket.pk, key="activity:2")

    board_wide = api_as("admin").get(_url(board, "history")).json()
    of_rule = api_as("admin").get(_url(board, rule.pk, "history")).json()

    assert board_wide["count"] == of_rule["count"] == 2
    latest = of_rule["results"][0]
    assert latest["event_key"] == "activity:2"
    assert latest["ticket_reference"] == ticket.reference
    assert latest["rule_name"] == "VIP first"
    assert latest["outcome"] == "ok"


def test_listing_rules_and_history_takes_as_many_queries_for_many_as_for_few(
    board, ticket, api_as, make_rule, django_assert_max_num_queries
):
    client = api_as("admin")
    for index in range(12):
        make_rule(name=f"Rule {index}")
    rules_run(trigger="created", ticket_id=ticket.pk, key="activity:1")

    with django_assert_max_num_queries(12):
        assert client.get(_url(board)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(_url(board, "history")).status_code == 200
