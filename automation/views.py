"""The board's automation pages: its rules in words for everyone on the board (members try one
against a ticket), the rule form and the rule history for its admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from automation import services
from automation.forms import (
    RuleForm,
    place_errors,
    row_for,
    rows_of,
    rows_posted,
)
from automation.kinds import ACTIONS, CONDITIONS, CUSTOM_PREFIX, BoardNames
from automation.models import Rule
from automation.selectors import board_rule_runs, board_rules, rule_said
from boards.permissions import Action, board_for
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import is_htmx, refusals_as_messages
from tickets.models import Ticket

HISTORY_PAGE = 50


def _rules_page(request, board, status=200, trial=None):
    names = BoardNames.of(board)
    rules = [{"rule": rule, **rule_said(rule, names)} for rule in board_rules(board)]
    context = {"board": board, "rules": rules, "trial": trial}
    return render(request, "automation/rules.html", context, status=status)


@login_required
@require_GET
def rules(request, board_id):
    return _rules_page(request, board_for(request.user, board_id, Action.VIEW))


def _rule(board, rule_id) -> Rule:
    return get_object_or_404(board_rules(board), pk=rule_id)


@login_required
def rule_new(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    return _rule_form(request, board, None)


@login_required
def rule_edit(request, board_id, rule_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    return _rule_form(request, board, _rule(board, rule_id))


def _rule_form(request, board, rule: Rule | None):
    names = BoardNames.of(board)
    if request.method != "POST":
        initial = {"enabled": True}
        if rule is not None:
            initial = {"name": rule.name, "trigger": rule.trigger, "enabled": rule.enabled}
            conditions, actions = rows_of(rule, names)
        else:
            conditions, actions = [], [row_for("action", "set_priority", names)]
        return _form_page(
            request, board, names, rule, RuleForm(initial=initial), conditions, actions
        )
    form = RuleForm(request.POST)
    conditions, actions, said_if, said_then = rows_posted(request.POST, names)
    if "add" in request.POST or "remove" in request.POST:  # the form without JavaScript
        initial = {**request.POST.dict(), "enabled": "enabled" in request.POST}
        return _form_page(
            request, board, names, rule, RuleForm(initial=initial), conditions, actions
        )
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if rule is None:
                rule = services.rule_create(
                    board=board, by=request.user, conditions=said_if, actions=said_then, **data
                )
            else:
                services.rule_update(
                    rule=rule, by=request.user, conditions=said_if, actions=said_then, **data
                )
        except ApplicationError as exc:
            status = exc.status_code
            for key, errors in place_errors(exc.fields, conditions, actions):
                form.add_error(key if key in form.fields else None, errors[0])
            if not form.errors and not _row_errors(conditions, actions):
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"Rule “{rule.name}” saved.")
            return redirect("automation:rules", board_id=board.pk)
    return _form_page(request, board, names, rule, form, conditions, actions, status=status)


def _row_errors(*groups) -> bool:
    return any(row.error or any(each.error for each in row.inputs) for g in groups for row in g)


def _form_page(request, board, names, rule, form, conditions, actions, status=200):
    context = {
        "board": board,
        "rule": rule,
        "form": form,
        "conditions": conditions,
        "actions": actions,
        "condition_kinds": [(field, kind.label) for field, kind in CONDITIONS.items()],
        "custom_kinds": [
            (field, kind.label)
            for field, kind in names.conditions.items()
            if field.startswith(CUSTOM_PREFIX)
        ],
        "action_kinds": [(name, kind.label) for name, kind in ACTIONS.items()],
        "has_row_errors": _row_errors(conditions, actions),
    }
    return render(request, "automation/rule_form.html", context, status=status)


@login_required
@require_GET
def rule_row(request, board_id):
    """One new row of the rule form (htmx: Add condition, Add action)."""
    board = board_for(request.user, board_id, Action.MANAGE)
    part = request.GET.get("part", "")
    kind = request.GET.get(f"new_{part}", "")
    row = row_for(part, kind, BoardNames.of(board)) if part in ("condition", "action") else None
    if row is None:
        raise Http404("No such kind of row.")
    return render(request, "automation/_row.html", {"row": row})


@login_required
@require_POST
def rule_move(request, board_id, rule_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    rule = _rule(board, rule_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    with refusals_as_messages(request):
        services.rule_move(rule=rule, by=request.user, position=max(0, rule.position + step))
    return redirect("automation:rules", board_id=board.pk)


@login_required
@require_POST
def rule_delete(request, board_id, rule_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    rule = _rule(board, rule_id)
    with refusals_as_messages(request):
        services.rule_delete(rule=rule, by=request.user)
        messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("automation:rules", board_id=board.pk)


@login_required
@require_POST
def rule_try(request, board_id, rule_id):
    """What the rule would do to the ticket named (its number, or its reference: CS-12)."""
    board = board_for(request.user, board_id, Action.WORK)
    rule = _rule(board, rule_id)
    asked = request.POST.get("ticket", "").strip().upper().removeprefix(f"{board.key}-")
    ticket = None
    if asked.isdecimal():
        ticket = (
            Ticket.objects.select_related("board", "column")
            .filter(board=board, number=int(asked))
            .first()
        )
    if ticket is None:
        messages.error(request, f"No ticket {request.POST.get('ticket', '')!r} on this board.")
        return _rules_page(request, board, status=404)
    trial = {"rule": rule, "ticket": ticket}
    trial["outcome"] = services.rule_try(rule=rule, ticket=ticket, by=request.user)
    if is_htmx(request):
        return render(request, "automation/_trial.html", {"trial": trial})
    return _rules_page(request, board, trial=trial)


@login_required
@require_GET
def rule_history(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    runs = board_rule_runs(board)
    rule = None
    if request.GET.get("rule", "").isdecimal():
        rule = board_rules(board).filter(pk=int(request.GET["rule"])).first()
        runs = board_rule_runs(board, rule=rule) if rule else runs.none()
    page = Paginator(runs, HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {"board": board, "page": page, "rule": rule}
    return render(request, "automation/history.html", context)
