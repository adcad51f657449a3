"""SLA pages: a board's policy (admins). Thin adapters over boards.permissions, sla.selectors and
sla.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from boards.models import Role
from boards.permissions import board_for
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal
from sla import services
from sla.forms import SlaPolicyForm
from sla.selectors import policy_for


@login_required
def sla_policy(request, board_id):
    board = board_for(request.user, board_id, need=Role.ADMIN)
    form = SlaPolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sla_policy_set(board=board, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "SLA policy saved. New tickets and changes follow it.")
            return redirect("sla:policy", board_id=board.pk)
    if not form.is_bound:
        form = SlaPolicyForm.for_policy(policy_for(board))
    return render(request, "sla/policy.html", {"board": board, "form": form})
