"""Reading SLA policies and computing deadlines and clock states: no writes here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from boards.models import Board
from sla.models import SlaPolicy

_CACHE = "_sla_policy_cached"


def policy_for(board: Board) -> SlaPolicy:
    """The board's policy, or the defaults if its admins set none. Remembered on the board
    object, so a page that shows a hundred cards asks the database once."""
    policy = board.__dict__.get(_CACHE)
    if policy is None:
        joined = Board.sla_policy.related
        if joined.is_cached(board):  # read along with the board (select_related): maybe none
            policy = joined.get_cached_value(board) or SlaPolicy(board=board)
        else:
            policy = SlaPolicy.objects.filter(board_id=board.pk).first() or SlaPolicy(board=board)
        board.__dict__[_CACHE] = policy
    return policy


def remember_policies(boards: Iterable[Board]) -> None:
    """policy_for of each of `boards` in one query (a page across boards: My work)."""
    boards = [board for board in boards if _CACHE not in board.__dict__]
    if not boards:
        return
    stored = {policy.board_id: policy for policy in SlaPolicy.objects.filter(board__in=boards)}
    for board in boards:
        board.__dict__[_CACHE] = stored.get(board.pk) or SlaPolicy(board=board)


def forget_policy(board: Board) -> None:
    board.__dict__.pop(_CACHE, None)
    # The relation's own cache too: an unsaved default policy made for this board sits there.
    if Board.sla_policy.related.is_cached(board):
        Board.sla_policy.related.delete_cached_value(board)


def _to_minute(moment: datetime) -> datetime:
    """Deadlines in whole minutes: what a date-time field shows is what is stored."""
    return moment.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Deadlines:
    first_response: datetime
    resolution: datetime


def ticket_deadlines(
    *, board: Board, priority: str, start: datetime, paused: timedelta = timedelta(0)
) -> Deadlines:
    """When a ticket of `priority` opened at `start` must get a first response and be resolved,
    in the business hours of the board's policy (its time zone). `paused`: the business time
    its resolution clock stood still (waiting on the customer), which resolution gets on top."""
    policy = policy_for(board)
    calendar = policy.calendar(board.timezone)
    resolution_hours = policy.resolution_hours(priority) + paused.total_seconds() / 3600
    return Deadlines(
        first_response=_to_minute(calendar.add(start, policy.first_response_hours(priority))),
        resolution=_to_minute(calendar.add(start, resolution_hours)),
    )


def paused_between(board: Board, start: datetime, end: datetime) -> timedelta:
    """The business time from `start` to `end` (a wait on the customer): what a paused
    resolution clock gets back."""
    return policy_for(board).calendar(board.timezone).elapsed(start, end)


def delay_deadline(board: Board, deadline: datetime, by: timedelta) -> datetime:
    """`deadline` moved later by `by` of business time."""
    calendar = policy_for(board).calendar(board.timezone)
    return _to_minute(calendar.add(deadline, by.total_seconds() / 3600))


def due_soon_lead(policy: SlaPolicy) -> timedelta:
    """How long before its due date an open ticket is "due soon": from the board's first
    due-soon reminder on (the policy's longest lead time; a policy without one: never). The one
    definition of due soon: the resolution clock, the cards' marks and the tickets' `due=soon`
    filter (board page and API) all take it from here."""
    return max(policy.leads, default=timedelta(0))


def ticket_is_due_soon(ticket, policy: SlaPolicy, now: datetime | None = None) -> bool:
    """Open, not paused, not yet overdue, and inside the due-soon lead time (no query)."""
    if ticket.due_at is None or ticket.resolved_at is not None or is_paused(ticket):
        return False
    now = now or timezone.now()
    return ticket.due_at - due_soon_lead(policy) <= now <= ticket.due_at


def due_soon_q(policy: SlaPolicy, now: datetime) -> Q:
    """ticket_is_due_soon as a database filter."""
    return Q(
        resolved_at__isnull=True,
        waiting_since__isnull=True,
        due_at__gte=now,
        due_at__lte=now + due_soon_lead(policy),
    )


def is_paused(ticket) -> bool:
    """The resolution clock stands still: the ticket waits on the customer (and is open)."""
    return getattr(ticket, "waiting_since", None) is not None and ticket.resolved_at is None


class ClockState:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"  # resolution, while the ticket waits on the customer


LABELS = {
    ClockState.ON_TRACK: "On track",
    ClockState.DUE_SOON: "Due soon",
    ClockState.BREACHED: "Breached",
    ClockState.MET: "Met",
    ClockState.PAUSED: "Paused",
}


@dataclass(frozen=True)
class Clock:
    name: str
    state: str
    deadline: datetime
    stopped_at: datetime | None

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def key(self) -> str:
        return self.name.lower().replace(" ", "_")  # "first_response", "resolution"

    @property
    def short_name(self) -> str:
        return self.name.split()[-1].capitalize()


def _clock(name, deadline, stopped_at, warn_from, now) -> Clock | None:
    if deadline is None:
        return None
    if stopped_at is not None:
        state = ClockState.MET if stopped_at <= deadline else ClockState.BREACHED
    elif now > deadline:
        state = ClockState.BREACHED
    elif now >= warn_from:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.ON_TRACK
    return Clock(name=name, state=state, deadline=deadline, stopped_at=stopped_at)


def _span(seconds: float) -> str:
    """A lateness in the unit a person says it in: 40 min, 3 h, 2 d."""
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    return f"{hours} h" if hours < 48 else f"{round(hours / 24)} d"


def resolution_outcome(ticket) -> str | None:
    """A resolved ticket's SLA outcome, said once and quietly where an open ticket shows its
    clocks: "resolved on time" or "resolved 3 h late" (against its due date); None while it is
    open or when it had no due date. From its own fields (no query)."""
    if ticket.resolved_at is None or ticket.due_at is None:
        return None
    late = (ticket.resolved_at - ticket.due_at).total_seconds()
    return "resolved on time" if late <= 0 else f"resolved {_span(late)} late"


def ticket_clocks(ticket, policy: SlaPolicy, now: datetime | None = None) -> list[Clock]:
    """The first-response and resolution clocks of a ticket, from its own fields and the board's
    policy only (no query). Resolution is "due soon" from the first due-soon reminder on
    (due_soon_lead); first response once three quarters of its time are gone. Resolution is
    "paused" while the ticket waits on the customer (its due date moves on when it stops)."""
    now = now or timezone.now()
    clocks = []
    first = ticket.first_response_due_at
    if first is not None:
        warn_from = first - (first - ticket.created_at) / 4
        # A ticket resolved without a word to the customer stops this clock too.
        stopped = ticket.first_response_at or ticket.resolved_at
        clocks.append(_clock("First response", first, stopped, warn_from, now))
    due = ticket.due_at
    if due is not None:
        warn_from = due - due_soon_lead(policy)
        clock = _clock("Resolution", due, ticket.resolved_at, warn_from, now)
        if is_paused(ticket):
            clock = Clock(name=clock.name, state=ClockState.PAUSED, deadline=due, stopped_at=None)
        clocks.append(clock)
    return clocks
