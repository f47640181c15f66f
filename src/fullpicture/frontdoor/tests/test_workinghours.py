"""Working-hours arithmetic, by example and by property (weekends, bank holidays, nights)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fullpicture.frontdoor.workinghours import (
    WorkingWeek,
    add_working_days,
    add_working_hours,
    add_working_time,
    bank_holidays,
    working_time_between,
)

LONDON = ZoneInfo("Europe/London")
WEEK = WorkingWeek(holidays=bank_holidays())


def at(year: int, month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


def test_bank_holidays_come_from_the_bundled_list():
    days = bank_holidays()
    assert dt.date(2026, 12, 25) in days
    assert dt.date(2026, 8, 31) in days  # summer bank holiday, England and Wales
    assert dt.date(2026, 8, 3) not in days  # Scotland's, not England's
    assert dt.date(2026, 8, 3) in bank_holidays("scotland")


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 3, 2, 10), 4, at(2026, 3, 2, 14)),  # red on a Monday morning
        (at(2026, 3, 2, 15), 4, at(2026, 3, 3, 11)),  # red late on: overnight
        (at(2026, 3, 6, 16), 4, at(2026, 3, 9, 12)),  # Friday afternoon: over the weekend
        (at(2026, 3, 7, 12), 4, at(2026, 3, 9, 13)),  # received on a Saturday
        (at(2026, 3, 2, 20), 4, at(2026, 3, 3, 13)),  # received at night
        (at(2026, 3, 2, 10), 24, at(2026, 3, 5, 10)),  # amber
        (at(2026, 3, 2, 10), 72, at(2026, 3, 13, 10)),  # green: nine working days
        (at(2026, 12, 24, 15), 4, at(2026, 12, 29, 11)),  # Christmas and Boxing Day
        (at(2026, 8, 28, 16), 2, at(2026, 9, 1, 10)),  # the summer bank holiday Monday
        (at(2026, 3, 2, 9), 8, at(2026, 3, 2, 17)),  # a whole day ends at the close
        (at(2026, 3, 27, 16), 2, at(2026, 3, 30, 10)),  # over the clocks going forward
    ],
)
def test_deadlines(start, hours, due):
    assert add_working_hours(start, hours, WEEK) == due


def test_one_working_day_is_the_same_time_next_working_day():
    assert add_working_days(at(2026, 3, 6, 11), 1, WEEK) == at(2026, 3, 9, 11)


def test_a_week_must_make_sense():
    with pytest.raises(ValueError, match="end after"):
        WorkingWeek(starts=dt.time(17), ends=dt.time(9))
    with pytest.raises(ValueError, match="weekday"):
        WorkingWeek(weekdays=frozenset())
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_hours(dt.datetime(2026, 3, 2, 10), 1, WEEK)  # noqa: DTZ001


moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001  (hypothesis wants naive bounds)
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(LONDON),
)
amounts = st.integers(min_value=0, max_value=80 * 60).map(lambda m: dt.timedelta(minutes=m))
weeks = st.builds(
    WorkingWeek,
    starts=st.sampled_from([dt.time(7), dt.time(8, 30), dt.time(9)]),
    ends=st.sampled_from([dt.time(16), dt.time(17), dt.time(19, 45)]),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    holidays=st.just(bank_holidays()),
)


@settings(max_examples=300, deadline=None)
@given(start=moments, amount=amounts, week=weeks)
def test_adding_then_measuring_gives_back_the_amount(start, amount, week):
    due = add_working_time(start, amount, week)
    assert due >= start
    assert working_time_between(start, due, week) == amount


@settings(max_examples=300, deadline=None)
@given(start=moments, amount=amounts, week=weeks)
def test_a_deadline_never_falls_outside_working_time(start, amount, week):
    due = add_working_time(start, amount, week).astimezone(LONDON)
    if amount:
        assert week.is_working_day(due.date())
        assert week.starts < due.time() <= week.ends or due.time() == week.ends


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_working_time_adds_up_and_is_antisymmetric(a, b, c):
    assert working_time_between(a, c, WEEK) == (
        working_time_between(a, b, WEEK) + working_time_between(b, c, WEEK)
    )
    assert working_time_between(a, b, WEEK) == -working_time_between(b, a, WEEK)


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
    hour=st.integers(0, 23),
)
def test_weekends_bank_holidays_and_nights_hold_no_working_time(day, hour):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
    hour_later = start + dt.timedelta(minutes=59)
    working = WEEK.is_working_day(day) and 9 <= hour < 17
    expected = dt.timedelta(minutes=59) if working else dt.timedelta()
    assert working_time_between(start, hour_later, WEEK) == expected


@settings(max_examples=200, deadline=None)
@given(start=moments, a=amounts, b=amounts)
def test_deadlines_are_monotonic_and_compose(start, a, b):
    assert add_working_time(start, a, WEEK) <= add_working_time(start, a + b, WEEK)
    if a:
        assert add_working_time(add_working_time(start, a, WEEK), b, WEEK) == add_working_time(
            start, a + b, WEEK
        )


# The standing rules fill the years after govuk-bank-holidays' bundled list ends. They are
# checked against the bundled list itself for every year it holds that had no one-off or
# moved holiday (2012 diamond jubilee, 2020 VE Day moved, 2022 platinum jubilee and state
# funeral, 2023 coronation).
ONE_OFF_YEARS = {2012, 2020, 2022, 2023}


@pytest.mark.parametrize("division", ["england-and-wales", "scotland", "northern-ireland"])
def test_standing_rules_agree_with_the_bundled_list(division: str) -> None:
    from govuk_bank_holidays.bank_holidays import BankHolidays

    from fullpicture.frontdoor.workinghours import recurring_bank_holidays

    listed = [
        h["date"] for h in BankHolidays(use_cached_holidays=True).get_holidays(division=division)
    ]
    years = sorted({d.year for d in listed} - ONE_OFF_YEARS)
    assert len(years) >= 10
    for year in years:
        assert recurring_bank_holidays(division, year) == {d for d in listed if d.year == year}, (
            division,
            year,
        )


def test_years_after_the_bundled_list_still_have_bank_holidays() -> None:
    from fullpicture.frontdoor.workinghours import bank_holidays

    holidays = bank_holidays("england-and-wales")
    # 2030: Easter Sunday is 21 April; Christmas Day is a Wednesday.
    assert {
        dt.date(2030, 1, 1),
        dt.date(2030, 4, 19),
        dt.date(2030, 4, 22),
        dt.date(2030, 5, 6),
        dt.date(2030, 5, 27),
        dt.date(2030, 8, 26),
        dt.date(2030, 12, 25),
        dt.date(2030, 12, 26),
    } == {d for d in holidays if d.year == 2030}
    # 2033: Christmas Day is a Sunday, so the substitute is Tuesday 27 December.
    assert {dt.date(2033, 12, 26), dt.date(2033, 12, 27)} <= holidays
    assert dt.date(2033, 12, 25) not in holidays
