from django import template
from django.utils.functional import SimpleLazyObject

from sla.selectors import policy_for, ticket_clocks, ticket_is_due_soon

register = template.Library()


@register.simple_tag
def sla_clocks(ticket, board):
    """`{% sla_clocks ticket board as clocks %}`: the ticket's SLA clocks. The policy is read
    once per board object, so a board page of many cards adds one query, not one per card, and
    only once a clock needs it (a ticket without a due date has none that does)."""
    return ticket_clocks(ticket, SimpleLazyObject(lambda: policy_for(board)))


@register.simple_tag
def due_soon(ticket, board) -> bool:
    """`{% due_soon ticket board as is_due_soon %}`: due soon by the board's SLA policy (read
    once per board object, as for the clocks)."""
    return ticket_is_due_soon(ticket, policy_for(board))
