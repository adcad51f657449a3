from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from boards.models import Board
from boards.permissions import visible_boards
from customers.models import Customer
from feedback.models import FeedbackResponse
from feedback.selectors import feedback_boards
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
            customer=customer, board__in=feedback_boards(boards)
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
            customer=customer, board__in=feedback_boards(visible_boards(user))
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
