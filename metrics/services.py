"""The weekly digest: on Monday morning in each board's time zone, its admins get last week's
numbers against the week before, the SLA breaches and the detractors' comments. Once per board
and week, whatever the number of beat ticks or workers."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from boards.models import Board
from boards.selectors import board_admins
from csboard.core.exceptions import InvalidInput, PermissionRefused
from feedback.models import FeedbackResponse
from metrics.models import DigestSent, Team
from metrics.selectors import Period, administered_boards, board_metrics, org_agents
from notifications.email import email_build, email_send_after_commit
from tickets.models import Ticket

DIGEST_HOURS = range(7, 12)  # "Monday morning": from 07:00 to noon, board time


def _due_boards(now):
    for board in Board.objects.only("pk", "name", "timezone"):
        local = now.astimezone(zoneinfo.ZoneInfo(board.timezone))
        if local.weekday() == 0 and local.hour in DIGEST_HOURS:
            yield board, local.date()


def digest_content(board: Board, monday) -> dict:
    last_week = Period.of(board, monday - timedelta(days=7), monday - timedelta(days=1))
    week_before = Period.of(board, monday - timedelta(days=14), monday - timedelta(days=8))
    breaches = (
        Ticket.objects.filter(
            board=board,
            due_at__gte=last_week.start,
            due_at__lt=last_week.end,
        )
        .exclude(resolved_at__lte=F("due_at"))
        .order_by("due_at")
    )
    detractors = [
        response
        for response in FeedbackResponse.objects.filter(
            board=board, received_at__gte=last_week.start, received_at__lt=last_week.end
        ).select_related("ticket")
        if response.is_detractor
    ]
    return {
        "board": board,
        "week": monday - timedelta(days=7),
        "now": board_metrics(board, last_week),
        "before": board_metrics(board, week_before),
        "breaches": list(breaches.select_related("board")[:50]),
        "detractors": detractors[:50],
        "board_url": settings.SITE_URL + reverse("boards:detail", args=[board.pk]),
    }


def weekly_digest_send(*, now=None) -> int:
    """Send every digest that is due now (each once its record commits); returns how many."""
    now = now or timezone.now()
    sent = 0
    for board, monday in _due_boards(now):
        try:
            with transaction.atomic():
                record = DigestSent.objects.create(board=board, week=monday - timedelta(days=7))
                recipients = [admin.email for admin in board_admins(board) if admin.email]
                if recipients:
                    context = digest_content(board, monday)
                    # Sent once this week's DigestSent row commits. A mail server that is away
                    # costs none of the other boards' digests; this one's record is taken back,
                    # so the next tick of the morning tries again.
                    email_send_after_commit(
                        email_build(
                            template="metrics/email/digest", to=recipients, context=context
                        ),
                        on_failure=DigestSent.objects.filter(pk=record.pk).delete,
                    )
                sent += 1
        except IntegrityError:
            continue  # this week's digest of this board went out already
    return sent


# --- Teams ---------------------------------------------------------------------------------------
# Who manages teams: anyone who administers a board makes teams, of people on the team (members
# and admins) of the boards they administer, and manages the teams they made; nobody else sees
# them. A team's page counts its agents' tickets on the boards its viewer administers.
NO_BOARD_TO_MANAGE = "Only board admins can make teams: you administer no board."


def _team_clean(*, by, name: str, members) -> tuple[str, list]:
    if not administered_boards(by).exists():
        raise PermissionRefused(NO_BOARD_TO_MANAGE)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name the team.", fields={"name": ["Name the team."]})
    if len(name) > Team._meta.get_field("name").max_length:
        raise InvalidInput("That name is too long.", fields={"name": ["That name is too long."]})
    members = list(members)
    allowed = set(
        org_agents(by).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True)
    )
    strangers = [member.name for member in members if member.pk not in allowed]
    if strangers:
        message = "Not on a board you administer: " + ", ".join(sorted(strangers)) + "."
        raise InvalidInput(message, fields={"members": [message]})
    return name, members


def _team_save(team: Team, members) -> Team:
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        message = "You have a team of that name already."
        raise InvalidInput(message, fields={"name": [message]}) from None
    team.members.set(members)
    return team


@transaction.atomic
def team_create(*, by, name: str, members) -> Team:
    name, members = _team_clean(by=by, name=name, members=members)
    return _team_save(Team(name=name, created_by=by), members)


@transaction.atomic
def team_update(*, team: Team, by, name: str, members) -> Team:
    if team.created_by_id != by.pk:
        raise PermissionRefused("Only the manager who made this team can change it.")
    name, members = _team_clean(by=by, name=name, members=members)
    team.name = name
    return _team_save(team, members)


@transaction.atomic
def team_delete(*, team: Team, by) -> None:
    if team.created_by_id != by.pk:
        raise PermissionRefused("Only the manager who made this team can delete it.")
    team.delete()
