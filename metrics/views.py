from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from boards.models import Board
from boards.permissions import Action, board_for
from csboard.core.csv import csv_response
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, refusals_as_messages
from metrics import selectors, services
from metrics.forms import OrgRangeForm, RangeForm, TeamForm, org_choice
from metrics.selectors import Period


def _metrics_board(request, board_id) -> Board:
    return board_for(request.user, board_id, Action.READ_FEEDBACK)


def _range(request, board):
    """The chosen range and agent, or the default range with the reasons the choice was refused."""
    return RangeForm.chosen(request.GET, board=board)


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


# --- Across boards: the company view, an agent, a team ------------------------------------------
ORG_TABLES = ("boards", "agents")


def _org_query(data, *, agent=None, team=None, board=None) -> str:
    query = {"from": data["start"], "to": data["end"]}
    for key, value in (("board", board), ("agent", agent), ("team", team)):
        if value is not None:
            query[key] = value.pk
    return "&".join(f"{key}={value}" for key, value in query.items())


def _org_page(request, team=None):
    choice = org_choice(request.user, request.GET, team=team)
    data = choice["data"]
    form = OrgRangeForm(
        initial={"start": data["start"], "end": data["end"], "board": data["board"],
                 "agent": choice["agent"], "team": choice["team"]},
        **OrgRangeForm.choices_of(request.user),
    )  # fmt: skip
    context = {
        **choice,
        "form": form,
        "range": data,
        "board": data["board"],
        "range_query": _org_query(data),
        "query": _org_query(data, board=data["board"], agent=choice["agent"], team=choice["team"]),
    }
    return render(request, "metrics/company.html", context)


@login_required
def org_dashboard(request):
    """The company view: the metrics of the boards the viewer administers, in total and broken
    down by board and by agent; for one board, one agent or one of the viewer's teams."""
    return _org_page(request)


@login_required
def team_dashboard(request, team_id):
    """A team's page: the company view of the tickets assigned to the team's agents."""
    return _org_page(request, team=selectors.team_for(request.user, team_id))


@login_required
def org_export(request, table):
    """The company view's table by board or by agent as CSV, for the same choice."""
    if table not in ORG_TABLES:
        raise Http404("No such table.")
    choice = org_choice(request.user, request.GET)
    metrics, data = choice["metrics"], choice["data"]
    name = f"company-{table}-{data['start']}-{data['end']}.csv"
    if table == "agents":
        return csv_response(
            name,
            ["agent", "email", "resolved", "hours_per_ticket", "boards"],
            ((row["name"], row["agent"].email, row["resolved"], row["hours_per_ticket"],
              row["boards"]) for row in metrics["agents"]),
        )  # fmt: skip
    header = ["board", "key", "tickets_created", "tickets_resolved",
              "first_response_median_hours", "first_response_p90_hours",
              "resolution_median_hours", "resolution_p90_hours", "sla_compliance_percent",
              "nps", "nps_answers", "csat", "csat_answers"]  # fmt: skip
    return csv_response(
        name,
        header,
        ((row["board"].name, row["board"].key, row["created"], row["resolved"],
          row["first_response"]["median"], row["first_response"]["p90"],
          row["resolution"]["median"], row["resolution"]["p90"], row["sla"]["compliance"],
          row["scores"]["nps"], row["scores"]["nps_answers"], row["scores"]["csat"],
          row["scores"]["csat_answers"]) for row in metrics["boards"]),
    )  # fmt: skip


def _team_form(request, form, save, template: str, context: dict):
    """A team's form: saved by `save(cleaned_data)` and on to the team's page, or shown again
    with what is wrong, answered with the refusal's status."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                team = save(form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"Team “{team.name}” saved.")
                return redirect("metrics:team", team_id=team.pk)
    return render(request, template, {**context, "form": form}, status=status)


@login_required
def team_list(request):
    """The viewer's teams, and a new one."""
    form = TeamForm(request.POST or None, agents=selectors.org_agents(request.user))
    return _team_form(
        request,
        form,
        lambda data: services.team_create(by=request.user, **data),
        "metrics/teams.html",
        {
            "teams": selectors.teams_of(request.user),
            "may_manage": selectors.administered_boards(request.user).exists(),
        },
    )


@login_required
def team_edit(request, team_id):
    team = selectors.team_for(request.user, team_id)
    initial = {"name": team.name, "members": list(team.members.all())}
    form = TeamForm(
        request.POST or None, initial=initial, agents=selectors.org_agents(request.user)
    )
    return _team_form(
        request,
        form,
        lambda data: services.team_update(team=team, by=request.user, **data),
        "metrics/team_edit.html",
        {"team": team},
    )


@login_required
@require_POST
def team_delete(request, team_id):
    team = selectors.team_for(request.user, team_id)
    with refusals_as_messages(request):
        services.team_delete(team=team, by=request.user)
        messages.success(request, f"Team “{team.name}” deleted.")
    return redirect("metrics:teams")
