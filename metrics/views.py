from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from boards.models import Board
from boards.permissions import Action, board_for
from boards.selectors import board_team
from csboard.core.csv import csv_response
from metrics import selectors
from metrics.selectors import Period

LONGEST_RANGE = timedelta(days=731)


class _AgentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DayInput(forms.DateInput):
    """A date as every page writes it ("7 Oct 2026", csboard.core.formats), typed as text. A
    browser's date input shows the date in its own locale's order (10/07/2026), which reads as
    another day to half the team; the field takes the shown format and ISO (2026-10-07)."""

    input_type = "text"

    def __init__(self):
        super().__init__(attrs={"size": 11, "autocomplete": "off", "aria-describedby": "range-hint",
                                "placeholder": "7 Oct 2026", "class": "input--date"})  # fmt: skip

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return date_format(value)
        return super().format_value(value)


class RangeForm(forms.Form):
    start = forms.DateField(required=False, widget=DayInput())
    end = forms.DateField(required=False, widget=DayInput())
    agent = _AgentField(queryset=None, required=False, empty_label="Whole team")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = board_team(board)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - timedelta(weeks=8)
        if data["start"] > data["end"]:
            raise forms.ValidationError("The start comes after the end.")
        if data["end"] - data["start"] > LONGEST_RANGE:
            raise forms.ValidationError("Choose a range of two years at most.")
        return data


def _metrics_board(request, board_id) -> Board:
    return board_for(request.user, board_id, Action.READ_FEEDBACK)


def _range(request, board):
    """The chosen range and agent, or the default range with the reasons the choice was refused."""
    form = RangeForm(request.GET, board=board)
    if form.is_valid():
        return form.cleaned_data, None
    errors = form.errors
    form = RangeForm({}, board=board)
    form.is_valid()
    return form.cleaned_data, errors


@login_required
def board_dashboard(request, board_id):
    """The board's CS metrics over a date range, as charts and as tables; for the whole team or
    for one agent."""
    board = _metrics_board(request, board_id)
    data, errors = _range(request, board)
    agent = data["agent"]
    metrics = selectors.board_metrics(board, Period.of(board, data["start"], data["end"]), agent)
    flow = metrics["flow"]
    chart = {
        "weeks": [date_format(row["week"]) for row in metrics["weeks"]],
        "created": [row["created"] for row in metrics["weeks"]],
        "resolved": [row["resolved"] for row in metrics["weeks"]],
        "score_weeks": [date_format(row["week"]) for row in metrics["scores"]],
        "nps": [row["nps"] for row in metrics["scores"]],
        "csat": [row["csat"] for row in metrics["scores"]],
        "agents": [row["name"] for row in metrics["agents"]["rows"]],
        "agent_resolved": [row["resolved"] for row in metrics["agents"]["rows"]],
        "agent_hours": [row["hours_per_ticket"] for row in metrics["agents"]["rows"]],
        "flow_days": [date_format(row["day"]) for row in flow["rows"]],
        "flow": [
            {"name": column["name"], "counts": [row["counts"][index] for row in flow["rows"]]}
            for index, column in enumerate(flow["columns"])
        ],
    }
    query = {"start": data["start"], "end": data["end"]} | ({"agent": agent.pk} if agent else {})
    context = {
        "board": board,
        "form": RangeForm(initial=query, board=board),
        "errors": errors,
        "metrics": metrics,
        "chart": chart,
        "range": data,
        "agent": agent,
        "query": "&".join(f"{key}={value}" for key, value in query.items()),
    }
    return render(request, "metrics/dashboard.html", context)


def _summary_rows(figures):
    yield "tickets_created", figures["created"]
    yield "tickets_resolved", figures["resolved"]
    for name in ("first_response", "resolution", "cycle"):
        yield f"{name}_median_hours", figures[name]["median"]
        yield f"{name}_p90_hours", figures[name]["p90"]
    yield "sla_compliance_percent", figures["sla"]["compliance"]
    yield "first_contact_resolution_percent", figures["first_contact"]["rate"]


def _table(name, board, period, agent):
    """Header and rows of one of the dashboard's tables."""
    if name == "summary":
        return ["metric", "value"], _summary_rows(selectors.key_figures(board, period, agent))
    if name == "volume":
        rows = selectors.weekly_volume(board, period, agent)
        return ["week", "created", "resolved"], (
            (row["week"], row["created"], row["resolved"]) for row in rows
        )
    if name == "agents":
        table = selectors.agent_metrics(board, period, agent)
        weeks = [f"resolved_week_of_{week}" for week in table["weeks"]]
        return ["agent", "email", "resolved", "hours_per_ticket", *weeks], (
            (row["name"], row["agent"].email, row["resolved"], row["hours_per_ticket"],
             *row["per_week"])
            for row in table["rows"]
        )  # fmt: skip
    if name == "flow":
        flow = selectors.cumulative_flow(board, period)
        return ["day", *[column["name"] for column in flow["columns"]]], (
            (row["day"], *row["counts"]) for row in flow["rows"]
        )
    if name == "scores":
        keys = ["week", "nps", "nps_answers", "csat", "csat_satisfied", "csat_answers"]
        rows = selectors.feedback_scores(board, period)
        return keys, ([row[key] for key in keys] for row in rows)
    raise Http404("No such table.")


METRIC_TABLES = ("summary", "volume", "agents", "flow", "scores")


@login_required
def metrics_export(request, board_id, table):
    """One table of the dashboard as CSV, for the same range and agent."""
    if table not in METRIC_TABLES:
        raise Http404("No such table.")
    board = _metrics_board(request, board_id)
    data, _ = _range(request, board)
    period = Period.of(board, data["start"], data["end"])
    header, rows = _table(table, board, period, data["agent"])
    return csv_response(f"{board.key}-{table}-{data['start']}-{data['end']}.csv", header, rows)
