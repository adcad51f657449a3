"""Pages that assemble several apps, so they sit above all of them: the board (its tickets,
workspace panels and metrics link), the ticket page (with its workspace panels), the customer
page (tickets and feedback across boards). Thin adapters, like every
view: reads through each app's selectors, writes through its services."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts.services import preference_get
from boards.models import Board, Column
from boards.permissions import Action, board_for, can
from boards.realtime import now_ms
from boards.selectors import board_columns, board_mentionable, board_team
from boards.views import ZOOM_PREFERENCE
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import (
    add_refusal,
    is_htmx,
    refusal_status,
    render_live_part,
    requested_section,
    section_redirect,
)
from customfields.filters import FieldTicketFilter
from customfields.selectors import card_fields, field_filters
from customfields.views import fields_section_context
from macros.selectors import picker_entries, usable_macros
from mail.services import reply_address
from relations.models import TicketLink
from relations.selectors import merged_from, ticket_links
from savedviews.selectors import board_views
from sla.selectors import policy_for
from tickets import services as ticket_services
from tickets.filters import active_filter_count
from tickets.forms import TicketForm, TicketMoveForm
from tickets.models import Priority, Status, Ticket
from tickets.ranks import with_position
from tickets.selectors import (
    CardRow,
    card_people,
    card_rows,
    card_tags,
    card_tickets,
    column_ids,
    first_ids_per_column,
    first_per_column,
    is_following,
    my_work,
    ticket_for,
)
from tickets.views import ticket_url
from web.cards import Cards
from web.selectors import (
    customer_feedback,
    customer_for,
    customer_profiles,
    customer_tickets,
    customers_list,
    tickets_per_month,
)
from workspace.selectors import (
    board_files,
    recent_board_messages,
    ticket_activity,
    ticket_attachments,
    ticket_checklist,
    ticket_messages,
    with_card_counts,
)

# --- The board page ----------------------------------------------------------------------------
CARDS_PER_COLUMN = 50
ZOOMED_CARDS = 100


@dataclass
class Lane:
    """A column as the board page draws it: its cards after filtering, and its counters."""

    column: Column
    tickets: list[CardRow] = field(default_factory=list)
    cards: list[SafeString] = field(default_factory=list)  # the tickets' cards, drawn

    @property
    def cards_html(self) -> SafeString:
        return mark_safe("".join(self.cards))  # each card is safe: web.cards escapes its values

    @property
    def total(self) -> int:
        return self.column.ticket_count

    @property
    def matching(self) -> int:  # tickets of the column that pass the filters, drawn or not
        return getattr(self.column, "matching", self.total)

    @property
    def hidden(self) -> int:
        return self.matching - len(self.cards)

    @property
    def is_full(self) -> bool:
        return self.column.wip_limit is not None and self.total >= self.column.wip_limit


def _columns_context(request, board: Board) -> dict:
    """What the board's columns draw, for the board page and for its live redraw alike: the same
    filters as the API's ticket list (so a filtered URL means the same in both), and the same
    queries: the columns with their counts and first cards' ids, then the cards."""
    ticket_filter = FieldTicketFilter(
        request.GET or None,
        queryset=Ticket.objects.filter(board=board),
        request=request,
        board=board,
    )
    tickets = ticket_filter.qs
    filter_count = active_filter_count(ticket_filter)
    filtering = filter_count > 0
    zoomed = preference_get(request.user, ZOOM_PREFERENCE, False)
    # A column draws its first cards only (more when zoomed out); "Show more" expands one.
    limit = ZOOMED_CARDS if zoomed else CARDS_PER_COLUMN
    # Unfiltered, every ticket of a column matches: its count is the only one read.
    columns = list(first_ids_per_column(board_columns(board), tickets, limit, count=filtering))
    ids = {column.pk: column.shown_ids for column in columns}
    if any(shown is None for shown in ids.values()):
        ids = first_per_column(tickets, limit)
    expand = request.GET.get("expand", "")
    if expand.isdecimal() and int(expand) in ids:
        ids[int(expand)] = column_ids(tickets, int(expand))
    drawn = [pk for pks in ids.values() for pk in pks]
    shown = card_tickets(drawn)
    if not zoomed:
        shown = with_card_counts(shown)
    if filtering:  # a filtered card's index in its column is not its place among those drawn
        shown = with_position(shown)
    by_id = {ticket.pk: ticket for ticket in card_rows(shown)}
    ticket_base = reverse("tickets:detail", args=[board.pk, 0])[:-2]
    cards = Cards(
        board=board,
        policy=policy_for(board),
        ticket_base=ticket_base,
        zoomed=zoomed,
        people={} if zoomed else card_people(drawn),
        tags={} if zoomed else card_tags(drawn),
        fields={} if zoomed else card_fields(ticket_filter.custom_fields, drawn),
        can_work=can(request.user, Action.WORK, board),
    )
    lanes = []
    for column in columns:
        lane = Lane(column)
        for index, pk in enumerate(ids.get(column.pk) or ()):
            ticket = by_id[pk]
            lane.tickets.append(ticket)
            lane.cards.append(cards.item(ticket, ticket.position if filtering else index))
        lanes.append(lane)
    board_url = reverse("boards:detail", args=[board.pk])
    query = request.GET.urlencode()
    return {
        "board": board,
        "lanes": lanes,
        "filtering": filtering,
        "filter_count": filter_count,
        "zoomed": zoomed,
        "ticket_base": ticket_base,
        # Where a quick add goes back to: the board page with its filters, also when the columns
        # were drawn by the live redraw (whose own URL is not a page).
        "board_path": f"{board_url}?{query}" if query else board_url,
        # The filter bar's controls for the custom fields (the board page draws them).
        "field_filters": field_filters(ticket_filter.custom_fields, request.GET),
    }


def _open_panel(request, board: Board) -> str:
    """The ticket panel of a shared board URL (`?ticket=<number>`), drawn with the page; nothing
    for a number that is not a ticket of this board (the board shows, without a panel)."""
    number = request.GET.get("ticket", "")
    if not number.isdecimal():
        return ""
    try:
        ticket = ticket_for(board, number)
    except Http404:
        return ""
    return render_to_string(PANEL, _ticket_context(request, board, ticket, panel=True), request)


# The one-click row above the filters: each chip stands for these values of the filter bar's
# own fields, pressed while all of them are chosen (static/js/live-filters.js toggles them).
QUICK_FILTERS = [
    ("Mine", [("assignee", "me")]),
    ("Overdue", [("overdue", "true")]),
    ("High priority", [("priority", Priority.HIGH.value), ("priority", Priority.URGENT.value)]),
]
DUE_CHOICES = [("", "Any due date"), ("soon", "Due soon"), ("week", "Due this week")]


@dataclass
class FilterOption:
    name: str
    value: str
    label: str
    checked: bool
    kind: str = "checkbox"
    color: str = ""


def _filter_bar_context(request, board: Board) -> dict:
    """What the filter bar draws: each facet's choices, ticked as the URL has them (a parameter
    repeated, several ticked), and the quick filters, pressed while all their values are."""
    tags = list(board.tags.all())
    people = list(board_team(board))
    asked_tags = {value.lower() for value in request.GET.getlist("tag")}
    picked = {(name, value) for name, values in request.GET.lists() for value in values}
    picked |= {("tag", str(t.pk)) for t in tags if t.name.lower() in asked_tags}
    picked |= {("overdue", "true")} if ("overdue", "1") in picked else set()

    def options(name, choices, kind="checkbox"):
        return [
            FilterOption(name, str(value), label, (name, str(value)) in picked, kind)
            for value, label in choices
        ]

    due = options("due", DUE_CHOICES, kind="radio")
    if not any(option.checked for option in due):
        due[0].checked = True
    facets = [
        ("Status", options("status", Status.choices)),
        ("Priority", options("priority", Priority.choices)),
        (
            "Assignee",
            options(
                "assignee",
                [("me", "Assigned to me"), ("none", "Unassigned")]
                + [(person.username, person.name) for person in people],
            ),
        ),
        ("Due", [*due, *options("overdue", [("true", "Overdue")])]),
    ]
    if tags:
        tag_options = options("tag", [(tag.pk, tag.name) for tag in tags])
        for option, tag in zip(tag_options, tags, strict=True):
            option.color = tag.color
        facets.insert(3, ("Tag", tag_options))
    return {
        "filters": request.GET,
        "facets": [
            {
                "label": label,
                "options": choices,
                "count": sum(option.checked and option.value != "" for option in choices),
            }
            for label, choices in facets
        ],
        "quick_filters": [
            {
                "label": label,
                "values": " ".join(f"{name}={value}" for name, value in pairs),
                "pressed": all(pair in picked for pair in pairs),
            }
            for label, pairs in QUICK_FILTERS
        ],
        # The cards' menu offers the same choices.
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "people": people,
        "tags": tags,
    }


@login_required
def board_detail(request, board_id):
    rendered_at = now_ms()  # before any read: a change committed after this is redrawn live
    board = board_for(request.user, board_id)
    return render(
        request,
        "boards/detail.html",
        {
            **_columns_context(request, board),
            "ticket_panel": _open_panel(request, board),
            "rendered_at": rendered_at,
            **_filter_bar_context(request, board),
            "chat_messages": recent_board_messages(board),
            "mentionable": board_mentionable(board),
            "files": list(board_files(board)),
            "max_upload": settings.ATTACHMENT_MAX_BYTES,
            "metrics_visible": can(request.user, Action.READ_FEEDBACK, board),
            "saved_views": board_views(request.user, board),
        },
    )


@login_required
@require_GET
def board_detail_columns(request, board_id):
    """The board page's columns alone, for its live redraw: the same access check, filters and
    queries as the page. The header says when they were drawn, for the page's catch-up."""
    rendered_at = now_ms()
    board = board_for(request.user, board_id)
    context = _columns_context(request, board)
    return render_live_part(
        request, "boards/partials/columns.html", context, rendered_at=rendered_at
    )


# --- The ticket page ---------------------------------------------------------------------------
# The page's sections (its tabs) that redraw alone for htmx (csboard.core.pages.section_redirect).
TICKET_SECTIONS = ("details", "checklist", "chat", "attachments", "links")
# The ticket page's template draws the ticket panel too, inside the panel's layout instead of
# the page's (`{% extends layout %}`): one template for both.
PANEL = "tickets/detail.html"
PANEL_LAYOUT = "tickets/panel.html"


def _ticket_context(
    request,
    board: Board,
    ticket: Ticket,
    form: TicketForm | None = None,
    *,
    panel=False,
    section: str | None = None,
) -> dict:
    """What the ticket page draws, or one `section` of it alone (each section reads only what
    it draws, plus the activity it changed); `panel`: the whole ticket in the board's side
    panel, with the quick edits (status, priority, column, due date, assignees, tags) for those
    who may work."""
    wanted = set(TICKET_SECTIONS) if section is None else {section}
    context = {
        "board": board,
        "ticket": ticket,
        "activity": list(ticket_activity(ticket)),
        "max_upload": settings.ATTACHMENT_MAX_BYTES,
    }
    if "details" in wanted:  # the header's follow button: drawn with the page or the details
        context["following"] = is_following(request.user, ticket)
    if "checklist" in wanted:
        checklist = list(ticket_checklist(ticket))
        context["checklist"] = checklist
        context["checklist_done"] = sum(item.is_done for item in checklist)
    if "chat" in wanted:
        # Each message with its email (a reply's delivery, a customer's mail): one query.
        context["chat_messages"] = list(ticket_messages(ticket).select_related("email"))
        context["reply_to"] = reply_address(ticket)
    if wanted & {"chat", "attachments"}:
        context["files"] = list(ticket_attachments(ticket))
    if "links" in wanted:
        context["links"] = ticket_links(ticket, request.user)
        context["link_kinds"] = TicketLink.Kind.choices
        context["merged_from"] = list(merged_from(ticket))
    if can(request.user, Action.WORK, board):
        if section is None:  # the reply and note boxes' macro picker (static/js/macros.js)
            context["macros"] = picker_entries(usable_macros(board, request.user))
        if "details" in wanted:
            context["form"] = form or TicketForm.for_ticket(ticket, board)
        if section is None:
            context["move_form"] = TicketMoveForm(
                initial={
                    "column": ticket.column_id,
                    "position": ticket.position + 1,
                    "from_column": ticket.column_id,
                },
                board=board,
            )
        if panel:  # its own ids: the edit form is in the panel as well
            context["quick_form"] = TicketForm(
                initial=context["form"].initial, board=board, auto_id="quick-%s"
            )
    if section is None:
        context["mentionable"] = board_mentionable(board)  # the page's @mention autocomplete
        # Its custom fields, edited inline by those who may work (customfields.views.value_edit).
        context |= fields_section_context(
            board, ticket, can_work=can(request.user, Action.WORK, board)
        )
    if panel:
        context["layout"] = PANEL_LAYOUT
    return context


def _render_ticket(
    request, board: Board, ticket: Ticket, form: TicketForm | None = None, refused: int = 400
):
    """The ticket page, or one of its sections alone (what an htmx post is redirected to, or an
    edit refused)."""
    section = requested_section(request, TICKET_SECTIONS)
    if form is not None and is_htmx(request):
        section = "details"
    context = _ticket_context(request, board, ticket, form, section=section)
    if section is None:
        return render(request, "tickets/detail.html", context)
    # The section alone, saying what the post left to say, with the status of its refusal.
    status = refused if form is not None else refusal_status(messages.get_messages(request))
    context |= {"section": section, "oob": True}
    return render(request, "tickets/_section.html", context, status=status)


@login_required
def ticket_detail(request, board_id, number):
    board = board_for(request.user, board_id)
    return _render_ticket(request, board, ticket_for(board, number))


@login_required
@require_GET
def ticket_panel(request, board_id, number):
    """The ticket in the board's side panel (static/js/ticket-panel.js fetches it): the ticket
    page's template and reads, in the panel's layout."""
    board = board_for(request.user, board_id)
    ticket = ticket_for(board, number)
    return render(request, PANEL, _ticket_context(request, board, ticket, panel=True))


@login_required
@require_POST
def ticket_edit(request, board_id, number):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    form = TicketForm(request.POST, board=board)
    refused = 400
    if form.is_valid():
        try:
            ticket_services.ticket_update(ticket=ticket, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
            refused = exc.status_code
        else:
            messages.success(request, f"{ticket.reference} saved.")
            if is_htmx(request):
                return section_redirect(request, ticket_url(ticket), "details")
            return redirect(ticket_url(ticket))
    # Show what is stored, next to the form with what was typed and why it was refused.
    return _render_ticket(request, board, ticket_for(board, number), form=form, refused=refused)


# --- My work -----------------------------------------------------------------------------------
@login_required
@require_GET
def my_work_page(request):
    """The home page once signed in: my open tickets across every board I may see, by urgency,
    then those that mention me and those I follow; redrawn live (my_work_live)."""
    rendered_at = now_ms()
    return render(
        request, "my/work.html", {"work": my_work(request.user), "rendered_at": rendered_at}
    )


@login_required
@require_GET
def my_work_live(request):
    """My work's sections alone, for its live redraw: the same reads as the page."""
    rendered_at = now_ms()
    return render_live_part(
        request, "my/_sections.html", {"work": my_work(request.user)}, rendered_at=rendered_at
    )


# --- The customer page -------------------------------------------------------------------------
@login_required
def customer_detail(request, customer_id):
    """A customer's tickets and scores over time, and what each board knows of them, limited to
    the boards the user can see."""
    customer = customer_for(request.user, customer_id)
    tickets = list(customer_tickets(request.user, customer))
    feedback = list(customer_feedback(request.user, customer))
    profiles = customer_profiles(tickets, feedback)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "profiles": profiles,
            # One board's details head the page; several boards' are listed side by side.
            "profile": profiles[0] if len(profiles) == 1 else None,
            "tickets": tickets,
            "feedback": feedback,
        },
    )


CUSTOMERS_PAGE_SIZE = 25
SPARK_BAR, SPARK_GAP, SPARK_HEIGHT = 5, 2, 20


def sparkline(months: list[dict]) -> dict:
    """A small bar chart of tickets per month, drawn as SVG on the server, and the same numbers
    as words for a screen reader (its accessible name)."""
    top = max((month["tickets"] for month in months), default=0) or 1
    bars = [
        {
            "x": index * (SPARK_BAR + SPARK_GAP),
            "height": max(1, round(SPARK_HEIGHT * month["tickets"] / top)),
            "tickets": month["tickets"],
            "label": date_format(month["month"], "YEAR_MONTH_FORMAT"),
        }
        for index, month in enumerate(months)
    ]
    for bar in bars:
        bar["y"] = SPARK_HEIGHT - bar["height"]
    words = ", ".join(f"{bar['label']}: {bar['tickets']}" for bar in bars)
    return {
        "bars": bars,
        "width": len(bars) * (SPARK_BAR + SPARK_GAP) - SPARK_GAP,
        "height": SPARK_HEIGHT,
        "bar_width": SPARK_BAR,
        "label": f"Tickets opened per month, {words}",
        "total": sum(bar["tickets"] for bar in bars),
    }


@login_required
def customer_list(request):
    """The customers of the boards the user sees: searched by name, email or company, with their
    open tickets, last contact, latest NPS and CSAT (where the user may read feedback) and tickets
    over the last year, most recent contact first, a page at a time."""
    query = request.GET.get("q", "")[:200]
    page = Paginator(customers_list(request.user, query), CUSTOMERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    months = tickets_per_month(request.user, page.object_list, timezone.localdate())
    rows = [(customer, sparkline(months[customer.pk])) for customer in page.object_list]
    return render(request, "customers/list.html", {"page": page, "rows": rows, "q": query})
