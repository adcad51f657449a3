"""mail.secrets: IMAP passwords encrypted at rest under MAIL_SECRET_KEY (or a key derived from
SECRET_KEY), older keys still read until rotated away; a password may live in the environment."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mail.models import SupportAddress
from mail.secrets import (
    SecretUnavailable,
    secret_decrypt,
    secret_encrypt,
    secret_rotate,
    support_address_password,
)


@pytest.fixture
def keys(settings):
    settings.MAIL_SECRET_KEY, settings.MAIL_SECRET_KEYS = "new key", []
    return settings


def test_a_secret_round_trips_and_is_never_stored_as_it_was(keys):
    token = secret_encrypt("hunter2 ünïcode")

    assert "hunter2" not in token
    assert token != secret_encrypt("hunter2 ünïcode")  # a random IV each time
    assert secret_decrypt(token) == "hunter2 ünïcode"


def test_without_a_mail_key_the_key_is_derived_from_secret_key(settings):
    settings.MAIL_SECRET_KEY, settings.MAIL_SECRET_KEYS = "", []
    token = secret_encrypt("hunter2")

    assert secret_decrypt(token) == "hunter2"
    settings.SECRET_KEY = "another secret key"
    with pytest.raises(SecretUnavailable, match="cannot be decrypted"):
        secret_decrypt(token)


def test_an_older_key_still_decrypts_until_the_secret_is_rotated(keys):
    keys.MAIL_SECRET_KEY = "old key"
    token = secret_encrypt("hunter2")

    keys.MAIL_SECRET_KEY, keys.MAIL_SECRET_KEYS = "new key", ["old key"]
    assert secret_decrypt(token) == "hunter2"
    rotated = secret_rotate(token)

    keys.MAIL_SECRET_KEYS = []
    assert secret_decrypt(rotated) == "hunter2"
    with pytest.raises(SecretUnavailable):
        secret_decrypt(token)


def test_mail_secrets_rotate_encrypts_every_stored_password_under_the_newest_key(keys, board):
    keys.MAIL_SECRET_KEY = "old key"
    address = SupportAddress.objects.create(
        board=board, address="support@example.com", imap_password=secret_encrypt("hunter2")
    )
    keys.MAIL_SECRET_KEY, keys.MAIL_SECRET_KEYS = "new key", ["old key"]

    call_command("mail_secrets_rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115

    keys.MAIL_SECRET_KEYS = []
    address.refresh_from_db()
    assert support_address_password(address) == "hunter2"


def test_mail_secrets_rotate_names_a_password_no_key_decrypts(keys, board):
    keys.MAIL_SECRET_KEY = "lost key"
    SupportAddress.objects.create(
        board=board, address="support@example.com", imap_password=secret_encrypt("hunter2")
    )
    keys.MAIL_SECRET_KEY = "new key"

    with pytest.raises(CommandError, match=r"support@example\.com"):
        call_command("mail_secrets_rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_password_comes_from_the_environment_variable_the_address_names(
    keys, board, monkeypatch
):
    address = SupportAddress(board=board, address="s@example.com", imap_password_env="CS_IMAP_PW")
    monkeypatch.setenv("CS_IMAP_PW", "from the environment")

    assert support_address_password(address) == "from the environment"


def test_an_unset_environment_variable_is_a_clear_error(keys, board, monkeypatch):
    address = SupportAddress(board=board, address="s@example.com", imap_password_env="CS_IMAP_PW")
    monkeypatch.delenv("CS_IMAP_PW", raising=False)

    with pytest.raises(SecretUnavailable, match=r"CS_IMAP_PW.*s@example\.com.*not set"):
        support_address_password(address)


def test_the_database_column_holds_the_ciphertext(keys, board):
    SupportAddress.objects.create(
        board=board, address="support@example.com", imap_password=secret_encrypt("hunter2")
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT imap_password FROM mail_supportaddress")
        (stored,) = cursor.fetchone()
    assert "hunter2" not in stored
    assert secret_decrypt(stored) == "hunter2"
