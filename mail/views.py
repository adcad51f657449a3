"""The ticket page's reply to the customer, and the board's Email settings (its support
addresses): thin adapters over mail.outbound and mail.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, refusals_as_messages, section_redirect, submitted
from mail.forms import MailSettingsForm, ReplyForm, SupportAddressForm
from mail.models import Email, SupportAddress
from mail.outbound import reply_send
from mail.services import (
    mail_settings,
    mail_settings_set,
    support_address_delete,
    support_address_set,
)
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
    return section_redirect(request, ticket.get_absolute_url(), "chat")


def _settings_page(request, board, form=None, settings_form=None):
    addresses = SupportAddress.objects.filter(board=board).order_by("address", "id")
    return render(
        request,
        "mail/settings.html",
        {
            "board": board,
            "addresses": addresses,
            "form": form or SupportAddressForm(),
            "settings_form": settings_form or MailSettingsForm(instance=mail_settings(board)),
            "recent": Email.objects.filter(board=board).order_by("-created_at", "-id")[:20],
        },
    )


@login_required
def email_settings(request, board_id):
    """The board's support addresses, and the last mail it received and sent (admins only)."""
    board = board_for(request.user, board_id, Action.MANAGE)
    return _settings_page(request, board)


@login_required
@require_POST
def address_add(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = SupportAddressForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password") or None
        try:
            address = support_address_set(board=board, by=request.user, password=password, **data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Mail to {address.address} now reaches this board.")
            return redirect(reverse("mail:settings", args=[board.pk]))
    return _settings_page(request, board, form)


@login_required
@require_POST
def address_delete(request, board_id, pk):
    board = board_for(request.user, board_id, Action.MANAGE)
    address = get_object_or_404(SupportAddress.objects.filter(board=board), pk=pk)
    with refusals_as_messages(request):
        support_address_delete(support_address=address, by=request.user)
        messages.success(request, f"Mail to {address.address} no longer reaches this board.")
    return redirect(reverse("mail:settings", args=[board.pk]))


@login_required
@require_POST
def settings_save(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = MailSettingsForm(request.POST, instance=mail_settings(board))
    if form.is_valid():
        try:
            mail_settings_set(board=board, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Email settings saved.")
            return redirect(reverse("mail:settings", args=[board.pk]) + "#behaviour")
    return _settings_page(request, board, settings_form=form)
