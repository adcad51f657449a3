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
cannot post into someone else's ticket by guessing its number). A reply to a resolved ticket
reopens it within the board's reopen period; after it, the reply opens a new ticket that names
the old one."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from boards.models import Board
from boards.selectors import board_team
from csboard.core.exceptions import NotFound
from mail.models import Email, MailSettings, SupportAddress
from mail.outbound import email_send, reply_send  # noqa: F401 (mail out: re-exported here)
from mail.parsing import ParsedMail, parse, ticket_reference
from notifications.models import Notification
from notifications.services import notify
from tickets.models import Source, Status, Ticket
from tickets.services import ticket_create, ticket_update
from workspace.services import message_receive

TITLE_MAX = Ticket._meta.get_field("title").max_length
NAME_MAX = Ticket._meta.get_field("customer_name").max_length
# A message without a Message-ID is known by its bytes: fetched twice, it is still one.
DIGEST_DOMAIN = "digest.csboard.invalid"


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
        why = _why_ignored(parsed, board, now)
        if why:
            email.state, email.why = Email.State.IGNORED, why
            email.save(update_fields=["state", "why"])
            if why == Email.Why.BOUNCE:
                _mark_bounced(board, parsed)
            return Received("ignored", email)
        ticket, outcome = _ticket_for(parsed, board, now)
        email.ticket = ticket
        email.entry = message_receive(
            ticket=ticket,
            body=parsed.reply_text or parsed.text,
            sender_name=parsed.from_name,
            sender_email=_valid_email(parsed.from_address),
            files=[_file(attachment) for attachment in parsed.attachments],
        )
        email.save(update_fields=["ticket", "entry"])
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


def _why_ignored(parsed: ParsedMail, board: Board, now: datetime) -> str:
    if parsed.is_bounce:
        return Email.Why.BOUNCE
    if parsed.is_auto:
        return Email.Why.AUTO_REPLY
    sender = (parsed.from_address or "").lower()
    own = SupportAddress.objects.annotate(lower=Lower("address")).filter(lower=sender)
    if sender and own.exists():
        return Email.Why.OWN_ADDRESS
    limit = mail_settings(board).sender_hourly_limit
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


def _ticket_for(parsed: ParsedMail, board: Board, now: datetime) -> tuple[Ticket, str]:
    """The ticket the message lands on (reopened or set going again if need be), or a new one."""
    ticket = _thread(parsed, board)
    follow_up_of = None
    if ticket is not None and ticket.resolved_at is not None:
        reopen_until = ticket.resolved_at + timedelta(days=mail_settings(board).reopen_days)
        if now <= reopen_until:
            intake = None
            if ticket.column.is_done:
                intake = board.columns.filter(is_done=False).order_by("position", "id").first()
            return ticket_update(
                ticket=ticket, by=None, status=Status.IN_PROGRESS, column=intake
            ), "reply"
        follow_up_of, ticket = ticket, None
    if ticket is not None:
        if ticket.status == Status.WAITING:  # the customer answered
            ticket = ticket_update(ticket=ticket, by=None, status=Status.IN_PROGRESS)
        return ticket, "reply"
    return _open_ticket(parsed, board, follow_up_of), "ticket"


def _thread(parsed: ParsedMail, board: Board) -> Ticket | None:
    ids = [each for each in [parsed.in_reply_to, *parsed.references] if each]
    if ids:
        known = (
            Email.objects.filter(board=board, message_id__in=ids, ticket__isnull=False)
            .select_related("ticket__column")
            .order_by("-created_at", "-id")
            .first()
        )
        if known is not None:
            return known.ticket
    number = ticket_reference(parsed.subject, board.key)
    if number is None:
        return None
    ticket = Ticket.objects.filter(board=board, number=number).select_related("column").first()
    if ticket is None or not _is_participant(ticket, parsed.from_address):
        return None  # a stranger naming someone else's ticket opens a ticket of their own
    return ticket


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


def _open_ticket(parsed: ParsedMail, board: Board, follow_up_of: Ticket | None) -> Ticket:
    email = _valid_email(parsed.from_address)
    name = parsed.from_name or ("" if email else (parsed.from_address or ""))
    ticket = ticket_create(
        board=board,
        created_by=None,
        source=Source.EMAIL,
        title=" ".join(parsed.subject.split())[:TITLE_MAX] or "(No subject)",
        description=f"Follow-up to {follow_up_of.reference}." if follow_up_of else "",
        customer_email=email,
        customer_name=name[:NAME_MAX],
    )
    notify(
        recipients=list(board_team(board)),
        kind=Notification.Kind.NEW_TICKET,
        board=board,
        ticket=ticket,
        title=f"New ticket from {parsed.from_name or email or 'a customer'}: {ticket.title}",
        url=ticket.get_absolute_url(),
    )
    return ticket


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
