"""What a signed-in customer sees and does in a board's portal: their own tickets, each one's
public conversation (the customer's messages and the team's replies, never an internal note),
its files, their answer, their rating of a resolved ticket.

Everything here is read through the customer: a ticket of someone else's, or a file of a
ticket that is not theirs, is the same "not found" as one that does not exist. What the team
works with (assignees, tags, columns, due dates, internal notes) never leaves this module."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from boards.models import Board
from csboard.core.exceptions import InvalidInput
from customers.models import Customer
from feedback.models import FeedbackResponse
from feedback.services import csat_record
from mail.services import customer_reply
from tickets.models import Source, Status, Ticket
from workspace.models import Attachment, Message
from workspace.services import MESSAGE_MAX, uploads_check


@dataclass(frozen=True)
class CustomerStatus:
    code: str  # for the badge's class
    label: str


# A ticket's status in the customer's words, from the team's (tickets.models.Status): written
# here once, for the list, the ticket page and their badges.
RECEIVED = CustomerStatus("received", "Received")
IN_PROGRESS = CustomerStatus("in-progress", "In progress")
WAITING = CustomerStatus("waiting", "Waiting on you")
RESOLVED = CustomerStatus("resolved", "Resolved")
_FROM_TEAM_STATUS = {
    Status.READY: RECEIVED,
    Status.IN_PROGRESS: IN_PROGRESS,
    Status.NEEDS_REVIEW: IN_PROGRESS,
    Status.WAITING: WAITING,
    Status.RESOLVED: RESOLVED,
}
TEAM_NAME = "Support team"  # a reply whose author's account is gone


def customer_status(ticket: Ticket) -> CustomerStatus:
    """RECEIVED, IN_PROGRESS, WAITING or RESOLVED: resolved once `resolved_at` is set,
    whatever the status says."""
    if ticket.resolved_at is not None:
        return RESOLVED
    return _FROM_TEAM_STATUS.get(ticket.status, IN_PROGRESS)


def _public(queryset: QuerySet) -> QuerySet:
    return queryset.filter(public=True)


def customer_tickets(*, board: Board, customer: Customer) -> QuerySet:
    """The customer's tickets on the board, the latest activity first (a change to the ticket,
    or the last message of its conversation), with only the fields the portal shows."""
    return (
        Ticket.objects.filter(board=board, customer=customer)
        .only("board", "number", "title", "status", "resolved_at", "created_at", "updated_at")
        .annotate(
            last_activity=Greatest(
                "updated_at",
                Coalesce(
                    Max("messages__created_at", filter=Q(messages__public=True)), "updated_at"
                ),
            )
        )
        .order_by(F("last_activity").desc(), "-number")
    )


def customer_ticket(*, board: Board, customer: Customer, number: int) -> Ticket:
    """The customer's ticket `number` on the board; Http404 for any other (so no number tells
    whether someone else's ticket exists)."""
    ticket = (
        Ticket.objects.filter(board=board, customer=customer, number=number)
        .select_related("board")
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def conversation(ticket: Ticket) -> list[Message]:
    """The ticket's public messages, oldest first, each with its author (for the display name
    of a team member's reply) and its files (`message.files`)."""
    files = Attachment.objects.exclude(file="").order_by("id")
    return list(
        _public(ticket.messages.all())
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files, to_attr="files"))
        .order_by("created_at", "id")
    )


def author_name(message: Message) -> str:
    """Who wrote a message, as the customer sees it: "You" for theirs, the team member's display
    name for a reply (nothing else of theirs: no address, no username), "Support team" for one
    whose account is gone."""
    if message.author_id is None:
        return "You" if message.sender_email else TEAM_NAME
    return message.author.display_name or TEAM_NAME


def customer_file(*, ticket: Ticket, pk: int) -> Attachment:
    """A file of one of the ticket's public messages (either side's); Http404 for anything else:
    an internal note's file, the team's own files of the ticket, another ticket's."""
    attachment = (
        Attachment.objects.filter(pk=pk, ticket=ticket, message__ticket=ticket)
        .filter(message__public=True)
        .exclude(file="")
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def _check_reply(body: str, files: list) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body and not files:
        raise InvalidInput(
            "Write a message or attach a file.", fields={"body": ["Write a message."]}
        )
    if len(body) > MESSAGE_MAX:
        message = f"At most {MESSAGE_MAX} characters."
        raise InvalidInput(message, fields={"body": [message]})
    if files:
        uploads_check(files)
    return body


@transaction.atomic
def customer_answer(
    *, ticket: Ticket, customer: Customer, body: str, files=()
) -> tuple[Ticket, Message, str]:
    """The customer's answer from the portal, within a message's limits (refused, not cut, as in
    the team's chat): it lands as an emailed answer does (mail.services.customer_reply: it
    reopens the ticket or opens a follow-up after the reopen period, restarts the clocks of a
    ticket waiting on them, tells the assignees)."""
    files = list(files)
    body = _check_reply(body, files)
    return customer_reply(
        ticket=ticket,
        body=body,
        sender_name=ticket.customer_name,
        sender_email=customer.email,
        channel=Message.Channel.PORTAL,
        source=Source.PORTAL,
        files=files,
    )


def rating(ticket: Ticket) -> int | None:
    """The customer's CSAT score of the ticket (from the portal or the emailed link), if any."""
    return (
        FeedbackResponse.objects.filter(
            board_id=ticket.board_id, ticket=ticket, kind=FeedbackResponse.Kind.CSAT
        )
        .order_by("-id")
        .values_list("score", flat=True)
        .first()
    )


def ticket_rate(*, ticket: Ticket, score: int) -> FeedbackResponse:
    """The customer rates a resolved ticket from 1 to 5; rating again changes it (as the
    emailed link does: feedback.services.csat_record)."""
    if ticket.resolved_at is None:
        raise InvalidInput("A request can be rated once it is resolved.")
    return csat_record(ticket=ticket, score=score, source="portal")
