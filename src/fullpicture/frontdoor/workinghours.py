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


SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
# Years past the bundled list are filled in by the standing rules, up to this year.
RULES_UNTIL = 2100


@lru_cache(maxsize=4)
def bank_holidays(division: str = ENGLAND_AND_WALES) -> frozenset[dt.date]:
    """Bank holidays: govuk-bank-holidays' bundled list (never fetched at run time), and
    for the years after it ends, the division's standing rules (``recurring_bank_holidays``).

    The bundled list holds the one-off holidays (jubilees, a coronation, a state funeral)
    and moved ones (VE Day 2020); the rules cannot know those, so they only fill years the
    list does not reach. Without them, every date after the list ends (2028 in the
    package's current release) would count as a working day.
    """
    from govuk_bank_holidays.bank_holidays import BankHolidays

    listed = frozenset(
        h["date"] for h in BankHolidays(use_cached_holidays=True).get_holidays(division=division)
    )
    last_year = max((d.year for d in listed), default=dt.date.today().year - 1)  # noqa: DTZ011
    extra = {
        day
        for year in range(last_year + 1, RULES_UNTIL + 1)
        for day in recurring_bank_holidays(division, year)
    }
    return listed | frozenset(extra)


def _easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    line = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * line) // 451
    month, day = divmod(h + line - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def recurring_bank_holidays(division: str, year: int) -> frozenset[dt.date]:
    """A division's bank holidays in a year by the standing rules (Banking and Financial
    Dealings Act 1971 and royal proclamations): fixed dates that fall at a weekend move to
    the next weekday that is not already a holiday."""
    easter = _easter_sunday(year)
    fixed: list[dt.date] = [dt.date(year, 1, 1)]
    if division == SCOTLAND:
        fixed.append(dt.date(year, 1, 2))
    if division == NORTHERN_IRELAND:
        fixed.append(dt.date(year, 3, 17))
        fixed.append(dt.date(year, 7, 12))
    if division == SCOTLAND:
        fixed.append(dt.date(year, 11, 30))
    fixed += [dt.date(year, 12, 25), dt.date(year, 12, 26)]
    moving = {
        easter - dt.timedelta(days=2),  # Good Friday
        _first_monday(year, 5),  # early May
        _last_monday(year, 5),  # spring
    }
    if division == SCOTLAND:
        moving.add(_first_monday(year, 8))  # summer, first Monday of August
    else:
        moving.add(easter + dt.timedelta(days=1))  # Easter Monday
        moving.add(_last_monday(year, 8))  # summer, last Monday of August
    days = set(moving)
    for day in fixed:
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days.add(day)
    return frozenset(days)


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
