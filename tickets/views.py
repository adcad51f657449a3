"""Ticket actions and the board's ticket CSV (the ticket page itself, with its workspace panels,
is web.views). Thin adapters: access through boards.permissions.board_for, tickets through
tickets.selectors.ticket_for, every change through tickets.services."""

from itertools import islice
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from boards.forms import ColumnDeleteForm, ColumnsForm
from boards.models import Board
from boards.permissions import Action, board_for
from boards.selectors import board_columns
from boards.views import render_settings
from csboard.core.csv import csv_response
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import (
    add_refusal,
    first_error,
    is_htmx,
    redirect_back,
    refusals_as_messages,
    submitted,
)
from tickets import services
from tickets.filters import TicketFilter
from tickets.forms import TicketMoveForm, TicketQuickForm
from tickets.models import Ticket
from tickets.selectors import archived_tickets, is_following, ticket_for, ticket_to_change


def quick_add(request, board_id, *, create=services.ticket_create):
    """The quick add of a board's column (the view is customfields.views.ticket_new, whose
    `create` also gives the new ticket its custom fields' defaults). Posted by htmx, it answers
    with the board's columns (its filters kept), the new card among them, so that the page
    swaps them in and the field keeps its focus for the next card; a refusal is a line for
    beside the field, with its status."""
    board = board_for(request.user, board_id, Action.WORK)
    form = TicketQuickForm(request.POST, board=board)
    if not form.is_valid():
        return _quick_add_refused(request, board, first_error(form), 400)
    try:
        ticket = create(board=board, created_by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _quick_add_refused(request, board, exc.message, exc.status_code)
    if is_htmx(request):
        query = urlsplit(request.POST.get("next", "")).query
        columns = reverse("boards:detail_columns", args=[board.pk])
        return redirect(f"{columns}?{query}" if query else columns)
    messages.success(request, f"{ticket.reference} added to “{ticket.column.name}”.")
    return redirect_back(request, board_url(board))


def _quick_add_refused(request, board: Board, message: str, status: int):
    if is_htmx(request):
        return HttpResponse(
            format_html('<p class="quick-add__error" role="alert">{}</p>', message), status=status
        )
    messages.error(request, message)
    return redirect_back(request, board_url(board))


@login_required
@require_POST
def ticket_move(request, board_id, number):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    form = TicketMoveForm(request.POST, board=board)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect_back(request, ticket_url(ticket))
    column = form.cleaned_data["column"]
    with refusals_as_messages(request):
        services.ticket_move(
            ticket=ticket,
            column=column,
            position=form.cleaned_data["position"],
            by=request.user,
            from_column=form.cleaned_data["from_column"],
        )
        messages.success(request, f"{ticket.reference} moved to “{column.name}”.")
    return redirect_back(request, ticket_url(ticket))


@login_required
@require_POST
def ticket_delete(request, board_id, number):
    """Deleting a ticket archives it (services.ticket_archive); the board's message offers to
    undo that for a few seconds (static/js/undo.js), a form that restores it."""
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_to_change(board, number)
    with refusals_as_messages(request):
        services.ticket_archive(ticket=ticket, by=request.user)
        messages.success(
            request,
            f"{ticket.reference} “{ticket.title}” was archived.",
            extra_tags=f"undo {reverse('tickets:restore', args=[board.pk, ticket.number])}",
        )
    return redirect(board_url(board))


@login_required
@require_POST
def ticket_follow(request, board_id, number):
    """Follow the ticket (`follow=1`) or stop (`follow=0`): anyone who may see it, guests too.
    Posted by htmx (the ticket page's and panel's button) it answers with the button alone."""
    board = board_for(request.user, board_id)
    ticket = ticket_to_change(board, number)
    if request.POST.get("follow") == "0":
        services.ticket_unfollow(ticket=ticket, user=request.user)
        said = f"You no longer follow {ticket.reference}."
    else:
        services.ticket_follow(ticket=ticket, user=request.user)
        said = f"You follow {ticket.reference}: you will hear of its messages."
    if is_htmx(request):
        context = {
            "board": board,
            "ticket": ticket,
            "following": is_following(request.user, ticket),
        }
        return render(request, "tickets/_follow.html", context)
    messages.success(request, said)
    return redirect_back(request, ticket_url(ticket))


ARCHIVE_PAGE_SIZE = 25


@login_required
def archive_list(request, board_id):
    """The board's archive: whoever sees the board reads it; members restore, admins delete
    for good. Searchable (title, number, customer), paginated."""
    board = board_for(request.user, board_id)
    query = request.GET.get("q", "")[:200]
    page = Paginator(archived_tickets(board, query), ARCHIVE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "tickets/archive.html", {"board": board, "page": page, "q": query})


@login_required
@require_POST
def ticket_restore(request, board_id, number):
    """Back to its column, at the end; a column at its WIP limit refuses, said in the message."""
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_to_change(board, number, archived=True)
    restored = None
    with refusals_as_messages(request):
        restored = services.ticket_restore(ticket=ticket, by=request.user)
    if restored is None:
        return redirect_back(request, archive_url(board))
    messages.success(request, f"{ticket.reference} is back in “{restored.column.name}”.")
    return redirect_back(request, ticket_url(restored))


@login_required
@require_POST
def ticket_delete_for_good(request, board_id, number):
    board = board_for(request.user, board_id, Action.MANAGE)
    ticket = ticket_to_change(board, number, archived=True)
    services.ticket_delete(ticket=ticket, by=request.user)
    messages.success(request, f"{ticket.reference} “{ticket.title}” was deleted for good.")
    return redirect(archive_url(board))


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


EXPORT_CHUNK = 2000


def tickets_csv(request, board: Board, *, filterset=TicketFilter, more=None) -> HttpResponse:
    """The CSV of the board's tickets that pass `filterset`, streamed (the view is
    customfields.views.board_export_tickets). `more`, from an app above (customfields: a
    column per custom field), adds columns: (their header, a function
    from a chunk of ticket ids to each ticket's cells), read once per chunk of rows."""
    tickets = filterset(
        request.GET or None,
        queryset=Ticket.objects.filter(board=board),
        request=request,
        board=board,
    ).qs
    rows = (
        tickets.order_by("number")
        .values_list("pk", *(source for _, source in EXPORT_FIELDS))
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    header = [name for name, _ in EXPORT_FIELDS]
    if more is None:
        return csv_response(f"{board.key}-tickets.csv", header, (row[1:] for row in rows))
    more_header, cells_of = more

    def with_more():
        while chunk := list(islice(rows, EXPORT_CHUNK)):
            cells = cells_of([row[0] for row in chunk])
            for row in chunk:
                yield (*row[1:], *cells.get(row[0], ()))

    return csv_response(f"{board.key}-tickets.csv", [*header, *more_header], with_more())


def board_url(board: Board) -> str:
    return reverse("boards:detail", args=[board.pk])


def archive_url(board: Board) -> str:
    return reverse("tickets:archive", args=[board.pk])


def ticket_url(ticket: Ticket) -> str:
    return ticket.get_absolute_url()


@login_required
@require_POST
def columns_save(request, board_id):
    """The settings page's columns section, saved at once: every column's name, WIP limit, done
    flag and order (services.columns_save). Refused, the page comes back with what was sent
    and each error beside its field; nothing was written."""
    board = board_for(request.user, board_id, Action.MANAGE)
    form = ColumnsForm(request.POST, columns=board_columns(board))
    if form.is_valid():
        try:
            count = services.columns_save(board=board, rows=form.changes(), by=request.user)
        except ApplicationError as exc:
            add_refusal(form, exc, field_of=ColumnsForm.field_of)
        else:
            changed = (
                f" {count} ticket{'s' if count != 1 else ''} resolved or reopened." if count else ""
            )
            messages.success(request, f"Columns saved.{changed}")
            return redirect(f"{reverse('boards:settings', args=[board.pk])}#columns")
    return render_settings(request, board, columns_form=form)


@login_required
@require_POST
def column_delete(request, board_id, column_id):
    """The settings page's Delete of a column; its tickets move to the chosen column as moves
    (services.column_delete: resolved in a done column, reopened out of one)."""
    board = board_for(request.user, board_id, Action.MANAGE)
    column = get_object_or_404(board_columns(board), pk=column_id)
    settings_url = f"{reverse('boards:settings', args=[board.pk])}#columns"
    data = submitted(request, ColumnDeleteForm(request.POST, column=column))
    if data is None:
        return redirect(settings_url)
    with refusals_as_messages(request):
        services.column_delete(column=column, move_to=data["move_to"], by=request.user)
        messages.success(request, f"Column “{column.name}” deleted.")
    return redirect(settings_url)
