"""csboard.core.lookups.any_of: one of a list of integers, as one array parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TicketFactory
from tickets.models import Ticket


@pytest.mark.django_db
def test_any_of_matches_what_in_matches_with_one_parameter(board, member_user):
    tickets = [TicketFactory(board=board, created_by=member_user) for _ in range(3)]
    wanted = [tickets[0].pk, tickets[2].pk, 10**9]

    with CaptureQueriesContext(connection) as queries:
        found = set(Ticket.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))

    assert found == set(Ticket.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {tickets[0].pk, tickets[2].pk}
    assert "= ANY(" in queries.captured_queries[0]["sql"]
    # through a relation too, as the card reads do
    links = Ticket.tags.through.objects.filter(ticket_id__any_of=wanted)
    assert list(links) == list(Ticket.tags.through.objects.filter(ticket_id__in=wanted))


@pytest.mark.django_db
def test_any_of_an_empty_list_matches_nothing_and_refuses_what_is_not_a_number(board, ticket):
    assert not Ticket.objects.filter(pk__any_of=[]).exists()
    with pytest.raises(ValueError, match="invalid literal"):
        list(Ticket.objects.filter(pk__any_of=["1 OR 1=1"]))
