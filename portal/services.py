"""The customer's side, its rules: a board's portal settings and brand (board admins), and a
request from the public form (anyone, within the abuse limits).

A request is checked before anything is stored, so a refusal leaves no ticket, customer or
file behind: the form's token (signed, bound to its board, at least FORM_MIN_SECONDS and at most
FORM_MAX_AGE old, used once), its trap field, the sizes of its text and files, the fields the
board's form asks, and the hourly limits per email address and per IP address. It then opens a
ticket exactly as a customer's email does (mail.services.customer_ticket_open) and queues the
customer's confirmation on it (mail.outbound.notice_send), sent after commit, once."""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string

from boards.models import Board, Tag, brand_color_validator
from boards.permissions import Action, require
from csboard.core.exceptions import ApplicationError, InvalidInput
from csboard.core.validation import max_length_of
from mail.models import SupportAddress
from mail.outbound import notice_send
from mail.services import customer_ticket_open
from portal.links import portal_home_url
from portal.models import PortalSettings
from sla.priorities import Priority
from tickets.models import Source, Ticket
from workspace.models import Message
from workspace.services import MESSAGE_MAX, uploads_check

log = logging.getLogger(__name__)

LINK_MINUTES_MIN, LINK_MINUTES_MAX = 5, 1440
ANCESTORS_MAX = 20
TITLE_MAX = max_length_of(PortalSettings, "title")
INTRO_MAX = max_length_of(PortalSettings, "intro")
SUBJECT_MAX = max_length_of(Ticket, "title")
NAME_MAX = max_length_of(Ticket, "customer_name")
COMPANY_MAX = max_length_of(Ticket, "customer_company")
LOGO_MAX_BYTES = 512 * 1024
# What a logo may be, told by its first bytes (never its name or declared type): no SVG, which
# is a document that can carry scripts.
LOGO_TYPES = {
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}

FORM_SALT = "portal.request-form"
FORM_MIN_SECONDS = 3  # a person takes longer to fill the form in
FORM_MAX_AGE = timedelta(days=1)
RATE_WINDOW = 3600  # seconds: the limits are per hour

SETTINGS_FIELDS = {
    "form_enabled", "portal_enabled", "title", "intro", "column", "ask_priority",
    "ask_company", "areas", "frame_ancestors", "link_minutes",
}  # fmt: skip

# An origin allowed to frame the form: https (http only for this machine), a host with an
# optional `*.` for its subdomains, an optional port; no path, query, user or other wildcard.
_ORIGIN = re.compile(
    r"^(?P<scheme>https?)://(?P<host>(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
    r"(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\[::1\])(:(?P<port>[0-9]{1,5}))?/?$"
)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


# --- Settings (board admins) -------------------------------------------------------------------
def frame_ancestors_clean(text: str) -> list[str]:
    """The origins, one per line, normalised (lower case, no trailing slash); InvalidInput
    naming each line that is not an origin the CSP `frame-ancestors` directive can hold."""
    origins, errors = [], []
    for line in (text or "").splitlines():
        origin = line.strip().lower()
        if not origin:
            continue
        match = _ORIGIN.match(origin)
        host = match and match["host"]
        if match is None:
            errors.append(
                f"“{line.strip()[:100]}” is not an origin such as https://www.example.com."
            )
        elif match["scheme"] == "http" and host not in _LOCAL_HOSTS:
            errors.append(f"“{origin[:100]}”: use https:// (http:// only for localhost).")
        elif host.startswith("*.") and host.count(".") < 2:
            errors.append(f"“{origin[:100]}”: a wildcard covers the subdomains of one domain.")
        elif match["port"] and not 1 <= int(match["port"]) <= 65535:
            errors.append(f"“{origin[:100]}”: a port is between 1 and 65535.")
        elif (origin := origin.rstrip("/")) not in origins:
            origins.append(origin)
    if len(origins) > ANCESTORS_MAX:
        errors.append(f"At most {ANCESTORS_MAX} origins.")
    if errors:
        raise InvalidInput(" ".join(errors), fields={"frame_ancestors": errors})
    return origins


@transaction.atomic
def portal_settings_set(*, board: Board, by, **values) -> PortalSettings:
    """Change how the board meets its customers (board admins only): its request form and
    portal on or off, the form's title, intro, column and the fields it asks, the origins that
    may embed it, how long a sign-in link lasts. Only the fields given change."""
    require(by, Action.MANAGE, board)
    unknown = set(values).difference(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    row = PortalSettings.objects.select_for_update().filter(board=board).first()
    row = row or PortalSettings(board=board)
    areas = values.pop("areas", None)
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    if len(row.title) > TITLE_MAX:
        errors["title"] = [f"At most {TITLE_MAX} characters."]
    if len(row.intro) > INTRO_MAX:
        errors["intro"] = [f"At most {INTRO_MAX} characters."]
    if row.column is not None and row.column.board_id != board.pk:
        errors["column"] = ["Choose a column of this board."]
    if not LINK_MINUTES_MIN <= (row.link_minutes or 0) <= LINK_MINUTES_MAX:
        errors["link_minutes"] = [
            f"Between {LINK_MINUTES_MIN} and {LINK_MINUTES_MAX} minutes (a day)."
        ]
    if areas is not None and any(tag.board_id != board.pk for tag in areas):
        errors["areas"] = ["Choose tags of this board."]
    try:
        row.frame_ancestors = "\n".join(frame_ancestors_clean(row.frame_ancestors))
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput("The portal settings are not valid.", fields=errors)
    row.save()
    if areas is not None:
        row.areas.set(areas)
    log.info(
        "Portal settings of board %s set by user %s: form %s, portal %s, embeddable from %s",
        board.pk, getattr(by, "pk", None), "on" if row.form_enabled else "off",
        "on" if row.portal_enabled else "off", row.frame_ancestors.replace("\n", " ") or "nowhere",
    )  # fmt: skip
    return row


def logo_type_of(head: bytes) -> str | None:
    """The image type a file's first bytes say it is, of those a logo may be."""
    return next((kind for kind, looks in LOGO_TYPES.items() if looks(head)), None)


@transaction.atomic
def brand_set(
    *,
    board: Board,
    by,
    color: str | None = None,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Board:
    """The board's brand on its customer pages (board admins only): its colour (#RRGGBB, ""
    for none) and logo (PNG, JPEG or WebP by its bytes, at most LOGO_MAX_BYTES), stored under
    a random name through Django's storage. The logo it replaces is deleted after commit."""
    require(by, Action.MANAGE, board)
    board = Board.objects.select_for_update().get(pk=board.pk)
    update = []
    if color is not None:
        color = color.strip().lower()
        if color:
            try:
                brand_color_validator(color)
            except Exception as exc:
                message = "Use a colour as #RRGGBB (e.g. #4f46e5)."
                raise InvalidInput(message, fields={"brand_color": [message]}) from exc
        board.brand_color = color
        update.append("brand_color")
    old = board.logo.name if (logo is not None or remove_logo) else ""
    written = ""
    if logo is not None:
        board.logo_type = _checked_logo(logo)
        board.logo.save("logo", logo, save=False)
        written = board.logo.name
        update += ["logo", "logo_type"]
    elif remove_logo:
        board.logo, board.logo_type = "", ""
        update += ["logo", "logo_type"]
    storage = Board._meta.get_field("logo").storage
    try:
        if update:
            board.save(update_fields=[*update, "updated_at"])
    except BaseException:
        if written:  # the row was not saved: nothing points at the new file
            storage.delete(written)
        raise
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return board


def _checked_logo(upload: UploadedFile) -> str:
    if upload.size > LOGO_MAX_BYTES:
        message = f"A logo can be at most {LOGO_MAX_BYTES // 1024} KB."
        raise InvalidInput(message, fields={"logo": [message]})
    upload.seek(0)
    kind = logo_type_of(upload.read(12))
    upload.seek(0)
    if kind is None:
        message = "A logo is a PNG, JPEG or WebP image (SVG is not accepted)."
        raise InvalidInput(message, fields={"logo": [message]})
    return kind


# --- The request form (anyone) -----------------------------------------------------------------
class RateLimited(ApplicationError):
    """Too many requests from one email address or one IP address this hour."""

    status_code = 429
    code = "rate_limited"


def form_token(board: Board, *, now: float | None = None) -> str:
    """The token a form page carries: signed for this board and this purpose, with the moment
    it was served. It proves a submission started from a form this server served (the embedded
    form's stand-in for the CSRF cookie, README "Request form"), and how long it took."""
    at = time.time() if now is None else now
    return signing.dumps({"board": board.pk, "at": at}, salt=FORM_SALT)


def form_token_check(token: str, board: Board, *, now: float | None = None) -> None:
    """InvalidInput unless `token` is this board's, at least FORM_MIN_SECONDS old (a person
    takes that long) and at most FORM_MAX_AGE."""
    now = time.time() if now is None else now
    try:
        data = signing.loads(token or "", salt=FORM_SALT)
    except signing.BadSignature:
        raise _refused("This form could not be checked: please send it again.") from None
    if not isinstance(data, dict) or data.get("board") != board.pk:
        raise _refused("This form could not be checked: please send it again.")
    age = now - float(data.get("at", now))
    if age > FORM_MAX_AGE.total_seconds():
        raise _refused("This form was open for more than a day: please send it again.")
    if age < FORM_MIN_SECONDS:
        raise _refused("That was very quick: please check your request and send it again.")


def _refused(message: str, field: str | None = None) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]} if field else None)


@dataclass(frozen=True)
class CustomerRequest:
    """What the customer typed into the form (`area` is one of the board's form areas)."""

    name: str
    email: str
    subject: str
    message: str
    files: tuple = ()
    priority: str = ""
    company: str = ""
    area: Tag | None = None


def request_submit(*, board: Board, request: CustomerRequest, token: str, trap: str, ip: str):
    """A customer's request from the board's form, all or nothing (see the module): a ticket
    in the form's column with the suggested priority, company and area, and the customer's
    confirmation queued. Returns the ticket."""
    form = board.portal_settings
    form_token_check(token, board)
    if trap:
        raise _refused("Please leave the field marked “leave this empty” empty, and send again.")
    _check_request(form, request)
    if request.files:
        uploads_check(list(request.files))
    _count(f"ip:{board.pk}:{ip}", settings.PORTAL_FORM_IP_HOURLY)
    _count(
        f"email:{board.pk}:{_digest(request.email.lower())}", settings.PORTAL_FORM_ADDRESS_HOURLY
    )
    if not cache.add(f"portal:form:used:{_digest(token)}", 1, int(FORM_MAX_AGE.total_seconds())):
        raise _refused("This request was sent already.")
    fields = {}
    if request.priority:
        fields["priority"] = request.priority
    if request.company:
        fields["customer_company"] = request.company
    if request.area is not None:
        fields["tags"] = [request.area]
    column = form.column if form.column_id and form.column.board_id == board.pk else None
    with transaction.atomic():
        ticket, _ = customer_ticket_open(
            board=board, source=Source.FORM, title=request.subject, body=request.message,
            sender_name=request.name, sender_email=request.email, channel=Message.Channel.FORM,
            files=list(request.files), column=column, **fields,
        )  # fmt: skip
        confirmation_send(ticket=ticket, portal=form.portal_enabled)
    return ticket


def _check_request(form: PortalSettings, request: CustomerRequest) -> None:
    """The request's fields within their limits, and only those the board's form asks."""
    errors = {}
    for field, limit in (("name", NAME_MAX), ("subject", SUBJECT_MAX), ("message", MESSAGE_MAX),
                         ("company", COMPANY_MAX)):  # fmt: skip
        if len(getattr(request, field)) > limit:
            errors[field] = [f"At most {limit} characters."]
    if not request.subject.strip():
        errors["subject"] = ["Say what it is about."]
    if not request.message.strip():
        errors["message"] = ["Tell us what you need."]
    if request.priority and (not form.ask_priority or request.priority not in Priority.values):
        errors["priority"] = ["Choose one of the priorities."]
    if request.company and not form.ask_company:
        errors["company"] = ["This form does not ask for a company."]
    if request.area is not None and not form.areas.filter(pk=request.area.pk).exists():
        errors["area"] = ["Choose one of the areas."]
    if errors:
        raise InvalidInput("Please check the form.", fields=errors)


def _count(what: str, limit: int) -> None:
    """Count one submission against an hourly limit; RateLimited past it."""
    key = f"portal:form:{what}"
    cache.add(key, 0, RATE_WINDOW)
    if cache.incr(key) > limit:
        raise RateLimited(
            "Too many requests from you in the last hour: please try again later, or write "
            "to us by email."
        )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def confirmation_send(*, ticket: Ticket, portal: bool) -> None:
    """The customer's confirmation of their request: its reference, what happens next, and the
    board's portal when it is on. In the ticket's thread (an answer to it lands on the ticket)."""
    context = {
        "ticket": ticket,
        "board": ticket.board,
        "portal_url": portal_home_url(ticket.board) if portal else "",
        "can_reply": mail_replies_reach(ticket.board),
    }
    notice_send(
        ticket=ticket,
        subject=f"We have your request: {ticket.title} [{ticket.reference}]",
        text=render_to_string("portal/form_confirmation.txt", context),
        html=render_to_string("portal/form_confirmation.html", context),
    )


def mail_replies_reach(board: Board) -> bool:
    """Whether a customer's answer by email reaches the board: it has a support address."""
    return SupportAddress.objects.filter(board=board, active=True).exists()
