"""How a customer signs in to a board's portal: no password, a link mailed to their address.

A sign-in request answers the same whatever the address (`signin_request`): the lookup and the
mail happen in a task after the response (`portal.tasks`), so that neither the page nor its
timing tells whether an address is known. A link goes out only to a customer with a ticket on
the board (`signin_link_send`).

The link carries a random secret signed with a salt bound to the board (a link of one board
fails the signature at another's address); only the secret's sha256 digest is stored
(`PortalLink.digest`). It is used once, under a row lock, and expires after the board's
`link_minutes`. Opening it (GET) only shows a "Continue" button: mail scanners fetch links
before the customer does, and a GET that signed in would burn the link. The POST consumes it
and starts a `PortalSession`, held in a cookie of its own (`cookie_name`, one per board, on the
board's portal path), whose value is another random secret known by its digest alone. The team's
session and the portal's never stand in for each other."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.models import Board
from csboard.core.aftercommit import enqueue_after_commit
from csboard.core.exceptions import ApplicationError, InvalidInput
from customers.models import Customer
from mail.models import SupportAddress
from notifications.email import email_build
from portal.models import PortalLink, PortalSession
from tickets.models import Ticket

LINK_SALT = "csboard.portal.link"
# How many sign-in links may be asked for in RATE_WINDOW: per address (whatever its case), and
# per client address (an IP asking for many addresses).
RATE_WINDOW = timedelta(hours=1)
RATE_PER_ADDRESS = 5
RATE_PER_IP = 30
USER_AGENT_MAX = PortalSession._meta.get_field("user_agent").max_length


class LinkRefused(ApplicationError):
    """A sign-in link that cannot sign anyone in: tampered with or for another board (400),
    used or expired (410). The page says which, and offers a new link."""

    def __init__(self, message: str, *, status_code: int):
        super().__init__(message)
        self.status_code = status_code


class TooManyRequests(ApplicationError):
    status_code = 429
    code = "throttled"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def cookie_name(board: Board) -> str:
    """The portal's cookie of `board`: one per board, sent only to its portal's path."""
    return f"csboard_portal_{board.key}"


def cookie_path(board: Board) -> str:
    return f"/portal/{board.key}/"


def _signer(board: Board) -> signing.Signer:
    return signing.Signer(salt=f"{LINK_SALT}:{board.pk}")


# --- Asking for a link -------------------------------------------------------------------------
def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under `key` in the current window; True past `limit`."""
    cache.add(key, 0, timeout=int(RATE_WINDOW.total_seconds()))
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(key, 1, timeout=int(RATE_WINDOW.total_seconds()))
        return False


def signin_request(*, board: Board, email: str, ip: str) -> None:
    """A sign-in link asked for `email` on `board`'s portal: the same outcome for every address
    (the task decides, after commit, whether a link goes out). Too many requests from one client
    address are refused (TooManyRequests, a 429 that says nothing of the address); more than a
    few for one address are dropped unsaid (no mail-bombing anyone through the form)."""
    from portal.tasks import signin_link_task  # the task calls back into this module

    email = (email or "").strip()
    if not email or "@" not in email:
        raise InvalidInput("Enter your email address.", fields={"email": ["Enter an address."]})
    if _over_limit(f"portal:signin:ip:{board.pk}:{ip}", RATE_PER_IP):
        raise TooManyRequests("Too many sign-in requests from here. Try again in an hour.")
    address = hashlib.sha256(email.lower().encode()).hexdigest()
    if _over_limit(f"portal:signin:email:{board.pk}:{address}", RATE_PER_ADDRESS):
        return
    enqueue_after_commit(signin_link_task, board.pk, email)


def _customer_with_tickets(board: Board, email: str) -> Customer | None:
    customer = Customer.objects.filter(email__iexact=email).first()
    if customer is None or not Ticket.objects.filter(board=board, customer=customer).exists():
        return None
    return customer


def signin_link_send(*, board_id: int, email: str) -> bool:
    """Mail a sign-in link to `email` if it is a customer with a ticket on the board whose
    portal is on; nothing otherwise. Returns whether a link went out. Sent here, in its task, so
    that a mail-server error reaches the task (and a retry mails a new link)."""
    board = Board.objects.filter(pk=board_id, portal_settings__portal_enabled=True).first()
    customer = _customer_with_tickets(board, email) if board is not None else None
    if customer is None:
        return False
    token = link_create(board=board, customer=customer)
    context = {
        "board": board,
        "url": settings.SITE_URL + reverse("portal:link", args=[board.key, token]),
        "minutes": board.portal_settings.link_minutes,
    }
    message = email_build(
        template="portal/email/portal_signin", to=[customer.email], context=context
    )
    message.from_email = _sender(board)
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    message.send()
    return True


def link_create(*, board: Board, customer: Customer) -> str:
    """A new sign-in link of `customer` on `board` (expiring after the board's link_minutes):
    its token, the signed secret of the link's address. Only the secret's digest is kept."""
    secret = secrets.token_urlsafe(32)
    minutes = board.portal_settings.link_minutes
    PortalLink.objects.create(
        board=board,
        customer=customer,
        digest=digest(secret),
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )
    return _signer(board).sign(secret)


def _sender(board: Board) -> str:
    """The board's support address (its first active one), else the site's address under the
    board's name."""
    address = SupportAddress.objects.filter(board=board, active=True).order_by("id").first()
    if address is not None:
        return formataddr((address.name or board.name, address.address))
    return formataddr((board.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


# --- Using the link ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Started:
    session: PortalSession
    secret: str  # the cookie's value


def _link_secret(board: Board, token: str) -> str:
    try:
        return _signer(board).unsign(token)
    except signing.BadSignature:
        raise LinkRefused(
            "This sign-in link is not valid here. Ask for a new one below.", status_code=400
        ) from None


def _refuse_spent(link: PortalLink | None, now) -> None:
    if link is None:
        raise LinkRefused(
            "This sign-in link is not valid. Ask for a new one below.", status_code=400
        )
    if link.used_at is not None:
        raise LinkRefused(
            "This sign-in link was used already. Ask for a new one below.", status_code=410
        )
    if link.expires_at <= now:
        raise LinkRefused(
            "This sign-in link has expired. Ask for a new one below.", status_code=410
        )


def link_check(*, board: Board, token: str) -> PortalLink:
    """The link `token` stands for, while it may still sign in (LinkRefused otherwise). Reads
    only: what a mail scanner's GET reaches."""
    secret = _link_secret(board, token)
    link = PortalLink.objects.filter(board=board, digest=digest(secret)).first()
    _refuse_spent(link, timezone.now())
    return link


@transaction.atomic
def link_use(*, board: Board, token: str, user_agent: str = "") -> Started:
    """Spend the link (once: under its row lock, a second use is refused) and start a session
    for its customer on its board."""
    secret = _link_secret(board, token)
    now = timezone.now()
    link = (
        PortalLink.objects.select_for_update()
        .filter(board=board, digest=digest(secret))
        .select_related("customer")
        .first()
    )
    _refuse_spent(link, now)
    link.used_at = now
    link.save(update_fields=["used_at"])
    session_secret = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        board=board,
        customer=link.customer,
        digest=digest(session_secret),
        expires_at=now + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
    )
    return Started(session=session, secret=session_secret)


# --- Sessions ----------------------------------------------------------------------------------
def session_for(*, board: Board, secret: str | None) -> PortalSession | None:
    """The live session of `board` whose cookie holds `secret`, with its customer; None for no
    cookie, a cookie of another board, an ended or an expired session."""
    if not secret:
        return None
    return (
        PortalSession.objects.select_related("customer")
        .filter(
            board=board,
            digest=digest(secret),
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def session_end(*, session: PortalSession) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def sessions_end_all(*, session: PortalSession) -> int:
    """Sign out everywhere: every live session of this customer on this board ends."""
    return PortalSession.objects.filter(
        board_id=session.board_id, customer_id=session.customer_id, ended_at__isnull=True
    ).update(ended_at=timezone.now())
