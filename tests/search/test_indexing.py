"""Search documents follow what their ticket says, after commit: its fields, its tags (a tag
renamed or deleted too) and its conversation; a rolled-back write changes nothing; a backfill
writes those of tickets loaded around the services."""

import pytest
from django.core.management import call_command
from django.db import transaction

from boards.services import tag_delete, tag_update
from search.models import TicketDocument
from search.selectors import ticket_search
from tickets.models import Ticket
from tickets.services import ticket_delete, ticket_update
from workspace.services import message_delete, message_edit, message_post


def document(ticket) -> TicketDocument:
    return TicketDocument.objects.get(ticket=ticket)


def found(user, query) -> list[str]:
    return [d.title for d in ticket_search(user, query).documents]


def test_a_new_ticket_has_a_document_of_its_words(invoices):
    doc = document(invoices["ours"])

    assert doc.board_id == invoices["ours"].board_id
    assert doc.title == "Invoice for March"
    assert doc.people == "Dana Scully dana@example.com FBI"
    assert doc.tags == "Billing"
    assert doc.description == "The total is wrong."  # Markdown as plain words
    assert doc.conversation == "She was charged twice."
    assert doc.vector is not None


def test_nothing_is_written_before_the_transaction_commits(board, member_user):
    from tickets.services import ticket_create

    ticket_create(board=board, created_by=member_user, title="Not yet")  # never committed

    assert not TicketDocument.objects.exists()


def test_an_edit_of_the_title_and_customer_is_found_by_its_new_words(
    invoices, member_user, committed
):
    with committed():
        ticket_update(
            ticket=invoices["ours"], by=member_user, title="Refund", customer_company="Acme"
        )

    assert found(member_user, "refund acme") == ["Refund"]
    assert found(member_user, "march") == []


def test_a_message_posted_edited_and_deleted_is_followed(invoices, board, member_user, committed):
    ticket = invoices["ours"]
    with committed():
        note = message_post(board=board, ticket=ticket, by=member_user, body="Escalate to finance")
    assert found(member_user, "finance") == ["Invoice for March"]

    with committed():
        message_edit(message=note, by=member_user, body="Escalate to legal")
    assert found(member_user, "finance") == []
    assert found(member_user, "legal") == ["Invoice for March"]

    with committed():
        message_delete(message=note, by=member_user)
    assert found(member_user, "legal") == []


def test_a_tag_renamed_or_deleted_changes_what_its_tickets_say(invoices, member_user, committed):
    tag = invoices["ours"].tags.get()
    with committed():
        tag_update(tag=tag, name="Payments")
    assert document(invoices["ours"]).tags == "Payments"
    assert found(member_user, "payments") == ["Invoice for March"]

    with committed():
        tag_delete(tag=tag)
    assert document(invoices["ours"]).tags == ""
    assert found(member_user, "payments") == []


def test_a_write_that_rolls_back_leaves_the_document_as_it_was(invoices, member_user, committed):
    def failing_edit():
        with transaction.atomic():
            ticket_update(ticket=invoices["ours"], by=member_user, title="Rolled back")
            raise RuntimeError("the write failed")

    with committed(), pytest.raises(RuntimeError):
        failing_edit()

    assert document(invoices["ours"]).title == "Invoice for March"


def test_a_ticket_deleted_for_good_takes_its_document_along(invoices, admin_user):
    ticket_delete(ticket=invoices["ours"], by=admin_user)

    assert not TicketDocument.objects.filter(pk=invoices["ours"].pk).exists()


def test_the_highlight_marks_never_reach_a_document(board, member_user, committed):
    from tickets.services import ticket_create

    with committed():
        ticket = ticket_create(board=board, created_by=member_user, title="Bad \x02mark\x03")

    assert document(ticket).title == "Bad mark"


def test_search_reindex_writes_the_documents_of_tickets_loaded_around_the_services(
    board, columns, member_user, capsys
):
    Ticket.objects.bulk_create(
        Ticket(board=board, number=n, title=f"Imported {n}", column=columns[0], rank=n)
        for n in (1, 2, 3)
    )
    assert not TicketDocument.objects.exists()

    call_command("search_reindex")

    assert TicketDocument.objects.count() == 3
    assert "3 search documents written." in capsys.readouterr().out
    assert len(found(member_user, "imported")) == 3


def test_a_merge_moves_the_conversation_into_the_targets_document(
    invoices, board, member_user, committed
):
    from relations.services import ticket_merge
    from tickets.services import ticket_create

    with committed():
        target = ticket_create(board=board, created_by=member_user, title="Billing question")
        ticket_merge(source=invoices["ours"], target=target, by=member_user)

    assert document(target).conversation == "She was charged twice."
    assert found(member_user, "charged") == ["Billing question"]
