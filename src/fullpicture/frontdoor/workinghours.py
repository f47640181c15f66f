"""Working-hours arithmetic: pure functions, no database, no clock.

A partnership's working week (its hours, its working weekdays and the bank
holidays of its division) turns a RAG rating's "24 working hours" into a due
time, and the time between two moments into working hours. Everything is
computed in the partnership's local time, so British Summer Time changes (which
happen at night, outside any working window) never shift a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ENGLAND_AND_WALES = "england-and-wales"


@lru_cache(maxsize=4)
def bank_holidays(division: str = ENGLAND_AND_WALES) -> frozenset[dt.date]:
    """Bank holidays from govuk-bank-holidays' bundled list: never fetched at run time."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in holidays.get_holidays(division=division))


@dataclass(frozen=True)
class WorkingWeek:
    """When a team works: a daily window on chosen weekdays, less holidays."""

    starts: dt.time = dt.time(9, 0)
    ends: dt.time = dt.time(17, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    tz: dt.tzinfo = LONDON

    def __post_init__(self) -> None:
        if not self.starts < self.ends:
            raise ValueError("the working day must end after it starts")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("choose at least one working weekday (0 = Monday to 6 = Sunday)")

    @property
    def day_length(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.ends) - dt.datetime.combine(
            dt.date.min, self.starts
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.starts, tzinfo=self.tz),
            dt.datetime.combine(day, self.ends, tzinfo=self.tz),
        )


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("working-hours arithmetic needs timezone-aware times")
    return at


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def working_time_between(start: dt.datetime, end: dt.datetime, week: WorkingWeek) -> dt.timedelta:
    """Working time from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    start, end = _aware(start), _aware(end)
    if end < start:
        return -working_time_between(end, start, week)
    local_start, local_end = start.astimezone(week.tz), end.astimezone(week.tz)
    total = dt.timedelta()
    for day in _days(local_start.date(), local_end.date()):
        if not week.is_working_day(day):
            continue
        opens, closes = week.window(day)
        lo, hi = max(opens, start), min(closes, end)
        if hi > lo:
            total += hi - lo
    return total


def working_hours_between(start: dt.datetime, end: dt.datetime, week: WorkingWeek) -> float:
    return working_time_between(start, end, week).total_seconds() / 3600


MAX_DAYS = 3660  # a week with holidays on every working day would otherwise loop forever


def add_working_time(start: dt.datetime, amount: dt.timedelta, week: WorkingWeek) -> dt.datetime:
    """The moment ``amount`` of working time after ``start`` (``start`` itself for zero).

    A clock started out of hours begins at the next opening; a deadline that
    uses up a day exactly falls at that day's close, not the next opening.
    """
    start = _aware(start)
    if amount < dt.timedelta():
        raise ValueError("add a positive amount of working time")
    if amount == dt.timedelta():
        return start
    remaining = amount
    day = start.astimezone(week.tz).date()
    for _ in range(MAX_DAYS):
        if week.is_working_day(day):
            opens, closes = week.window(day)
            begin = max(opens, start)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("no working time in the next ten years: check the working week")


def add_working_hours(start: dt.datetime, hours: float, week: WorkingWeek) -> dt.datetime:
    return add_working_time(start, dt.timedelta(hours=hours), week)


def add_working_days(start: dt.datetime, days: int, week: WorkingWeek) -> dt.datetime:
    """``days`` whole working days: that many full working-day lengths of working time."""
    return add_working_time(start, week.day_length * days, week)
