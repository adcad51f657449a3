"""Ticket pages and actions. Thin adapters: access through boards.permissions.board_for, tickets
through tickets.selectors.ticket_for, every change through tickets.services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.models import Board
from boards.permissions import Action, board_for, can
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, first_error, redirect_back, refusals_as_messages
from tickets import services
from tickets.forms import TicketForm, TicketMoveForm, TicketQuickForm
from tickets.models import Ticket
from tickets.selectors import ticket_for
from workspace.selectors import (
    ticket_activity,
    ticket_attachments,
    ticket_checklist,
    ticket_messages,
)


def _render_ticket(request, board: Board, ticket: Ticket, form: TicketForm | None = None):
    checklist = list(ticket_checklist(ticket))
    context = {
        "board": board,
        "ticket": ticket,
        "checklist": checklist,
        "checklist_done": sum(item.is_done for item in checklist),
        "chat_messages": list(ticket_messages(ticket)),
        "files": list(ticket_attachments(ticket)),
        "activity": list(ticket_activity(ticket)),
        "max_upload": settings.ATTACHMENT_MAX_BYTES,
    }
    if can(request.user, Action.WORK, board):
        context["form"] = form or TicketForm.for_ticket(ticket, board)
        context["move_form"] = TicketMoveForm(
            initial={
                "column": ticket.column_id,
                "position": ticket.position + 1,
                "from_column": ticket.column_id,
            },
            board=board,
        )
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def ticket_new(request, board_id):
    board = board_for(request.user, board_id, Action.WORK)
    form = TicketQuickForm(request.POST, board=board)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect_back(request, board_url(board))
    with refusals_as_messages(request):
        ticket = services.ticket_create(board=board, created_by=request.user, **form.cleaned_data)
        messages.success(request, f"{ticket.reference} added to “{ticket.column.name}”.")
    return redirect_back(request, board_url(board))


@login_required
def ticket_detail(request, board_id, number):
    board = board_for(request.user, board_id)
    return _render_ticket(request, board, ticket_for(board, number))


@login_required
@require_POST
def ticket_edit(request, board_id, number):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    form = TicketForm(request.POST, board=board)
    if form.is_valid():
        try:
            services.ticket_update(ticket=ticket, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"{ticket.reference} saved.")
            return redirect(ticket_url(ticket))
    # Show what is stored, next to the form with what was typed and why it was refused.
    return _render_ticket(request, board, ticket_for(board, number), form=form)


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
    board = board_for(request.user, board_id, Action.MANAGE)
    ticket = ticket_for(board, number)
    services.ticket_delete(ticket=ticket, by=request.user)
    messages.success(request, f"{ticket.reference} “{ticket.title}” was deleted.")
    return redirect(board_url(board))


def board_url(board: Board) -> str:
    return reverse("boards:detail", args=[board.pk])


def ticket_url(ticket: Ticket) -> str:
    return ticket.get_absolute_url()
