"""The full new-ticket page, and the board's ticket templates in its settings. Thin adapters:
access through boards.permissions.board_for, reads through ticket_templates.selectors, every
change through ticket_templates.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from csboard.core.exceptions import ApplicationError, WipLimitReached
from csboard.core.pages import add_refusal
from customfields import views as customfields_views
from ticket_templates import services
from ticket_templates.forms import NewTicketForm, TemplateForm
from ticket_templates.placeholders import DOCUMENTED
from ticket_templates.selectors import board_templates, template_for

# The full form says so in its data; a column's quick add (title and column alone) does not.
FULL_FORM = "full"


def _refusal_on_form(form, exc: ApplicationError) -> None:
    # A full column is the column's fault: said beside it, where another can be chosen.
    if isinstance(exc, WipLimitReached) and "column" in form.fields:
        form.add_error("column", exc.message)
    else:
        add_refusal(form, exc)


# --- The new-ticket page -----------------------------------------------------------------------
def _render_new(request, board, form, status=200):
    return render(
        request,
        "ticket_templates/new.html",
        {"board": board, "form": form, "full_form": FULL_FORM},
        status=status,
    )


@login_required
def ticket_new(request, board_id):
    """`/boards/<id>/tickets/new/`: the full new-ticket form (`?template=<id>` picks a template).
    Posted, it opens the ticket and shows it in the board's panel; its "Fill in" (`fill`)
    draws the form again as the chosen template fills it instead. A column's quick add posts
    here too (customfields.views.ticket_new, with the board's custom fields)."""
    if request.method == "POST" and request.POST.get("form") != FULL_FORM:
        return customfields_views.ticket_new(request, board_id)
    board = board_for(request.user, board_id, Action.WORK)
    if request.method != "POST":
        chosen = request.GET.get("template")
        template = template_for(board, chosen) if chosen else None
        return _render_new(request, board, NewTicketForm.filled(board, template))
    if "fill" in request.POST:
        chosen = request.POST.get("template")
        template = template_for(board, chosen) if chosen else None
        return _render_new(request, board, NewTicketForm.filled(board, template, request.POST))
    form = NewTicketForm(request.POST, board=board)
    status = 400
    if form.is_valid():
        try:
            ticket = services.ticket_create_from(
                board=board, created_by=request.user, **form.ticket_data()
            )
        except ApplicationError as exc:
            _refusal_on_form(form, exc)
            status = exc.status_code
        else:
            messages.success(request, f"{ticket.reference} added to “{ticket.column.name}”.")
            board_url = reverse("boards:detail", args=[board.pk])
            return redirect(f"{board_url}?ticket={ticket.number}")
    return _render_new(request, board, form, status)


# --- Templates in the board's settings ---------------------------------------------------------
def _settings_url(board) -> str:
    return reverse("ticket_templates:settings", args=[board.pk])


def _render_settings(request, board, form=None, status=200):
    return render(
        request,
        "ticket_templates/settings.html",
        {
            "board": board,
            "templates": board_templates(board),
            "form": form or TemplateForm(board=board),
            "placeholders": DOCUMENTED,
        },
        status=status,
    )


def _saved(request, form, save) -> bool:
    """Run `save(data)` on a valid form; False (the refusal on the form) otherwise."""
    if not form.is_valid():
        return False
    try:
        template = save(form.cleaned_data)
    except ApplicationError as exc:
        _refusal_on_form(form, exc)
        return False
    messages.success(request, f"Template “{template.name}” saved.")
    return True


@login_required
def template_settings(request, board_id):
    """The board's ticket templates (admins): the list, and a form to add one."""
    board = board_for(request.user, board_id, Action.MANAGE)
    if request.method != "POST":
        return _render_settings(request, board)
    form = TemplateForm(request.POST, board=board)
    if _saved(request, form, lambda data: services.template_create(board=board, **data)):
        return redirect(_settings_url(board))
    return _render_settings(request, board, form, status=400)


@login_required
def template_edit(request, board_id, pk):
    board = board_for(request.user, board_id, Action.MANAGE)
    template = template_for(board, pk)
    if request.method != "POST":
        form = TemplateForm.for_template(template, board)
    else:
        form = TemplateForm(request.POST, board=board)
        if _saved(request, form, lambda data: services.template_update(template=template, **data)):
            return redirect(_settings_url(board))
    status = 400 if form.is_bound else 200
    context = {"board": board, "template": template, "form": form, "placeholders": DOCUMENTED}
    return render(request, "ticket_templates/edit.html", context, status=status)


@login_required
@require_POST
def template_delete(request, board_id, pk):
    board = board_for(request.user, board_id, Action.MANAGE)
    template = template_for(board, pk)
    services.template_delete(template=template)
    messages.success(request, f"Template “{template.name}” deleted.")
    return redirect(_settings_url(board))
