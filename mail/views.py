"""The ticket page's reply to the customer: a thin adapter over mail.services.reply_send."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from csboard.core.pages import refusals_as_messages, submitted
from mail.forms import ReplyForm
from mail.outbound import reply_send
from tickets.selectors import ticket_for


@login_required
@require_POST
def reply_add(request, board_id, number):
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    if data := submitted(request, ReplyForm(request.POST)):
        with refusals_as_messages(request):
            reply_send(
                ticket=ticket,
                by=request.user,
                body=data["body"],
                cc=data["cc"],
                files=request.FILES.getlist("files"),
            )
    return redirect(f"{ticket.get_absolute_url()}#chat")
