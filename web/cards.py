"""The board's cards, built in Python: a board page draws hundreds of them, and a template
include per card and per badge cost two thirds of its time (issue 13). The markup is that of a
template, kept small: one line a card, the icons as `<use>` of the page's sprite, and nothing the
card does not show. Every value from the data goes through `escape`; the rest are constants.

`Cards` holds what every card of a page shares (the board, its SLA policy, the time), so a card
is only its own fields."""

from dataclasses import dataclass, field
from datetime import datetime
from html import escape  # Django's escape is this, behind a wrapper that a card pays ten times

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from boards.models import Board
from boards.templatetags.board_ui import avatar
from csboard.core.templatetags.ui import icon_html
from sla.models import SlaPolicy
from sla.selectors import resolution_outcome, ticket_clocks, ticket_is_due_soon
from tickets.models import Priority, Status, is_overdue
from tickets.selectors import CardRow

ICONS = {name: icon_html(name) for name in ("company", "list", "chat", "alert", "calendar")}
CLOCK_ICONS = {"breached": icon_html("alert"), "met": icon_html("check")}
PRIORITIES = dict(Priority.choices)
STATUSES = dict(Status.choices)
MARKS = {
    "urgent": ("up-double", "Urgent priority", "Urgent"),
    "high": ("up", "High priority", "High"),
}


def _when(moment: datetime, name: str) -> str:
    """A date as the templates' `|date:name` filter writes it (`name` one of the formats of
    csboard.core.formats), in the current time zone."""
    return date_format(timezone.localtime(moment), get_format(name))


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


@dataclass
class Cards:
    """Draws the cards of one board page."""

    board: Board
    policy: SlaPolicy
    ticket_base: str  # a ticket's page is f"{ticket_base}{number}/"
    zoomed: bool = False
    people: dict[int, list] = field(default_factory=dict)  # assignees by ticket id (card_people)
    tags: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)  # (card_tags)
    # The custom fields shown on cards: (name, value in words) by ticket id (card_fields).
    fields: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    can_work: bool = False  # a full card carries its values for the quick-edit menu
    now: datetime = field(default_factory=timezone.now)

    def __post_init__(self):
        self.key = escape(self.board.key)
        self._avatars_drawn: dict[int, str] = {}

    def item(self, ticket: CardRow, position: int) -> SafeString:
        """The card as a list item of its column, with its index there (`position`)."""
        card = self.compact(ticket) if self.zoomed else self.full(ticket)
        # Who may move it, static/js/board-moves.js makes it movable (tabindex, role description).
        return mark_safe(
            f'<li class="column__item" data-ticket="{ticket.number}" data-position="{position}"'
            f"{self._values(ticket)}>{card}</li>"
        )

    def _values(self, ticket: CardRow) -> str:
        """What the quick-edit menu (templates/boards/partials/card_menu.html) shows as chosen,
        for those who may work: a full card's values, not a menu (static/js/ticket-panel.js
        gives each card its menu button, one shared menu)."""
        if self.zoomed or not self.can_work:
            return ""
        people = " ".join(escape(person.username) for person in self.people.get(ticket.pk, ()))
        tags = " ".join(str(tag[2]) for tag in self.tags.get(ticket.pk, ()))
        # Status and priority the menu reads from the card's own badges.
        return (f' data-assignees="{people}"' if people else "") + (
            f' data-tags="{tags}"' if tags else ""
        )

    def _overdue(self, ticket: CardRow) -> bool:
        return is_overdue(ticket.due_at, ticket.resolved_at, self.now)

    def _open(self, ticket: CardRow, *modifiers: str) -> str:
        overdue = " card--overdue" if self._overdue(ticket) else ""
        extra = "".join(f" card--{modifier}" for modifier in modifiers)
        return f'<article class="card{extra} card--{ticket.priority}{overdue}">'

    def _link(self, ticket: CardRow, css: str, title: str = "") -> str:
        return (
            f'<a class="{css}" href="{self.ticket_base}{ticket.number}/"{title}>'
            f"{escape(ticket.title)}</a>"
        )

    # --- The full card ---------------------------------------------------------------------------
    def full(self, ticket: CardRow) -> str:
        priority = PRIORITIES[ticket.priority]
        parts = [
            self._open(ticket),
            f'<div class="card__top"><span class="card__ref">{self.key}-{ticket.number}</span>'
            f'<span class="badge badge--{ticket.priority} priority" title="Priority: {priority}">'
            f"{priority}</span></div>",
            f'<h3 class="card__title">{self._link(ticket, "card__link")}</h3>',
        ]
        company, name = ticket.customer_company, ticket.customer_name
        if company or name:
            between = " · " if company and name else ""
            parts.append(
                f'<p class="card__customer">{ICONS["company"]}'
                f"<span>{escape(company)}{between}{escape(name)}</span></p>"
            )
        tags = self.tags.get(ticket.pk)
        if tags:
            chips = "".join(
                f'<li class="chip" style="--chip: {escape(color)}">{escape(name)}</li>'
                for name, color, _ in tags
            )
            parts.append(f'<ul class="chips" aria-label="Tags">{chips}</ul>')
        shown = self.fields.get(ticket.pk)
        if shown:
            items = "".join(
                f'<li><span class="card__field-name">{escape(name)}</span> {escape(text)}</li>'
                for name, text in shown
            )
            parts.append(f'<ul class="card__fields" aria-label="Fields">{items}</ul>')
        parts.append(self._clocks(ticket))
        parts.append(
            f'<div class="card__footer"><div class="card__meta">{self._meta(ticket)}</div>'
            f"{self._avatars(ticket)}</div></article>"
        )
        return "".join(parts)

    def _clocks(self, ticket: CardRow) -> str:
        if ticket.resolved_at is not None:  # its outcome once, quietly, not a pill per clock
            outcome = resolution_outcome(ticket)
            if outcome is None:
                return ""
            due, resolved = (
                _when(ticket.due_at, "DATETIME_FORMAT"),
                _when(ticket.resolved_at, "DATETIME_FORMAT"),
            )
            return (
                f'<p class="sla-outcome" title="Due {due}, resolved {resolved}">'
                f"{CLOCK_ICONS['met']}<span>{outcome.capitalize()}</span></p>"
            )
        clocks = ticket_clocks(ticket, self.policy, self.now)
        if not clocks:
            return ""
        items = "".join(
            f'<li class="sla__clock sla__clock--{clock.state}" title="{clock.name} '
            f'{"was " if clock.stopped_at else ""}due {_when(clock.deadline, "DATETIME_FORMAT")}">'
            f"{CLOCK_ICONS.get(clock.state) or icon_html('clock')}"
            f'<span class="sla__name">{clock.short_name}</span> '
            f'<span class="sla__state">{clock.label}</span></li>'
            for clock in clocks
        )
        return f'<ul class="sla" aria-label="Service level">{items}</ul>'

    def _meta(self, ticket: CardRow) -> str:
        parts = [f'<span class="status status--{ticket.status}">{STATUSES[ticket.status]}</span>']
        total, done = ticket.checklist_total, ticket.checklist_done
        if total:
            complete = " card__checklist--complete" if done == total else ""
            parts.append(
                f'<span class="card__checklist{complete}" title="Checklist: {done} of {total} '
                f'done">{ICONS["list"]}{done}/{total}</span>'
            )
        comments = ticket.comment_count
        if comments:
            words = f"comment{_plural(comments)}"
            parts.append(
                f'<span class="card__comments" title="{comments} {words}">{ICONS["chat"]}'
                f'{comments}<span class="visually-hidden"> {words}</span></span>'
            )
        if ticket.due_at:
            day = _when(ticket.due_at, "MONTH_DAY_FORMAT")
            full = _when(ticket.due_at, "DATETIME_FORMAT")
            if self._overdue(ticket):
                parts.append(
                    f'<span class="badge badge--overdue" title="Was due {full}">'
                    f"{ICONS['alert']}Overdue · {day}</span>"
                )
            else:
                parts.append(
                    f'<span class="due" title="Due {full}">{ICONS["calendar"]}{day}</span>'
                )
        return "".join(parts)

    def _avatars(self, ticket: CardRow) -> str:
        people = self.people.get(ticket.pk)
        if not people:
            return ""
        return f'<span class="avatars">{"".join(map(self._avatar, people))}</span>'

    def _avatar(self, person) -> str:
        """A person's avatar (as every page draws it), drawn once a page however many cards
        they are on."""
        drawn = self._avatars_drawn.get(person.pk)
        if drawn is None:
            drawn = self._avatars_drawn[person.pk] = avatar(person, small=True)
        return drawn

    # --- The zoomed-out card -------------------------------------------------------------------
    def compact(self, ticket: CardRow) -> str:
        """Reference and title, with the marks of what needs attention first: each has its own
        icon and words, never colour alone (urgent a double chevron, high a single one, overdue
        an exclamation mark, due soon a clock, a first response running late a clock)."""
        marks = []
        if ticket.priority in MARKS:
            name, title, text = MARKS[ticket.priority]
            marks.append(self._mark(ticket.priority, title, name, text))
        if self._overdue(ticket):
            since = _when(ticket.due_at, "SHORT_DATETIME_FORMAT")
            marks.append(self._mark("overdue", f"Overdue since {since}", "alert", "Overdue"))
        elif ticket_is_due_soon(ticket, self.policy, self.now):
            due = _when(ticket.due_at, "SHORT_DATETIME_FORMAT")
            marks.append(self._mark("due-soon", f"Due {due}", "clock", "Due soon"))
        for clock in ticket_clocks(ticket, self.policy, self.now):
            if clock.key == "first_response" and not clock.stopped_at and clock.state != "on_track":
                label = clock.label.lower()
                marks.append(
                    self._mark(
                        f"sla mark--sla-{clock.state}",
                        f"{clock.name} {label}: due {_when(clock.deadline, 'SHORT_DATETIME_FORMAT')}",
                        "clock",
                        f"Response {label}",
                    )
                )
        title = f' title="{escape(ticket.title)}"'
        return (
            f'{self._open(ticket, "compact")}<span class="card__ref">{self.key}-{ticket.number}'
            f"</span>{''.join(marks)}{self._link(ticket, 'card__link card__title', title)}"
            "</article>"
        )

    @staticmethod
    def _mark(kind: str, title: str, icon: str, text: str) -> str:
        return (
            f'<span class="mark mark--{kind}" title="{title}">{icon_html(icon)}'
            f'<span class="mark__text">{text}</span></span>'
        )
