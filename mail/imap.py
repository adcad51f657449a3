"""The IMAP adapter: polls a support address's mailbox and hands each unread message, as its raw
bytes, to `mail_receive`. It decides nothing about the mail itself.

Nothing is lost and nothing is taken twice, whatever stops a poll:

- a message is fetched with BODY.PEEK[] (the fetch does not mark it read), received (its own
  transaction, committed when mail_receive returns), and only then marked \\Seen, or moved to
  the address's done folder: a receive that fails (the database away, a bug) leaves it unread for
  the next poll, counted `failed`, and the poll goes on with the next message;
- a poll that dies half-way (the connection dropped, the worker killed) leaves the messages it
  received marked and the others unread;
- a message received but not marked (the poll died between the commit and the STORE) is read
  again by the next poll, and mail_receive knows it (its Message-ID, once per board): a
  "duplicate", no second ticket, and this time it is marked.

Marking is per message too: a server that refuses to mark or move one message (a done folder
the user may not write to, over quota, gone) does not stop the poll. That message was received
(its ticket committed) and stays where it is, read if the STORE went through (so it is not taken
again; else the next poll reads it again as a duplicate, and says so again), counted
`unmarked`; the server's answer goes to the log and the address's last_error, and the poll goes
on with the next message. Only a connection that is gone stops it.

A message bigger than MAIL_MAX_BYTES is not fetched at all: it stays unread in the mailbox, for
someone to deal with there, counted `failed`, and the address's last_error says so (every poll,
until it is dealt with). At most MAIL_POLL_BATCH messages a poll, for at most
MAIL_POLL_MAX_SECONDS: the rest wait for the next.

One mailbox is polled by one process at a time (`mailboxes_poll`): a PostgreSQL session advisory
lock per address, taken without waiting (a poll that finds it taken skips that mailbox) and held
on the poller's own database connection for the whole poll, network I/O included. It needs no
expiry to guess: a worker that dies loses its connection and with it the lock. It is a courtesy
rather than the guarantee: two polls that did overlap (the connection and so the lock lost
mid-poll) would still make each message once, by its Message-ID. On SQLite (`make run`) there is
one worker process running one task at a time, so there is nothing to lock against.
"""

import contextlib
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone

from mail.models import SupportAddress
from mail.secrets import SecretUnavailable, support_address_password
from mail.services import mail_receive

log = logging.getLogger(__name__)

DEFAULT_PORTS = {SupportAddress.Security.SSL: 993, SupportAddress.Security.STARTTLS: 143}
# The advisory locks' first key: "mail" in ASCII, so that no other lock of the project collides.
LOCK_CLASS = 0x6D61696C
LAST_ERROR_MAX = SupportAddress._meta.get_field("last_error").max_length
# What a mail server or the network going wrong raises: the poll stops there, nothing lost.
IMAP_ERRORS = (imaplib.IMAP4.error, OSError, SecretUnavailable)

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


@dataclass
class PollResult:
    """What a poll did: messages `fetched`, `received` (new: a ticket, a reply, or kept without
    one), `duplicates` (received before), `failed` (left unread: a receive that raised, or too
    big), `unmarked` (received, but the server refused to mark or move them); `error` why it
    stopped early (nothing else said: it went through)."""

    fetched: int = 0
    received: int = 0
    duplicates: int = 0
    failed: int = 0
    unmarked: int = 0
    error: str = ""


class MailboxError(Exception):
    """The server refused something the poll needs (a login, the folder)."""


# What stops a poll, recorded in last_error: the rest waits for the next poll.
POLL_ERRORS = (*IMAP_ERRORS, MailboxError)


def _quote(mailbox: str) -> str:
    """imaplib sends mailbox names as they are: one with a space or a quote must go quoted."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, doing: str) -> list:
    status, data = response
    if status != "OK":
        detail = b" ".join(part for part in data if isinstance(part, bytes)).decode(
            errors="replace"
        )
        raise MailboxError(f"{doing}: {status} {detail}".strip())
    return data


def ssl_context() -> ssl.SSLContext:
    """Certificates and host names verified, against the system's CAs and MAIL_IMAP_CAFILE."""
    context = ssl.create_default_context()
    if settings.MAIL_IMAP_CAFILE:
        context.load_verify_locations(cafile=settings.MAIL_IMAP_CAFILE)
    return context


def imap_connect(address: SupportAddress) -> imaplib.IMAP4:
    """A connection to the address's server, over TLS (IMAPS, or STARTTLS before anything else
    is said), logged in."""
    password = support_address_password(address)
    port = address.imap_port or DEFAULT_PORTS[address.imap_security]
    timeout = settings.MAIL_IMAP_TIMEOUT
    if address.imap_security == SupportAddress.Security.SSL:
        conn = imaplib.IMAP4_SSL(
            address.imap_host, port, ssl_context=ssl_context(), timeout=timeout
        )
    else:
        conn = imaplib.IMAP4(address.imap_host, port, timeout=timeout)
        try:
            conn.starttls(ssl_context=ssl_context())
        except BaseException:
            with contextlib.suppress(OSError):  # a failed handshake may have closed it already
                conn.shutdown()
            raise
    try:
        _check(conn.login(address.imap_username, password), "LOGIN")
        # What the server offers once logged in (MOVE, UIDPLUS), which imaplib does not ask.
        lines = _check(conn.capability(), "CAPABILITY")
        capabilities = b" ".join(line for line in lines if isinstance(line, bytes))
        conn.capabilities = tuple(capabilities.decode().upper().split())
    except BaseException:
        with contextlib.suppress(*IMAP_ERRORS):
            conn.logout()
        raise
    return conn


def _logout(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(*IMAP_ERRORS):
        conn.logout()


def _unseen_sizes(conn: imaplib.IMAP4) -> list[tuple[int, int]]:
    """The folder's unread messages, oldest first: (UID, size)."""
    (found,) = _check(conn.uid("SEARCH", "UNSEEN"), "SEARCH UNSEEN")
    uids = found.split()
    if not uids:
        return []
    data = _check(conn.uid("FETCH", b",".join(uids).decode(), "(RFC822.SIZE)"), "FETCH SIZE")
    sizes = {}
    for line in data:
        head = line[0] if isinstance(line, tuple) else line
        uid, size = _UID.search(head or b""), _SIZE.search(head or b"")
        if uid and size:
            sizes[int(uid[1])] = int(size[1])
    return sorted(sizes.items())


def _fetch(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's bytes, without marking it read; None if it went meanwhile."""
    data = _check(conn.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"FETCH {uid}")
    for part in data:
        if isinstance(part, tuple) and _UID.search(part[0]) and b"BODY[]" in part[0]:
            return part[1]
    return None


def _mark_done(conn: imaplib.IMAP4, uid: int, done_folder: str) -> None:
    """Read, and in the done folder if the address has one (MOVE, or where the server lacks it
    COPY, then \\Deleted and an expunge of this message alone where UIDPLUS allows)."""
    _check(conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), f"STORE {uid}")
    if not done_folder:
        return
    if "MOVE" in conn.capabilities:
        _check(conn.uid("MOVE", str(uid), _quote(done_folder)), f"MOVE {uid}")
        return
    _check(conn.uid("COPY", str(uid), _quote(done_folder)), f"COPY {uid}")
    _check(conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), f"STORE {uid}")
    if "UIDPLUS" in conn.capabilities:
        _check(conn.uid("EXPUNGE", str(uid)), f"EXPUNGE {uid}")
    else:
        _check(conn.expunge(), "EXPUNGE")


def mailbox_poll(address: SupportAddress) -> PollResult:
    """Receive the unread mail of the address's mailbox (see the module); the address's
    last_polled_at and last_error say how it went. A server or network failure is recorded
    there and returned in `error`, not raised: the next poll tries again."""
    result = PollResult()
    started = time.monotonic()
    problems: list[str] = []
    try:
        conn = imap_connect(address)
    except POLL_ERRORS as error:
        return _record(address, result, problems, error)
    try:
        if address.imap_done_folder:
            conn.create(_quote(address.imap_done_folder))  # NO if it exists: fine
        _check(conn.select(_quote(address.imap_folder)), f"SELECT {address.imap_folder}")
        unseen = _unseen_sizes(conn)
        for uid, size in unseen:
            if result.fetched >= settings.MAIL_POLL_BATCH:
                break
            if time.monotonic() - started > settings.MAIL_POLL_MAX_SECONDS:
                break
            if size > settings.MAIL_MAX_BYTES:
                result.failed += 1
                problems.append(f"message UID {uid} is {size} bytes, over MAIL_MAX_BYTES")
                log.error(
                    "%s: message UID %s is %s bytes, over MAIL_MAX_BYTES (%s): left unread",
                    address.address, uid, size, settings.MAIL_MAX_BYTES,
                )  # fmt: skip
                continue
            raw = _fetch(conn, uid)
            if raw is None:
                continue
            result.fetched += 1
            try:
                received = mail_receive(raw, address=address)
            except SoftTimeLimitExceeded:  # the task's time is up: this message waits
                raise
            except Exception:
                result.failed += 1
                problems.append(f"message UID {uid} could not be received")
                log.exception("%s: message UID %s not received: left unread", address.address, uid)
                continue
            # Committed: only now may the server forget it is unread.
            if received.outcome == "duplicate":
                result.duplicates += 1
            else:
                result.received += 1
            try:
                _mark_done(conn, uid, address.imap_done_folder)
            except imaplib.IMAP4.abort:  # the connection is gone: nothing more this poll
                raise
            except (MailboxError, imaplib.IMAP4.error) as error:  # refused for this message
                result.unmarked += 1
                problems.append(f"message UID {uid} received but not marked done: {error}")
                log.error(
                    "%s: message UID %s received but not marked done: %s",
                    address.address, uid, error,
                )  # fmt: skip
    except POLL_ERRORS as error:
        stopped = error
    else:
        stopped = None
    finally:
        _logout(conn)
    return _record(address, result, problems, stopped)


def _record(address, result: PollResult, problems: list[str], error) -> PollResult:
    if error is not None:
        result.error = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        log.warning("%s: poll stopped: %s", address.address, result.error)
        problems.insert(0, result.error)
    last_error = "; ".join(problems)[:LAST_ERROR_MAX]
    now = timezone.now()
    SupportAddress.objects.filter(pk=address.pk).update(last_polled_at=now, last_error=last_error)
    address.last_polled_at, address.last_error = now, last_error
    return result


@contextlib.contextmanager
def poll_lock(address: SupportAddress) -> Iterator[bool]:
    """Whether this process may poll the address now (see the module), held until the end."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, address.pk])
        (taken,) = cursor.fetchone()
    try:
        yield taken
    finally:
        # A connection lost meanwhile took the lock with it.
        if taken:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, address.pk])


def mailboxes_poll() -> dict[str, PollResult | None]:
    """Poll every active address that has a mailbox, one after the other: address → its result,
    None where another process was polling it. The longest unpolled go first: a task cut off by
    its time limit leaves the others to be first next time."""
    results: dict[str, PollResult | None] = {}
    addresses = SupportAddress.objects.filter(active=True).exclude(imap_host="")
    oldest_first = (F("last_polled_at").asc(nulls_first=True), "pk")
    for address in addresses.select_related("board").order_by(*oldest_first):
        with poll_lock(address) as mine:
            if not mine:
                log.info("%s: polled by another process, skipped", address.address)
                results[address.address] = None
                continue
            try:
                results[address.address] = mailbox_poll(address)
            except SoftTimeLimitExceeded:
                raise
            except Exception:  # a bug with one mailbox must not starve the others
                log.exception("%s: poll failed", address.address)
                results[address.address] = PollResult(error="unexpected error, see the log")
    return results
