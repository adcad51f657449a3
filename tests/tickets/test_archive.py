"""Deleting a ticket archives it: off every list, its number and history kept; restored under the
WIP limit rules, or deleted for good by an admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from boards.selectors import columns_with_counts
from boards.services import column_update
from csboard.core.exceptions import NotFound, WipLimitReached
from customers.models import Customer
from portal.conversation import customer_tickets
from reminders.services import sla_sweep
from tests.pages import messages_of, post_form_actions
from tickets.models import Activity, Ticket
from tickets.services import (
    column_delete,
    ticket_archive,
    ticket_create,
    ticket_delete,
    ticket_restore,
)


def tickets_url(board, *rest):
    return f"/api/boards/{board.pk}/tickets/" + "".join(f"{part}/" for part in rest)


# --- Services ----------------------------------------------------------------------------------
def test_an_archived_ticket_leaves_the_lists_and_counts_but_keeps_its_row_and_history(
    board, columns, ticket, member_user
):
    ticket_archive(ticket=ticket, by=member_user)

    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    kept = Ticket.all_objects.get(pk=ticket.pk)
    assert (kept.archived_by, kept.number) == (member_user, ticket.number)
    assert Activity.objects.filter(ticket=kept, kind=Activity.Kind.ARCHIVED).exists()
    counts = {c.pk: c.ticket_count for c in columns_with_counts().filter(board=board)}
    assert counts[ticket.column_id] == 0


def test_an_archived_ticket_no_longer_counts_against_a_wip_limit(board, columns, member_user):
    first = ticket_create(board=board, created_by=member_user, title="One", column=columns[0])
    column_update(column=columns[0], wip_limit=1)
    ticket_archive(ticket=first, by=member_user)

    second = ticket_create(board=board, created_by=member_user, title="Two", column=columns[0])

    assert second.column_id == columns[0].pk


def test_restoring_puts_the_ticket_back_at_the_end_of_its_column(board, columns, member_user):
    first = ticket_create(board=board, created_by=member_user, title="One", column=columns[0])
    ticket_archive(ticket=first, by=member_user)
    ticket_create(board=board, created_by=member_user, title="Two", column=columns[0])

    restored = ticket_restore(ticket=first, by=member_user)

    assert (restored.column_id, restored.position, restored.archived_at) == (columns[0].pk, 1, None)
    assert Ticket.objects.filter(pk=first.pk).exists()
    assert Activity.objects.filter(ticket=first, kind=Activity.Kind.RESTORED).exists()


def test_restoring_into_a_full_column_is_refused_and_changes_nothing(board, columns, member_user):
    first = ticket_create(board=board, created_by=member_user, title="One", column=columns[0])
    ticket_archive(ticket=first, by=member_user)
    ticket_create(board=board, created_by=member_user, title="Two", column=columns[0])
    column_update(column=columns[0], wip_limit=1)

    with pytest.raises(WipLimitReached):
        ticket_restore(ticket=first, by=member_user)

    assert Ticket.all_objects.get(pk=first.pk).archived_at is not None


def test_a_ticket_is_restored_once(board, ticket, member_user):
    ticket_archive(ticket=ticket, by=member_user)
    ticket_restore(ticket=ticket, by=member_user)

    with pytest.raises(NotFound):
        ticket_restore(ticket=ticket, by=member_user)


def test_an_archived_ticket_cannot_be_edited_or_archived_again(board, ticket, member_user):
    ticket_archive(ticket=ticket, by=member_user)

    with pytest.raises(NotFound):
        ticket_archive(ticket=ticket, by=member_user)


def test_an_archived_number_is_never_given_again(board, member_user):
    last = ticket_create(board=board, created_by=member_user, title="Last")
    ticket_archive(ticket=last, by=member_user)
    ticket_delete(ticket=last)

    assert (
        ticket_create(board=board, created_by=member_user, title="Next").number == last.number + 1
    )


def test_deleting_a_column_takes_its_archived_tickets_along(board, columns, ticket, member_user):
    ticket_archive(ticket=ticket, by=member_user)

    column_delete(column=Ticket.all_objects.get(pk=ticket.pk).column, move_to=columns[2])

    assert Ticket.all_objects.get(pk=ticket.pk).column_id == columns[2].pk


def test_the_sla_sweep_leaves_archived_tickets_out(board, member_user):
    overdue = ticket_create(
        board=board,
        created_by=member_user,
        title="Late",
        due_at=timezone.now() - timedelta(minutes=5),
    )
    ticket_archive(ticket=overdue, by=member_user)

    assert sla_sweep() == []


def test_the_portal_lists_no_archived_ticket(board, ticket, member_user):
    customer = Customer.objects.get(email="dana@example.com")
    ticket_archive(ticket=ticket, by=member_user)

    assert not customer_tickets(board=board, customer=customer).exists()


# --- API ---------------------------------------------------------------------------------------
def test_the_list_leaves_archived_tickets_out_unless_asked(board, ticket, member_user, api_as):
    ticket_create(board=board, created_by=member_user, title="Live")
    ticket_archive(ticket=ticket, by=member_user)
    api = api_as("member")

    live = api.get(tickets_url(board)).json()["results"]
    archived = api.get(tickets_url(board), {"archived": "true"}).json()["results"]

    assert [row["title"] for row in live] == ["Live"]
    assert [(row["number"], row["archived_by"]) for row in archived] == [(ticket.number, "mia")]
    assert api.get(tickets_url(board), {"archived": "maybe"}).status_code == 400


def test_restoring_into_a_full_column_answers_409_with_the_reason(board, columns, api_as):
    api = api_as("member")
    number = api.post(tickets_url(board), {"title": "One"}, format="json").json()["number"]
    api.post(tickets_url(board, number, "archive"))
    api.post(tickets_url(board), {"title": "Two"}, format="json")
    column_update(column=columns[0], wip_limit=1)

    response = api.post(tickets_url(board, number, "restore"))

    assert response.status_code == 409
    assert "WIP limit" in response.json()["detail"]


def test_only_an_archived_ticket_is_deleted_for_good(board, ticket, api_as):
    api = api_as("admin")

    assert api.post(tickets_url(board, ticket.number, "delete-for-good")).status_code == 404
    api.delete(tickets_url(board, ticket.number))
    assert api.post(tickets_url(board, ticket.number, "delete-for-good")).status_code == 204
    assert not Ticket.all_objects.exists()


# --- Pages -------------------------------------------------------------------------------------
def archive_url(board):
    return reverse("tickets:archive", args=[board.pk])


def test_an_empty_archive_says_so(board, client_as):
    response = client_as("guest").get(archive_url(board))

    assert "Nothing archived" in response.content.decode()


def test_the_archive_is_searched_by_number_title_and_customer(board, member_user, client_as):
    for title, name in (("Refund", "Ann"), ("Login", "Bob")):
        ticket_archive(
            ticket=ticket_create(
                board=board, created_by=member_user, title=title, customer_name=name
            ),
            by=member_user,
        )
    client = client_as("member")

    def found(query):
        page = client.get(archive_url(board), {"q": query}).content.decode()
        return [title for title in ("Refund", "Login") if f"· {title}</span>" in page]

    assert found("CS-1") == ["Refund"]
    assert found("2") == ["Login"]
    assert found("refu") == ["Refund"]
    assert found("bob") == ["Login"]
    assert found("nobody") == []


def test_the_archive_page_reads_a_fixed_number_of_queries(
    board, member_user, client_as, django_assert_max_num_queries
):
    for n in range(30):
        ticket_archive(
            ticket=ticket_create(board=board, created_by=member_user, title=f"T{n}"), by=member_user
        )
    client = client_as("member")
    client.get(archive_url(board))

    with django_assert_max_num_queries(12):
        response = client.get(archive_url(board))

    assert "Page 1 of 2" in response.content.decode()


def test_members_restore_and_only_admins_delete_for_good_from_the_archive(
    board, ticket, member_user, client_as
):
    ticket_archive(ticket=ticket, by=member_user)
    restore = reverse("tickets:restore", args=[board.pk, ticket.number])
    delete = reverse("tickets:delete-for-good", args=[board.pk, ticket.number])

    member_actions = post_form_actions(client_as("member").get(archive_url(board)))
    assert (restore in member_actions, delete in member_actions) == (True, False)
    assert client_as("member").post(delete).status_code == 403
    response = client_as("admin").post(delete)
    assert messages_of(response) == ["CS-1 “Team discount?” was deleted for good."]
    assert not Ticket.all_objects.exists()


def test_restoring_from_the_page_into_a_full_column_says_why(
    board, columns, ticket, member_user, client_as
):
    ticket_archive(ticket=ticket, by=member_user)
    ticket_create(board=board, created_by=member_user, title="Two", column=ticket.column)
    column_update(column=ticket.column, wip_limit=1)

    response = client_as("member").post(reverse("tickets:restore", args=[board.pk, ticket.number]))

    assert "WIP limit" in messages_of(response)[0]
    assert Ticket.all_objects.get(pk=ticket.pk).archived_at is not None
