"""The search page: `/search/?q=`, the top bar's search box (templates/base.html) submits here."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from boards.permissions import board_for
from savedviews.selectors import search_views
from search.selectors import QUERY_MAX, search_boards, ticket_by_reference, ticket_search

PAGE_SIZE = 20


@login_required
@require_GET
def search_results(request):
    """Results across the user's boards (or one of them, `board`); a query that is a ticket's
    reference ("CS-12") opens that ticket, if the user may see it, and is searched otherwise."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    chosen = request.GET.get("board", "")
    board = board_for(request.user, chosen) if chosen else None  # a hidden board: 404
    ticket = ticket_by_reference(request.user, query)
    if ticket is not None:
        return redirect(ticket.get_absolute_url())
    search = ticket_search(request.user, query, board=board)
    page = Paginator(search.documents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "q": query,
        "search": search,
        "page": page,
        "hits": search.hits(page),
        "boards": search_boards(request.user),
        "chosen_board": board,
        "saved_views": search_views(request.user),  # the views menu, as a board's (savedviews)
    }
    return render(request, "search/results.html", context)
