from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from boards.models import Role
from boards.permissions import board_for
from feedback.models import FeedbackSettings
from metrics.selectors import Period, board_metrics


class RangeForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - timedelta(weeks=8)
        if data["start"] > data["end"]:
            raise forms.ValidationError("The start comes after the end.")
        return data


@login_required
def board_dashboard(request, board_id):
    """The board's CS metrics over a date range, as charts and as tables."""
    board = board_for(request.user, board_id)
    if (
        board.my_role < Role.MEMBER
        and not FeedbackSettings.objects.filter(board=board, guests_see_metrics=True).exists()
    ):
        raise PermissionDenied("This board shares its metrics with members only.")
    form = RangeForm(request.GET)
    errors = None
    if not form.is_valid():  # say what is wrong, and show the default range meanwhile
        errors = form.errors
        form = RangeForm({})
        form.is_valid()
    data = form.cleaned_data
    metrics = board_metrics(board, Period.of(board, data["start"], data["end"]))
    chart = {
        "weeks": [str(row["week"]) for row in metrics["weeks"]],
        "created": [row["created"] for row in metrics["weeks"]],
        "resolved": [row["resolved"] for row in metrics["weeks"]],
        "score_weeks": [str(row["week"]) for row in metrics["scores"]],
        "nps": [row["nps"] for row in metrics["scores"]],
        "csat": [row["csat"] for row in metrics["scores"]],
    }
    context = {
        "board": board,
        "form": RangeForm(initial={"start": data["start"], "end": data["end"]}),
        "errors": errors,
        "metrics": metrics,
        "chart": chart,
        "range": data,
    }
    return render(request, "metrics/dashboard.html", context)
