"""The placeholders of a template's title pattern, a small set filled in when the ticket is
created (from what the ticket itself says):

- `{customer}`: the customer's name, else their email address;
- `{company}`: the customer's company;
- `{email}`: the customer's email address;
- `{date}`: the day of creation in the board's time zone, as dates read everywhere (7 Oct 2026).

A pattern names only these, each in single braces; anything else in braces is refused when the
template is saved (a typo would otherwise reach every title). Filling in is no format string: a
pattern cannot reach an attribute."""

import re
import zoneinfo

from django.utils import timezone
from django.utils.formats import date_format

from boards.models import Board

NAMES = ("customer", "company", "email", "date")
BRACED = re.compile(r"\{([^{}]*)\}")
DOCUMENTED = ", ".join(f"{{{name}}}" for name in NAMES)
HELP = f"{DOCUMENTED} are filled in from the new ticket (the date is the board’s today)."


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a title pattern, or None."""
    unknown = [name for name in BRACED.findall(pattern) if name not in NAMES]
    if unknown:
        named = ", ".join(f"{{{name}}}" for name in dict.fromkeys(unknown))
        return f"Unknown placeholder {named}: use {DOCUMENTED}."
    if "{" in BRACED.sub("", pattern) or "}" in BRACED.sub("", pattern):
        return f"A brace without its pair: placeholders are written {{customer}}; use {DOCUMENTED}."
    return None


def fill_in(pattern: str, *, board: Board, fields: dict) -> str:
    """The title `pattern` gives a ticket of `board` with these `fields` (a ticket's customer
    fields, as ticket_create takes them); braces that are no placeholder stay as written."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(board.timezone))
    values = {
        "customer": fields.get("customer_name") or fields.get("customer_email") or "",
        "company": fields.get("customer_company") or "",
        "email": fields.get("customer_email") or "",
        "date": date_format(today, "DATE_FORMAT"),
    }
    filled = BRACED.sub(lambda match: values.get(match.group(1), match.group(0)), pattern)
    return " ".join(filled.split())
