"""Customer feedback in, detractors out as tickets. The intake is authenticated by a per-board
secret (stored as a digest), idempotent by the sender's key, and routes each detractor to the
next member on feedback duty, in turn."""

import csv
import hashlib
import hmac
import io
import re
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from boards.locks import lock_board
from boards.models import Board, Tag
from boards.selectors import board_team
from boards.services import tag_create
from csboard.core.exceptions import InvalidInput, PayloadTooLarge
from customers.services import customer_for_email, customers_for_emails
from customfields.services import ticket_create_with_fields
from feedback.models import FeedbackResponse, FeedbackSettings
from notifications.email import email_build
from notifications.models import Notification
from notifications.services import notify
from tickets.models import Priority, Source, Ticket

DETRACTOR_TAG = "detractor"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feedback_settings_for(board: Board) -> FeedbackSettings:
    return FeedbackSettings.objects.get_or_create(board=board)[0]


@transaction.atomic
def feedback_secret_rotate(*, board: Board) -> str:
    """A new intake secret; the old one stops working at once. Shown once, stored as a digest."""
    secret = f"fbk_{secrets.token_urlsafe(32)}"
    config = feedback_settings_for(board)
    config.secret_digest = _digest(secret)
    config.save(update_fields=["secret_digest"])
    return secret


def feedback_secret_matches(*, board_id, secret: str | None) -> bool:
    digest = (
        FeedbackSettings.objects.filter(board_id=board_id)
        .values_list("secret_digest", flat=True)
        .first()
    )
    if not digest or not secret:
        return False
    return hmac.compare_digest(digest, _digest(secret))


@transaction.atomic
def feedback_settings_set(
    *, board: Board, duty, intake_column=None, csat_on_resolve: bool, guests_see_metrics: bool
) -> FeedbackSettings:
    config = feedback_duty_set(board=board, users=duty, intake_column=intake_column)
    config.csat_on_resolve = csat_on_resolve
    config.guests_see_metrics = guests_see_metrics
    config.save(update_fields=["csat_on_resolve", "guests_see_metrics"])
    return config


@transaction.atomic
def feedback_duty_set(*, board: Board, users, intake_column=None) -> FeedbackSettings:
    config = feedback_settings_for(board)
    users = list(users)
    allowed = set(board_team(board).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in users):
        message = "Only members and admins of this board can take feedback duty."
        raise InvalidInput(message, fields={"duty": [message]})
    if intake_column is not None and intake_column.board_id != board.pk:
        raise InvalidInput(
            "Unknown column.", fields={"intake_column": ["Choose a column of this board."]}
        )
    config.duty.set(users)
    config.intake_column = intake_column
    config.save(update_fields=["intake_column"])
    return config


def _next_on_duty(config: FeedbackSettings):
    """The duty member after the last one assigned (by id order), wrapping round."""
    duty = list(config.duty.order_by("pk"))
    if not duty:
        return None
    after = [user for user in duty if config.last_assigned_id and user.pk > config.last_assigned_id]
    chosen = after[0] if after else duty[0]
    config.last_assigned = chosen
    config.save(update_fields=["last_assigned"])
    return chosen


def _detractor_tag(board: Board) -> Tag:
    existing = board.tags.filter(name__iexact=DETRACTOR_TAG).first()
    return existing or tag_create(board=board, name=DETRACTOR_TAG, color="#dc2626")


def _ticket_for_detractor(board: Board, response: FeedbackResponse):
    # Under the board lock, before ticket_create's column lock (boards/locks.py).
    config = FeedbackSettings.objects.select_for_update(no_key=True).get(
        pk=feedback_settings_for(board).pk
    )
    assignee = _next_on_duty(config)
    label = "NPS" if response.kind == FeedbackResponse.Kind.NPS else "CSAT"
    scale = 10 if response.kind == FeedbackResponse.Kind.NPS else 5
    ticket = ticket_create_with_fields(
        board=board,
        created_by=None,
        from_outside=True,
        source=Source.FEEDBACK,
        title=f"Detractor: {label} {response.score}/{scale} from {response.name or response.email}"[
            :200
        ],
        column=config.intake_column,
        assignees=[assignee] if assignee else [],
        notify_assignees=False,  # the assignee hears of it once, as a detractor (below)
        tags=[_detractor_tag(board)],
        # Its deadlines come from the board's SLA policy for this priority, like any ticket's.
        priority=Priority.HIGH,
        customer_name=response.name,
        customer_email=response.email,
        description=(
            f"**{label} score: {response.score}/{scale}** (source: {response.source or 'unknown'})\n\n"
            f"> {response.comment or '(no comment)'}"
        ),
    )
    if assignee is not None:
        notify(
            recipients=[assignee],
            kind=Notification.Kind.DETRACTOR,
            ticket=ticket,
            title=f"Detractor feedback to act on: {ticket.reference}",
            body=response.comment[:300],
            url=ticket.get_absolute_url(),
        )
    return ticket


def feedback_receive(
    *, board: Board, kind: str, score: int, email: str, name: str = "", comment: str = "",
    source: str = "", idempotency_key: str = "",
) -> tuple[FeedbackResponse, bool]:  # fmt: skip
    """Record one response; a detractor becomes a ticket at once. Returns (response, created):
    a retry with the same idempotency key returns the first response and creates nothing."""
    if idempotency_key:
        earlier = FeedbackResponse.objects.filter(board=board, idempotency_key=idempotency_key)
        if found := earlier.first():
            return found, False
    try:
        with transaction.atomic():
            lock_board(board.pk)  # serialises intake per board: rotation and numbering stay fair
            if idempotency_key and (
                found := FeedbackResponse.objects.filter(
                    board=board, idempotency_key=idempotency_key
                ).first()
            ):
                return found, False
            response = FeedbackResponse.objects.create(
                board=board, kind=kind, score=score, email=email, name=name, comment=comment,
                source=source, idempotency_key=idempotency_key,
                customer=customer_for_email(email=email),
            )  # fmt: skip
            if response.is_detractor:
                response.ticket = _ticket_for_detractor(board, response)
                response.save(update_fields=["ticket"])
            return response, True
    except IntegrityError:
        if not idempotency_key:
            raise
        return FeedbackResponse.objects.get(board=board, idempotency_key=idempotency_key), False


# --- CSAT on resolution ------------------------------------------------------------------------
CSAT_SALT = "csboard.feedback.csat"
CSAT_LINK_DAYS = 14


def csat_token(ticket) -> str:
    return signing.dumps({"ticket": ticket.pk}, salt=CSAT_SALT, compress=True)


def csat_ticket_from_token(token: str):
    """The ticket a CSAT link was signed for; BadSignature (tampered) or SignatureExpired."""
    data = signing.loads(token, salt=CSAT_SALT, max_age=timedelta(days=CSAT_LINK_DAYS))
    return Ticket.objects.select_related("board").get(pk=data["ticket"])


def csat_board_of_expired(token: str) -> Board | None:
    """The board of an expired CSAT link (its signature still good), for its refusal page."""
    try:
        data = signing.loads(token, salt=CSAT_SALT)
    except signing.BadSignature:
        return None
    ticket = Ticket.objects.select_related("board").filter(pk=data.get("ticket")).first()
    return ticket.board if ticket else None


def csat_request_send(*, ticket_id: int) -> bool:
    """Email the customer one-click rating links, if the board asks for them. Re-reads the
    ticket: nothing is sent for a ticket reopened or deleted meanwhile."""
    ticket = Ticket.objects.select_related("board").filter(pk=ticket_id).first()
    if ticket is None or ticket.resolved_at is None or not ticket.customer_email:
        return False
    config = FeedbackSettings.objects.filter(board_id=ticket.board_id).first()
    if config is None or not config.csat_on_resolve:
        return False
    token = csat_token(ticket)
    links = [
        (score, settings.SITE_URL + reverse("feedback:csat", args=[token, score]))
        for score in range(1, 6)
    ]
    context = {"ticket": ticket, "links": links, "days": CSAT_LINK_DAYS}
    # Sent here, in its task (feedback.tasks, enqueued once the resolution commits): a
    # mail-server error reaches the task, and it retries.
    email_build(template="feedback/email/csat", to=[ticket.customer_email], context=context).send()
    return True


@transaction.atomic
def csat_record(*, ticket, score: int, source: str = "csat-link") -> FeedbackResponse:
    """The customer's rating lands on the ticket and the customer; a second click changes it
    (one rating per ticket, wherever it came from: `source` says where the latest did, the
    emailed link's "csat-link" or the portal's "portal")."""
    if not 1 <= score <= 5:
        raise InvalidInput("A rating is from 1 to 5.", fields={"score": ["From 1 to 5."]})
    response, _ = FeedbackResponse.objects.update_or_create(
        board=ticket.board,
        idempotency_key=f"csat-ticket-{ticket.pk}",
        defaults={
            "kind": FeedbackResponse.Kind.CSAT,
            "score": score,
            "email": ticket.customer_email,
            "name": ticket.customer_name,
            "source": source,
            "ticket": ticket,
            "customer": ticket.customer or customer_for_email(email=ticket.customer_email),
        },
    )
    return response


# --- CSV import of past responses --------------------------------------------------------------
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 50_000
IMPORT_COLUMNS = ["kind", "score", "email", "name", "comment", "source", "received_at",
                  "idempotency_key"]  # fmt: skip
IMPORT_REQUIRED = {"kind", "score", "email"}
IMPORT_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int  # already there (same idempotency key): a file imported twice adds nothing


def _received_at(value: str, tz) -> datetime | None:
    """An ISO date or date-time; without a zone it is the board's local time."""
    value = value.strip()
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError("Use a date such as 2026-11-02 or 2026-11-02T14:30.")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=tz)
    if moment > timezone.now():
        raise ValueError("This date is in the future.")
    return moment


def _import_key(row: dict) -> str:
    """A response's key when the file gives none: the same answer imported twice is one."""
    fields = [row["kind"], str(row["score"]), row["email"].lower(), row["comment"],
              row["received_at"].isoformat() if row["received_at"] else ""]  # fmt: skip
    return "import:" + hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:40]


def _import_rows(board: Board, file) -> list[dict]:
    """Every row of the file, checked; InvalidInput naming the rows and fields that are wrong
    (nothing is written unless every row is right)."""
    from feedback.serializers import FeedbackIntakeSerializer

    if file.size > IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            f"The file is larger than {IMPORT_MAX_BYTES // (1024 * 1024)} MB.",
            fields={"file": ["Split it into smaller files."]},
        )
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The file is not UTF-8 text.", fields={"file": ["Save it as CSV in UTF-8."]}
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if missing := IMPORT_REQUIRED - header:
        message = f"The file has no {', '.join(sorted(missing))} column."
        raise InvalidInput(message, fields={"file": [message]})
    tz = zoneinfo.ZoneInfo(board.timezone)
    rows, errors = [], []
    for line, raw in enumerate(reader, start=2):
        if len(rows) >= IMPORT_MAX_ROWS:
            message = f"A file holds {IMPORT_MAX_ROWS:,} responses at most."
            raise InvalidInput(message, fields={"file": [message]})
        values = {
            (key or "").strip().lower(): (value or "").strip()
            for key, value in raw.items()
            if isinstance(value, str)
        }
        if not any(values.values()):
            continue  # a blank line
        data = {key: values[key] for key in IMPORT_COLUMNS if values.get(key)}
        data["kind"] = data.get("kind", "").lower()
        problems = []
        if re.fullmatch(r"-?[0-9]{1,6}", data.get("score", "")):
            data["score"] = int(data["score"])  # else the serializer says what is wrong
        try:
            received_at = _received_at(data.pop("received_at", ""), tz)
        except ValueError as exc:
            problems.append(f"received_at: {exc}")
        serializer = FeedbackIntakeSerializer(data=data)
        if not serializer.is_valid():
            problems += [
                f"{field}: {' '.join(str(m) for m in messages)}"
                for field, messages in serializer.errors.items()
            ]
        if problems:
            errors.append(f"Row {line}: {'; '.join(problems)}")
            continue
        row = {"name": "", "comment": "", "source": "", "idempotency_key": "",
               **serializer.validated_data, "received_at": received_at}  # fmt: skip
        row["idempotency_key"] = row["idempotency_key"] or _import_key(row)
        rows.append(row)
    if errors:
        shown = errors[:IMPORT_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(f"… and {len(errors) - len(shown)} more rows.")
        raise InvalidInput(
            f"{len(errors)} row{'s' if len(errors) != 1 else ''} could not be read; "
            "nothing was imported.",
            fields={"file": shown},
        )
    if not rows:
        raise InvalidInput("The file has no responses.", fields={"file": ["It is empty."]})
    return rows


@transaction.atomic
def feedback_import(*, board: Board, file) -> ImportResult:
    """Past NPS and CSAT responses from a CSV file (columns: kind, score, email, and optionally
    name, comment, source, received_at, idempotency_key), all or nothing. They count in the
    scores and attach to their customers; being past, they make no tickets."""
    rows = _import_rows(board, file)
    lock_board(board.pk)  # serialises with the intake, so the keys read below stay true
    keys = [row["idempotency_key"] for row in rows]
    existing = set()
    for start in range(0, len(keys), 1000):
        existing.update(
            FeedbackResponse.objects.filter(
                board=board, idempotency_key__in=keys[start : start + 1000]
            ).values_list("idempotency_key", flat=True)
        )
    fresh, seen = [], set(existing)
    for row in rows:
        if row["idempotency_key"] not in seen:
            seen.add(row["idempotency_key"])
            fresh.append(row)
    customers = customers_for_emails({row["email"].lower() for row in fresh})
    now = timezone.now()
    FeedbackResponse.objects.bulk_create(
        [
            FeedbackResponse(
                board=board, **{**row, "received_at": row["received_at"] or now},
                customer=customers.get(row["email"].lower()),
            )
            for row in fresh
        ],
        batch_size=1000,
    )  # fmt: skip
    return ImportResult(created=len(fresh), skipped=len(rows) - len(fresh))
