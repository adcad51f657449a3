"""Secrets at rest: a support address's IMAP password is stored encrypted (Fernet: AES-128-CBC
with an HMAC-SHA256, a timestamp, a random IV), never as it was typed.

The keys come from the settings: `MAIL_SECRET_KEY` (one key), then `MAIL_SECRET_KEYS`
(comma-separated, older keys last). The first key encrypts; every key decrypts (MultiFernet), so a
key is rotated by putting the new one first, running `manage.py mail_secrets_rotate` (every
stored password re-encrypted under it) and then dropping the old one. With neither set, the one
key is derived from `SECRET_KEY`: changing SECRET_KEY then makes the stored passwords
unreadable (enter them again, or set MAIL_SECRET_KEY to keep them apart from it).

A key is any string, however long: each is stretched to a Fernet key with HKDF-SHA256 and the
fixed label `HKDF_INFO`, so a passphrase, a `Fernet.generate_key()` and `SECRET_KEY` all work
alike, and the key derived from SECRET_KEY is useless for anything SECRET_KEY signs.
"""

import base64
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Changing the label (or the salt) changes every key: stored passwords would not decrypt.
HKDF_INFO = b"csboard mail secrets v1"


class SecretUnavailable(Exception):
    """A stored secret cannot be had: its environment variable is unset, or no key decrypts it."""


def fernet_key(secret: str) -> bytes:
    """The Fernet key for one configured key (any string)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def secret_keys() -> list[str]:
    """The configured keys, the encrypting one first."""
    keys = [settings.MAIL_SECRET_KEY] if getattr(settings, "MAIL_SECRET_KEY", "") else []
    keys += [key.strip() for key in getattr(settings, "MAIL_SECRET_KEYS", []) if key.strip()]
    if not keys:
        if not settings.SECRET_KEY:
            raise ImproperlyConfigured("Set MAIL_SECRET_KEY (or SECRET_KEY) to store passwords.")
        keys = [settings.SECRET_KEY]
    return keys


def _fernet() -> MultiFernet:
    # Not cached: derivation takes microseconds, and the settings may change (tests, a reload).
    return MultiFernet([Fernet(fernet_key(key)) for key in secret_keys()])


def secret_encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable(
            "The stored password cannot be decrypted with MAIL_SECRET_KEY/MAIL_SECRET_KEYS "
            "(was the key, or SECRET_KEY it derives from, changed?): enter it again."
        ) from None


def secret_rotate(token: str) -> str:
    """`token` encrypted again under the first key (whichever key it was encrypted with)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable("No configured key decrypts this secret.") from None


def support_address_password(address) -> str:
    """The IMAP password of a support address: the environment variable it names, when it names
    one, else its stored password, decrypted."""
    if address.imap_password_env:
        value = os.environ.get(address.imap_password_env)
        if value is None:
            raise SecretUnavailable(
                f"The environment variable {address.imap_password_env}, which holds the IMAP "
                f"password of {address.address}, is not set."
            )
        return value
    if not address.imap_password:
        raise SecretUnavailable(f"{address.address} has no IMAP password.")
    return secret_decrypt(address.imap_password)
