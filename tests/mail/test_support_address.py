"""mail.services.support_address_set: board admins add and change support addresses; the
address is one board's, whatever its case; the IMAP password is stored encrypted, never shown."""

import logging

import pytest

from boards.services import board_create
from csboard.core.exceptions import Conflict, InvalidInput, NotFound, PermissionRefused
from mail.models import SupportAddress
from mail.secrets import support_address_password
from mail.services import support_address_set
from tests.factories import UserFactory

IMAP = {
    "imap_host": "imap.example.com",
    "imap_port": 993,
    "imap_username": "support",
    "password": "hunter2",
}


# The permission matrix: who may set a board's support addresses.
@pytest.mark.parametrize(
    ("role", "refused"),
    [("admin", None), ("member", PermissionRefused), ("guest", PermissionRefused),
     ("outsider", NotFound)],
)  # fmt: skip
def test_only_a_board_admin_sets_a_support_address(board, user_for, role, refused):
    if refused is None:
        row = support_address_set(board=board, by=user_for(role), address="help@example.com")
        assert row.board == board
        return
    with pytest.raises(refused) as raised:
        support_address_set(board=board, by=user_for(role), address="help@example.com")
    assert raised.value.status_code == {PermissionRefused: 403, NotFound: 404}[refused]
    assert not SupportAddress.objects.exists()


def test_the_password_is_stored_encrypted_and_never_logged(board, admin_user, caplog):
    caplog.set_level(logging.DEBUG)

    row = support_address_set(board=board, by=admin_user, address="help@example.com", **IMAP)

    row.refresh_from_db()
    assert "hunter2" not in row.imap_password
    assert support_address_password(row) == "hunter2"
    assert "hunter2" not in caplog.text


def test_changing_an_address_without_a_password_keeps_the_stored_one(board, admin_user):
    row = support_address_set(board=board, by=admin_user, address="help@example.com", **IMAP)

    changed = support_address_set(
        board=board,
        by=admin_user,
        support_address=row,
        address="help@example.com",
        **{**IMAP, "password": None, "imap_done_folder": "Done"},
    )

    assert changed.pk == row.pk
    assert changed.imap_done_folder == "Done"
    assert support_address_password(changed) == "hunter2"


def test_naming_an_environment_variable_forgets_the_stored_password(board, admin_user):
    row = support_address_set(board=board, by=admin_user, address="help@example.com", **IMAP)

    changed = support_address_set(
        board=board,
        by=admin_user,
        support_address=row,
        address="help@example.com",
        **{**IMAP, "password": None, "imap_password_env": "HELP_IMAP_PASSWORD"},
    )

    assert (changed.imap_password, changed.imap_password_env) == ("", "HELP_IMAP_PASSWORD")


def test_an_address_another_board_receives_at_is_a_conflict_whatever_its_case(board, admin_user):
    other = UserFactory()

    elsewhere = board_create(name="Other", key="OTH", created_by=other)
    support_address_set(board=elsewhere, by=other, address="Help@Example.com")

    with pytest.raises(Conflict) as raised:
        support_address_set(board=board, by=admin_user, address="help@example.COM")
    assert "address" in raised.value.fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"address": "not an address"}, "address"),
        ({"imap_port": 0}, "imap_port"),
        ({"imap_port": 70000}, "imap_port"),
        ({"imap_security": "plain"}, "imap_security"),
        ({"imap_username": ""}, "imap_username"),
        ({"password": None}, "password"),
        ({"imap_password_env": "PW"}, "imap_password_env"),
        ({"imap_done_folder": "INBOX"}, "imap_done_folder"),
    ],
)
def test_an_invalid_support_address_is_refused_field_by_field(board, admin_user, changes, field):
    values = {"address": "help@example.com", **IMAP, **changes}

    with pytest.raises(InvalidInput) as raised:
        support_address_set(board=board, by=admin_user, **values)

    assert field in raised.value.fields
    assert not SupportAddress.objects.exists()


def test_an_address_of_another_board_cannot_be_changed_through_this_one(board, admin_user):
    other = UserFactory()

    elsewhere = board_create(name="Other", key="OTH", created_by=other)
    theirs = support_address_set(board=elsewhere, by=other, address="their@example.com")

    with pytest.raises(NotFound):
        support_address_set(
            board=board, by=admin_user, support_address=theirs, address="mine@example.com"
        )
