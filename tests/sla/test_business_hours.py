from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.business_hours import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(range(5))
OFFICE = BusinessCalendar(
    timezone="Europe/Berlin", working_days=WEEKDAYS, opens=time(9), closes=time(18)
)


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def test_always_open_adds_plain_hours():
    start = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)

    assert BusinessCalendar.always_open().add(start, 8) == start + timedelta(hours=8)


def test_an_eight_hour_target_set_on_friday_evening_falls_due_on_monday():
    friday_evening = berlin(2026, 11, 27, 17, 0)  # one business hour left on Friday

    due = OFFICE.add(friday_evening, 8)

    assert due == berlin(2026, 11, 30, 16, 0)  # seven more hours on Monday


def test_a_target_set_at_night_starts_counting_at_opening():
    tuesday_night = berlin(2026, 11, 24, 23, 30)

    assert OFFICE.add(tuesday_night, 2) == berlin(2026, 11, 25, 11, 0)


def test_a_target_spanning_several_days_skips_nights():
    monday_morning = berlin(2026, 11, 23, 9, 0)

    assert OFFICE.add(monday_morning, 20) == berlin(2026, 11, 25, 11, 0)  # 9 + 9 + 2


def test_a_target_ending_exactly_at_closing_time_is_due_at_closing_time():
    assert OFFICE.add(berlin(2026, 11, 24, 9, 0), 9) == berlin(2026, 11, 24, 18, 0)


def test_time_zones_are_honoured_for_a_utc_start():
    # 16:30 UTC on Friday is 17:30 in Berlin: half an hour left that day.
    start = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)

    assert OFFICE.add(start, 1) == berlin(2026, 11, 30, 9, 30)


def test_business_hours_count_real_time_across_a_daylight_saving_change():
    # Sunday 29 March 2026 Berlin springs forward; a 24/7 local calendar has a 23-hour Sunday.
    local_all_week = BusinessCalendar(timezone="Europe/Berlin")
    saturday_noon = berlin(2026, 3, 28, 12, 0)

    due = local_all_week.add(saturday_noon, 24)

    assert due - saturday_noon == timedelta(hours=24)
    assert due.astimezone(BERLIN).hour == 13  # wall clock moved forward by one hour


def test_elapsed_counts_only_open_hours():
    friday_17 = berlin(2026, 11, 27, 17, 0)
    monday_10 = berlin(2026, 11, 30, 10, 0)

    assert OFFICE.elapsed(friday_17, monday_10) == timedelta(hours=2)


def test_elapsed_is_zero_for_a_reversed_interval():
    assert OFFICE.elapsed(berlin(2026, 11, 30, 10), berlin(2026, 11, 27, 17)) == timedelta(0)


def test_elapsed_undoes_add():
    start = berlin(2026, 11, 26, 15, 45)

    assert OFFICE.elapsed(start, OFFICE.add(start, 13.5)) == timedelta(hours=13.5)


@pytest.mark.parametrize(
    ("days", "opens", "closes"),
    [(frozenset(), time(9), time(17)), (WEEKDAYS, time(18), time(9))],
)
def test_an_impossible_calendar_is_refused(days, opens, closes):
    with pytest.raises(ValueError, match=r"working day|after opening"):
        BusinessCalendar(working_days=days, opens=opens, closes=closes)


def test_office_hours_follow_local_time_across_a_daylight_saving_change():
    friday_17 = berlin(2026, 3, 27, 17, 0)  # UTC+1; Monday 30 March is UTC+2

    due = OFFICE.add(friday_17, 2)

    assert due == berlin(2026, 3, 30, 10, 0)
    assert due.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
