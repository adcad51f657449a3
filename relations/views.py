"""The ticket page's links (add, remove) and its "Merge into…" page: thin adapters over
relations.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from csboard.core.pages import refusals_as_messages, section_redirect, submitted
from relations import services
from relations.forms import LinkForm, MergeForm
from relations.selectors import merge_candidates, ticket_by_reference, ticket_link_for
from tickets.selectors import ticket_for, ticket_to_change


@login_required
@require_POST
def link_add(request, board_id, number):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_to_change(board, number)
    if data := submitted(request, LinkForm(request.POST)):
        with refusals_as_messages(request):
            other = ticket_by_reference(request.user, data["reference"], board)
            if other is None:
                raise services.NoSuchTicket(
                    f"No ticket “{data['reference']}” on a board you can see."
                )
            services.link_add(ticket=ticket, other=other, kind=data["kind"], by=request.user)
            messages.success(request, f"Linked with {other.reference}.")
    return section_redirect(request, ticket.get_absolute_url(), "links")


@login_required
@require_POST
def link_remove(request, board_id, number, pk):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_to_change(board, number)
    link = ticket_link_for(ticket, pk)
    if link is None:
        raise Http404("No such link on this ticket.")
    with refusals_as_messages(request):
        services.link_remove(link=link, ticket=ticket, by=request.user)
        messages.success(request, "Link removed.")
    return section_redirect(request, ticket.get_absolute_url(), "links")


@login_required
def merge(request, board_id, number):
    """Merge the ticket into another of the board: found by reference or title (GET ?q=),
    chosen, confirmed (POST). Members and admins."""
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    if request.method == "POST":
        if data := submitted(request, MergeForm(request.POST)):
            with refusals_as_messages(request):
                target = ticket_to_change(board, data["target"])
                services.ticket_merge(source=ticket, target=target, by=request.user)
                messages.success(request, f"{ticket.reference} was merged into {target.reference}.")
                return redirect(target.get_absolute_url())
        return redirect(reverse("relations:merge", args=[board.pk, ticket.number]))
    query = request.GET.get("q", "")[:200]
    return render(
        request,
        "relations/merge.html",
        {
            "board": board,
            "ticket": ticket,
            "q": query,
            "candidates": list(merge_candidates(ticket, query)),
        },
    )
