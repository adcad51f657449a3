"""Replies out: the team answers the customer by email, one thread per ticket.

`reply_send` writes, in one transaction under the ticket's lock, the public message on the
ticket and an outbox row (an outbound `Email`, queued) holding the whole message as it will be
sent: its raw bytes are built then, so what goes out is exactly what was recorded, and its
Message-ID is known before anything is sent (a customer's answer to it finds its ticket through
mail_receive's In-Reply-To/References). After commit a task sends it.

`email_send` sends one queued email, exactly once, as the reminders do: it locks the row
(skipping a row another run holds), sends the stored bytes and marks the row sent in the same
transaction. A temporary mail-server error counts an attempt and is raised, so the task retries
with back-off; a permanent refusal (a 5xx for every recipient, or for the message) fails the
email at once, and so does a temporary error on the task's last attempt."""

import re
import uuid
from collections.abc import Iterable
from datetime import timedelta
from email.utils import formataddr, parseaddr
from smtplib import SMTPDataError, SMTPException, SMTPRecipientsRefused

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from boards.permissions import Action, require
from csboard.core.aftercommit import enqueue_after_commit
from csboard.core.exceptions import InvalidInput
from csboard.core.markdown import render
from mail.models import Email, SupportAddress
from notifications.email import email_compose
from tickets.locks import lock_ticket
from tickets.models import Ticket
from tickets.services import ticket_record_first_response
from workspace.models import Message
from workspace.services import message_reply

# RFC 5322 lets a long References be trimmed: the thread's first id and its latest ones stay.
REFERENCES_MAX = 20
CC_MAX = 20
# A queued email never tried this long after it was written lost its task: enqueued again.
RESEND_AFTER = timedelta(minutes=10)
RESEND_BATCH = 500
_RE = re.compile(r"^\s*re\s*:", re.IGNORECASE)
# Mail no person wrote (RFC 3834; Exchange's own header): autoresponders leave it unanswered.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


@transaction.atomic
def reply_send(
    *,
    ticket: Ticket,
    by,
    body: str,
    cc: Iterable[str] = (),
    files: Iterable[UploadedFile] = (),
    automatic: bool = False,
) -> Message:
    """Reply to the ticket's customer as `by` (a member or admin of its board; a guest is
    refused): a public message on the ticket, emailed to the customer (and `cc`) from the
    board's support address, in the ticket's thread. The first reply stops the ticket's
    first-response clock. `automatic`: sent by an automation rule in `by`'s name, marked so
    (RFC 3834 `Auto-Submitted`, so that no autoresponder answers it), and no first response
    (a canned answer nobody wrote is not the team responding). Returns the message; its email
    is `message.email`."""
    require(by, Action.WORK, ticket.board)
    ticket = lock_ticket(ticket.pk)
    if not ticket.customer_email:
        message = "This ticket has no customer email to reply to."
        raise InvalidInput(message, fields={"customer_email": [message]})
    cc = _valid_cc(cc, ticket.customer_email)
    address = _address_for(ticket)
    message = message_reply(ticket=ticket, by=by, body=body, files=files)
    # The files are on storage already: a failure from here on rolls their rows back, and
    # takes them away too (attachments_upload does so for a failure of its own).
    stored = [attachment.file for attachment in message.attachments.all()]
    try:
        email = _queue(ticket, message, address, cc, automatic=automatic)
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise
    if not automatic:
        ticket_record_first_response(ticket=ticket, by=by)
    # Best effort (csboard.core.aftercommit): a broker away at commit leaves the row queued,
    # and the outbox sweep (email_resend_queued) sends it later.
    from mail.tasks import email_send_task

    enqueue_after_commit(email_send_task, email.pk)
    return message


def _queue(
    ticket: Ticket, message: Message, address: SupportAddress, cc: list[str], *, automatic: bool
) -> Email:
    """The outbox row of `message`, its raw bytes built."""
    previous = ticket.emails.order_by("-created_at", "-id").first()
    in_reply_to = previous.message_id if previous else ""
    references = _references(previous)
    message_id = f"{uuid.uuid4().hex}@{address.address.rpartition('@')[2].lower()}"
    from_name = address.name or ticket.board.name
    subject = reply_subject(ticket)
    html = render(message.body)
    built = email_compose(
        subject=subject,
        text=message.body,
        html=html,
        from_email=formataddr((from_name, address.address)),
        to=[ticket.customer_email],
        cc=cc,
        headers={
            **_thread_headers(message_id, in_reply_to, references),
            **(AUTOMATIC_HEADERS if automatic else {}),
        },
        attachments=_files(message),
    )
    email = Email.objects.create(
        board_id=ticket.board_id,
        address=address,
        ticket=ticket,
        entry=message,
        direction=Email.Direction.OUTBOUND,
        state=Email.State.QUEUED,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=" ".join(references),
        from_address=address.address,
        from_name=from_name[:200],
        to=[ticket.customer_email],
        cc=cc,
        subject=subject[:998],
        text=message.body,
        html=str(html),
        raw=built.message().as_bytes(linesep="\r\n"),
    )
    return email


PLACEHOLDER = re.compile(r"\{(name|reference|title|board)\}")


def fill_in(template: str, ticket: Ticket) -> str:
    """The board's template with its placeholders filled in; any other brace stays as written
    (no format string: a template cannot reach an attribute)."""
    values = {
        "name": ticket.customer_name or "there",
        "reference": ticket.reference,
        "title": " ".join(ticket.title.split()),
        "board": ticket.board.name,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def acknowledge_send(*, ticket: Ticket, settings, answering: str) -> Email:
    """The board's acknowledgement of a new ticket, to its customer, in the thread of the mail
    that opened it (`answering`, its Message-ID). An email only, not a message of the ticket: it
    is not the team's first response. Marked automatic (RFC 3834), so no autoresponder answers."""
    return notice_send(
        ticket=ticket,
        subject=fill_in(settings.acknowledge_subject, ticket),
        text=fill_in(settings.acknowledge_body, ticket),
        answering=answering,
        auto_submitted="auto-replied",
    )


def notice_send(
    *,
    ticket: Ticket,
    subject: str,
    text: str,
    html: str | None = None,
    answering: str = "",
    auto_submitted: str = "auto-generated",
) -> Email:
    """An automatic email to the ticket's customer (an acknowledgement, the request form's
        confirmation), queued on the ticket and sent after commit, once: not a message of the
        ticket, so not the team's first response. It has a Message-ID of the ticket's thread, so
        the customer's answer to it lands on the ticket. From the board's support address, or
        without one from DEFAULT_FROM_EMAIL under the board's name. `text` is Markdown, rendered as
    its HTML unless `html` is given."""
    address = _sender(ticket)
    from_address = address.address if address else parseaddr(django_settings.DEFAULT_FROM_EMAIL)[1]
    from_name = (address.name if address else "") or ticket.board.name
    message_id = f"{uuid.uuid4().hex}@{from_address.rpartition('@')[2].lower() or 'localhost'}"
    subject = " ".join(subject.split())[:998]
    html = render(text) if html is None else html
    headers = {
        **_thread_headers(message_id, answering, [answering] if answering else []),
        **AUTOMATIC_HEADERS,
        "Auto-Submitted": auto_submitted,
    }
    built = email_compose(
        subject=subject,
        text=text,
        html=html,
        from_email=formataddr((from_name, from_address)),
        to=[ticket.customer_email],
        headers=headers,
    )
    email = Email.objects.create(
        board_id=ticket.board_id, address=address, ticket=ticket,
        direction=Email.Direction.OUTBOUND, state=Email.State.QUEUED, message_id=message_id,
        in_reply_to=answering, references=answering, from_address=from_address,
        from_name=from_name[:200], to=[ticket.customer_email], subject=subject, text=text,
        html=str(html), raw=built.message().as_bytes(linesep="\r\n"),
    )  # fmt: skip
    from mail.tasks import email_send_task

    enqueue_after_commit(email_send_task, email.pk)
    return email


def _files(message: Message):
    for attachment in message.attachments.order_by("created_at", "id"):
        with attachment.file.open("rb") as stored:
            yield attachment.name, stored.read(), attachment.content_type or None


def reply_subject(ticket: Ticket) -> str:
    """`Re: <title> [KEY-n]`: one `Re:`, and the reference mail_receive finds the ticket by."""
    title = " ".join(ticket.title.split())
    subject = title if _RE.match(title) else f"Re: {title}"
    tag = f"[{ticket.reference}]"
    return subject if tag.lower() in subject.lower() else f"{subject} {tag}"


def _valid_cc(cc: Iterable[str], customer_email: str) -> list[str]:
    addresses, errors, seen = [], [], {customer_email.lower()}
    for each in cc:
        each = (each or "").strip()
        if not each:
            continue
        try:
            validate_email(each)
        except ValidationError:
            errors.append(f"“{each[:100]}” is not an email address.")
            continue
        if each.lower() in seen:
            continue
        if SupportAddress.objects.filter(address__iexact=each).exists():
            errors.append(f"{each} is a support address: a copy would come back in as mail.")
            continue
        seen.add(each.lower())
        addresses.append(each)
    if len(addresses) > CC_MAX:
        errors.append(f"At most {CC_MAX} addresses in copy.")
    if errors:
        raise InvalidInput(" ".join(errors), fields={"cc": errors})
    return addresses


def _address_for(ticket: Ticket) -> SupportAddress:
    """The address a reply goes out from (`_sender`): a reply needs one."""
    address = _sender(ticket)
    if address is None:
        message = "This board has no active support address to send email from: add one first."
        raise InvalidInput(message, fields={"address": [message]})
    return address


def _sender(ticket: Ticket) -> SupportAddress | None:
    """The support address the customer last wrote to, else the board's first active one."""
    last = (
        ticket.emails.filter(
            direction=Email.Direction.INBOUND, address__active=True, address__board=ticket.board_id
        )
        .select_related("address")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        return last.address
    address = SupportAddress.objects.filter(board=ticket.board_id, active=True).order_by("pk")
    return address.first()


def _references(previous: Email | None) -> list[str]:
    """The thread's References and the latest message's id, each once, trimmed to the first id
    and the latest REFERENCES_MAX - 1."""
    if previous is None:
        return []
    ids: list[str] = []
    for each in [*previous.references.split(), previous.message_id]:
        if each not in ids:
            ids.append(each)
    if len(ids) > REFERENCES_MAX:
        ids = [ids[0], *ids[-(REFERENCES_MAX - 1) :]]
    return ids


def _thread_headers(message_id: str, in_reply_to: str, references: list[str]) -> dict:
    headers = {"Message-ID": f"<{message_id}>"}
    if in_reply_to:
        headers["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        headers["References"] = " ".join(f"<{each}>" for each in references)
    return headers


# --- Sending -----------------------------------------------------------------------------------
class _StoredBytes:
    """The message as recorded: what Django's backends call `.message()` for."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.raw  # stored with CRLF line ends, as SMTP wants them

    def as_string(self, *args, **kwargs) -> str:
        return self.raw.decode("ascii", "replace")


class StoredEmail(EmailMultiAlternatives):
    """An email sent as its stored raw bytes, to an envelope of its own."""

    def __init__(self, email: Email):
        super().__init__(
            subject=email.subject,
            from_email=email.from_address,
            to=list(email.to or []),
            cc=list(email.cc or []),
        )
        self.raw = bytes(email.raw)

    def message(self, *args, **kwargs):
        return _StoredBytes(self.raw)


def is_permanent(error: Exception) -> bool:
    """A 5xx refusal: of the message, or of every recipient. Sending again cannot help."""
    if isinstance(error, SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def email_send(*, email_id: int, last_attempt: bool = False) -> str:
    """Send one queued outbound email, once; returns its state. A temporary mail-server error
    is raised after counting the attempt (the task retries), unless `last_attempt`: the email
    then fails, as after a permanent refusal."""
    failure = None
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=email_id, direction=Email.Direction.OUTBOUND)
            .first()
        )
        if email is None:  # another run is sending it (or it is gone)
            state = Email.objects.filter(pk=email_id).values_list("state", flat=True).first()
            return state or "gone"
        if email.state != Email.State.QUEUED:
            return email.state
        try:
            with get_connection(fail_silently=False) as connection:
                connection.send_messages([StoredEmail(email)])
        except (SMTPException, OSError) as error:
            email.attempts += 1
            email.error = f"{type(error).__name__}: {error}"[:2000]
            if last_attempt or is_permanent(error):
                email.state = Email.State.FAILED
            else:
                failure = error
            email.save(update_fields=["attempts", "error", "state"])
        else:
            email.state, email.sent_at, email.error = Email.State.SENT, timezone.now(), ""
            email.attempts += 1
            email.save(update_fields=["state", "sent_at", "error", "attempts"])
    if failure is not None:
        raise failure
    return email.state


def email_resend_queued(*, now=None) -> list[int]:
    """Enqueue again the outbound emails still queued, never tried, a while after they were
    written: their task was lost (a broker away at commit). Sending twice is harmless."""
    from mail.tasks import email_send_task

    now = now or timezone.now()
    lost = Email.objects.filter(
        direction=Email.Direction.OUTBOUND,
        state=Email.State.QUEUED,
        attempts=0,
        created_at__lte=now - RESEND_AFTER,
    )
    ids = list(lost.order_by("created_at", "id").values_list("id", flat=True)[:RESEND_BATCH])
    for email_id in ids:
        enqueue_after_commit(email_send_task, email_id)
    return ids
