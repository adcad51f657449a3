"""CS metrics for one board over a date range, computed by the database: counts and ratios by
aggregation, percentiles with PostgreSQL's percentile_cont. Weeks start on Monday in the board's
time zone."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Extract, TruncWeek

from boards.models import Board
from feedback.models import FeedbackResponse
from tickets.models import Ticket


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


def _percentiles(durations: QuerySet, since: str, until: str) -> dict:
    """Median and 90th percentile of `until - since` over `durations`, in hours."""
    if connection.vendor == "postgresql":
        seconds = Extract(F(until) - F(since), "epoch")
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


def board_metrics(board: Board, period: Period) -> dict:
    tickets = Ticket.objects.filter(board=board)
    created = tickets.filter(created_at__gte=period.start, created_at__lt=period.end)
    resolved = tickets.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)

    def weekly(qs, field):
        rows = (
            qs.annotate(week=TruncWeek(field, tzinfo=period.tz))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by("week")
        )
        return {row["week"].date(): row["n"] for row in rows}

    created_weeks, resolved_weeks = weekly(created, "created_at"), weekly(resolved, "resolved_at")
    weeks = sorted(set(created_weeks) | set(resolved_weeks))
    answered = created.filter(first_response_at__isnull=False)
    first_response = _percentiles(answered, "created_at", "first_response_at")
    resolution = _percentiles(resolved, "created_at", "resolved_at")
    sla = resolved.filter(due_at__isnull=False).aggregate(
        due=Count("pk"), met=Count("pk", filter=Q(resolved_at__lte=F("due_at")))
    )
    return {
        "weeks": [
            {"week": w, "created": created_weeks.get(w, 0), "resolved": resolved_weeks.get(w, 0)}
            for w in weeks
        ],
        "created": created.count(),
        "resolved": resolved.count(),
        "first_response": first_response,
        "resolution": resolution,
        "sla": {
            **sla,
            "compliance": round(100 * sla["met"] / sla["due"], 1) if sla["due"] else None,
        },
        "scores": feedback_scores(board, period),
    }


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
