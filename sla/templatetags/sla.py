from django import template

from sla.selectors import policy_for, ticket_clocks

register = template.Library()


@register.simple_tag
def sla_clocks(ticket, board):
    """`{% sla_clocks ticket board as clocks %}`: the ticket's SLA clocks. The policy is read
    once per board object, so a board page of many cards adds one query, not one per card."""
    return ticket_clocks(ticket, policy_for(board))
