from datetime import date

import pytest

from csboard.core.exceptions import Conflict, InvalidInput
from customfields.models import Field, FieldType, Option, Value
from customfields.selectors import board_fields, ticket_values
from customfields.services import (
    field_create,
    field_delete,
    field_update,
    ticket_create_with_fields,
    ticket_update_with_fields,
    values_set,
)
from tests.customfields.conftest import option_id
from tests.factories import TicketFactory
from tickets.models import Activity, Ticket


def values_of(ticket):
    return ticket_values([ticket.pk]).get(ticket.pk, {})


# --- Fields ------------------------------------------------------------------------------------
def test_field_names_are_unique_per_board_whatever_their_case(make_field):
    make_field("Plan")

    with pytest.raises(InvalidInput) as refused:
        make_field("PLAN ")

    assert refused.value.fields["name"] == ["This board already has a field called “PLAN”."]


def test_the_same_name_may_serve_on_two_boards(make_field, admin_user):
    from boards.services import board_create

    make_field("Plan")
    other = board_create(name="Other", key="OT", created_by=admin_user)

    assert field_create(board=other, name="plan", type=FieldType.TEXT).name == "plan"


def test_a_select_needs_options(make_field):
    with pytest.raises(InvalidInput) as refused:
        make_field("Plan", FieldType.SELECT, options=[" "])

    assert "options" in refused.value.fields


def test_fields_are_placed_in_the_order_they_were_added(make_field):
    make_field("A")
    make_field("B")
    last = make_field("C")

    field_update(field=last, position=0)

    assert [f.name for f in board_fields(last.board_id)] == ["C", "A", "B"]


def test_an_unknown_type_is_refused(make_field):
    with pytest.raises(InvalidInput):
        make_field("Odd", "colour")


def test_a_default_is_checked_by_the_fields_type(make_field):
    with pytest.raises(InvalidInput) as refused:
        make_field("Seats", FieldType.NUMBER, default="many")

    assert refused.value.fields["default"] == ["Enter a number, such as 12 or 4.5."]
    assert not Field.objects.filter(name="Seats").exists()


def test_a_select_default_is_stored_as_its_options_id(make_field):
    field = make_field("Plan", FieldType.SELECT, options=["Free", "Pro"], default="pro")

    assert field.default == option_id(field, "Pro")


# --- Values of every type ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type", "sent", "stored"),
    [
        (FieldType.TEXT, "  Renewal in May ", "Renewal in May"),
        (FieldType.NUMBER, 12, 12),
        (FieldType.NUMBER, "4.5", 4.5),
        (FieldType.DATE, "2025-01-31", "2025-01-31"),
        (FieldType.CHECKBOX, True, True),
        (FieldType.CHECKBOX, "false", False),
        (FieldType.URL, "https://example.com/a", "https://example.com/a"),
        (FieldType.USER, "mia", "mia"),
    ],
)
def test_a_value_of_each_type_is_stored_and_read_back(make_field, ticket, type, sent, stored):
    field = make_field("F", type)

    values_set(ticket=ticket, values={field.pk: sent})

    assert values_of(ticket) == {field.pk: stored}


@pytest.mark.parametrize(
    ("type", "sent", "message"),
    [
        (FieldType.TEXT, 12, "Enter text."),
        (FieldType.TEXT, "x" * 2001, "Use at most 2000 characters (it has 2001)."),
        (FieldType.NUMBER, "twelve", "Enter a number, such as 12 or 4.5."),
        (FieldType.NUMBER, True, "Enter a number."),
        (FieldType.NUMBER, "NaN", "Enter a number, such as 12 or 4.5."),
        (FieldType.NUMBER, 1e15, "Use a number below 100,000,000,000,000."),
        (FieldType.NUMBER, "0.1234567", "Use at most 6 decimal places."),
        (FieldType.DATE, "31/01/2025", "Enter a date as YYYY-MM-DD, such as 2025-01-31."),
        (FieldType.CHECKBOX, "maybe", "Use true or false."),
        (
            FieldType.URL,
            "javascript:alert(1)",
            "Enter a web address starting with http:// or https://.",
        ),
        (FieldType.USER, "gus", "“gus” is not a member or admin of this board."),
        (FieldType.USER, "olga", "“olga” is not a member or admin of this board."),
    ],
)
def test_a_value_its_type_cannot_hold_is_refused(make_field, ticket, type, sent, message):
    field = make_field("F", type)

    with pytest.raises(InvalidInput) as refused:
        values_set(ticket=ticket, values={field.pk: sent})

    assert refused.value.fields == {f"custom_fields.{field.pk}": [message]}
    assert not Value.objects.exists()


def test_a_single_select_takes_an_option_by_id_or_label(plan, ticket):
    values_set(ticket=ticket, values={plan.pk: "PRO"})
    assert values_of(ticket) == {plan.pk: option_id(plan, "Pro")}

    values_set(ticket=ticket, values={plan.pk: option_id(plan, "Free")})
    assert values_of(ticket) == {plan.pk: option_id(plan, "Free")}


def test_a_single_select_refuses_an_option_of_another_field(plan, make_field, ticket):
    other = make_field("Tier", FieldType.SELECT, options=["Gold"])

    with pytest.raises(InvalidInput):
        values_set(ticket=ticket, values={plan.pk: option_id(other, "Gold")})


def test_a_multi_select_takes_several_options_once_each(make_field, ticket):
    field = make_field("Products", FieldType.MULTI_SELECT, options=["API", "App", "Web"])

    values_set(ticket=ticket, values={field.pk: ["Web", "api", option_id(field, "Web")]})

    assert values_of(ticket) == {
        field.pk: sorted([option_id(field, "API"), option_id(field, "Web")])
    }


def test_an_empty_value_clears_it(make_field, ticket):
    field = make_field("Note")
    values_set(ticket=ticket, values={field.pk: "hello"})

    values_set(ticket=ticket, values={field.pk: ""})

    assert values_of(ticket) == {}
    assert not Value.objects.exists()


def test_values_are_all_or_nothing(make_field, ticket):
    note, seats = make_field("Note"), make_field("Seats", FieldType.NUMBER)

    with pytest.raises(InvalidInput) as refused:
        values_set(ticket=ticket, values={note.pk: "fine", seats.pk: "lots", 999999: 1})

    assert set(refused.value.fields) == {f"custom_fields.{seats.pk}", "custom_fields.999999"}
    assert values_of(ticket) == {}


def test_another_boards_field_is_not_a_field_of_this_ticket(ticket, admin_user):
    from boards.services import board_create

    other = board_create(name="Other", key="OT", created_by=admin_user)
    field = field_create(board=other, name="Plan", type=FieldType.TEXT)

    with pytest.raises(InvalidInput):
        values_set(ticket=ticket, values={field.pk: "x"})


def test_a_change_is_recorded_in_the_tickets_history(make_field, ticket, member_user):
    field = make_field("Note")

    values_set(ticket=ticket, values={field.pk: "hello"}, by=member_user)
    values_set(ticket=ticket, values={field.pk: "hello"}, by=member_user)  # unchanged: no entry

    edits = Activity.objects.filter(ticket=ticket, kind=Activity.Kind.EDITED)
    assert [(a.actor, a.data) for a in edits] == [(member_user, {"fields": ["Note"]})]
    assert edits[0].summary == "edited Note"


# --- Required fields and defaults -----------------------------------------------------------------
def test_a_new_ticket_gets_each_fields_default(make_field, board, member_user):
    seats = make_field("Seats", FieldType.NUMBER, default=5)
    plan = make_field("Plan", FieldType.SELECT, options=["Free", "Pro"], default="Free")

    ticket = ticket_create_with_fields(board=board, created_by=member_user, title="Hi")

    assert values_of(ticket) == {seats.pk: 5, plan.pk: option_id(plan, "Free")}


def test_a_value_given_wins_over_the_default(make_field, board, member_user):
    seats = make_field("Seats", FieldType.NUMBER, default=5)

    ticket = ticket_create_with_fields(
        board=board, created_by=member_user, title="Hi", custom_fields={str(seats.pk): 9}
    )

    assert values_of(ticket) == {seats.pk: 9}


def test_a_required_field_without_value_or_default_refuses_the_ticket(
    make_field, board, member_user
):
    plan = make_field("Plan", FieldType.SELECT, options=["Free"], required=True)
    before = board.next_number

    with pytest.raises(InvalidInput) as refused:
        ticket_create_with_fields(board=board, created_by=member_user, title="Hi")

    assert refused.value.message == "Fill in the required fields: “Plan”."
    assert refused.value.fields == {f"custom_fields.{plan.pk}": ["“Plan” is required."]}
    assert not Ticket.objects.filter(title="Hi").exists()
    board.refresh_from_db()
    assert board.next_number == before  # no number spent


def test_a_required_field_with_a_default_takes_it(make_field, board, member_user):
    plan = make_field("Plan", FieldType.SELECT, options=["Free"], required=True, default="Free")

    ticket = ticket_create_with_fields(board=board, created_by=member_user, title="Hi")

    assert values_of(ticket) == {plan.pk: option_id(plan, "Free")}


def test_a_required_value_is_never_cleared(make_field, ticket):
    field = make_field("Note", required=True)
    values_set(ticket=ticket, values={field.pk: "x"})

    with pytest.raises(InvalidInput) as refused:
        values_set(ticket=ticket, values={field.pk: ""})

    assert refused.value.fields == {f"custom_fields.{field.pk}": ["“Note” is required."]}
    assert values_of(ticket) == {field.pk: "x"}


def test_a_ticket_edit_and_its_values_fail_together(make_field, ticket, member_user):
    seats = make_field("Seats", FieldType.NUMBER)

    with pytest.raises(InvalidInput):
        ticket_update_with_fields(
            ticket=ticket, by=member_user, title="New title", custom_fields={seats.pk: "x"}
        )

    ticket.refresh_from_db()
    assert ticket.title == "Team discount?"


# --- Options: renamed, removed ---------------------------------------------------------------------
def test_renaming_an_option_renames_it_on_every_ticket(plan, ticket):
    pro = option_id(plan, "Pro")
    values_set(ticket=ticket, values={plan.pk: pro})

    field_update(
        field=plan,
        options=[
            {"id": o.pk, "label": "Professional" if o.pk == pro else o.label}
            for o in plan.option_list
        ],
    )

    assert values_of(ticket) == {plan.pk: pro}
    assert Option.objects.get(pk=pro).label == "Professional"


def test_a_removed_option_stays_readable_on_the_tickets_that_chose_it(
    plan, ticket, board, member_user
):
    pro = option_id(plan, "Pro")
    values_set(ticket=ticket, values={plan.pk: pro})

    plan = field_update(
        field=plan,
        options=[{"id": o.pk, "label": o.label} for o in plan.option_list if o.pk != pro],
    )

    assert values_of(ticket) == {plan.pk: pro}
    assert [o.label for o in plan.live_options] == ["Free", "Enterprise"]
    assert plan.options_by_id[pro].removed_at is not None
    # Kept when the ticket is saved again, not offered to another ticket.
    values_set(ticket=ticket, values={plan.pk: pro})
    other = TicketFactory(board=board, created_by=member_user)
    with pytest.raises(InvalidInput) as refused:
        values_set(ticket=other, values={plan.pk: pro})
    assert refused.value.message == "“Pro” was removed from this field's options."


def test_a_new_option_is_added_where_it_is_listed(plan):
    plan = field_update(
        field=plan,
        options=[{"label": "Trial"}, *({"id": o.pk, "label": o.label} for o in plan.option_list)],
    )

    assert [o.label for o in plan.live_options] == ["Trial", "Free", "Pro", "Enterprise"]


# --- Type changes ----------------------------------------------------------------------------------
def test_any_field_becomes_text_with_its_values_in_words(plan, make_field, ticket):
    done = make_field("Signed", FieldType.CHECKBOX)
    values_set(ticket=ticket, values={plan.pk: "Pro", done.pk: True})

    field_update(field=plan, type=FieldType.TEXT)
    field_update(field=done, type=FieldType.TEXT)

    assert values_of(ticket) == {plan.pk: "Pro", done.pk: "Yes"}


def test_text_becomes_a_number_when_every_value_reads_as_one(
    make_field, ticket, board, member_user
):
    seats = make_field("Seats")
    values_set(ticket=ticket, values={seats.pk: "12"})

    field_update(field=seats, type=FieldType.NUMBER)

    assert values_of(ticket) == {seats.pk: 12}


def test_text_that_does_not_read_as_the_new_type_refuses_the_change(
    make_field, ticket, board, member_user
):
    seats = make_field("Seats")
    values_set(ticket=ticket, values={seats.pk: "12"})
    other = TicketFactory(board=board, created_by=member_user)
    values_set(ticket=other, values={seats.pk: "a dozen"})

    with pytest.raises(Conflict) as refused:
        field_update(field=seats, type=FieldType.NUMBER, name="Licences")

    assert refused.value.message == (
        "1 value of “Seats” cannot be read as a number: nothing was changed. Correct or clear them first."
    )
    seats.refresh_from_db()
    assert (seats.name, seats.type) == ("Seats", FieldType.TEXT)
    assert values_of(other) == {seats.pk: "a dozen"}


def test_text_becomes_a_select_by_its_labels(make_field, ticket):
    tier = make_field("Tier")
    values_set(ticket=ticket, values={tier.pk: "gold"})
    field_update(field=tier, type=FieldType.TEXT)  # no-op

    with pytest.raises(InvalidInput):  # a select needs options
        field_update(field=tier, type=FieldType.SELECT)
    tier = field_update(field=tier, type=FieldType.SELECT, options=[{"label": "Gold"}])

    assert values_of(ticket) == {tier.pk: tier.option_list[0].pk}


def test_a_single_select_becomes_a_multi_select_and_back(plan, ticket):
    values_set(ticket=ticket, values={plan.pk: "Pro"})

    field_update(field=plan, type=FieldType.MULTI_SELECT)
    assert values_of(ticket) == {plan.pk: [option_id(plan, "Pro")]}

    field_update(field=plan, type=FieldType.SELECT)
    assert values_of(ticket) == {plan.pk: option_id(plan, "Pro")}


def test_a_multi_select_with_several_options_chosen_cannot_become_single(make_field, ticket):
    field = make_field("Products", FieldType.MULTI_SELECT, options=["API", "App"])
    values_set(ticket=ticket, values={field.pk: ["API", "App"]})

    with pytest.raises(Conflict) as refused:
        field_update(field=field, type=FieldType.SELECT)

    assert refused.value.message.startswith("1 ticket chose several options of “Products”")
    assert values_of(ticket)[field.pk] == sorted(o.pk for o in field.option_list)


def test_a_change_no_value_could_survive_is_refused(make_field, ticket):
    due = make_field("Renewal", FieldType.DATE)
    values_set(ticket=ticket, values={due.pk: "2025-05-01"})

    with pytest.raises(Conflict) as refused:
        field_update(field=due, type=FieldType.NUMBER)

    assert "has values on 1 ticket that a number field cannot hold" in refused.value.message
    assert values_of(ticket) == {due.pk: "2025-05-01"}


def test_a_field_without_values_changes_to_any_type(make_field):
    due = make_field("Renewal", FieldType.DATE, default="2025-05-01")

    changed = field_update(field=due, type=FieldType.CHECKBOX)

    assert (changed.type, changed.default) == (FieldType.CHECKBOX, None)


def test_deleting_a_field_deletes_its_values(make_field, ticket):
    field = make_field("Note")
    values_set(ticket=ticket, values={field.pk: "x"})

    field_delete(field=field)

    assert not Value.objects.exists()
    assert date.today()  # the ticket stays
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_customers_request_gets_the_defaults_and_is_never_refused_for_a_required_field(
    board, make_field, plan
):
    from mail.models import SupportAddress
    from mail.services import mail_receive
    from tests.mail.test_receive import mail

    SupportAddress.objects.create(board=board, address="support@example.com")
    tier = make_field("Tier", FieldType.SELECT, options=["Standard", "Gold"], default="Standard")
    make_field("Account id", FieldType.TEXT, required=True)  # nobody outside can fill it

    ticket = mail_receive(mail(subject="Invoice missing")).ticket

    assert ticket is not None
    assert ticket_values([ticket.pk])[ticket.pk] == {tier.pk: option_id(tier, "Standard")}


def test_the_board_says_whether_it_has_fields_and_one_without_reads_no_values(
    board, make_field, api_as, django_assert_max_num_queries
):
    from boards.models import Board
    from tests.tickets.test_apis import tickets_url

    TicketFactory(board=board)
    client = api_as("member")
    client.get(tickets_url(board))
    with django_assert_max_num_queries(50) as without:
        client.get(tickets_url(board))
    assert not any("customfields_" in q["sql"] for q in without.captured_queries)

    first, second = make_field("Plan"), make_field("Seats", FieldType.NUMBER)
    assert Board.objects.get(pk=board.pk).has_custom_fields
    with django_assert_max_num_queries(50) as with_fields:
        client.get(tickets_url(board))
    assert any("customfields_value" in q["sql"] for q in with_fields.captured_queries)

    field_delete(field=first)
    assert Board.objects.get(pk=board.pk).has_custom_fields
    field_delete(field=second)
    assert not Board.objects.get(pk=board.pk).has_custom_fields
