"""The board's views menu (templates/savedviews/_menu.html): save the filtered board as a view,
rename, share (admins) or delete one. Thin adapters: access through board_for and the views'
selectors, every change through savedviews.services; each answers by going back to the board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import board_for
from csboard.core.pages import refusals_as_messages
from savedviews import services
from savedviews.selectors import SEARCH_PATH, view_for, view_url


def _back(view_or_board_id) -> str:
    if isinstance(view_or_board_id, int):
        return reverse("boards:detail", args=[view_or_board_id])
    return view_url(view_or_board_id)


@login_required
@require_POST
def view_create(request, board_id):
    """Save the board's filters (`query`, the page's own query string) as a view named `name`."""
    return _create(request, board_for(request.user, board_id))


@login_required
@require_POST
def search_view_create(request):
    """Save a search (`query`: the search page's words and board) as the caller's view."""
    return _create(request, None)


def _create(request, board):
    query = request.POST.get("query", "").lstrip("?")
    path = _back(board.pk) if board else SEARCH_PATH
    back = f"{path}?{query}" if query else path  # refused: as it was
    with refusals_as_messages(request):
        view = services.saved_view_create(
            owner=request.user,
            board=board,
            name=request.POST.get("name", ""),
            query=query,
            shared=request.POST.get("shared") == "on",
        )
        messages.success(request, f"View “{view.name}” saved.")
        back = view_url(view)
    return redirect(back)


@login_required
@require_POST
def view_update(request, view_id):
    """Rename a view (`name`), or share it or stop (`shared`, admins)."""
    view = view_for(request.user, view_id)
    changes = {}
    if "name" in request.POST:
        changes["name"] = request.POST["name"]
    if "shared" in request.POST:
        changes["shared"] = request.POST["shared"] == "on"
    with refusals_as_messages(request):
        view = services.saved_view_update(view=view, by=request.user, **changes)
        messages.success(request, f"View “{view.name}” saved.")
    return redirect(view_url(view))


@login_required
@require_POST
def view_delete(request, view_id):
    view = view_for(request.user, view_id)
    with refusals_as_messages(request):
        services.saved_view_delete(view=view, by=request.user)
        messages.success(request, f"View “{view.name}” deleted.")
    return redirect(_back(view.board_id) if view.board_id else reverse("my:work"))
