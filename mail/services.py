"""Mail in: one service for every way mail reaches a board (an IMAP poll, a provider's inbound
webhook, an MTA's pipe to `manage.py mail_receive`), taking the raw RFC 822 bytes. (Mail out,
the team's replies, is mail.outbound's: `reply_send` and `email_send` are re-exported here.)

`mail_receive` stores every message once (its Message-ID, or a digest of its bytes when it has
none, is unique per board), and in the same transaction either opens a ticket, lands the message
on its ticket, or keeps it without a ticket, saying why:

- automatic mail (auto-replies, out-of-office, bulk, bounces: mail.parsing's `is_auto`) never
  opens a ticket and is never answered, so two autoresponders cannot loop through a board; a
  bounce marks the message it answers as bounced;
- mail from any support address of this server is the board's own and is ignored;
- a sender past the board's hourly limit opens nothing more (a runaway script, a loop).

A message lands on a ticket by its `In-Reply-To`/`References` (the Message-IDs this board sent
and received), or by a ticket reference in its subject (`[CS-12]`), but a subject reference
alone counts only from a participant of that ticket: anyone else opens a new ticket (a stranger
cannot post into someone else's ticket by guessing its number). A merged ticket's mail and
number are the ticket's it was merged into (relations.services.ticket_merge). A reply to a resolved ticket
reopens it within the board's reopen period; after it, the reply opens a new ticket that names
the old one."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from boards.models import Board
from boards.permissions import Action, allows, denied_message, role_on
from boards.selectors import board_team
from csboard.core.events import current_origin
from csboard.core.exceptions import Conflict, InvalidInput, NotFound, PermissionRefused
from customfields.services import ticket_create_with_fields
from mail.events import customer_replied
from mail.models import Email, MailSettings, SupportAddress
from mail.outbound import (  # noqa: F401 (mail out: re-exported here)
    acknowledge_send,
    email_send,
    reply_send,
)
from mail.parsing import ParsedMail, parse, ticket_reference
from mail.secrets import secret_encrypt
from notifications.models import Notification
from notifications.services import notify
from tickets.models import Source, Status, Ticket
from tickets.services import ticket_update
from workspace.models import Message
from workspace.services import message_receive

TITLE_MAX = Ticket._meta.get_field("title").max_length
NAME_MAX = Ticket._meta.get_field("customer_name").max_length
# A message without a Message-ID is known by its bytes: fetched twice, it is still one.
DIGEST_DOMAIN = "digest.csboard.invalid"

log = logging.getLogger(__name__)


class NoSupportAddress(NotFound):
    """No board receives mail at any of the message's recipients (or at the board asked for)."""


@dataclass(frozen=True)
class Received:
    """What became of a message: `outcome` is "ticket" (it opened one), "reply" (it landed on
    one), "duplicate" (seen before: nothing done again) or "ignored" (kept, no ticket:
    `email.why` says why)."""

    outcome: str
    email: Email

    @property
    def ticket(self) -> Ticket | None:
        return self.email.ticket


def support_address_set(
    *,
    board: Board,
    by,
    address: str,
    support_address: SupportAddress | None = None,
    name: str = "",
    imap_host: str = "",
    imap_port: int | None = None,
    imap_security: str = SupportAddress.Security.SSL,
    imap_username: str = "",
    imap_password_env: str = "",
    imap_folder: str = "INBOX",
    imap_done_folder: str = "",
    active: bool = True,
    password: str | None = None,
) -> SupportAddress:
    """Add a support address to `board`, or change `support_address` (one of the board's): board
    admins only. `password` is the IMAP password, stored encrypted (mail.secrets); None keeps
    the stored one (unless `imap_password_env` now names where it is), "" forgets it. It is
    never logged, nor returned other than encrypted."""
    _require_admin(board, by)
    if support_address is not None and support_address.board_id != board.pk:
        raise NotFound("No such support address on this board.")
    row = support_address or SupportAddress(board=board)
    row.address = (address or "").strip()
    row.name, row.imap_host, row.imap_port = name.strip(), imap_host.strip(), imap_port
    row.imap_security, row.imap_username = imap_security, imap_username.strip()
    row.imap_password_env = imap_password_env.strip()
    row.imap_folder, row.imap_done_folder = imap_folder.strip(), imap_done_folder.strip()
    row.active = active
    if password is not None:
        row.imap_password = secret_encrypt(password) if password else ""
    elif row.imap_password_env:  # the variable takes over from a password stored before
        row.imap_password = ""
    _check_support_address(row)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another request took the address meanwhile
        raise _address_taken() from None
    log.info(
        "Support address %s of board %s set by user %s (IMAP: %s)",
        row.address, board.pk, getattr(by, "pk", None), row.imap_host or "none",
    )  # fmt: skip
    return row


def _require_admin(board: Board, by) -> None:
    """Mail settings are the board admins': a member or guest is refused, anyone else is told
    the board does not exist."""
    role = role_on(by, board.pk, known=board)
    if role is None:
        raise NotFound("No such board.")
    if not allows(role, Action.MANAGE, board):
        raise PermissionRefused(denied_message(Action.MANAGE))


def support_address_delete(*, support_address: SupportAddress, by) -> None:
    """Stop receiving mail at the address (board admins only). Its mail stays, with its tickets."""
    board = support_address.board
    _require_admin(board, by)
    log.info(
        "Support address %s of board %s deleted by user %s",
        support_address.address, board.pk, getattr(by, "pk", None),
    )  # fmt: skip
    support_address.delete()


def _address_taken() -> Conflict:
    message = "This address already receives mail for a board."
    return Conflict(message, fields={"address": [message]})


def _check_support_address(row: SupportAddress) -> None:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(row.address)
    except ValidationError:
        errors["address"] = ["Enter a valid email address."]
    if row.imap_port is not None and not 1 <= row.imap_port <= 65535:
        errors["imap_port"] = ["A port is between 1 and 65535."]
    if row.imap_security not in SupportAddress.Security.values:
        errors["imap_security"] = [f"One of: {', '.join(SupportAddress.Security.values)}."]
    if row.imap_host:
        if not row.imap_username:
            errors["imap_username"] = ["A mailbox to poll needs its username."]
        if not row.imap_folder:
            errors["imap_folder"] = ["A mailbox to poll needs its folder (INBOX)."]
        if not (row.imap_password or row.imap_password_env):
            errors["password"] = ["Give its password, or the environment variable holding it."]
    if row.imap_password and row.imap_password_env:
        errors["imap_password_env"] = ["Either a stored password or an environment variable."]
    for field in ("name", "imap_host", "imap_username", "imap_folder", "imap_done_folder"):
        if len(getattr(row, field)) > SupportAddress._meta.get_field(field).max_length:
            errors[field] = ["Too long."]
    if row.imap_done_folder and row.imap_done_folder == row.imap_folder:
        errors["imap_done_folder"] = ["Processed mail goes to another folder than the polled one."]
    if errors:
        raise InvalidInput("The support address is not valid.", fields=errors)
    taken = (
        SupportAddress.objects.annotate(lower=Lower("address"))
        .filter(lower=row.address.lower())
        .exclude(pk=row.pk)
    )
    if taken.exists():
        raise _address_taken()


def support_address_for(parsed: ParsedMail, *, board_key: str | None = None) -> SupportAddress:
    """The support address the message was sent to (its To, then its Cc); with `board_key`, the
    address of that board (an MTA that pipes each board's mail to its own command)."""
    addresses = SupportAddress.objects.filter(active=True).select_related("board")
    if board_key is not None:
        address = addresses.filter(board__key__iexact=board_key).order_by("pk").first()
        if address is None:
            raise NoSupportAddress(f"No board with the key {board_key!r} receives mail.")
        return address
    recipients = [each.lower() for each in [*parsed.to, *parsed.cc] if each]
    found = {
        address.address.lower(): address
        for address in addresses.annotate(lower=Lower("address")).filter(lower__in=recipients)
    }
    for recipient in recipients:
        if recipient in found:
            return found[recipient]
    raise NoSupportAddress("No board receives mail at any of this message's recipients.")


def mail_settings(board: Board) -> MailSettings:
    return MailSettings.objects.filter(board=board).first() or MailSettings(board=board)


MAIL_SETTINGS_FIELDS = (
    "acknowledge",
    "acknowledge_subject",
    "acknowledge_body",
    "reopen_days",
    "sender_hourly_limit",
)


def mail_settings_set(*, board: Board, by, **values) -> MailSettings:
    """Change how the board treats its mail (board admins only): its acknowledgement of new
    tickets and its template, the reopen period, the hourly limit per sender."""
    _require_admin(board, by)
    unknown = set(values).difference(MAIL_SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        row = MailSettings.objects.select_for_update().filter(board=board).first()
        row = row or MailSettings(board=board)
        for name, value in values.items():
            setattr(row, name, value)
        if not (row.acknowledge_subject or "").strip():
            message = "An acknowledgement needs a subject."
            raise InvalidInput(message, fields={"acknowledge_subject": [message]})
        row.save()
    return row


def mail_receive(
    raw: bytes,
    *,
    address: SupportAddress | None = None,
    board_key: str | None = None,
    now: datetime | None = None,
) -> Received:
    """Receive one message (its raw bytes, as they came), all or nothing: see the module."""
    parsed = parse(raw)
    address = address or support_address_for(parsed, board_key=board_key)
    board = address.board
    now = now or timezone.now()
    message_id = parsed.message_id or f"{hashlib.sha256(raw).hexdigest()[:40]}@{DIGEST_DOMAIN}"
    with transaction.atomic():
        try:
            with transaction.atomic():  # the unique (board, Message-ID) tells a message seen
                email = _store(raw, parsed, board, address, message_id)
        except IntegrityError:
            return Received("duplicate", Email.objects.get(board=board, message_id=message_id))
        settings = mail_settings(board)  # once a message, for every rule below
        why = _why_ignored(parsed, board, settings, now)
        if why:
            email.state, email.why = Email.State.IGNORED, why
            email.save(update_fields=["state", "why"])
            if why == Email.Why.BOUNCE:
                _mark_bounced(board, parsed)
            return Received("ignored", email)
        ticket = _thread(parsed, board)
        sender_email = _valid_email(parsed.from_address)
        sender_name = parsed.from_name or ("" if sender_email else (parsed.from_address or ""))
        files = [_file(attachment) for attachment in parsed.attachments]
        body = parsed.reply_text or parsed.text
        if ticket is None:
            ticket, entry = customer_ticket_open(
                board=board, source=Source.EMAIL, title=parsed.subject, body=body,
                sender_name=sender_name, sender_email=sender_email, files=files,
                channel=Message.Channel.EMAIL,
            )  # fmt: skip
            outcome = "ticket"
        else:
            ticket, entry, outcome = customer_reply(
                ticket=ticket, body=body, sender_name=sender_name, sender_email=sender_email,
                files=files, channel=Message.Channel.EMAIL, source=Source.EMAIL,
                settings=settings, now=now,
            )  # fmt: skip
        email.ticket, email.entry = ticket, entry
        email.save(update_fields=["ticket", "entry"])
        if outcome == "ticket" and settings.acknowledge and ticket.customer_email:
            acknowledge_send(ticket=ticket, settings=settings, answering=message_id)
    return Received(outcome, email)


def _store(raw: bytes, parsed: ParsedMail, board, address, message_id: str) -> Email:
    return Email.objects.create(
        board=board,
        address=address,
        direction=Email.Direction.INBOUND,
        state=Email.State.RECEIVED,
        message_id=message_id[:998],
        in_reply_to=(parsed.in_reply_to or "")[:998],
        references=" ".join(parsed.references),
        from_address=(parsed.from_address or "")[:320],
        from_name=parsed.from_name[:200],
        to=parsed.to,
        cc=parsed.cc,
        subject=parsed.subject[:998],
        text=parsed.text,
        html=parsed.html,
        raw=raw,
    )


def _why_ignored(parsed: ParsedMail, board: Board, settings: MailSettings, now: datetime) -> str:
    if parsed.is_bounce:
        return Email.Why.BOUNCE
    if parsed.is_auto:
        return Email.Why.AUTO_REPLY
    sender = (parsed.from_address or "").lower()
    own = SupportAddress.objects.annotate(lower=Lower("address")).filter(lower=sender)
    if sender and own.exists():
        return Email.Why.OWN_ADDRESS
    limit = settings.sender_hourly_limit
    recent = Email.objects.filter(
        board=board,
        direction=Email.Direction.INBOUND,
        state=Email.State.RECEIVED,
        from_address=sender,
        created_at__gte=now - timedelta(hours=1),
    )
    # This message's own row is among them (state RECEIVED until decided).
    if sender and recent.count() > limit:
        return Email.Why.RATE_LIMITED
    return ""


def _mark_bounced(board: Board, parsed: ParsedMail) -> None:
    if parsed.bounced_message_id:
        Email.objects.filter(
            board=board, direction=Email.Direction.OUTBOUND, message_id=parsed.bounced_message_id
        ).update(state=Email.State.BOUNCED, error=(parsed.text or "")[:2000])


def customer_ticket_open(
    *,
    board: Board,
    source: str,
    title: str,
    body: str,
    sender_name: str,
    sender_email: str,
    channel: str,
    files=(),
    column=None,
    follow_up_of: Ticket | None = None,
    **fields,
) -> tuple[Ticket, Message]:
    """A customer's new request, however it came (their mail, the request form): a ticket in
    the board's intake column (or `column`), the customer linked by their email, due by the SLA
    policy, the request its first public message (with its files), and the board's team told.
    `fields` are the ticket's own (e.g. `priority`, `customer_company`, `tags` go through
    tickets.services.ticket_create's checks). The caller's transaction holds it all."""
    name = " ".join((sender_name or "").split())[:NAME_MAX]
    description = f"Follow-up to {follow_up_of.reference}." if follow_up_of else ""
    ticket = ticket_create_with_fields(
        board=board,
        created_by=None,
        from_outside=True,
        source=source,
        column=column,
        title=" ".join((title or "").split())[:TITLE_MAX] or "(No subject)",
        description=fields.pop("description", description),
        customer_email=sender_email,
        customer_name=name,
        **fields,
    )
    entry = message_receive(
        ticket=ticket, body=body, sender_name=name, sender_email=sender_email, files=files,
        channel=channel,
    )  # fmt: skip
    notify(
        recipients=list(board_team(board)),
        kind=Notification.Kind.NEW_TICKET,
        board=board,
        ticket=ticket,
        title=f"New ticket from {name or sender_email or 'a customer'}: {ticket.title}",
        url=ticket.get_absolute_url(),
    )
    return ticket, entry


def customer_reply(
    *,
    ticket: Ticket,
    body: str,
    sender_name: str,
    sender_email: str,
    channel: str,
    source: str,
    files=(),
    settings: MailSettings | None = None,
    now: datetime | None = None,
) -> tuple[Ticket, Message, str]:
    """A customer's answer on their ticket, however it came (their mail, the portal), and what it
    does: on a resolved ticket within the board's reopen period it reopens it (back to the first
    open column if it sat in a done one); after that period it opens a new ticket naming the old
    one (opened from `source`); on a ticket waiting on the customer it sets it going again (the resolution clock runs
    again). The assignees hear of it. Returns the ticket it landed on, its message, and
    "reply" or "ticket" (a follow-up was opened)."""
    board = ticket.board
    settings = settings or mail_settings(board)
    now = now or timezone.now()
    if ticket.resolved_at is not None:
        if now > ticket.resolved_at + timedelta(days=settings.reopen_days):
            follow_up, entry = customer_ticket_open(
                board=board, source=source, title=ticket.title, body=body,
                sender_name=sender_name, sender_email=sender_email, files=files,
                channel=channel, follow_up_of=ticket,
            )  # fmt: skip
            return follow_up, entry, "ticket"
        intake = None
        if ticket.column.is_done:
            intake = board.columns.filter(is_done=False).order_by("position", "id").first()
        ticket = ticket_update(ticket=ticket, by=None, status=Status.IN_PROGRESS, column=intake)
    elif ticket.status == Status.WAITING:  # the customer answered
        ticket = ticket_update(ticket=ticket, by=None, status=Status.IN_PROGRESS)
    entry = message_receive(
        ticket=ticket, body=body, sender_name=sender_name, sender_email=sender_email,
        files=files, channel=channel,
    )  # fmt: skip
    customer_replied.emit(
        ticket_id=ticket.pk, board_id=ticket.board_id, key=f"message:{entry.pk}",
        origin=current_origin().kind, channel=channel,
    )  # fmt: skip
    return ticket, entry, "reply"


def _thread(parsed: ParsedMail, board: Board) -> Ticket | None:
    ids = [each for each in [parsed.in_reply_to, *parsed.references] if each]
    if ids:
        known = (
            # Not an archived ticket (off the board): the mail then opens a ticket of its own.
            Email.objects.filter(
                board=board, message_id__in=ids, ticket__isnull=False, ticket__archived_at=None
            )
            .select_related("ticket__column")
            .order_by("-created_at", "-id")
            .first()
        )
        if known is not None:
            return known.ticket
    number = ticket_reference(parsed.subject, board.key)
    if number is None:
        return None
    ticket = _live_ticket(board, number)
    if ticket is None or not _is_participant(ticket, parsed.from_address):
        return None  # a stranger naming someone else's ticket opens a ticket of their own
    return ticket


def _live_ticket(board: Board, number: int) -> Ticket | None:
    """The live ticket known by `number`: itself, or the ticket it was merged into (its mail
    moved there too, so an In-Reply-To finds that one as well)."""
    ticket = (
        Ticket.all_objects.filter(board=board, number=number)
        .select_related("column", "merged_into__column")
        .first()
    )
    if ticket is not None and ticket.merged_into is not None:
        ticket = ticket.merged_into
    return ticket if ticket is not None and ticket.archived_at is None else None


def participants(ticket: Ticket) -> set[str]:
    """The addresses taking part in a ticket's conversation: its customer, whoever wrote in on
    it, and whoever its mail went to or was copied to (the board's own addresses left out)."""
    addresses = {ticket.customer_email.lower()} if ticket.customer_email else set()
    for sender, to, cc in ticket.emails.values_list("from_address", "to", "cc"):
        addresses.update(each.lower() for each in [sender, *(to or []), *(cc or [])] if each)
    own = SupportAddress.objects.annotate(lower=Lower("address")).values_list("lower", flat=True)
    return addresses.difference(own)


def reply_address(ticket: Ticket) -> str:
    """Where a reply on the ticket goes (its customer's address), or "" when it cannot be
    emailed: no customer address, or no active support address on its board to send from."""
    if not ticket.customer_email:
        return ""
    sends = SupportAddress.objects.filter(board_id=ticket.board_id, active=True).exists()
    return ticket.customer_email if sends else ""


def _is_participant(ticket: Ticket, sender: str | None) -> bool:
    return bool(sender) and sender.lower() in participants(ticket)


def _valid_email(address: str | None) -> str:
    try:
        validate_email(address or "")
    except ValidationError:
        return ""
    return address


def _file(attachment) -> ContentFile:
    upload = ContentFile(attachment.content, name=attachment.filename)
    upload.content_id = attachment.content_id or ""
    return upload
