"""A sign-in link spent twice at once (a double click on Continue, a scanner and the customer):
real threads on their own PostgreSQL connections; one session, the other refused."""

import pytest

from portal import auth
from portal.models import PortalSession
from tests.threads import run_at_once

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_link_spent_twice_at_once_starts_one_session(portal_board, customer):
    token = auth.link_create(board=portal_board, customer=customer)

    def use(_index):
        return auth.link_use(board=portal_board, token=token)

    started, errors = run_at_once(2, use)

    assert len(started) == 1
    assert [type(error) for error in errors] == [auth.LinkRefused]
    assert errors[0].status_code == 410  # "used already"
    assert PortalSession.objects.filter(customer=customer).count() == 1
