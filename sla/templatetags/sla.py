from django import template
from django.utils.functional import SimpleLazyObject

from sla.selectors import policy_for, resolution_outcome, ticket_clocks

register = template.Library()


@register.simple_tag
def sla_clocks(ticket, board):
    """`{% sla_clocks ticket board as clocks %}`: the ticket's SLA clocks. The policy is read
    once per board object, so a page of many tickets adds one query, not one per ticket, and
    only once a clock needs it (a ticket without a due date has none that does)."""
    return ticket_clocks(ticket, SimpleLazyObject(lambda: policy_for(board)))


@register.filter
def sla_outcome(ticket) -> str | None:
    """`{{ ticket|sla_outcome }}`: "resolved on time" / "resolved 3 h late", or None (open)."""
    return resolution_outcome(ticket)
