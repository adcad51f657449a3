"""CS metrics for one board over a date range, computed by the database: counts and ratios by
aggregation, percentiles with PostgreSQL's percentile_cont. Weeks start on Monday in the board's
time zone.

Where a metric is about the course of a ticket (cycle time, first-contact resolution, the flow
through the columns) it is read from the ticket's activity history; first response and
resolution are the stamps that the same services write together with that history."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Extract, TruncDate, TruncWeek
from django.http import Http404

from boards.models import Board
from boards.permissions import Action, boards_allowing, visible_boards
from boards.selectors import boards_team
from feedback.models import FeedbackResponse
from metrics.models import Team
from tickets.models import Activity, Status, Ticket


class Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=percentile, **extra)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive
    tz: zoneinfo.ZoneInfo

    @classmethod
    def of(cls, board: Board, first: date, last: date) -> "Period":
        tz = zoneinfo.ZoneInfo(board.timezone)
        return cls(
            datetime.combine(first, time.min, tz),
            datetime.combine(last + timedelta(days=1), time.min, tz),
            tz,
        )


def _hours(seconds: float | None) -> float | None:
    # + 0.0 turns the -0.0 of a ticket resolved as it was created into 0.0
    return None if seconds is None else round(seconds / 3600, 2) + 0.0


def _seconds(since: str, until: str):
    """`until - since` in seconds, as a database expression (to average or rank)."""
    if connection.vendor == "postgresql":
        return Extract(F(until) - F(since), "epoch")
    return Func(
        F(until), F(since), template="((julianday(%(expressions)s)) * 86400.0)",
        arg_joiner=") - julianday(", output_field=FloatField(),
    )  # fmt: skip


def _percentiles(durations: QuerySet, since: str, until: str) -> dict:
    """Median and 90th percentile of `until - since` over `durations`, in hours."""
    if connection.vendor == "postgresql":
        seconds = _seconds(since, until)
        row = durations.aggregate(median=Percentile(seconds, 0.5), p90=Percentile(seconds, 0.9))
        return {"median": _hours(row["median"]), "p90": _hours(row["p90"])}
    # The embedded SQLite default has no percentile function: interpolate the same way from the
    # sorted values (only on that development default; production runs PostgreSQL).
    pairs = durations.values_list(since, until)
    values = sorted((end - begin).total_seconds() for begin, end in pairs)

    def cont(q):
        if not values:
            return None
        rank = q * (len(values) - 1)
        low = int(rank)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (rank - low)

    return {"median": _hours(cont(0.5)), "p90": _hours(cont(0.9))}


def _work_started():
    """When work on the ticket started: its first status change to In progress or its first move
    to another column (moves within a column are not history), whichever came first."""
    started = Activity.objects.filter(ticket=OuterRef("pk")).filter(
        Q(kind=Activity.Kind.STATUS, to_value=Status.IN_PROGRESS) | Q(kind=Activity.Kind.MOVED)
    )
    return Subquery(started.order_by("created_at", "pk").values("created_at")[:1])


def _first_contact(tickets: QuerySet) -> QuerySet:
    """Tickets resolved at the first contact: with exactly one reply to the customer
    (mail.outbound's reply_send; internal notes are not contact), never reopened (no status
    change away from Resolved, no move out of a done column, no done column made open
    under it)."""
    history = Activity.objects.filter(ticket=OuterRef("pk"))
    replies = Subquery(
        history.filter(kind=Activity.Kind.COMMENT, data__action="replied", actor__isnull=False)
        .order_by()
        .values("ticket")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    reopened = history.filter(
        Q(kind=Activity.Kind.STATUS, from_value=Status.RESOLVED)
        | Q(kind=Activity.Kind.MOVED, from_column__is_done=True, to_column__is_done=False)
        | Q(kind=Activity.Kind.RESOLUTION, to_value="open")
    )
    return (
        tickets.annotate(replies=replies)
        .filter(replies=1, resolved_at__isnull=False)
        .exclude(Exists(reopened))
    )


def _tickets(board: Board, agent=None) -> QuerySet:
    tickets = Ticket.objects.filter(board=board)
    return tickets if agent is None else tickets.filter(assignees=agent)


def _in(tickets: QuerySet, field: str, period: Period) -> QuerySet:
    return tickets.filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def weekly_volume(board: Board, period: Period, agent=None) -> list[dict]:
    """Tickets created and resolved per week of the period."""
    tickets = _tickets(board, agent)

    def weekly(field):
        rows = (
            _in(tickets, field, period)
            .annotate(week=TruncWeek(field, tzinfo=period.tz))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by("week")
        )
        return {row["week"].date(): row["n"] for row in rows}

    created, resolved = weekly("created_at"), weekly("resolved_at")
    return [
        {"week": week, "created": created.get(week, 0), "resolved": resolved.get(week, 0)}
        for week in sorted(set(created) | set(resolved))
    ]


def key_figures(board: Board, period: Period, agent=None) -> dict:
    """Totals, first-response, resolution and cycle times, SLA compliance, first-contact
    resolution and replies per ticket of the tickets created (first response) or resolved (the
    rest) in the period."""
    tickets = _tickets(board, agent)
    created, resolved = _in(tickets, "created_at", period), _in(tickets, "resolved_at", period)
    answered = created.filter(first_response_at__isnull=False)
    started = resolved.annotate(work_started=_work_started()).filter(work_started__isnull=False)
    sla = resolved.filter(due_at__isnull=False).aggregate(
        due=Count("pk"), met=Count("pk", filter=Q(resolved_at__lte=F("due_at")))
    )
    resolved_count = resolved.count()
    first_contact = _first_contact(resolved).count()
    # Replies to the customer (mail.outbound's reply_send) on the tickets resolved.
    replies = Activity.objects.filter(
        ticket__in=resolved, kind=Activity.Kind.COMMENT, data__action="replied"
    ).count()
    return {
        "created": created.count(),
        "resolved": resolved_count,
        "first_response": _percentiles(answered, "created_at", "first_response_at"),
        "resolution": _percentiles(resolved, "created_at", "resolved_at"),
        "cycle": {**_percentiles(started, "work_started", "resolved_at"), "n": started.count()},
        "sla": {**sla, "compliance": _percent(sla["met"], sla["due"])},
        "first_contact": {
            "resolved": first_contact,
            "rate": _percent(first_contact, resolved_count),
        },
        "replies": {
            "total": replies,
            "per_ticket": round(replies / resolved_count, 1) if resolved_count else None,
        },
    }


def board_metrics(board: Board, period: Period, agent=None) -> dict:
    """Every figure of the dashboard. With `agent`, the ticket figures count only the tickets
    assigned to that person (the per-agent dashboard); feedback and the flow stay the board's."""
    return {
        **key_figures(board, period, agent),
        "weeks": weekly_volume(board, period, agent),
        "agents": agent_metrics(board, period, agent),
        "flow": cumulative_flow(board, period),
        "scores": feedback_scores(board, period),
    }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def agent_metrics(board: Board, period: Period, agent=None) -> dict:
    """Per assignee: tickets resolved per week and on average how long each took (created to
    resolved), over the tickets resolved in the period; a ticket with two assignees counts for
    both. Returns {"weeks": [...], "rows": [{agent, name, per_week, resolved, hours_per_ticket}]}."""
    through = Ticket.assignees.through.objects.filter(
        ticket__board=board,
        ticket__archived_at=None,  # as Ticket.objects leaves archived tickets out elsewhere
        ticket__resolved_at__gte=period.start,
        ticket__resolved_at__lt=period.end,
    )
    if agent is not None:
        through = through.filter(user=agent)
    rows = list(
        through.annotate(
            week=TruncWeek("ticket__resolved_at", tzinfo=period.tz),
            seconds=_seconds("ticket__created_at", "ticket__resolved_at"),
        )
        .values("user_id", "week")
        .annotate(n=Count("ticket_id"), seconds=Sum("seconds"))
        .order_by()
    )
    people = get_user_model().objects.in_bulk({row["user_id"] for row in rows})
    weeks = sorted({row["week"].date() for row in rows})
    per_agent: dict[int, dict] = {}
    for row in rows:
        entry = per_agent.setdefault(row["user_id"], {"per_week": {}, "n": 0, "seconds": 0.0})
        entry["per_week"][row["week"].date()] = row["n"]
        entry["n"] += row["n"]
        entry["seconds"] += row["seconds"] or 0.0
    table = [
        {
            "agent": people[user_id],
            "name": people[user_id].name,
            "per_week": [entry["per_week"].get(week, 0) for week in weeks],
            "resolved": entry["n"],
            "hours_per_ticket": _hours(entry["seconds"] / entry["n"]),
        }
        for user_id, entry in per_agent.items()
    ]
    table.sort(key=lambda row: (-row["resolved"], row["name"].lower()))
    return {"weeks": weeks, "rows": table}


def cumulative_flow(board: Board, period: Period) -> dict:
    """Tickets in each column at the end of each day of the period, from the history of moves:
    a ticket counts in the column it last entered (created in, or moved to). Counted in four
    aggregations (entries and exits before the period, then per day), summed up per column.
    Returns {"columns": [{pk, name, is_done}], "rows": [{day, counts (one per column)}]}."""
    columns = list(board.columns.order_by("position").values("pk", "name", "is_done"))
    known = {column["pk"] for column in columns}
    events = Activity.objects.filter(
        board=board,
        kind__in=[Activity.Kind.CREATED, Activity.Kind.MOVED],
        created_at__lt=period.end,
        # A merged ticket lives on in the one it was merged into: counted once, there.
        ticket__merged_into__isnull=True,
    ).order_by()
    before, during = (
        events.filter(created_at__lt=period.start),
        events.filter(created_at__gte=period.start),
    )
    level = dict.fromkeys(known, 0)
    for field, sign in (("to_column", 1), ("from_column", -1)):
        for row in before.values(field).annotate(n=Count("pk")):
            if row[field] in known:
                level[row[field]] += sign * row["n"]
    change: dict = {}
    for field, sign in (("to_column", 1), ("from_column", -1)):
        rows = during.annotate(day=TruncDate("created_at", tzinfo=period.tz)).values("day", field)
        for row in rows.annotate(n=Count("pk")):
            if row[field] in known:
                key = (row["day"], row[field])
                change[key] = change.get(key, 0) + sign * row["n"]
    rows = []
    day, last = period.start.date(), (period.end - timedelta(days=1)).date()
    while day <= last:
        for pk in level:
            level[pk] += change.get((day, pk), 0)
        rows.append({"day": day, "counts": [level[column["pk"]] for column in columns]})
        day += timedelta(days=1)
    return {"columns": columns, "rows": rows}


def feedback_scores(board: Board, period: Period) -> list[dict]:
    """NPS (promoters minus detractors, in % of answers) and CSAT (average, % satisfied) per week."""
    rows = (
        FeedbackResponse.objects.filter(
            board=board, received_at__gte=period.start, received_at__lt=period.end
        )
        .annotate(week=TruncWeek("received_at", tzinfo=period.tz))
        .values("week")
        .annotate(
            nps_n=Count("pk", filter=Q(kind="nps")),
            promoters=Count("pk", filter=Q(kind="nps", score__gte=9)),
            detractors=Count("pk", filter=Q(kind="nps", score__lte=6)),
            csat_n=Count("pk", filter=Q(kind="csat")),
            csat_avg=Avg("score", filter=Q(kind="csat")),
            satisfied=Count("pk", filter=Q(kind="csat", score__gte=4)),
        )
        .order_by("week")
    )
    return [
        {
            "week": row["week"].date(),
            "nps": round(100 * (row["promoters"] - row["detractors"]) / row["nps_n"])
            if row["nps_n"]
            else None,
            "nps_answers": row["nps_n"],
            "csat": round(row["csat_avg"], 2) if row["csat_avg"] is not None else None,
            "csat_satisfied": round(100 * row["satisfied"] / row["csat_n"])
            if row["csat_n"]
            else None,
            "csat_answers": row["csat_n"],
        }
        for row in rows
    ]


# --- Across boards: the company, an agent, a team ----------------------------------------------
@dataclass(frozen=True)
class Window:
    """The same calendar days on several boards, each board's days in its own time zone (as
    Period is for one board), so that a board's row counts what its own dashboard counts. Written
    as one CASE over the boards' time zones: the SQL grows with the zones, not the boards."""

    first: date
    last: date
    timezones: tuple[str, ...]

    @classmethod
    def of(cls, boards, first: date, last: date) -> "Window":
        return cls(first, last, tuple(sorted({board.timezone for board in boards})) or ("UTC",))

    def _midnight(self, day: date, board: str):
        def at(zone):
            return Value(datetime.combine(day, time.min, zoneinfo.ZoneInfo(zone)))

        if len(self.timezones) == 1:
            return at(self.timezones[0])
        whens = [When(**{f"{board}__timezone": zone}, then=at(zone)) for zone in self.timezones]
        return Case(*whens, output_field=DateTimeField())

    def q(self, field: str, board: str = "board") -> Q:
        """`field` on one of the window's days of the board reached by `board`."""
        return Q(
            **{
                f"{field}__gte": self._midnight(self.first, board),
                f"{field}__lt": self._midnight(self.last + timedelta(days=1), board),
            }
        )


def _assigned_to(agents, ticket: str = "pk") -> Exists:
    """The ticket (`ticket` names its id) is assigned to one of `agents`: a ticket of two of them
    counts once."""
    through = Ticket.assignees.through.objects.filter(ticket=OuterRef(ticket), user__in=agents)
    return Exists(through)


def _ticket_aggregates(window: Window) -> dict:
    created, resolved = window.q("created_at"), window.q("resolved_at")
    response = _seconds("created_at", "first_response_at")
    resolution = _seconds("created_at", "resolved_at")
    figures = {
        "created": Count("pk", filter=created),
        "resolved": Count("pk", filter=resolved),
        "sla_due": Count("pk", filter=resolved & Q(due_at__isnull=False)),
        "sla_met": Count("pk", filter=resolved & Q(resolved_at__lte=F("due_at"))),
    }
    if connection.vendor == "postgresql":  # elsewhere: _percentiles_in_python
        figures |= {
            "first_response_median": Percentile(response, 0.5, filter=created),
            "first_response_p90": Percentile(response, 0.9, filter=created),
            "resolution_median": Percentile(resolution, 0.5, filter=resolved),
            "resolution_p90": Percentile(resolution, 0.9, filter=resolved),
        }
    return figures


def _percentiles_in_python(tickets: QuerySet, window: Window, group: str | None) -> dict:
    """The percentiles of _ticket_aggregates, per `group` (None: all), where the database has no
    percentile_cont (the embedded SQLite default): from the sorted durations, as _percentiles."""
    found: dict = {}
    for name, since, until, q in (
        ("first_response", "created_at", "first_response_at", window.q("created_at")),
        ("resolution", "created_at", "resolved_at", window.q("resolved_at")),
    ):
        durations: dict = {}
        rows = tickets.filter(q, **{f"{until}__isnull": False}).values_list(
            group or "board_id", since, until
        )
        for key, begin, end in rows:
            durations.setdefault(key if group else None, []).append((end - begin).total_seconds())
        for key, values in durations.items():
            values.sort()
            for label, share in (("median", 0.5), ("p90", 0.9)):
                rank = share * (len(values) - 1)
                low, high = int(rank), min(int(rank) + 1, len(values) - 1)
                seconds = values[low] + (values[high] - values[low]) * (rank - low)
                found.setdefault(key, {})[f"{name}_{label}"] = seconds
    return found


def _figures(tickets: dict, scores: dict) -> dict:
    """One row of the company view (a board's or the total) from its aggregates."""
    return {
        "created": tickets.get("created", 0),
        "resolved": tickets.get("resolved", 0),
        "first_response": {
            "median": _hours(tickets.get("first_response_median")),
            "p90": _hours(tickets.get("first_response_p90")),
        },
        "resolution": {
            "median": _hours(tickets.get("resolution_median")),
            "p90": _hours(tickets.get("resolution_p90")),
        },
        "sla": {
            "due": tickets.get("sla_due", 0),
            "met": tickets.get("sla_met", 0),
            "compliance": _percent(tickets.get("sla_met", 0), tickets.get("sla_due", 0)),
        },
        "scores": _scores(scores),
    }


SCORE_COUNTS = ("nps_n", "promoters", "detractors", "csat_n", "csat_sum", "satisfied")


def _scores(row: dict) -> dict:
    nps_n, csat_n = row.get("nps_n", 0), row.get("csat_n", 0)
    return {
        "nps": round(100 * (row["promoters"] - row["detractors"]) / nps_n) if nps_n else None,
        "nps_answers": nps_n,
        "csat": round(row["csat_sum"] / csat_n, 2) if csat_n else None,
        "csat_satisfied": round(100 * row["satisfied"] / csat_n) if csat_n else None,
        "csat_answers": csat_n,
    }


def _scores_by_board(board_ids, window: Window, agents) -> dict[int, dict]:
    responses = FeedbackResponse.objects.filter(board__in=board_ids).filter(window.q("received_at"))
    if agents is not None:
        responses = responses.filter(_assigned_to(agents, ticket="ticket_id"))
    rows = (
        responses.values("board_id")
        .annotate(
            nps_n=Count("pk", filter=Q(kind="nps")),
            promoters=Count("pk", filter=Q(kind="nps", score__gte=9)),
            detractors=Count("pk", filter=Q(kind="nps", score__lte=6)),
            csat_n=Count("pk", filter=Q(kind="csat")),
            csat_sum=Sum("score", filter=Q(kind="csat"), default=0),
            satisfied=Count("pk", filter=Q(kind="csat", score__gte=4)),
        )
        .order_by()
    )
    return {row.pop("board_id"): row for row in rows}


def _agent_rows(board_ids, window: Window, agents) -> list[dict]:
    """Per assignee across the boards, as agent_metrics per board: the tickets resolved in the
    window and on average how long each took; a ticket with two assignees counts for both."""
    through = Ticket.assignees.through.objects.filter(
        ticket__board__in=board_ids, ticket__archived_at=None
    ).filter(window.q("ticket__resolved_at", board="ticket__board"))
    if agents is not None:
        through = through.filter(user__in=agents)
    rows = list(
        through.values("user_id")
        .annotate(
            resolved=Count("ticket_id"),
            seconds=Avg(_seconds("ticket__created_at", "ticket__resolved_at")),
            boards=Count("ticket__board_id", distinct=True),
        )
        .order_by()
    )
    people = get_user_model().objects.in_bulk({row["user_id"] for row in rows})
    table = [
        {
            "agent": people[row["user_id"]],
            "name": people[row["user_id"]].name,
            "resolved": row["resolved"],
            "hours_per_ticket": _hours(row["seconds"]),
            "boards": row["boards"],
        }
        for row in rows
    ]
    table.sort(key=lambda row: (-row["resolved"], row["name"].lower()))
    return table


def org_metrics(boards: list[Board], first: date, last: date, agents=None) -> dict:
    """The company view over `boards` (the caller's to see, already scoped), from `first` to
    `last` (each board's days in its own time zone): per board and in total the tickets created
    and resolved, first response and resolution (median, p90), SLA compliance, NPS and CSAT;
    per agent the tickets resolved and hours per ticket. With `agents` (one person or a team's),
    only the tickets assigned to them and the feedback on those tickets count. A fixed number of
    queries, whatever the number of boards, tickets or agents: each figure is an aggregate,
    grouped by board or by agent."""
    window = Window.of(boards, first, last)
    ids = [board.pk for board in boards]
    tickets = Ticket.objects.filter(board__in=ids).filter(
        window.q("created_at") | window.q("resolved_at")
    )
    if agents is not None:
        tickets = tickets.filter(_assigned_to(agents))
    aggregates = _ticket_aggregates(window)
    per_board = {
        row.pop("board_id"): row
        for row in tickets.values("board_id").annotate(**aggregates).order_by()
    }
    total = tickets.aggregate(**aggregates) if ids else {}
    if connection.vendor != "postgresql":
        for board_id, found in _percentiles_in_python(tickets, window, "board_id").items():
            per_board[board_id] |= found
        total |= _percentiles_in_python(tickets, window, None).get(None, {})
    scores = _scores_by_board(ids, window, agents)
    empty_scores = dict.fromkeys(SCORE_COUNTS, 0)
    all_scores = {key: sum(row[key] for row in scores.values()) for key in SCORE_COUNTS}
    return {
        "boards": [
            {
                "board": board,
                **_figures(per_board.get(board.pk, {}), scores.get(board.pk, empty_scores)),
            }
            for board in boards
        ],
        "total": _figures(total, all_scores),
        "agents": _agent_rows(ids, window, agents) if ids else [],
    }


def administered_boards(user) -> QuerySet[Board]:
    """The boards of the company view: those `user` administers, by name."""
    return boards_allowing(visible_boards(user), Action.MANAGE).order_by("name", "pk")


def org_agents(user) -> QuerySet:
    """Whom the company view breaks down by, and whom `user`'s teams may hold: the members and
    admins of the boards `user` administers."""
    return boards_team(administered_boards(user))


def teams_of(user) -> QuerySet[Team]:
    """The teams `user` manages (made), by name, each with `member_count`."""
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(created_by=user).annotate(member_count=Count("members"))


def team_for(user, team_id) -> Team:
    """One of `user`'s teams; anyone else's, like one that does not exist, is a 404."""
    team = teams_of(user).filter(pk=team_id).first() if str(team_id).isdecimal() else None
    if team is None:
        raise Http404("No such team.")
    return team
