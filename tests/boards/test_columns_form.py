"""The settings page's columns section: one form for every column (names, WIP limits, done
flags, order), saved at once, all checked together; refused, nothing is written and each error
stands beside its field."""

import re

import pytest

from accounts.models import AuditEvent
from tests.factories import TicketFactory
from tests.pages import messages_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def as_stored(columns) -> dict:
    """The form as the page fills it in: every column as it is."""
    data = {}
    for order, column in enumerate(columns, start=1):
        data |= {
            f"name_{column.pk}": column.name,
            f"wip_limit_{column.pk}": "" if column.wip_limit is None else str(column.wip_limit),
            f"order_{column.pk}": str(order),
        }
        if column.is_done:
            data[f"is_done_{column.pk}"] = "on"
    return data


def stored(board) -> list[tuple]:
    return list(board.columns.order_by("position").values_list("name", "wip_limit", "is_done"))


def save(client, board, data):
    return client.post(f"/boards/{board.pk}/settings/columns/", data)


def test_one_post_renames_limits_reorders_and_marks_done_at_once(board, columns, client_as):
    # Given a ticket in "Bugs"
    ticket = TicketFactory(board=board, column=columns[3])
    data = as_stored(columns)

    # When the admin renames two columns, limits one, puts "Bugs" first and marks it done
    bugs = columns[3].pk
    data |= {f"name_{columns[0].pk}": "Inbox", f"name_{bugs}": "Fixed"}
    data |= {f"wip_limit_{columns[1].pk}": "4", f"order_{bugs}": "1", f"is_done_{bugs}": "on"}
    data[f"order_{columns[0].pk}"] = "2"  # a tie with "Open tickets": the current order stays
    response = save(client_as("admin"), board, data)

    # Then everything is saved, in one go, and the ticket in "Fixed" is resolved
    assert response.status_code == 302
    assert response["Location"].endswith("/settings/#columns")
    assert stored(board) == [
        ("Fixed", None, True),
        ("Inbox", None, False),
        ("Open tickets", 4, False),
        ("Feature requests", None, False),
        ("Done", None, True),
    ]
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None
    assert messages_of(response) == ["Columns saved. 1 ticket resolved or reopened."]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DONE_COLUMN_CHANGED).count() == 1


def test_two_columns_may_trade_names_in_one_save(board, columns, client_as):
    data = as_stored(columns)
    data |= {f"name_{columns[0].pk}": "Open tickets", f"name_{columns[1].pk}": "New tickets"}

    response = save(client_as("admin"), board, data)

    assert response.status_code == 302
    assert [name for name, _, _ in stored(board)][:2] == ["Open tickets", "New tickets"]


def test_a_duplicate_name_refuses_the_whole_form_and_shows_the_error_beside_it(
    board, columns, client_as
):
    # Given the admin renames one column well and another onto an existing name (another case)
    before = stored(board)
    data = as_stored(columns)
    data |= {f"name_{columns[0].pk}": "Inbox", f"name_{columns[2].pk}": "BUGS"}
    data |= {f"wip_limit_{columns[1].pk}": "3"}

    # When the form is saved
    response = save(client_as("admin"), board, data)

    # Then nothing was written, and the page says why, beside the name, with what was sent
    assert response.status_code == 200
    assert stored(board) == before
    content = response.content.decode()
    # on the column renamed, not on the "Bugs" that kept its name
    assert f'id="id_name_{columns[2].pk}-error"' in content
    assert f'id="id_name_{columns[3].pk}-error"' not in content
    assert "This board already has a column named “BUGS”." in content
    assert 'value="Inbox"' in content  # the admin's input stays
    assert f'aria-describedby="id_name_{columns[2].pk}-error"' in content


def test_field_errors_of_several_rows_are_shown_together_and_nothing_is_written(
    board, columns, client_as
):
    before = stored(board)
    data = as_stored(columns)
    data |= {f"name_{columns[0].pk}": "", f"wip_limit_{columns[1].pk}": "0"}

    response = save(client_as("admin"), board, data)

    assert response.status_code == 200
    assert stored(board) == before
    content = response.content.decode()
    assert f'id="id_name_{columns[0].pk}-error"' in content
    assert f'id="id_wip_limit_{columns[1].pk}-error"' in content


def test_unmarking_every_done_column_is_refused_with_nothing_written(board, columns, client_as):
    ticket = TicketFactory(board=board, column=columns[-1])
    data = as_stored(columns)
    del data[f"is_done_{columns[-1].pk}"]
    data[f"name_{columns[0].pk}"] = "Inbox"

    response = save(client_as("admin"), board, data)

    assert response.status_code == 200
    assert "A board needs at least one done column" in response.content.decode()
    assert stored(board)[0][0] == "New tickets"
    assert stored(board)[-1][2] is True
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None


def test_moving_the_done_flag_from_one_column_to_another_in_one_save_works(
    board, columns, client_as
):
    # Given a ticket in Done (resolved) and one in Bugs (open)
    in_done = TicketFactory(board=board, column=columns[-1])
    in_bugs = TicketFactory(board=board, column=columns[3])
    data = as_stored(columns)
    del data[f"is_done_{columns[-1].pk}"]
    data[f"is_done_{columns[3].pk}"] = "on"

    response = save(client_as("admin"), board, data)

    assert response.status_code == 302
    assert [done for _, _, done in stored(board)] == [False, False, False, True, False]
    assert Ticket.objects.get(pk=in_done.pk).resolved_at is None
    assert Ticket.objects.get(pk=in_bugs.pk).resolved_at is not None


def test_a_column_added_meanwhile_refuses_the_save(board, columns, client_as):
    from boards.services import column_create

    data = as_stored(columns)
    data[f"name_{columns[0].pk}"] = "Inbox"
    column_create(board=board, name="Escalated")

    response = save(client_as("admin"), board, data)

    # The form has a field per column: the new column's name is missing from it
    assert response.status_code == 200
    assert stored(board)[0][0] == "New tickets"


def test_the_columns_section_is_one_form_with_labelled_fields_and_one_save_button(
    board, columns, client_as
):
    content = client_as("admin").get(f"/boards/{board.pk}/settings/").content.decode()

    section = content[content.index('id="columns"') : content.index('id="tags"')]
    assert section.count("Save columns") == 1
    assert ">Save<" not in section
    assert section.count(f'action="/boards/{board.pk}/settings/columns/"') == 1
    # Besides it, the add form and one (hidden) delete form per column, which forms cannot nest
    assert section.count('<form method="post"') == 2 + len(columns)
    for column in columns:
        for part in ("name", "wip_limit", "order", "is_done"):
            assert f'name="{part}_{column.pk}" id="id_{part}_{column.pk}"' in section
    assert len(re.findall(r'<label class="checkbox-field"', section)) == len(columns)
    assert f'name="is_done_{columns[-1].pk}" id="id_is_done_{columns[-1].pk}" checked' in section


def test_the_delete_buttons_inside_the_columns_form_submit_their_own_forms(
    board, columns, client_as
):
    content = client_as("admin").get(f"/boards/{board.pk}/settings/").content.decode()

    form = f'id="delete-column-{columns[2].pk}"'
    assert form in content
    assert f'form="delete-column-{columns[2].pk}" class="button button--danger' in content
