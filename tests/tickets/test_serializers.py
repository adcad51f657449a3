"""TicketSerializer writes its rows out by hand (DRF's walk field by field was most of a list
page's time): what it writes must be exactly what that walk writes, for tickets read either
way (board_tickets, and a list page's tickets_in)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers

from boards.services import tag_create
from sla.selectors import policy_for
from tickets.models import Priority, Source, Status
from tickets.selectors import board_ticket_order, board_tickets, tickets_in
from tickets.serializers import TicketSerializer
from tickets.services import ticket_create


def walked(serializer, instance) -> dict:
    """DRF's own representation: each declared field's get_attribute, then to_representation
    (its assignees sorted by username, as the API writes them: DRF takes the relation's order,
    which is none)."""
    row = serializers.Serializer.to_representation(serializer, instance)
    if "assignees" in row:
        row["assignees"] = sorted(row["assignees"])
    return row


@pytest.fixture
def varied(board, columns, admin_user, member_user):
    # Tag names against their ids' order: the tags come in Tag.Meta.ordering (name).
    zebra = tag_create(board=board, name="Zebra")
    alpha = tag_create(board=board, name="Alpha")
    past = timezone.now() - timedelta(days=2)
    ticket_create(
        board=board,
        created_by=admin_user,
        title="Overdue, two people, two tags",
        assignees=[admin_user, member_user],
        tags=[zebra, alpha],
        priority=Priority.URGENT,
        due_at=past,
        customer_email="c@example.com",
    )
    resolved = ticket_create(
        board=board,
        created_by=member_user,
        title="Resolved",
        column=columns[1],
        status=Status.RESOLVED,
        description="Done",
    )
    resolved.first_response_at = timezone.now() - timedelta(hours=1)
    resolved.resolved_at = timezone.now()
    resolved.save(update_fields=["first_response_at", "resolved_at"])
    ticket_create(board=board, created_by=None, title="From the intake", source=Source.FEEDBACK)


def test_a_ticket_row_is_what_drf_writes_field_by_field(board, varied):
    serializer = TicketSerializer(context={"sla_policy": policy_for(board)})
    read_whole = list(board_tickets(board))
    on_a_page = tickets_in(board, board_ticket_order(board).values("pk"))

    assert len(read_whole) == len(on_a_page) == 3
    for ticket in [*read_whole, *on_a_page]:
        row = serializer.to_representation(ticket)
        assert row == walked(serializer, ticket)
        assert list(row) == list(serializer.fields)  # the same keys, in the same order
    rows = {row["title"]: row for row in map(serializer.to_representation, on_a_page)}
    overdue = rows["Overdue, two people, two tags"]
    assert overdue["tags"] == sorted(overdue["tags"], reverse=True)  # Alpha, then Zebra
    assert (overdue["is_overdue"], len(overdue["assignees"])) == (True, 2)
    assert rows["From the intake"]["created_by"] is None
    assert rows["Resolved"]["sla"][0]["state"] == "met"
