"""Real mail servers for the tests: a private Dovecot (IMAP, IMAPS, STARTTLS) and an aiosmtpd sink.

Customer mail comes in over IMAP and replies go out over SMTP, so the tests talk to real servers
rather than to mocks of imaplib and smtplib: what a mock accepts, a server may refuse (quoting,
literals, flags, TLS, a 451 at RCPT). Each test process (a serial run, or each pytest-xdist
worker) starts its own servers on free ports, once a session, and empties them before each test
(the fixtures are in tests/conftest.py). `make services` installs Debian's `dovecot-imapd`; the
system-wide Dovecot is never started, configured or signalled: ours has its own config, base_dir
and state_dir in a temporary directory and runs in a process group of its own.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import grp
import imaplib
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple

from aiosmtpd.controller import Controller

from tests.redis_server import free_port

HOST = "127.0.0.1"


def running_in_group(group: int) -> list[int]:
    """The processes of process group `group` that still run (zombies left out), from /proc."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            running.append(int(stat.parent.name))
    return running


def _quote(mailbox: str) -> str:
    """imaplib sends mailbox names as they are: a name with a space must go quoted."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


class StoredMessage(NamedTuple):
    uid: int
    flags: tuple[str, ...]
    raw: bytes


_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_LIST_LINE = re.compile(rb'^\((?P<attributes>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')


def _list_name(line: bytes | tuple) -> str:
    """A mailbox name out of a LIST/LSUB line (an atom, a quoted string or a literal)."""
    if isinstance(line, tuple):  # {n} literal: the name is the second part
        return line[1].decode()
    name = _LIST_LINE.match(line)["name"]
    if name.startswith(b'"'):
        name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
    return name.decode()


class ImapServer:
    """A Dovecot of this test process's own: IMAP with STARTTLS on `port`, IMAPS on `ssl_port`,
    one user (`username`/`password`), maildir storage, all in a temporary directory.

    As root (this machine, CI), Dovecot runs its login processes as the `dovenull` and its
    internal ones as the `dovecot` user that the Debian package creates, and refuses mail owned
    by uid 0 ("userdb returned 0 as uid"), so the mail belongs to Debian's `mail` user. As
    anyone else, everything runs as that user (no chroot, which needs root).
    """

    host = HOST
    username = "support"

    def __init__(self) -> None:
        self.password = secrets.token_urlsafe(12)
        # Its own greeting: a server on our port that is not ours (lost race) is not mistaken.
        self.greeting = f"csboard-test-{secrets.token_hex(6)}"
        self.directory: Path | None = None
        self.port = self.ssl_port = 0
        self.process: subprocess.Popen | None = None

    @property
    def cafile(self) -> str:
        """The self-signed certificate both TLS ports present, to verify them against."""
        return str(self.directory / "cert.pem")

    @property
    def log_path(self) -> Path:
        return self.directory / "dovecot.log"

    # --- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> ImapServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/bin")
        if binary is None:
            raise RuntimeError("dovecot is not installed: `make services` installs dovecot-imapd")
        # Its own directory rather than pytest's tmp_path: those sit under a 0700 directory that
        # Dovecot's unprivileged processes (and the mail user) could not enter.
        self.directory = Path(tempfile.mkdtemp(prefix="csboard-imap-"))
        self.directory.chmod(0o711)
        self._make_certificate()
        self._make_users()
        # Free ports are only probably free: another worker may take one meanwhile, so a start
        # that loses the race is tried again on other ports.
        for attempt in range(3):
            self.port, self.ssl_port = free_port(HOST), free_port(HOST)
            config = self.directory / "dovecot.conf"
            config.write_text(self._config())
            for name in ("run", "state"):
                shutil.rmtree(self.directory / name, ignore_errors=True)
                (self.directory / name).mkdir()
            with self.directory.joinpath("dovecot.out").open("ab") as out:  # before its log is up
                self.process = subprocess.Popen(
                    [binary, "-F", "-c", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a process group of its own: stop() kills only it
                )
            if self._wait_until_answering():
                return
            self.stop(keep_directory=True)
            if attempt == 2 or "Address already in use" not in self._log_tail():
                break
        log = self._log_tail()
        self.stop()
        raise RuntimeError(f"Dovecot did not start on ports {self.port}/{self.ssl_port}:\n{log}")

    def stop(self, *, keep_directory: bool = False) -> None:
        """Kill Dovecot's process group, its own (start_new_session), and wait until none of it
        runs. SIGKILL at once: nothing in it is worth keeping, and a SIGTERM right after start
        can keep the master waiting for its children for seconds. The killed children that the
        master had not reaped are zombies until init reaps them (up to 2 s here): they hold no
        port or file, so they are not waited for."""
        if self.process is not None:
            group = self.process.pid
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
            deadline = time.monotonic() + 10
            while running_in_group(group) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.process = None
        if self.directory is not None and not keep_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def _wait_until_answering(self) -> bool:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self._greets(self.port, tls=False) and self._greets(self.ssl_port, tls=True):
                return True
            time.sleep(0.02)
        return False

    def _greets(self, port: int, *, tls: bool) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=2) as conn:
                if tls:
                    with self.ssl_context().wrap_socket(conn, server_hostname=self.host) as tconn:
                        return self._greeting_is_ours(tconn)
                return self._greeting_is_ours(conn)
        except OSError:
            return False

    def _greeting_is_ours(self, conn: socket.socket) -> bool:
        with conn.makefile("rb") as reader:
            return self.greeting.encode() in reader.readline(1024)

    def _log_tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("dovecot.out", "dovecot.log"):
            path = self.directory / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _make_certificate(self) -> None:
        # An EC key: made in milliseconds, where RSA takes a noticeable part of a second.
        key = self.directory / "key.pem"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost"),
                *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
                *("-addext", f"subjectAltName=IP:{self.host},DNS:localhost"),
                *("-keyout", str(key), "-out", self.cafile),
            ],
            check=True,
            capture_output=True,
        )
        key.chmod(0o600)

    def _make_users(self) -> None:
        passwd = self.directory / "passwd"
        passwd.write_text(f"{self.username}:{{PLAIN}}{self.password}\n")
        mail = self.directory / "mail"
        mail.mkdir()
        if os.geteuid() == 0:
            self._mail_owner = pwd.getpwnam("mail")
            os.chown(mail, self._mail_owner.pw_uid, self._mail_owner.pw_gid)
            passwd.chmod(0o644)  # read by the auth process, which runs as `dovecot`
            self._internal_user, self._login_user = "dovecot", "dovenull"
        else:
            self._mail_owner = pwd.getpwuid(os.geteuid())
            self._internal_user = self._login_user = self._mail_owner.pw_name

    def _config(self) -> str:
        d = self.directory
        rootless = os.geteuid() != 0
        no_chroot = "  chroot =\n" if rootless else ""
        return f"""\
# A private Dovecot for one test process; see tests/mail_servers.py.
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
login_greeting = {self.greeting}
listen = {self.host}
ssl = yes
ssl_cert = <{self.cafile}
ssl_key = <{d}/key.pem
default_internal_user = {self._internal_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(self._internal_user).pw_gid).gr_name}
default_login_user = {self._login_user}
first_valid_uid = {self._mail_owner.pw_uid}
first_valid_gid = {self._mail_owner.pw_gid}
auth_mechanisms = plain login
# Tests refuse passwords on purpose: answer in about 0.5 s rather than the default 2 s.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={self._mail_owner.pw_uid} gid={self._mail_owner.pw_gid} home={d}/mail/%u
}}
mail_location = maildir:~/Maildir
# Folder rights (RFC 4314), which a test may take away over IMAP (SETACL); without an ACL of
# its own a folder gives its owner every right, as on a server without the plugin.
mail_plugins = acl
plugin {{
  acl = vfile:cache_secs=0
}}
protocol imap {{
  mail_plugins = $mail_plugins imap_acl
}}
# Throwaway mail: no fsync, which would only slow the tests.
mail_fsync = never
service imap-login {{
{no_chroot}  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.ssl_port}
    ssl = yes
  }}
}}
service anvil {{
{no_chroot}  # Mode 0: no auth-penalty socket is made (base_dir starts empty), so auth runs without
  # penalties; else after a failed login Dovecot would delay every login from 127.0.0.1
  # (2 s, then 4, 8, up to 15) for half a minute.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    # --- clients --------------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """Verifies the server's certificate and name (127.0.0.1), as a production client would."""
        return ssl.create_default_context(cafile=self.cafile)

    def connect(self, *, tls: str = "none", login: bool = True) -> imaplib.IMAP4:
        """An IMAP connection, over `tls` "none" (plain; Dovecot counts 127.0.0.1 as secure),
        "starttls" or "ssl" (IMAPS), logged in as the test user unless `login=False`."""
        if tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"tls is 'none', 'starttls' or 'ssl', not {tls!r}")
        if tls == "ssl":
            conn = imaplib.IMAP4_SSL(
                self.host, self.ssl_port, ssl_context=self.ssl_context(), timeout=10
            )
        else:
            conn = imaplib.IMAP4(self.host, self.port, timeout=10)
            if tls == "starttls":
                conn.starttls(ssl_context=self.ssl_context())
        if login:
            conn.login(self.username, self.password)
        return conn

    def deliver(self, raw: bytes, mailbox: str = "INBOX", *, flags: tuple[str, ...] = ()) -> int:
        """Put a message into `mailbox` (created when missing) as a mail server's delivery
        would, with IMAP APPEND; returns its UID. Lines end in CRLF once stored, whatever
        `raw` used (imaplib converts them, as IMAP requires)."""
        with self.connect() as conn:
            if mailbox.upper() != "INBOX":
                conn.create(_quote(mailbox))  # "already exists" is fine
            flag_list = f"({' '.join(flags)})" if flags else None
            status, data = conn.append(_quote(mailbox), flag_list, None, raw)
            if status != "OK":
                raise imaplib.IMAP4.error(f"APPEND to {mailbox} failed: {data!r}")
            return int(_APPENDUID.search(data[0])[1])

    def messages(self, mailbox: str = "INBOX", *, unseen_only: bool = False) -> list[StoredMessage]:
        """What `mailbox` holds, by UID: (uid, flags, raw bytes). Read-only (EXAMINE and
        BODY.PEEK), so looking sets no \\Seen. \\Recent is left out: it goes to whichever session
        looked first, so it would make results depend on the order of looking."""
        with self.connect() as conn:
            status, data = conn.select(_quote(mailbox), readonly=True)
            if status != "OK":
                raise imaplib.IMAP4.error(f"no mailbox {mailbox}: {data!r}")
            _, found = conn.uid("SEARCH", "UNSEEN" if unseen_only else "ALL")
            uids = found[0].split()
            if not uids:
                return []
            _, fetched = conn.uid("FETCH", b",".join(uids).decode(), "(UID FLAGS BODY.PEEK[])")
        stored = []
        for part in fetched:
            if not isinstance(part, tuple):
                continue  # the closing ")" of each FETCH response
            head, body = part
            flags = _FETCH_FLAGS.search(head)[1].decode().split()
            flags = tuple(flag for flag in flags if flag != "\\Recent")
            stored.append(StoredMessage(int(_FETCH_UID.search(head)[1]), flags, body))
        return sorted(stored)

    def mailboxes(self) -> list[str]:
        with self.connect() as conn:
            _, lines = conn.list()
        return sorted(_list_name(line) for line in lines if line)

    def set_rights(self, mailbox: str, rights: str) -> None:
        """Create `mailbox` if missing and give the test user only `rights` on it (RFC 4314
        letters; e.g. without "i" nothing may be put in it). reset() deletes it, rights and
        all, so keep "x" (delete)."""
        with self.connect() as conn:
            conn.create(_quote(mailbox))  # "already exists" is fine
            status, data = conn.setacl(_quote(mailbox), self.username, rights)
            if status != "OK":
                raise imaplib.IMAP4.error(f"SETACL on {mailbox} failed: {data!r}")

    def reset(self) -> None:
        """Empty INBOX and delete every other mailbox (and its subscription), over IMAP: so a
        test starts as if the account were new, while Dovecot keeps running."""
        with self.connect() as conn:
            _, subscribed = conn.lsub()
            for name in {_list_name(line) for line in subscribed if line} - {"INBOX"}:
                conn.unsubscribe(_quote(name))
            _, lines = conn.list()
            others = [_list_name(line) for line in lines if line]
            # Children before parents: a parent with children is not deleted on every layout.
            for name in sorted(others, key=len, reverse=True):
                if name.upper() != "INBOX":
                    conn.delete(_quote(name))
            _, count = conn.select("INBOX")
            if int(count[0]):
                conn.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                conn.expunge()
            conn.close()


# --- SMTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """One message as the sink received it: the SMTP envelope and the bytes after DATA."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


_REPLIES = {
    4: "{code} 4.3.0 Try again later (test sink)",
    5: "{code} 5.1.1 Mailbox unavailable (test sink)",
}


class _SinkHandler:
    """aiosmtpd handler: keeps every message; refuses the next ones when told to. Its methods
    run on the controller's event-loop thread, hence the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.envelopes: list[Envelope] = []
        self.refusals: list[tuple[str, str]] = []  # (stage, reply), one per message to refuse

    def _refusal(self, envelope, stage: str) -> str | None:
        """The reply for this message at `stage`, decided once per message (a transaction with
        several recipients is refused as one message)."""
        verdict = getattr(envelope, "sink_verdict", None)
        if verdict is None:
            with self.lock:
                verdict = self.refusals.pop(0) if self.refusals else ("", "")
            envelope.sink_verdict = verdict
        refused_at, reply = verdict
        return reply if refused_at == stage else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._refusal(envelope, "rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self._refusal(envelope, "data")
        if reply:
            return reply
        raw = envelope.original_content or envelope.content
        received = Envelope(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(raw))
        with self.lock:
            self.envelopes.append(received)
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server (aiosmtpd, on a thread of this process) that delivers nowhere: it keeps
    what it receives in `envelopes`, and answers 4xx/5xx when a test asks (`refuse_next`), to
    play greylisting, an outage or a bounce at the door."""

    host = HOST

    def __init__(self) -> None:
        self.handler = _SinkHandler()
        self.port = 0
        self.controller: Controller | None = None

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        # aiosmtpd logs every SMTP command at INFO: that would bury a failing test's own output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port(HOST)
        # SMTPUTF8 accepted, as most MTAs do: the app may send to non-ASCII addresses.
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, enable_SMTPUTF8=True
        )
        self.controller.start()  # returns once the server has answered a connection

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def envelopes(self) -> list[Envelope]:
        with self.handler.lock:
            return list(self.handler.envelopes)

    def messages(self) -> list[EmailMessage]:
        """What was received, parsed the way the app will parse mail (the modern policy)."""
        return [envelope.message() for envelope in self.envelopes]

    def refuse_next(self, count: int = 1, *, code: int = 451, stage: str = "rcpt") -> None:
        """Refuse the next `count` messages with `code` (4xx: try later; 5xx: never), at RCPT
        (every recipient of the message refused: smtplib raises SMTPRecipientsRefused) or after
        DATA (smtplib raises SMTPDataError). Messages after them are accepted again."""
        if stage not in ("rcpt", "data"):
            raise ValueError(f"stage is 'rcpt' or 'data', not {stage!r}")
        reply = _REPLIES[code // 100].format(code=code)
        with self.handler.lock:
            self.handler.refusals.extend([(stage, reply)] * count)

    def clear(self) -> None:
        """Forget what was received and any refusal still to come."""
        with self.handler.lock:
            self.handler.envelopes.clear()
            self.handler.refusals.clear()
