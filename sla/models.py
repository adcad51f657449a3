"""SLA policies, one per board: targets per priority, business hours, due-soon lead times and
escalation. The reminders they give rise to are the reminders app's."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from boards.models import Board
from sla.business_hours import BusinessCalendar
from sla.priorities import Priority

MIN_HOURS, MAX_HOURS = 0.25, 24 * 365
MAX_LEADS = 5
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# Hours: (first response, resolution) per priority, for a board whose admins set nothing yet.
DEFAULT_TARGETS = {
    Priority.URGENT: (1, 4),
    Priority.HIGH: (4, 24),
    Priority.NORMAL: (8, 72),
    Priority.LOW: (24, 120),
}


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def default_due_soon_leads() -> list[float]:
    return [24, 1]


def _hours(default: float):
    return models.FloatField(
        default=default, validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)]
    )


class SlaPolicy(models.Model):
    """A board's targets, business hours and reminder timings. A board without a row uses an
    unsaved `SlaPolicy(board=board)`: every default below is a working policy."""

    # `sla_policy`: a write that answers with the ticket reads the policy with its board.
    board = models.OneToOneField(
        Board, on_delete=models.CASCADE, primary_key=True, related_name="sla_policy"
    )
    urgent_first_response_hours = _hours(DEFAULT_TARGETS[Priority.URGENT][0])
    urgent_resolution_hours = _hours(DEFAULT_TARGETS[Priority.URGENT][1])
    high_first_response_hours = _hours(DEFAULT_TARGETS[Priority.HIGH][0])
    high_resolution_hours = _hours(DEFAULT_TARGETS[Priority.HIGH][1])
    normal_first_response_hours = _hours(DEFAULT_TARGETS[Priority.NORMAL][0])
    normal_resolution_hours = _hours(DEFAULT_TARGETS[Priority.NORMAL][1])
    low_first_response_hours = _hours(DEFAULT_TARGETS[Priority.LOW][0])
    low_resolution_hours = _hours(DEFAULT_TARGETS[Priority.LOW][1])
    # Off: the clocks run day and night. On: only between opens_at and closes_at on working
    # days, in the board's time zone.
    business_hours = models.BooleanField(default=False)
    working_days = models.JSONField(default=default_working_days)  # Monday = 0 … Sunday = 6
    opens_at = models.TimeField(default=time(9, 0))
    closes_at = models.TimeField(default=time(17, 0))
    # "Due soon" reminders, in hours before the due date (wall-clock time).
    due_soon_leads = models.JSONField(default=default_due_soon_leads)
    # Admins hear about a ticket overdue for longer than this (wall-clock hours); None: never.
    escalate_after_hours = models.FloatField(
        null=True,
        blank=True,
        default=4,
        validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="sla_policy_closes_after_opening",
                violation_error_message="Closing time must be after opening time.",
            ),
        ]

    def __str__(self):
        return f"SLA of board {self.board_id}"

    @property
    def is_default(self) -> bool:
        return self._state.adding

    def first_response_hours(self, priority: str) -> float:
        return getattr(self, f"{priority}_first_response_hours")

    def resolution_hours(self, priority: str) -> float:
        return getattr(self, f"{priority}_resolution_hours")

    def calendar(self, time_zone: str) -> BusinessCalendar:
        if not self.business_hours:
            return BusinessCalendar.always_open()
        return BusinessCalendar(
            timezone=time_zone,
            working_days=frozenset(self.working_days),
            opens=self.opens_at,
            closes=self.closes_at,
        )

    @property
    def leads(self) -> list[timedelta]:
        return [timedelta(hours=hours) for hours in self.due_soon_leads]

    @property
    def escalate_after(self) -> timedelta | None:
        if self.escalate_after_hours is None:
            return None
        return timedelta(hours=self.escalate_after_hours)

    def clean(self):
        errors = {}
        days = self.working_days
        if (
            not isinstance(days, list)
            or not days
            or any(type(day) is not int or not 0 <= day <= 6 for day in days)
        ):
            errors["working_days"] = "Choose at least one working day (0 = Monday … 6 = Sunday)."
        else:
            self.working_days = sorted(set(days))
        leads = self.due_soon_leads
        if (
            not isinstance(leads, list)
            or len(leads) > MAX_LEADS
            or any(
                isinstance(lead, bool)
                or not isinstance(lead, int | float)
                or not MIN_HOURS <= lead <= MAX_HOURS
                for lead in leads
            )
        ):
            errors["due_soon_leads"] = (
                f"Give up to {MAX_LEADS} lead times, each between {MIN_HOURS} and "
                f"{MAX_HOURS:g} hours."
            )
        else:
            self.due_soon_leads = sorted({float(lead) for lead in leads}, reverse=True)
        if not errors and self.business_hours and self.closes_at > self.opens_at:
            # The business calendar looks five years ahead: every target must fit well within.
            day = datetime.combine(date.min, self.closes_at) - datetime.combine(
                date.min, self.opens_at
            )
            yearly_hours = len(self.working_days) * day.total_seconds() / 3600 * 52
            longest = max(
                getattr(self, f"{priority}_{clock}_hours") or 0
                for priority in Priority.values
                for clock in ("first_response", "resolution")
            )
            if longest > yearly_hours * 4:
                errors["business_hours"] = (
                    f"A {longest:g}-hour target takes more than four years of these business "
                    "hours: open longer, or shorten the target."
                )
        if errors:
            raise ValidationError(errors)
