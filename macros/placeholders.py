"""The placeholders a macro's text may hold, filled in for one ticket and agent: a fixed list of
names, each a plain value (no template engine, no attribute lookup); anything else between
braces stays as written."""

import re

from tickets.models import Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z]+\.[a-z_]+)\s*\}\}")

PLACEHOLDERS = {
    "customer.name": "The customer's name (“there” when unknown)",
    "customer.email": "The customer's email",
    "ticket.ref": "The ticket's reference, e.g. CS-12",
    "ticket.title": "The ticket's title",
    "agent.name": "Your name",
    "board.name": "The board's name",
}


def fill(text: str, *, ticket: Ticket, agent) -> str:
    values = {
        "customer.name": ticket.customer_name or "there",
        "customer.email": ticket.customer_email,
        "ticket.ref": ticket.reference,
        "ticket.title": " ".join(ticket.title.split()),
        "agent.name": agent.name if agent is not None else "",
        "board.name": ticket.board.name,
    }
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
