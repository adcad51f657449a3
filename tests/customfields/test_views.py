import csv
import io

import pytest

from customfields.models import Field, FieldType
from customfields.services import values_set
from tests.customfields.conftest import option_id
from tests.factories import TicketFactory

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def settings_url(board, rest=""):
    return f"/boards/{board.pk}/settings/fields/{rest}"


def value_url(ticket, field):
    return f"/boards/{ticket.board_id}/tickets/{ticket.number}/fields/{field.pk}/"


def expected(admin, member, guest, outsider, anonymous=302):
    return dict(zip(ROLES, [admin, member, guest, outsider, anonymous], strict=True))


# --- Who may do what: admins configure, members set values, guests read ---------------------------
PAGES = [
    ("get", "", None, expected(200, 403, 403, 404)),
    ("post", "add/", {"name": "Seats", "type": "number"}, expected(302, 403, 403, 404)),
    ("post", "{field}/", {"name": "Tier", "type": "select"}, expected(302, 403, 403, 404)),
    ("post", "{field}/delete/", {}, expected(302, 403, 403, 404)),
]


@pytest.mark.parametrize(("method", "path", "body", "statuses"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_settings_pages_are_the_admins(
    board, plan, client_as, method, path, body, statuses, role
):
    url = settings_url(board, path.format(field=plan.pk))

    response = getattr(client_as(role), method)(url, body)

    assert response.status_code == statuses[role]


@pytest.mark.parametrize(("role", "status"), zip(ROLES, [200, 200, 403, 404, 302], strict=True))
def test_members_and_admins_set_a_value_inline(board, ticket, plan, client_as, role, status):
    response = client_as(role).post(
        value_url(ticket, plan), {"value": option_id(plan, "Pro")}, **HTMX
    )

    assert response.status_code == status
    stored = ticket.custom_values.filter(field=plan).exists()
    assert stored == (status == 200)


@pytest.mark.parametrize(("role", "shown"), [("member", True), ("guest", False)])
def test_guests_read_the_values_members_edit_them(board, ticket, plan, client_as, role, shown):
    values_set(ticket=ticket, values={plan.pk: "Pro"})

    html = client_as(role).get(ticket.get_absolute_url()).content.decode()

    assert "Pro" in html
    assert (
        f'action="/boards/{board.pk}/tickets/{ticket.number}/fields/{plan.pk}/"' in html
    ) is shown


# --- The settings page -------------------------------------------------------------------------
def test_an_admin_adds_a_select_with_its_options(board, client_as):
    response = client_as("admin").post(
        settings_url(board, "add/"),
        {
            "name": "Plan",
            "type": "select",
            "new_options": "Free\nPro\n",
            "default": "Pro",
            "show_on_card": "on",
        },
    )

    assert response.status_code == 302
    field = Field.objects.get(board=board, name="Plan")
    assert [o.label for o in field.options.all()] == ["Free", "Pro"]
    assert field.show_on_card
    assert field.default == field.options.get(label="Pro").pk


def test_a_refused_field_is_shown_again_with_its_error(board, plan, client_as):
    response = client_as("admin").post(
        settings_url(board, "add/"), {"name": "PLAN", "type": "text"}
    )

    assert response.status_code == 400
    assert "This board already has a field called “PLAN”." in response.content.decode()


def test_an_admin_renames_and_removes_options_in_place(board, plan, ticket, client_as):
    values_set(ticket=ticket, values={plan.pk: "Pro"})
    free, pro, enterprise = (option_id(plan, label) for label in ("Free", "Pro", "Enterprise"))

    client_as("admin").post(
        settings_url(board, f"{plan.pk}/"),
        {
            "name": "Plan",
            "type": "select",
            f"option-{free}": "Starter",
            f"option-{pro}": "",
            f"option-{enterprise}": "Enterprise",
            "new_options": "Trial",
        },
    )

    html = client_as("member").get(ticket.get_absolute_url()).content.decode()
    assert "Pro (removed)" in html  # still the ticket's, still readable
    assert "Starter" in html
    assert "Trial" in html


def test_a_type_change_that_would_lose_values_is_refused_with_a_message(
    board, make_field, ticket, client_as
):
    renewal = make_field("Renewal", FieldType.DATE)
    values_set(ticket=ticket, values={renewal.pk: "2025-05-01"})
    client = client_as("admin")

    response = client.post(
        settings_url(board, f"{renewal.pk}/"), {"name": "Renewal", "type": "number"}, follow=True
    )

    assert "a number field cannot hold" in response.content.decode()
    renewal.refresh_from_db()
    assert renewal.type == FieldType.DATE


# --- A value edited inline ---------------------------------------------------------------------
def test_an_inline_edit_answers_with_the_section_and_a_refusal_beside_its_field(
    board, ticket, make_field, client_as
):
    seats = make_field("Seats", FieldType.NUMBER)
    client = client_as("member")

    saved = client.post(value_url(ticket, seats), {"value": "12"}, **HTMX)
    refused = client.post(value_url(ticket, seats), {"value": "1e99"}, **HTMX)

    assert saved.status_code == 200
    assert 'id="section-fields" data-section' in saved.content.decode()
    assert "Seats saved." in saved.content.decode()
    assert refused.status_code == 400
    html = refused.content.decode()
    assert f'<span class="field__error" id="cf-{seats.pk}-error" role="alert">' in html
    assert 'value="12"' in html  # what is stored


def test_a_checkbox_is_unticked_by_its_hidden_false(board, ticket, make_field, client_as):
    signed = make_field("Signed", FieldType.CHECKBOX)
    client = client_as("member")
    client.post(value_url(ticket, signed), {"value": ["false", "true"]}, **HTMX)

    client.post(value_url(ticket, signed), {"value": ["false"]}, **HTMX)

    assert ticket.custom_values.get(field=signed).flag is False


def test_values_are_escaped_on_the_ticket_and_on_the_card(board, ticket, make_field, client_as):
    note = make_field("Note", show_on_card=True)
    values_set(ticket=ticket, values={note.pk: "<script>alert(1)</script>"})
    client = client_as("member")

    for url in (ticket.get_absolute_url(), f"/boards/{board.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- The board: cards and filters --------------------------------------------------------------
def test_cards_show_the_fields_chosen_for_them(board, ticket, plan, make_field, client_as):
    seats = make_field("Seats", FieldType.NUMBER, show_on_card=True)
    values_set(ticket=ticket, values={plan.pk: "Pro", seats.pk: 12})

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert (
        '<ul class="card__fields" aria-label="Fields"><li><span class="card__field-name">Seats</span> 12</li></ul>'
        in html
    )
    assert "Plan</span>" not in html  # not shown on cards


def test_the_board_filters_by_a_custom_field_with_the_other_filters(
    board, plan, member_user, client_as
):
    for title, value, priority in (
        ("A", "Pro", "high"),
        ("B", "Pro", "low"),
        ("C", "Free", "high"),
    ):
        values_set(
            ticket=TicketFactory(
                board=board, created_by=member_user, title=title, priority=priority
            ),
            values={plan.pk: value},
        )

    response = client_as("member").get(
        f"/boards/{board.pk}/", {f"cf_{plan.pk}": "Pro", "priority": "high"}
    )

    titles = [t.title for lane in response.context["lanes"] for t in lane.tickets]
    assert titles == ["A"]
    assert response.context["filtering"] is True
    html = response.content.decode()
    assert '<legend class="visually-hidden">Plan</legend>' in html
    pro = option_id(plan, "Pro")
    assert f'<input type="radio" name="cf_{plan.pk}" value="{pro}" checked><span>Pro</span>' in html


@pytest.mark.parametrize("count", [10, 100])
def test_the_board_page_with_ten_fields_on_cards_runs_the_same_queries_for_10_or_100_tickets(
    count, board, member_user, make_field, client_as, django_assert_max_num_queries
):
    from tests.boards.test_views import BOARD_PAGE_QUERIES

    kinds = [
        FieldType.TEXT,
        FieldType.NUMBER,
        FieldType.DATE,
        FieldType.CHECKBOX,
        FieldType.USER,
        FieldType.URL,
        FieldType.SELECT,
        FieldType.MULTI_SELECT,
        FieldType.SELECT,
        FieldType.TEXT,
    ]
    fields = [
        make_field(
            f"F{i}", kind, show_on_card=True, options=["One", "Two"] if "select" in kind else ()
        )
        for i, kind in enumerate(kinds)
    ]
    sample = {
        FieldType.TEXT: "hi",
        FieldType.NUMBER: 3,
        FieldType.DATE: "2025-05-01",
        FieldType.CHECKBOX: True,
        FieldType.USER: "mia",
        FieldType.URL: "https://example.com",
        FieldType.SELECT: "One",
        FieldType.MULTI_SELECT: ["One", "Two"],
    }
    for index in range(count):
        ticket = TicketFactory(board=board, created_by=member_user, title=f"T{index}")
        values_set(ticket=ticket, values={field.pk: sample[field.type] for field in fields})
    client = client_as("member")

    # The board page's own, plus the fields' options and the cards' values: two.
    with django_assert_max_num_queries(BOARD_PAGE_QUERIES + 2):
        response = client.get(f"/boards/{board.pk}/")

    drawn = min(count, 50)  # all in the first column, which draws its first 50
    assert response.content.decode().count('class="card__fields"') == drawn
    assert response.content.decode().count('class="card__field-name"') == 10 * drawn


# --- The CSV ----------------------------------------------------------------------------------
def test_the_csv_has_a_column_per_field_and_follows_its_filters(
    board, plan, make_field, member_user, client_as
):
    seats = make_field("Seats", FieldType.NUMBER)
    products = make_field("Products", FieldType.MULTI_SELECT, options=["API", "App"])
    pro = TicketFactory(board=board, created_by=member_user, title="Pro one")
    values_set(ticket=pro, values={plan.pk: "Pro", seats.pk: 12, products.pk: ["API", "App"]})
    free = TicketFactory(board=board, created_by=member_user, title="=Free one")
    values_set(ticket=free, values={plan.pk: "Free"})
    client = client_as("guest")

    every = _rows(client.get(f"/boards/{board.pk}/export/tickets.csv"))
    only_pro = _rows(client.get(f"/boards/{board.pk}/export/tickets.csv", {f"cf_{plan.pk}": "pro"}))

    assert every[0][-3:] == ["Plan", "Seats", "Products"]
    assert [row[-3:] for row in every[1:]] == [["Pro", "12", "API, App"], ["Free", "", ""]]
    assert every[2][1] == "'=Free one"  # a formula stays text
    assert [row[1] for row in only_pro[1:]] == ["Pro one"]


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- The quick add ------------------------------------------------------------------------------
def test_the_quick_add_gives_the_defaults_and_refuses_a_required_field_without_one(
    board, columns, make_field, client_as
):
    make_field("Seats", FieldType.NUMBER, default=1)
    client = client_as("member")
    added = client.post(
        f"/boards/{board.pk}/tickets/new/", {"title": "Hi", "column": columns[0].pk}, **HTMX
    )
    assert added.status_code == 302
    assert board.tickets.get(title="Hi").custom_values.get().number == 1

    make_field("Plan", FieldType.SELECT, options=["Free"], required=True)
    refused = client.post(
        f"/boards/{board.pk}/tickets/new/", {"title": "Again", "column": columns[0].pk}, **HTMX
    )

    assert refused.status_code == 400
    assert "Fill in the required fields: “Plan”." in refused.content.decode()
    assert not board.tickets.filter(title="Again").exists()
