"""Every change to checklists, chat and files. Each records the ticket's history (Activity) and
tells the people concerned (notifications), in the same transaction as the change itself.

A write on a ticket's checklist, chat or files first locks the ticket (boards/locks.py): writers
of one checklist queue up (positions stay dense 0..n-1), and a ticket deleted meanwhile is a
NotFound rather than a row pointing at nothing."""

import mimetypes
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from boards.locks import lock_board
from boards.models import Board, Membership
from boards.permissions import Action, require
from boards.realtime import board_changed, people_changed
from csboard.core.events import current_origin
from csboard.core.exceptions import Conflict, InvalidInput, NotFound, PayloadTooLarge
from csboard.core.markdown import mentions
from csboard.core.ordering import place
from csboard.core.validation import max_length_of
from notifications.models import Notification
from notifications.services import notify
from tickets.locks import lock_ticket
from tickets.models import Activity, Ticket
from tickets.selectors import ticket_followers
from tickets.services import activity_record
from workspace.models import Attachment, ChecklistItem, Message

# Each limit is its column's (the API's input fields take theirs from the same place).
NAME_MAX = max_length_of(Attachment, "name")
CHECKLIST_TEXT_MAX = max_length_of(ChecklistItem, "text")
MESSAGE_MAX = max_length_of(Message, "body")


def _text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("This cannot be empty.", fields={field: ["This cannot be empty."]})
    if len(value) > max_length:
        message = f"At most {max_length} characters."
        raise InvalidInput(message, fields={field: [message]})
    if "\x00" in value:
        raise InvalidInput("Invalid characters.", fields={field: ["Invalid characters."]})
    return value


def _locked(row, ticket: Ticket | None = None):
    """`row` read again under its own lock, taken after its ticket's (boards/locks.py);
    NotFound once someone deleted it."""
    fresh = (
        type(row).objects.select_for_update(no_key=True).filter(pk=row.pk).order_by("pk").first()
    )
    if fresh is None:
        raise NotFound(f"This {type(row)._meta.verbose_name} was deleted meanwhile.")
    if ticket is not None:
        fresh.ticket = ticket
    return fresh


# --- Checklist -------------------------------------------------------------------------------
def _record_checklist(item: ChecklistItem, by, action: str, **details) -> None:
    activity_record(
        ticket=item.ticket, by=by, kind=Activity.Kind.CHECKLIST,
        data={"action": action, "text": item.text, **details},
    )  # fmt: skip


@transaction.atomic
def checklist_item_add(*, ticket: Ticket, by, text: str) -> ChecklistItem:
    ticket = lock_ticket(ticket.pk)
    item = ChecklistItem.objects.create(
        ticket=ticket,
        text=_text(text, "text", CHECKLIST_TEXT_MAX),
        position=ticket.checklist.count(),
    )
    _record_checklist(item, by, "added")
    return item


@transaction.atomic
def checklist_items_add(*, ticket: Ticket, by, texts: Iterable[str]) -> list[ChecklistItem]:
    """Several items at once, after those the ticket has, in the order given (a new ticket's
    from its template): each checked as checklist_item_add checks one, all or none written."""
    texts = [_text(text, "checklist", CHECKLIST_TEXT_MAX) for text in texts]
    if not texts:
        return []
    ticket = lock_ticket(ticket.pk)
    start = ticket.checklist.count()
    items = ChecklistItem.objects.bulk_create(
        ChecklistItem(ticket=ticket, text=text, position=start + index)
        for index, text in enumerate(texts)
    )
    # Each its line of history, through the one writer of history (live updates, followers,
    # events, the automation origin), as one added alone would.
    for item in items:
        _record_checklist(item, by, "added")
    return items


@transaction.atomic
def checklist_item_update(
    *, item: ChecklistItem, by, text: str | None = None, done: bool | None = None,
    position: int | None = None,
) -> ChecklistItem:  # fmt: skip
    """Edit the text, tick or untick (who and when are kept), or move the item to `position`."""
    item = _locked(item, lock_ticket(item.ticket_id))
    if text is not None and text.strip() != item.text:
        item.text = _text(text, "text", CHECKLIST_TEXT_MAX)
        item.save(update_fields=["text"])
        _record_checklist(item, by, "edited")
    if done is not None and done != item.is_done:
        item.done_at, item.done_by = (timezone.now(), by) if done else (None, None)
        item.save(update_fields=["done_at", "done_by"])
        _record_checklist(item, by, "ticked" if done else "unticked")
    if position is not None and position != item.position:
        old_position = item.position
        place(list(item.ticket.checklist.all()), item, position)
        if item.position != old_position:  # a move past either end changes nothing
            _record_checklist(item, by, "moved", **{"from": old_position, "to": item.position})
    return item


@transaction.atomic
def checklist_item_delete(*, item: ChecklistItem, by) -> None:
    item = _locked(item, lock_ticket(item.ticket_id))
    item.delete()
    place(list(item.ticket.checklist.all()))
    _record_checklist(item, by, "removed")


# --- Chat --------------------------------------------------------------------------------------
def _members_named(board: Board, names: set[str]) -> list:
    if not names:
        return []
    members = Membership.objects.filter(board=board).select_related("user")
    return [m.user for m in members if m.user.username.lower() in names]


def _where(message: Message) -> str:
    if message.ticket_id:
        return message.ticket.reference
    return f"the {message.board.name} board chat"


def _link(board: Board, ticket: Ticket | None) -> str:
    from django.urls import reverse

    if ticket is not None:
        return f"{ticket.get_absolute_url()}#chat"
    return f"{reverse('boards:detail', args=[board.pk])}#board-chat"


def _author_name(by) -> str:
    """Who wrote, for a notification's title: the person, or the board's automation rule that
    posted the note (csboard.core.events `acting`)."""
    if by is not None:
        return str(by)
    origin = current_origin()
    return f"Rule ‘{origin.name}’" if origin.is_automation else "System"


def _notify_mentioned(message: Message, users: list, by) -> None:
    if message.ticket_id:  # My work lists the tickets that mention them
        people_changed(user.pk for user in users)
    notify(
        recipients=users, kind=Notification.Kind.MENTION, actor=by, board=message.board,
        ticket=message.ticket, title=f"{_author_name(by)} mentioned you in {_where(message)}",
        body=message.body[:300], url=_link(message.board, message.ticket),
    )  # fmt: skip


@transaction.atomic
def message_post(*, board: Board, by, body: str, ticket: Ticket | None = None) -> Message:
    """Post to a ticket's chat (or the board chat when `ticket` is None). @username mentions of
    board members notify them once; a ticket's followers hear of the message (once, and not the
    author: tickets.selectors.ticket_followers). An internal note is not an answer to the customer: only a reply (mail.outbound's
    reply_send) stops the first-response clock."""
    if ticket is not None:
        ticket = lock_ticket(ticket.pk)
    message = Message.objects.create(
        board=board, ticket=ticket, author=by, body=_text(body, "body", MESSAGE_MAX)
    )
    mentioned = _members_named(board, mentions(message.body))
    _notify_mentioned(message, mentioned, by)
    url = _link(board, ticket)
    if ticket is not None:
        told = {user.pk for user in mentioned}
        followers = [user for user in ticket_followers(ticket, exclude=by) if user.pk not in told]
        notify(
            recipients=followers, kind=Notification.Kind.COMMENT, actor=by, ticket=ticket,
            title=f"{_author_name(by)} wrote on {ticket.reference}: {ticket.title}",
            body=message.body[:300], url=url,
        )  # fmt: skip
        activity_record(
            ticket=ticket, by=by, kind=Activity.Kind.COMMENT,
            data={"action": "posted", "message": message.pk},
        )  # fmt: skip
    else:
        board_changed(board.pk, kind="chat")
    return message


@transaction.atomic
def message_reply(*, ticket: Ticket, by, body: str, files: Iterable[UploadedFile] = ()) -> Message:
    """A team member's public reply to the customer on their ticket (the mail app emails it):
    Markdown within the limits of a chat message, its files stored with it. The ticket's
    followers hear of it (not its author). The caller checks who may reply."""
    ticket = lock_ticket(ticket.pk)
    message = Message.objects.create(
        board_id=ticket.board_id, ticket=ticket, author=by, public=True,
        body=_text(body, "body", MESSAGE_MAX),
    )  # fmt: skip
    files = list(files)
    if files:
        attachments_upload(board=ticket.board, by=by, files=files, ticket=ticket, message=message)
    notify(
        recipients=ticket_followers(ticket, exclude=by),
        kind=Notification.Kind.COMMENT, actor=by, ticket=ticket,
        title=f"{by} replied to the customer on {ticket.reference}: {ticket.title}",
        body=message.body[:300], url=_link(ticket.board, ticket),
    )  # fmt: skip
    activity_record(
        ticket=ticket, by=by, kind=Activity.Kind.COMMENT,
        data={"action": "replied", "message": message.pk},
    )  # fmt: skip
    return message


@transaction.atomic
def message_edit(*, message: Message, by, body: str) -> Message:
    """The author rewrites a message; board members it now mentions, and did not before, are
    notified (once, as on posting)."""
    require(by, Action.MESSAGE_EDIT, message)
    _not_public(message)
    body = _text(body, "body", MESSAGE_MAX)
    ticket = lock_ticket(message.ticket_id) if message.ticket_id else None
    message = _locked(message, ticket)
    # Only a mention the edit adds is news: whoever the message named before was told then.
    added = mentions(body) - mentions(message.body)
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    _notify_mentioned(message, _members_named(message.board, added), by)
    if message.ticket_id:
        activity_record(
            ticket=message.ticket, by=by, kind=Activity.Kind.COMMENT,
            data={"action": "edited", "message": message.pk},
        )  # fmt: skip
    else:
        board_changed(message.board_id, kind="chat")
    return message


def _not_public(message: Message) -> None:
    """What the customer was sent, or sent us, stays as it was: the email cannot be taken back."""
    if message.public:
        raise Conflict(
            "This message is part of the conversation with the customer: it was emailed, and "
            "stays as it is."
        )


@transaction.atomic
def message_delete(*, message: Message, by) -> None:
    require(by, Action.MESSAGE_DELETE, message)
    _not_public(message)
    if message.ticket_id:
        activity_record(
            ticket=lock_ticket(message.ticket_id), by=by, kind=Activity.Kind.COMMENT,
            data={"action": "deleted", "message": message.pk},
        )  # fmt: skip
    else:
        board_changed(message.board_id, kind="chat")
    message.delete()


@transaction.atomic
def message_receive(
    *,
    ticket: Ticket,
    body: str,
    sender_name: str,
    sender_email: str,
    files: Iterable = (),
    channel: str = Message.Channel.EMAIL,
) -> Message:
    """A customer's message on their ticket (their mail, through the mail app; the request form
    or the portal, `channel`): public, from no account. Its text is kept to the message's limit (the whole mail stays with the mail app);
    its files are stored with it, those over the size or count limit left out and named at the
    end of the text, so that nothing goes missing unsaid. The ticket's followers hear of it."""
    ticket = lock_ticket(ticket.pk)
    files = list(files)
    kept, left_out = _within_limits(files)
    body = (body or "").replace("\x00", "").strip()
    if left_out:
        names = ", ".join(f"“{clean_file_name(upload.name)}”" for upload in left_out)
        body = f"{body}\n\n_Attachments over the size or number limit, not kept: {names}._"
    if len(body) > MESSAGE_MAX:
        cut = "\n\n_(Shortened: the whole message is kept with the email.)_"
        body = body[: MESSAGE_MAX - len(cut)] + cut
    if not body:
        body = "_(No text: attachments only.)_" if kept else "_(No text.)_"
    message = Message.objects.create(
        board_id=ticket.board_id, ticket=ticket, author=None, public=True, body=body,
        sender_name=sender_name[:200], sender_email=sender_email, channel=channel,
    )  # fmt: skip
    if kept:
        _store(ticket.board, None, kept, ticket, message)
    who = sender_name or sender_email
    notify(
        recipients=ticket_followers(ticket), kind=Notification.Kind.COMMENT, actor=None,
        ticket=ticket, title=f"{who} wrote on {ticket.reference}: {ticket.title}",
        body=message.body[:300], url=_link(ticket.board, ticket),
    )  # fmt: skip
    activity_record(
        ticket=ticket, by=None, kind=Activity.Kind.COMMENT,
        data={"action": "received", "message": message.pk, "from": sender_email},
    )  # fmt: skip
    return message


def _within_limits(files: list) -> tuple[list, list]:
    """The files within the upload limits (size each, and how many), and those left out."""
    kept, left_out = [], []
    for upload in files:
        fits = upload.size <= settings.ATTACHMENT_MAX_BYTES
        (kept if fits and len(kept) < settings.ATTACHMENT_MAX_FILES else left_out).append(upload)
    return kept, left_out


# --- Files -------------------------------------------------------------------------------------
def clean_file_name(name: str) -> str:
    """The name a file is shown and downloaded under: no directories, no control or format
    characters, at most NAME_MAX characters (the extension kept)."""
    name = (name or "").replace("\\", "/")
    name = PurePosixPath(name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "file"
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        name = f"{(stem if dot else name)[: NAME_MAX - len(ext) - 1]}{'.' if ext else ''}{ext}"
    return name


def uploads_check(files: list[UploadedFile]) -> None:
    """Refuse an upload outside the limits: none, too many files, a file too large (the
    portal's answers take the same limits)."""
    if not files:
        raise InvalidInput("Choose at least one file.", fields={"files": ["Choose a file."]})
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        message = f"At most {settings.ATTACHMENT_MAX_FILES} files at once."
        raise InvalidInput(message, fields={"files": [message]})
    limit = settings.ATTACHMENT_MAX_BYTES
    for upload in files:
        if upload.size > limit:
            raise PayloadTooLarge(
                f"“{clean_file_name(upload.name)}” is {upload.size / 1_048_576:.1f} MB; "
                f"files can be at most {limit / 1_048_576:.0f} MB.",
                fields={"files": [f"At most {limit / 1_048_576:.0f} MB per file."]},
            )


def attachments_upload(
    *,
    board: Board,
    by,
    files: Iterable[UploadedFile],
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> list[Attachment]:
    """Store every file, or none: a failure half-way deletes the files already written, and the
    rows roll back with the transaction, so nothing is left orphaned. Files of a `message` (a
    customer's mail) keep the Content-ID they came with (`content_id` on the file object)."""
    files = list(files)
    uploads_check(files)
    return _store(board, by, files, ticket, message)


def _store(board: Board, by, files: list, ticket: Ticket | None, message: Message | None):
    field = Attachment._meta.get_field("file")
    # Each name is kept before its write starts: a write that fails part-way (a full disk, a
    # dropped connection) can leave a partial file under it that nothing else would remove.
    written: list[str] = []
    created: list[Attachment] = []
    try:
        with transaction.atomic():
            if ticket is not None:
                ticket = lock_ticket(ticket.pk)
            for upload in files:
                name = clean_file_name(upload.name)
                attachment = Attachment(
                    board=board, ticket=ticket, uploaded_by=by, name=name, size=upload.size,
                    content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                    message=message, content_id=getattr(upload, "content_id", "")[:250],
                )  # fmt: skip
                written.append(field.generate_filename(attachment, name))
                written[-1] = field.storage.save(written[-1], upload, max_length=field.max_length)
                attachment.file = written[-1]
                attachment.save()
                created.append(attachment)
                if ticket is not None:
                    activity_record(
                        ticket=ticket, by=by, kind=Activity.Kind.ATTACHMENT,
                        data={"action": "added", "name": name, "size": upload.size},
                    )  # fmt: skip
            if ticket is None:
                board_changed(board.pk, kind="files")
    except BaseException:
        for stored_name in written:
            field.storage.delete(stored_name)
        raise
    return created


@transaction.atomic
def link_add(*, board: Board, by, title: str, url: str) -> Attachment:
    """A board file that is a link (e.g. a shared document): http(s) only."""
    title = _text(title, "title", NAME_MAX)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        message = "Enter a web address starting with http:// or https://."
        raise InvalidInput(message, fields={"url": [message]}) from None
    lock_board(board.pk)
    board_changed(board.pk, kind="files")
    return Attachment.objects.create(board=board, uploaded_by=by, name=title, url=url)


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by) -> None:
    require(by, Action.FILE_DELETE, attachment)
    if attachment.ticket_id:
        activity_record(
            ticket=lock_ticket(attachment.ticket_id), by=by, kind=Activity.Kind.ATTACHMENT,
            data={"action": "removed", "name": attachment.name},
        )  # fmt: skip
    else:
        board_changed(attachment.board_id, kind="files")
    attachment.delete()  # the stored file goes after commit (workspace.signals)


INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
DOWNLOAD_TYPE = "application/octet-stream"
# Every content type a stored file is served as (the API schema lists each).
SERVED_TYPES = sorted(INLINE_TYPES | {DOWNLOAD_TYPE})


def served_inline(attachment: Attachment) -> bool:
    """Only images and PDFs open in the browser; anything it could run (HTML, SVG, scripts...)
    is a download."""
    return attachment.content_type in INLINE_TYPES


def served_type(attachment: Attachment) -> str:
    """Images and PDFs are served as what they are; a download as bytes to save, whatever its
    name suggests, so that no stored file is ever served as a type a browser would run."""
    return attachment.content_type if served_inline(attachment) else DOWNLOAD_TYPE
