"""Ticket templates, and opening a ticket from one: what the template gives, what the caller
keeps, the placeholders, the checklist, and refusals that write nothing."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from boards.models import Membership, Role
from boards.services import column_update, membership_set_role
from csboard.core.exceptions import InvalidInput, WipLimitReached
from ticket_templates.models import TicketTemplate
from ticket_templates.placeholders import fill_in, pattern_problem
from ticket_templates.services import template_create, template_update, ticket_create_from
from tickets.models import Activity, Ticket
from workspace.models import ChecklistItem

pytestmark = pytest.mark.django_db


def today(board) -> str:
    import zoneinfo

    return date_format(
        timezone.localdate(timezone=zoneinfo.ZoneInfo(board.timezone)), "DATE_FORMAT"
    )


def test_a_ticket_from_a_template_takes_its_values_and_fills_in_its_title(
    board, template, columns, tag, admin_user, member_user
):
    ticket = ticket_create_from(
        board=board,
        created_by=admin_user,
        template=template,
        customer_name="Dana Scully",
        customer_email="dana@example.com",
    )

    assert ticket.title == f"Onboarding: Dana Scully ({today(board)})"
    assert ticket.description == "Welcome **{customer}**"  # only the title has placeholders
    assert ticket.priority == "high"
    assert ticket.column == columns[1]
    assert list(ticket.tags.all()) == [tag]
    assert list(ticket.assignees.all()) == [member_user]
    assert ticket.customer.email == "dana@example.com"


def test_a_ticket_from_a_template_gets_its_checklist_in_order_with_its_history(
    board, template, admin_user
):
    ticket = ticket_create_from(board=board, created_by=admin_user, template=template)

    items = list(ChecklistItem.objects.filter(ticket=ticket))
    assert [(item.text, item.position) for item in items] == [
        ("Kick-off call", 0),
        ("Send the guide", 1),
    ]
    added = Activity.objects.filter(ticket=ticket, kind=Activity.Kind.CHECKLIST)
    assert sorted(entry.data["text"] for entry in added) == ["Kick-off call", "Send the guide"]


def test_what_the_caller_gives_wins_over_the_template(board, template, columns, admin_user):
    ticket = ticket_create_from(
        board=board,
        created_by=admin_user,
        template=template,
        title="Renewal for {company}",
        customer_company="Acme",
        priority="low",
        column=columns[0],
        tags=[],
        checklist=["Only this"],
    )

    assert ticket.title == "Renewal for Acme"
    assert (ticket.priority, ticket.column) == ("low", columns[0])
    assert not ticket.tags.exists()
    assert list(ticket.checklist.values_list("text", flat=True)) == ["Only this"]


def test_the_customer_placeholder_falls_back_to_the_email(board):
    title = fill_in("Call {customer}", board=board, fields={"customer_email": "d@example.com"})

    assert title == "Call d@example.com"


def test_a_placeholder_with_nothing_to_fill_in_leaves_no_double_space(board):
    assert fill_in("Setup {company} now", board=board, fields={}) == "Setup now"


def test_braces_that_are_no_placeholder_stay_as_written_when_filling_in(board):
    assert fill_in("{customer.__class__} {0}", board=board, fields={}) == "{customer.__class__} {0}"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("Hello {custmer}", "Unknown placeholder {custmer}"),
        ("Hello {0}", "Unknown placeholder {0}"),
        ("Hello {customer", "A brace without its pair"),
        ("Hello customer}", "A brace without its pair"),
    ],
)
def test_a_bad_pattern_is_named(pattern, problem):
    assert pattern_problem(pattern).startswith(problem)


def test_a_template_with_a_bad_pattern_is_refused_naming_the_field(board):
    with pytest.raises(InvalidInput) as refused:
        template_create(board=board, name="Typo", title_pattern="Hello {custmer}")

    assert "title_pattern" in refused.value.fields
    assert not TicketTemplate.objects.exists()


def test_a_template_name_is_unique_on_its_board_whatever_its_case(board, template):
    with pytest.raises(InvalidInput) as refused:
        template_create(board=board, name="  ONBOARDING ", title_pattern="Again")

    assert "name" in refused.value.fields


def test_a_template_takes_no_tag_of_another_board(board, other_board):
    with pytest.raises(InvalidInput) as refused:
        template_create(
            board=board, name="Sneaky", title_pattern="Hi", tags=[other_board.tags.get()]
        )

    assert "tags" in refused.value.fields
    assert not TicketTemplate.objects.exists()


def test_a_template_takes_no_column_of_another_board(board, other_board):
    with pytest.raises(InvalidInput) as refused:
        template_create(
            board=board, name="Sneaky", title_pattern="Hi", column=other_board.columns.first()
        )

    assert "column" in refused.value.fields


def test_a_template_assigns_only_the_team(board, guest_user):
    with pytest.raises(InvalidInput) as refused:
        template_create(board=board, name="Guests", title_pattern="Hi", assignees=[guest_user])

    assert "assignees" in refused.value.fields


def test_a_template_keeps_its_checklist_trimmed_without_blank_items(board):
    template = template_create(
        board=board, name="Lines", title_pattern="Hi", checklist=["  One ", "", "   ", "Two"]
    )

    assert template.checklist == ["One", "Two"]


def test_an_update_changes_only_what_it_names(template, tag):
    template_update(template=template, name="Kick-off", checklist=["Call"])

    template.refresh_from_db()
    assert (template.name, template.checklist, template.priority) == ("Kick-off", ["Call"], "high")
    assert list(template.tags.all()) == [tag]


def test_someone_who_left_the_team_is_not_assigned_from_the_template(
    board, template, admin_user, member_user
):
    membership = Membership.objects.get(board=board, user=member_user)
    membership_set_role(membership=membership, role=Role.GUEST, by=admin_user)

    ticket = ticket_create_from(board=board, created_by=admin_user, template=template)

    assert not ticket.assignees.exists()


def test_a_full_column_refuses_and_nothing_is_written(board, template, columns, admin_user):
    column_update(column=columns[1], wip_limit=1)
    ticket_create_from(board=board, created_by=admin_user, title="Fills it", column=columns[1])
    board.refresh_from_db()
    before = (Ticket.objects.count(), ChecklistItem.objects.count(), board.next_number)

    with pytest.raises(WipLimitReached):
        ticket_create_from(board=board, created_by=admin_user, template=template)

    board.refresh_from_db()
    assert (Ticket.objects.count(), ChecklistItem.objects.count(), board.next_number) == before


def test_a_checklist_item_too_long_refuses_before_the_ticket_is_written(board, admin_user):
    with pytest.raises(InvalidInput) as refused:
        ticket_create_from(board=board, created_by=admin_user, title="Hi", checklist=["x" * 501])

    assert "checklist" in refused.value.fields
    assert not Ticket.objects.exists()


def test_a_template_of_another_board_is_refused(other_board, template, outsider_user):
    with pytest.raises(InvalidInput) as refused:
        ticket_create_from(board=other_board, created_by=outsider_user, template=template)

    assert "template" in refused.value.fields
    assert not other_board.tickets.exists()


def test_a_title_left_empty_by_its_placeholders_is_refused(board, admin_user):
    template = template_create(board=board, name="Just the company", title_pattern="{company}")

    with pytest.raises(InvalidInput) as refused:
        ticket_create_from(board=board, created_by=admin_user, template=template)

    assert "title" in refused.value.fields
    assert not Ticket.objects.exists()


def test_a_long_filled_in_title_is_cut_to_a_titles_length(board, admin_user):
    template = template_create(board=board, name="Long", title_pattern="{customer} {company}")

    ticket = ticket_create_from(
        board=board,
        created_by=admin_user,
        template=template,
        customer_name="D" * 150,
        customer_company="C" * 150,
    )

    assert ticket.title == f"{'D' * 150} {'C' * 49}"
