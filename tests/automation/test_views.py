"""The rules pages: everyone on the board reads the rules, members try them, admins set them up
with the structured form (rows added by htmx) and read the history."""

import pytest
from django.urls import reverse

from automation.models import Rule
from automation.services import rules_run

pytestmark = pytest.mark.django_db

PAGES = {  # page: its status for admin, member, guest, outsider
    "rules": (200, 200, 200, 404),
    "new": (200, 403, 403, 404),
    "edit": (200, 403, 403, 404),
    "history": (200, 403, 403, 404),
    "row": (200, 403, 403, 404),
}


def _url(name, board, rule=None, query=""):
    args = [board.pk] if name in ("rules", "new", "history", "row") else [board.pk, rule.pk]
    return reverse(f"automation:{name}", args=args) + query


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("index", range(4), ids=["admin", "member", "guest", "outsider"])
def test_each_role_gets_each_page_as_the_policy_says(board, make_rule, client_as, page, index):
    role = ["admin", "member", "guest", "outsider"][index]
    query = "?part=action&new_action=move" if page == "row" else ""

    response = client_as(role).get(_url(page, board, make_rule(), query))

    assert response.status_code == PAGES[page][index]


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("member", 200), ("guest", 403), ("outsider", 404)]
)
def test_trying_a_rule_on_the_page_is_for_members_and_admins(
    board, ticket, make_rule, client_as, role, status
):
    rule = make_rule()

    response = client_as(role).post(_url("try", board, rule), {"ticket": ticket.reference})

    assert response.status_code == status
    if status == 200:
        assert "nothing was changed" in response.content.decode()


@pytest.mark.parametrize("action", ["move", "delete"])
@pytest.mark.parametrize(("role", "status"), [("member", 403), ("guest", 403), ("outsider", 404)])
def test_only_admins_order_and_delete_rules(board, make_rule, client_as, action, role, status):
    rule = make_rule()

    response = client_as(role).post(_url(action, board, rule), {"direction": "up"})

    assert response.status_code == status
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_the_rules_page_says_each_rule_in_words_escaped(board, make_rule, client_as, vip):
    make_rule(
        name="<script>x</script>",
        conditions=[{"field": "subject", "op": "contains", "value": "<img src=x>"}],
        actions=[{"type": "add_note", "body": "<b>hi</b>"}],
    )

    html = client_as("guest").get(_url("rules", board)).content.decode()

    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<img src=x>" not in html
    assert "Subject contains any of “&lt;img src=x&gt;”" in html


def _post(token_rows: dict, **fields) -> dict:
    data = {"name": "VIP first", "trigger": "created", "enabled": "on", **fields}
    for part, rows in token_rows.items():
        data[part] = list(rows)
        for token, values in rows.items():
            for key, value in values.items():
                data[f"{part}-{token}-{key}"] = value
    return data


def test_an_admin_saves_a_rule_with_the_form(board, vip, member_user, client_as):
    data = _post(
        {
            "condition": {"a1": {"kind": "subject", "op": "contains", "value": "vip, urgent"}},
            "action": {
                "b1": {"kind": "add_tags", "tags": [str(vip.pk)]},
                "b2": {"kind": "assign", "mode": "person", "users": [str(member_user.pk)]},
                "b3": {"kind": "add_checklist", "items": "Call back\n\nSend invoice"},
            },
        }
    )

    response = client_as("admin").post(_url("new", board), data)

    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "subject", "op": "contains", "value": "vip, urgent"}]
    assert rule.actions == [
        {"type": "add_tags", "tags": [vip.pk]},
        {"type": "assign", "mode": "person", "users": [member_user.pk]},
        {"type": "add_checklist", "items": ["Call back", "Send invoice"]},
    ]


def test_a_wrong_row_is_shown_with_its_error_beside_it_and_nothing_is_saved(board, client_as):
    data = _post({"action": {"b1": {"kind": "set_due", "hours": "0"}}})

    response = client_as("admin").post(_url("new", board), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="action-b1-hours-error"' in html
    assert "A whole number of hours" in html
    assert 'aria-invalid="true"' in html
    assert not Rule.objects.exists()


def test_adding_a_row_returns_the_row_alone_and_without_javascript_the_form_again(board, client_as):
    client = client_as("admin")

    row = client.get(_url("row", board, query="?part=condition&new_condition=priority"))
    again = client.post(
        _url("new", board), {**_post({}), "add": "action", "new_action": "set_status"}
    )

    assert row.status_code == 200
    assert 'name="condition"' in row.content.decode()
    assert again.status_code == 200
    assert 'name="action"' in again.content.decode()
    assert not Rule.objects.exists()


def test_an_edit_shows_the_rule_as_saved_and_saves_changes(board, make_rule, client_as):
    rule = make_rule()
    client = client_as("admin")

    form = client.get(_url("edit", board, rule)).content.decode()
    response = client.post(
        _url("edit", board, rule),
        _post({"action": {"x": {"kind": "set_priority", "value": "urgent"}}}, name="Renamed"),
    )

    assert '<option value="high" selected>' in form
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.actions) == ("Renamed", [{"type": "set_priority", "value": "urgent"}])


def test_the_history_page_lists_runs_in_flat_queries(
    board, ticket, make_rule, client_as, django_assert_max_num_queries
):
    rule = make_rule()
    for index in range(15):
        rules_run(trigger="created", ticket_id=ticket.pk, key=f"activity:{index}")
    client = client_as("admin")

    with django_assert_max_num_queries(16):
        response = client.get(_url("history", board))

    assert response.status_code == 200
    assert response.content.decode().count(f"{ticket.reference}</a>") == 15
    assert rule.runs.count() == 15


def test_the_rules_page_takes_as_many_queries_for_many_rules(
    board, make_rule, client_as, django_assert_max_num_queries
):
    for index in range(15):
        make_rule(name=f"Rule {index}")
    client = client_as("member")

    with django_assert_max_num_queries(16):
        assert client.get(_url("rules", board)).status_code == 200


def test_the_form_saves_custom_field_conditions_and_a_macro_reply(
    board, admin_user, member_user, client_as
):
    from customfields.models import FieldType
    from customfields.services import field_create
    from macros.services import macro_create

    seats = field_create(board=board, name="Seats", type=FieldType.NUMBER, by=admin_user)
    renewal = field_create(board=board, name="Renewal", type=FieldType.DATE, by=admin_user)
    plan = field_create(
        board=board, name="Plan", type=FieldType.SELECT, options=["Free", "Pro"], by=admin_user
    )
    pro = plan.options.get(label="Pro")
    answer = macro_create(board=board, by=admin_user, shared=True, name="Reset", body="Hi")
    client = client_as("admin")

    form = client.get(_url("new", board)).content.decode()
    row = client.get(_url("row", board, query=f"?part=condition&new_condition=cf_{plan.pk}"))
    assert '<optgroup label="Custom fields">' in form
    assert f'value="cf_{seats.pk}"' in form
    assert f'<option value="{pro.pk}">Pro</option>' in row.content.decode()

    data = _post(
        {
            "condition": {
                "a1": {"kind": f"cf_{seats.pk}", "op": "more_than", "value": "99.5"},
                "a2": {"kind": f"cf_{renewal.pk}", "op": "before", "value": "7 Oct 2026"},
                "a3": {"kind": f"cf_{plan.pk}", "op": "is", "value": str(pro.pk)},
            },
            "action": {
                "b1": {"kind": "macro", "macro": str(answer.pk), "sender": str(member_user.pk)}
            },
        }
    )
    response = client.post(_url("new", board), data)

    assert response.status_code == 302, response.content.decode()
    rule = Rule.objects.get()
    assert rule.conditions == [
        {"field": f"cf_{seats.pk}", "op": "more_than", "value": 99.5},
        {"field": f"cf_{renewal.pk}", "op": "before", "value": "2026-10-07"},
        {"field": f"cf_{plan.pk}", "op": "is", "value": pro.pk},
    ]
    assert rule.actions == [{"type": "macro", "macro": answer.pk, "sender": member_user.pk}]
    edit = client.get(_url("edit", board, rule)).content.decode()
    assert 'value="7 Oct 2026"' in edit
    assert 'value="99.5"' in edit
    page = client.get(_url("rules", board)).content.decode()
    assert "Seats is more than 99.5" in page
    assert "Use the macro ‘Reset’ as" in page

    data["condition-a1-value"] = "lots"
    refused = client.post(_url("edit", board, rule), data)
    assert refused.status_code == 400
    assert "A number, such as 12 or 4.5." in refused.content.decode()
