"""Customer feedback in, detractors out as tickets. The intake is authenticated by a per-board
secret (stored as a digest), idempotent by the sender's key, and routes each detractor to the
next member on feedback duty, in turn."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from boards.locks import lock_board
from boards.models import Board, Membership, Role, Tag
from boards.services import tag_create
from csboard.core.exceptions import InvalidInput
from customers.services import customer_for_email
from feedback.models import FeedbackResponse, FeedbackSettings
from notifications.models import Notification
from notifications.services import notify
from tickets.models import Priority
from tickets.services import ticket_create

DETRACTOR_TAG = "detractor"
ACT_WITHIN = timedelta(hours=24)


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
    allowed = set(
        Membership.objects.filter(board=board, role__gte=Role.MEMBER).values_list(
            "user_id", flat=True
        )
    )
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
    config = FeedbackSettings.objects.select_for_update().get(pk=feedback_settings_for(board).pk)
    assignee = _next_on_duty(config)
    label = "NPS" if response.kind == FeedbackResponse.Kind.NPS else "CSAT"
    scale = 10 if response.kind == FeedbackResponse.Kind.NPS else 5
    ticket = ticket_create(
        board=board,
        created_by=None,
        title=f"Detractor: {label} {response.score}/{scale} from {response.name or response.email}"[
            :200
        ],
        column=config.intake_column,
        assignees=[assignee] if assignee else [],
        tags=[_detractor_tag(board)],
        priority=Priority.HIGH,
        due_at=timezone.now() + ACT_WITHIN,
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
            title=f"Detractor feedback to act on within 24 h: {ticket.reference}",
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
                customer=customer_for_email(email=email, name=name),
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
    from tickets.models import Ticket

    data = signing.loads(token, salt=CSAT_SALT, max_age=timedelta(days=CSAT_LINK_DAYS))
    return Ticket.objects.select_related("board").get(pk=data["ticket"])


def csat_request_send(*, ticket_id: int) -> bool:
    """Email the customer one-click rating links, if the board asks for them. Re-reads the
    ticket: nothing is sent for a ticket reopened or deleted meanwhile."""
    from tickets.models import Ticket

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
    message = EmailMultiAlternatives(
        subject=f"How did we do? {ticket.reference}: {ticket.title}"[:200],
        body=render_to_string("feedback/email/csat.txt", context),
        to=[ticket.customer_email],
    )
    message.attach_alternative(render_to_string("feedback/email/csat.html", context), "text/html")
    message.send()
    return True


@transaction.atomic
def csat_record(*, ticket, score: int) -> FeedbackResponse:
    """The customer's rating lands on the ticket and the customer; a second click changes it."""
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
            "source": "csat-link",
            "ticket": ticket,
            "customer": ticket.customer
            or customer_for_email(email=ticket.customer_email, name=ticket.customer_name),
        },
    )
    return response
