"""The board's Macros page (shared ones, kept by its admins, and everyone's own) and the ticket
page's "apply macro": thin adapters over macros.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for, can
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, refusals_as_messages, section_redirect, submitted
from macros import services
from macros.forms import MacroApplyForm, MacroForm
from macros.placeholders import PLACEHOLDERS
from macros.selectors import action_summary, macro_for, usable_macros
from tickets.selectors import ticket_for, ticket_to_change


def _page(request, board, form=None, status=200):
    macros = list(usable_macros(board, request.user))
    may_work = can(request.user, Action.WORK, board)
    may_share = can(request.user, Action.MANAGE, board)
    rows = [(macro, action_summary(macro)) for macro in macros]
    return render(
        request,
        "macros/list.html",
        {
            "board": board,
            "shared": [row for row in rows if row[0].is_shared],
            "mine": [row for row in rows if not row[0].is_shared],
            "may_work": may_work,
            "may_share": may_share,
            "form": form or (MacroForm(board=board, may_share=may_share) if may_work else None),
            "placeholders": PLACEHOLDERS,
        },
        status=status,
    )


@login_required
def macro_list(request, board_id):
    """The board's shared macros (everyone on it reads them) and the user's own."""
    return _page(request, board_for(request.user, board_id))


@login_required
@require_POST
def macro_add(request, board_id):
    board = board_for(request.user, board_id, Action.WORK)
    form = MacroForm(request.POST, board=board, may_share=can(request.user, Action.MANAGE, board))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            macro = services.macro_create(
                board=board, by=request.user, shared=data.pop("shared", False), **data
            )
        except ApplicationError as exc:
            add_refusal(form, exc)
            return _page(request, board, form, status=exc.status_code)
        messages.success(request, f"Macro “{macro.name}” saved.")
        return redirect(reverse("macros:list", args=[board.pk]))
    return _page(request, board, form, status=400)


@login_required
def macro_edit(request, board_id, pk):
    """One macro's form: a shared one for the board's admins, a personal one for its owner."""
    board = board_for(request.user, board_id, Action.WORK)
    macro = macro_for(board, request.user, pk)
    form = MacroForm.for_macro(macro, board)
    status = 200
    if request.method == "POST":
        form = MacroForm(request.POST, board=board, may_share=False, editing=True)
        if form.is_valid():
            try:
                services.macro_update(macro=macro, by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"Macro “{form.cleaned_data['name']}” saved.")
                return redirect(reverse("macros:list", args=[board.pk]))
        else:
            status = 400
    may_change = can(request.user, Action.MANAGE if macro.is_shared else Action.WORK, board)
    return render(
        request,
        "macros/edit.html",
        {"board": board, "macro": macro, "form": form, "may_change": may_change},
        status=status,
    )


@login_required
@require_POST
def macro_delete(request, board_id, pk):
    board = board_for(request.user, board_id, Action.WORK)
    macro = macro_for(board, request.user, pk)
    with refusals_as_messages(request):
        services.macro_delete(macro=macro, by=request.user)
        messages.success(request, f"Macro “{macro.name}” deleted.")
    return redirect(reverse("macros:list", args=[board.pk]))


@login_required
@require_POST
def macro_apply(request, board_id, number):
    """The reply or note box's text sent with a macro's actions (static/js/macros.js points the
    box's form here when "Apply its actions" is ticked): one service call, all or nothing."""
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_to_change(board, number)
    if data := submitted(request, MacroApplyForm(request.POST)):
        with refusals_as_messages(request):
            macro = macro_for(board, request.user, data["macro"])
            services.macro_apply(
                macro=macro,
                ticket=ticket,
                by=request.user,
                body=data["body"],
                cc=data["cc"],
                files=request.FILES.getlist("files"),
            )
            messages.success(request, f"Macro “{macro.name}” applied.")
    return section_redirect(request, ticket_for(board, number).get_absolute_url(), "chat")
