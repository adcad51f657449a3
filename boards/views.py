"""Board pages: my boards, a new board, the board itself and its settings. Thin adapters over
boards.permissions (access), boards.selectors (reads) and boards.services (writes)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import board_audit_events
from accounts.services import preference_get, preference_set
from boards import services
from boards.forms import (
    ROLE_CHOICES,
    BoardCreateForm,
    BoardDeleteForm,
    BoardForm,
    ColumnDeleteForm,
    ColumnForm,
    ColumnReorderForm,
    MemberAddForm,
    MemberRoleForm,
    TagForm,
)
from boards.models import Board, Column, Role
from boards.permissions import board_for
from boards.realtime import now_ms
from boards.selectors import (
    board_assignable_users,
    board_columns,
    board_members,
    board_tags,
    boards_for_user,
)
from csboard.core.csv import csv_response
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import (
    add_refusal,
    redirect_back,
    refusals_as_messages,
    render_live_part,
    submitted,
)
from feedback.selectors import feedback_visible
from tickets.filters import TicketFilter
from tickets.models import Priority, Status, Ticket
from tickets.selectors import board_tickets, first_per_column, matching_per_column
from workspace.selectors import board_files, recent_board_messages

AUDIT_EVENTS_SHOWN = 50


@dataclass
class Lane:
    """A column as the board page draws it: its tickets after filtering, and its counters."""

    column: Column
    tickets: list[Ticket] = field(default_factory=list)
    matching: int = 0  # tickets of the column that pass the filters, drawn or not

    @property
    def total(self) -> int:
        return self.column.ticket_count

    @property
    def hidden(self) -> int:
        return self.matching - len(self.tickets)

    @property
    def is_full(self) -> bool:
        return self.column.wip_limit is not None and self.total >= self.column.wip_limit


def _settings_url(board_id: int, section: str = "") -> str:
    url = reverse("boards:settings", args=[board_id])
    return f"{url}#{section}" if section else url


# --- Boards ------------------------------------------------------------------------------------
@login_required
def board_list(request):
    boards = boards_for_user(request.user)
    return render(request, "boards/list.html", {"boards": boards})


@login_required
def board_new(request):
    form = BoardCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(created_by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Board “{board.name}” is ready.")
            return redirect("boards:detail", board_id=board.pk)
    return render(
        request,
        "boards/new.html",
        {"form": form, "template_columns": services.BOARD_TEMPLATES},
    )


ZOOM_PREFERENCE = "board_zoomed_out"
CARDS_PER_COLUMN = 50
ZOOMED_CARDS = 100


@login_required
@require_POST
def board_zoom(request, board_id):
    """Switch between full cards and the zoomed-out view (reference and title); remembered for
    the user across boards and devices."""
    board = board_for(request.user, board_id)
    zoomed = not preference_get(request.user, ZOOM_PREFERENCE, False)
    preference_set(request.user, ZOOM_PREFERENCE, zoomed)
    return redirect_back(request, reverse("boards:detail", args=[board.pk]))


def _columns_context(request, board: Board) -> dict:
    """What the board's columns draw, for the board page and for its live redraw alike: the same
    filters as the API's ticket list (so a filtered URL means the same in both), and the same
    queries."""
    ticket_filter = TicketFilter(
        request.GET or None, queryset=board_tickets(board), request=request, board=board
    )
    zoomed = preference_get(request.user, ZOOM_PREFERENCE, False)
    lanes = {column.pk: Lane(column) for column in board_columns(board)}
    # A column draws its first cards only (more when zoomed out); "Show more" expands one.
    expand = request.GET.get("expand", "")
    shown = first_per_column(
        ticket_filter.qs,
        ZOOMED_CARDS if zoomed else CARDS_PER_COLUMN,
        expand=int(expand) if expand.isdecimal() else None,
    )
    for ticket in shown:
        lanes[ticket.column_id].tickets.append(ticket)
    for column_id, count in matching_per_column(ticket_filter.qs).items():
        lanes[column_id].matching = count
    filtering = ticket_filter.is_bound and any(
        value not in (None, "", []) for value in ticket_filter.form.cleaned_data.values()
    )
    board_url = reverse("boards:detail", args=[board.pk])
    query = request.GET.urlencode()
    return {
        "board": board,
        "lanes": list(lanes.values()),
        "filtering": filtering,
        "zoomed": zoomed,
        # Cards link to "<ticket_base><number>/": one reverse() per page, not per card.
        "ticket_base": reverse("tickets:detail", args=[board.pk, 0])[:-2],
        # Where a quick add goes back to: the board page with its filters, also when the columns
        # were drawn by the live redraw (whose own URL is not a page).
        "board_path": f"{board_url}?{query}" if query else board_url,
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
            "rendered_at": rendered_at,
            "filters": request.GET,
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "people": board_assignable_users(board),
            "tags": board.tags.all(),
            "chat_messages": recent_board_messages(board),
            "files": list(board_files(board)),
            "max_upload": settings.ATTACHMENT_MAX_BYTES,
            "metrics_visible": feedback_visible(board),
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


def _render_settings(request, board: Board, general_form: BoardForm | None = None):
    context = {
        "board": board,
        "general_form": general_form or BoardForm.for_board(board),
        "columns": board_columns(board),
        "column_form": ColumnForm(),
        "tags": board_tags(board),
        "tag_form": TagForm(),
        "members": board_members(board),
        "member_form": MemberAddForm(),
        "roles": ROLE_CHOICES,
        "delete_form": BoardDeleteForm(board=board),
        "audit_events": board_audit_events(board)[:AUDIT_EVENTS_SHOWN],
    }
    return render(request, "boards/settings.html", context)


@login_required
def board_settings(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    return _render_settings(request, board)


@login_required
@require_POST
def board_update(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    form = BoardForm(request.POST)
    if form.is_valid():
        try:
            services.board_update(board=board, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Board details saved.")
            return redirect(_settings_url(board.pk, "general"))
    # The refused values were set on `board`; show the page with the stored ones.
    return _render_settings(request, board_for(request.user, board_id), general_form=form)


@login_required
@require_POST
def board_delete(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    form = BoardDeleteForm(request.POST, board=board)
    if not form.is_valid():
        messages.error(request, form.errors["confirm_key"][0])
        return redirect(_settings_url(board.pk, "danger"))
    services.board_delete(board=board)
    messages.success(request, f"Board “{board.name}” and its tickets were deleted.")
    return redirect("boards:list")


# --- Columns -----------------------------------------------------------------------------------
def _column(board: Board, column_id) -> Column:
    return get_object_or_404(board_columns(board), pk=column_id)


@login_required
@require_POST
def column_add(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    data = submitted(request, ColumnForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "columns"))
    with refusals_as_messages(request):
        column = services.column_create(board=board, **data)
        messages.success(request, f"Column “{column.name}” added.")
    return redirect(_settings_url(board.pk, "columns"))


@login_required
@require_POST
def column_edit(request, board_id, column_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    column = _column(board, column_id)
    data = submitted(request, ColumnForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "columns"))
    with refusals_as_messages(request):
        services.column_update(column=column, **data)
        messages.success(request, f"Column “{column.name}” saved.")
    return redirect(_settings_url(board.pk, "columns"))


@login_required
@require_POST
def column_reorder(request, board_id, column_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    column = _column(board, column_id)
    form = ColumnReorderForm(request.POST)
    if form.is_valid():
        step = -1 if form.cleaned_data["direction"] == "up" else 1
        index = [c.pk for c in board_columns(board)].index(column.pk)
        with refusals_as_messages(request):
            services.column_update(column=column, position=max(0, index + step))
    return redirect(_settings_url(board.pk, "columns"))


@login_required
@require_POST
def column_delete(request, board_id, column_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    column = _column(board, column_id)
    data = submitted(request, ColumnDeleteForm(request.POST, column=column))
    if data is None:
        return redirect(_settings_url(board.pk, "columns"))
    with refusals_as_messages(request):
        services.column_delete(column=column, move_to=data["move_to"])
        messages.success(request, f"Column “{column.name}” deleted.")
    return redirect(_settings_url(board.pk, "columns"))


# --- Tags --------------------------------------------------------------------------------------
@login_required
@require_POST
def tag_add(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    data = submitted(request, TagForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "tags"))
    with refusals_as_messages(request):
        tag = services.tag_create(board=board, **data)
        messages.success(request, f"Tag “{tag.name}” added.")
    return redirect(_settings_url(board.pk, "tags"))


@login_required
@require_POST
def tag_edit(request, board_id, tag_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    tag = get_object_or_404(board.tags, pk=tag_id)
    data = submitted(request, TagForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "tags"))
    with refusals_as_messages(request):
        services.tag_update(tag=tag, **data)
        messages.success(request, f"Tag “{tag.name}” saved.")
    return redirect(_settings_url(board.pk, "tags"))


@login_required
@require_POST
def tag_delete(request, board_id, tag_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    tag = get_object_or_404(board.tags, pk=tag_id)
    services.tag_delete(tag=tag)
    messages.success(request, f"Tag “{tag.name}” deleted.")
    return redirect(_settings_url(board.pk, "tags"))


# --- Members -----------------------------------------------------------------------------------
@login_required
@require_POST
def member_add(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    data = submitted(request, MemberAddForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "members"))
    user = data["login"]
    with refusals_as_messages(request):
        membership = services.membership_add(
            board=board, user=user, role=data["role"], by=request.user
        )
        messages.success(request, f"{user.name} joined as {membership.get_role_display().lower()}.")
    return redirect(_settings_url(board.pk, "members"))


@login_required
@require_POST
def member_role(request, board_id, membership_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    membership = get_object_or_404(board_members(board), pk=membership_id)
    data = submitted(request, MemberRoleForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "members"))
    with refusals_as_messages(request):
        services.membership_set_role(membership=membership, role=data["role"], by=request.user)
        messages.success(
            request, f"{membership.user.name} is now {membership.get_role_display().lower()}."
        )
        if membership.user_id == request.user.pk and membership.role < Role.ADMIN:
            return redirect("boards:detail", board_id=board.pk)  # settings are closed to them now
    return redirect(_settings_url(board.pk, "members"))


@login_required
@require_POST
def member_remove(request, board_id, membership_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    membership = get_object_or_404(board_members(board), pk=membership_id)
    with refusals_as_messages(request):
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, f"{membership.user.name} was removed from the board.")
        if membership.user_id == request.user.pk:
            return redirect("boards:list")
    return redirect(_settings_url(board.pk, "members"))


EXPORT_FIELDS = [
    ("number", "number"),
    ("title", "title"),
    ("column", "column__name"),
    ("status", "status"),
    ("priority", "priority"),
    ("customer_name", "customer_name"),
    ("customer_email", "customer_email"),
    ("customer_company", "customer_company"),
    ("created_at", "created_at"),
    ("due_at", "due_at"),
    ("first_response_at", "first_response_at"),
    ("resolved_at", "resolved_at"),
]


@login_required
def board_export_tickets(request, board_id):
    """The board's tickets as CSV, with the same filters as the board page, streamed."""
    board = board_for(request.user, board_id)
    tickets = TicketFilter(
        request.GET or None,
        queryset=Ticket.objects.filter(board=board),
        request=request,
        board=board,
    ).qs
    rows = (
        tickets.order_by("number")
        .values_list(*(source for _, source in EXPORT_FIELDS))
        .iterator(chunk_size=2000)
    )
    header = [name for name, _ in EXPORT_FIELDS]
    return csv_response(f"{board.key}-tickets.csv", header, rows)
