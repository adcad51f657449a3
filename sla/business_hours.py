"""Business-hours arithmetic for SLA clocks: pure functions, no database.

An 8-hour target set on Friday at 17:00 on a Monday-to-Friday, 09:00-18:00 calendar falls due
on Monday at 16:00, not on Saturday. All arithmetic runs in UTC between the calendar's local
opening and closing instants, so daylight-saving changes are counted in real elapsed time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ALL_DAYS = frozenset(range(7))  # Monday = 0 … Sunday = 6
MAX_DAYS_SCANNED = 366 * 5


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str = "UTC"
    working_days: frozenset[int] = ALL_DAYS
    opens: time = time(0, 0)
    closes: time | None = None  # None: the whole day, midnight to midnight

    @classmethod
    def always_open(cls) -> "BusinessCalendar":
        return cls()

    @property
    def is_always_open(self) -> bool:
        return self.working_days == ALL_DAYS and self.opens == time(0) and self.closes is None

    def __post_init__(self):
        if not self.working_days:
            raise ValueError("A business calendar needs at least one working day.")
        if self.closes is not None and self.closes <= self.opens:
            raise ValueError("Closing time must be after opening time.")

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open interval in UTC, or None on a day off."""
        if day.weekday() not in self.working_days:
            return None
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(day, self.opens, tzinfo=zone)
        if self.closes is None:
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        else:
            end = datetime.combine(day, self.closes, tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def _windows_from(self, moment: datetime):
        day = moment.astimezone(ZoneInfo(self.timezone)).date() - timedelta(days=1)
        for offset in range(MAX_DAYS_SCANNED):
            window = self._window(day + timedelta(days=offset))
            if window is not None and window[1] > moment:
                yield max(window[0], moment), window[1]

    def add(self, start: datetime, hours: float) -> datetime:
        """The instant `hours` of business time after `start` (an aware datetime)."""
        remaining = timedelta(hours=hours)
        moment = start.astimezone(UTC)
        if self.is_always_open:
            return moment + remaining
        for window_start, window_end in self._windows_from(moment):
            available = window_end - window_start
            if remaining <= available:
                return window_start + remaining
            remaining -= available
        raise ValueError("No business hours within the next five years.")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (zero if `end` is not after `start`)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return timedelta(0)
        if self.is_always_open:
            return end - start
        total = timedelta(0)
        for window_start, window_end in self._windows_from(start):
            if window_start >= end:
                break
            total += min(window_end, end) - window_start
        return total
