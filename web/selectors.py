from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404

from boards.models import Board
from boards.permissions import Action, boards_allowing, visible_boards
from customers.models import Customer
from feedback.models import FeedbackResponse
from mail.models import Email
from tickets.models import Ticket


def customer_for(user, customer_id) -> Customer:
    """A customer the user may know of: one with a ticket on a board the user can see, or
    feedback the user may read. Anyone else gets the same 404 as a customer that does not exist."""
    boards = visible_boards(user)
    customer = (
        Customer.objects.filter(pk=customer_id).first() if str(customer_id).isdecimal() else None
    )
    if customer is None or not (
        Ticket.objects.filter(customer=customer, board__in=boards).exists()
        or FeedbackResponse.objects.filter(
            customer=customer, board__in=boards_allowing(boards, Action.READ_FEEDBACK)
        ).exists()
    ):
        raise Http404("No such customer.")
    return customer


def customer_tickets(user, customer: Customer) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(customer=customer, board__in=visible_boards(user))
        .select_related("board", "column")
        .order_by("-created_at")
    )


def customer_feedback(user, customer: Customer) -> QuerySet[FeedbackResponse]:
    return (
        FeedbackResponse.objects.filter(
            customer=customer, board__in=boards_allowing(visible_boards(user), Action.READ_FEEDBACK)
        )
        .select_related("board", "ticket")
        .order_by("-received_at")
    )


@dataclass
class BoardProfile:
    """What one board knows of a customer."""

    board: Board
    name: str = ""
    company: str = ""
    phone: str = ""


PROFILE_FIELDS = ("name", "company", "phone")


def customer_profiles(tickets, feedback) -> list[BoardProfile]:
    """Each board's own details of the customer, from the rows the viewer may see: per board,
    the latest word of its tickets (the last edited first), and the name its newest feedback
    gives where no ticket names the customer. No board's details show under another board."""
    profiles: dict[int, BoardProfile] = {}
    for ticket in sorted(tickets, key=lambda ticket: ticket.updated_at, reverse=True):
        profile = profiles.setdefault(ticket.board_id, BoardProfile(ticket.board))
        for field in PROFILE_FIELDS:
            if not getattr(profile, field):
                setattr(profile, field, getattr(ticket, f"customer_{field}"))
    for response in sorted(feedback, key=lambda response: response.received_at, reverse=True):
        profile = profiles.setdefault(response.board_id, BoardProfile(response.board))
        profile.name = profile.name or response.name
    return sorted(profiles.values(), key=lambda profile: (profile.board.name, profile.board.pk))


# --- The customers list ------------------------------------------------------------------------
SPARK_MONTHS = 12


def _latest(rows: QuerySet, field: str) -> Subquery:
    return Subquery(rows.order_by(f"-{field}").values(field)[:1])


def _latest_said(tickets: QuerySet, field: str) -> Subquery:
    """What the customer's most recently edited ticket says in `field` (a name, a company)."""
    said = tickets.exclude(**{field: ""}).order_by("-updated_at", "-pk").values(field)[:1]
    return Subquery(said)


def _latest_score(feedback: QuerySet, kind: str) -> Subquery:
    rows = feedback.filter(kind=kind).order_by("-received_at", "-pk").values("score")[:1]
    return Subquery(rows)


def customers_list(user, query: str = "") -> QuerySet[Customer]:
    """The customers the user may know of (as customer_for: a ticket on a board they see, or
    feedback they may read), scoped in the query, searched by email, name or company (what the
    boards they see say), each with `name`, `company`, `open_tickets`, `last_contact` (a ticket
    opened, an email either way on one of their tickets, or feedback: the latest) and the latest
    `nps` and `csat`, most recent contact first."""
    boards = visible_boards(user)
    tickets = Ticket.objects.filter(customer=OuterRef("pk"), board__in=boards)
    feedback = FeedbackResponse.objects.filter(
        customer=OuterRef("pk"), board__in=boards_allowing(boards, Action.READ_FEEDBACK)
    )
    emails = Email.objects.filter(ticket__customer=OuterRef("pk"), board__in=boards)
    customers = Customer.objects.filter(Exists(tickets) | Exists(feedback))
    query = query.strip()
    if query:
        said = Q(customer_name__icontains=query) | Q(customer_company__icontains=query)
        customers = customers.filter(
            Q(email__icontains=query)
            | Exists(tickets.filter(said))
            | Exists(feedback.filter(name__icontains=query))
        )
    open_count = (
        tickets.filter(resolved_at=None).order_by().values("customer").annotate(n=Count("pk"))
    )
    opened, mailed, answered = (
        _latest(tickets, "created_at"),
        _latest(emails, "created_at"),
        _latest(feedback, "received_at"),
    )
    return customers.annotate(
        name=Coalesce(
            _latest_said(tickets, "customer_name"), _latest(feedback.exclude(name=""), "name")
        ),
        company=_latest_said(tickets, "customer_company"),
        open_tickets=Coalesce(Subquery(open_count.values("n")), Value(0)),
        # Each term falls back on the others: one of them missing is no contact missing.
        last_contact=Greatest(
            Coalesce(opened, mailed, answered),
            Coalesce(mailed, opened, answered),
            Coalesce(answered, opened, mailed),
        ),
        nps=_latest_score(feedback, "nps"),
        csat=_latest_score(feedback, "csat"),
    ).order_by(F("last_contact").desc(nulls_last=True), "email", "pk")


def tickets_per_month(user, customers, today: date) -> dict[int, list[dict]]:
    """For each of `customers` (a page of them), the tickets they opened on the boards the user
    sees in each of the last SPARK_MONTHS months (to `today`'s): one query for the page."""
    months = [
        date(today.year + (today.month - index - 1) // 12, (today.month - index - 1) % 12 + 1, 1)
        for index in reversed(range(SPARK_MONTHS))
    ]
    rows = (
        Ticket.objects.filter(
            customer__in=[customer.pk for customer in customers],
            board__in=visible_boards(user),
            created_at__date__gte=months[0],
        )
        .annotate(month=TruncMonth("created_at"))
        .values("customer_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(row["customer_id"], row["month"].date()): row["n"] for row in rows}
    return {
        customer.pk: [
            {"month": month, "tickets": counts.get((customer.pk, month), 0)} for month in months
        ]
        for customer in customers
    }
