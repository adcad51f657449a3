"""Boards to search: the role fixtures' private board (CS), a board none of them may see
(SEC) and a board open to every signed-in user (OPEN), each with an invoice ticket. Documents
are written after commit (search.services): `committed` runs a block's after-commit work."""

import pytest

from boards.models import Visibility
from boards.services import board_create, tag_create
from tests.factories import UserFactory
from tickets.services import ticket_create
from workspace.services import message_post


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block's writes do after commit (the documents)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def stranger(db):
    return UserFactory(username="stan", display_name="Stan Stranger")


@pytest.fixture
def hidden_board(stranger):
    return board_create(name="Secret", key="SEC", created_by=stranger, template="customer-success")


@pytest.fixture
def open_board(stranger):
    return board_create(
        name="Open",
        key="OPEN",
        created_by=stranger,
        template="customer-success",
        visibility=Visibility.SIGNED_IN,
    )


@pytest.fixture
def invoices(board, member_user, hidden_board, open_board, stranger, committed):
    """One invoice ticket on each board, written through the services, documents and all."""
    with committed():
        billing = tag_create(board=board, name="Billing")
        ours = ticket_create(
            board=board,
            created_by=member_user,
            title="Invoice for March",
            description="The **total** is wrong.",
            customer_name="Dana Scully",
            customer_email="dana@example.com",
            customer_company="FBI",
            tags=[billing],
        )
        message_post(board=board, ticket=ours, by=member_user, body="She was charged twice.")
        secret = ticket_create(
            board=hidden_board,
            created_by=stranger,
            title="Invoice of the secret project",
            customer_name="Walter Skinner",
        )
        public = ticket_create(board=open_board, created_by=stranger, title="Invoice template")
    return {"ours": ours, "secret": secret, "public": public}
