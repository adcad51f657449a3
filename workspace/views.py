"""Checklist, chat and files on the ticket page and the board page. Thin adapters: access through
boards.permissions.board_for, children looked up through their ticket or board, every change
through workspace.services. Form posts go back to the tab they came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from boards.models import Board
from boards.permissions import Action, board_for
from boards.realtime import now_ms
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import (
    is_htmx,
    refusal_tag,
    refusals_as_messages,
    render_live_part,
    section_redirect,
    submitted,
)
from tickets.selectors import ticket_for
from workspace import services
from workspace.forms import ChecklistItemForm, ChecklistItemUpdateForm, LinkForm, MessageForm
from workspace.models import Attachment
from workspace.selectors import (
    board_files,
    board_messages,
    recent_board_messages,
    ticket_attachments,
    ticket_checklist,
    ticket_messages,
)


def _ticket(request, board_id, number, action=Action.WORK):
    board = board_for(request.user, board_id, action)
    return board, ticket_for(board, number)


def _back(request, ticket, tab: str):
    """The ticket page's tab, or that tab alone for htmx (csboard.core.pages.section_redirect)."""
    return section_redirect(request, ticket.get_absolute_url(), tab)


def _board_back(board: Board, panel: str):
    return redirect(f"{reverse('boards:detail', args=[board.pk])}#{panel}")


def _refused(request, exc: ApplicationError, back: str):
    """An upload the domain refuses (too large, too many): its own status code and a page that
    says why, with the way back."""
    context = {"message": exc.message, "back": back}
    return render(request, "workspace/refused.html", context, status=exc.status_code)


def serve_file(attachment: Attachment) -> FileResponse:
    """A stored file, only ever through this permission-checked response: images and PDFs open
    in the browser, anything else (HTML, SVG, scripts...) downloads, and nothing is sniffed."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not services.served_inline(attachment),
        filename=attachment.name,
        content_type=services.served_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Checklist -------------------------------------------------------------------------------
@login_required
@require_POST
def checklist_add(request, board_id, number):
    _board, ticket = _ticket(request, board_id, number)
    if data := submitted(request, ChecklistItemForm(request.POST)):
        with refusals_as_messages(request):
            services.checklist_item_add(ticket=ticket, by=request.user, text=data["text"])
    return _back(request, ticket, "checklist")


@login_required
@require_POST
def checklist_update(request, board_id, number, pk):
    _board, ticket = _ticket(request, board_id, number)
    item = get_object_or_404(ticket_checklist(ticket), pk=pk)
    if data := submitted(request, ChecklistItemUpdateForm(request.POST)):
        moves = {"up": item.position - 1, "down": item.position + 1}
        with refusals_as_messages(request):
            services.checklist_item_update(
                item=item,
                by=request.user,
                text=data["text"] or None,
                done=data["done"],
                position=moves[data["direction"]] if data["direction"] else None,
            )
    return _back(request, ticket, "checklist")


@login_required
@require_POST
def checklist_delete(request, board_id, number, pk):
    _board, ticket = _ticket(request, board_id, number)
    item = get_object_or_404(ticket_checklist(ticket), pk=pk)
    services.checklist_item_delete(item=item, by=request.user)
    return _back(request, ticket, "checklist")


# --- Chat (a ticket's, or the board's when number is None) -------------------------------------
def _chat(request, board_id, number):
    if number is None:
        board = board_for(request.user, board_id, Action.WORK)
        return board, None, board_messages(board), lambda: _board_back(board, "board-chat")
    board, ticket = _ticket(request, board_id, number)
    return board, ticket, ticket_messages(ticket), lambda: _back(request, ticket, "chat")


@login_required
@require_POST
def message_add(request, board_id, number=None):
    board, ticket, _, back = _chat(request, board_id, number)
    if data := submitted(request, MessageForm(request.POST)):
        with refusals_as_messages(request):
            services.message_post(board=board, ticket=ticket, by=request.user, body=data["body"])
    return back()


@login_required
@require_POST
def message_edit(request, board_id, pk, number=None):
    _, _, messages_, back = _chat(request, board_id, number)
    message = get_object_or_404(messages_, pk=pk)
    if data := submitted(request, MessageForm(request.POST)):
        with refusals_as_messages(request):
            services.message_edit(message=message, by=request.user, body=data["body"])
    return back()


@login_required
@require_POST
def message_delete(request, board_id, pk, number=None):
    _, _, messages_, back = _chat(request, board_id, number)
    message = get_object_or_404(messages_, pk=pk)
    with refusals_as_messages(request):
        services.message_delete(message=message, by=request.user)
    return back()


# --- Files (a ticket's attachments, or the board's files when number is None) ------------------
def _files(request, board_id, number, action=Action.WORK):
    if number is None:
        board = board_for(request.user, board_id, action)
        return board, None, board_files(board), lambda: _board_back(board, "board-files")
    board, ticket = _ticket(request, board_id, number, action)
    return board, ticket, ticket_attachments(ticket), lambda: _back(request, ticket, "attachments")


@login_required
@require_POST
def files_upload(request, board_id, number=None):
    board, ticket, _, back = _files(request, board_id, number)
    try:
        services.attachments_upload(
            board=board, ticket=ticket, by=request.user, files=request.FILES.getlist("files")
        )
    except ApplicationError as exc:
        if ticket is None or not is_htmx(request):
            return _refused(request, exc, back().url)
        # In its section, beside the form, with its status (413 too large, 400 too many).
        messages.error(request, exc.message, extra_tags=refusal_tag(exc.status_code))
    return back()


@login_required
@require_POST
def link_add(request, board_id):
    board = board_for(request.user, board_id, Action.WORK)
    if data := submitted(request, LinkForm(request.POST)):
        with refusals_as_messages(request):
            services.link_add(board=board, by=request.user, **data)
    return _board_back(board, "board-files")


@login_required
def file_download(request, board_id, pk, number=None):
    _, _, files, _ = _files(request, board_id, number, Action.VIEW)
    attachment = get_object_or_404(files, pk=pk)
    if attachment.is_link:
        return redirect(attachment.url)
    return serve_file(attachment)


@login_required
@require_POST
def file_delete(request, board_id, pk, number=None):
    _, _, files, back = _files(request, board_id, number)
    attachment = get_object_or_404(files, pk=pk)
    with refusals_as_messages(request):
        services.attachment_delete(attachment=attachment, by=request.user)
    return back()


# --- The board page's chat and files panels alone, for its live redraw -------------------------
# Their lists and counts only: an open panel stays open and a message being typed is kept.
@login_required
@require_GET
def board_chat_live(request, board_id):
    rendered_at = now_ms()  # before any read, as the board page's
    board = board_for(request.user, board_id)
    context = {"board": board, "chat_messages": recent_board_messages(board)}
    return render_live_part(
        request, "workspace/board_chat_live.html", context, rendered_at=rendered_at
    )


@login_required
@require_GET
def board_files_live(request, board_id):
    rendered_at = now_ms()
    board = board_for(request.user, board_id)
    context = {"board": board, "files": list(board_files(board))}
    return render_live_part(
        request, "workspace/board_files_live.html", context, rendered_at=rendered_at
    )
