"""Pure business-time maths for SLA clocks: working days, business hours, time zones, holidays.

Conventions
-----------
* Inputs may be naive datetimes (meaning UTC, as stored in the database) or aware datetimes;
  every datetime returned is a naive UTC datetime.
* Instants are floored to the whole second before any measurement, so results are exact
  integers and the maths is exactly additive.
* Each working day of a calendar has one business window, ``[day_start, day_end)`` in the
  territory's local time (IANA zone).  A working day is Monday to Friday and not a public
  holiday of ``holidays.France(subdiv=...)``.  Business time is *elapsed* time inside those
  windows, so a window that contains a DST change is one hour shorter or longer; the default
  09:00-18:00 window never does (transitions happen at night), so a business day is 9 h.

Implementation: for each (calendar, year) a table holds every local day's window as UTC epoch
seconds and a running total of business seconds.  Measuring or adding is then two time-zone
conversions, a bisection and one cached lookup per calendar year spanned: no day-by-day loops.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "BusinessCalendar",
    "add_business_days",
    "add_business_seconds",
    "business_days_between",
    "business_seconds_between",
    "next_business_instant",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ONE_SECOND = timedelta(seconds=1)
_SATURDAY = 5


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and business hours of one territory (time zone + holiday subdivision)."""

    timezone: str = "Europe/Paris"
    holidays_subdiv: str | None = None
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)

    def __post_init__(self) -> None:
        """Reject configurations the maths cannot honour, at construction rather than later."""
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("day_start and day_end are local wall-clock times: give naive times")
        if self.day_start.microsecond or self.day_end.microsecond:
            raise ValueError("day_start and day_end must be whole seconds")
        if self.day_start >= self.day_end:
            raise ValueError(f"day_start {self.day_start} must be before day_end {self.day_end}")
        ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError (a KeyError) for unknown zones
        if self.holidays_subdiv not in (None, *holidays.France.subdivisions):
            raise ValueError(f"unknown French holiday subdivision {self.holidays_subdiv!r}")

    @property
    def seconds_per_day(self) -> int:
        """Nominal business seconds in one working day (day_end - day_start on the wall clock)."""
        return _seconds_of(self.day_end) - _seconds_of(self.day_start)

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday unless the day is a public holiday of the territory."""
        if day.weekday() >= _SATURDAY:
            return False
        return day not in _holiday_dates(self.holidays_subdiv, day.year)

    def holidays_in(self, year: int) -> dict[date, str]:
        """The territory's public holidays of one year, date -> French name (a fresh copy)."""
        return dict(_holidays(self.holidays_subdiv, year))


def business_seconds_between(cal: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Business seconds in [start, end); negative if end < start (antisymmetric)."""
    origin = _epoch(start)
    year, index = _locate(cal, origin)
    return _cumulative_from(cal, _epoch(end), year) - _cumulative_in_year(cal, origin, year, index)


def add_business_seconds(cal: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    """First t with business_seconds_between(start, t) == seconds (the last t if seconds < 0).

    Precisely: for ``seconds > 0`` the result is the earliest t >= start that many business
    seconds later, so it lies in ``(opening, closing]`` of a working day: adding 9 h to Monday
    09:00 lands on Monday 18:00, not Tuesday 09:00, and adding 1 h on a Saturday lands on
    Monday 10:00.  Subtracting is the mirror: for ``seconds < 0`` the result is the *latest*
    t <= start, in ``[opening, closing)``: Tuesday 18:00 minus 9 h is Tuesday 09:00, not Monday
    18:00.  ``seconds == 0`` returns start itself (floored to the second), even outside hours.
    """
    seconds = operator.index(seconds)  # whole seconds only: a float would hide rounding
    origin = _epoch(start)
    if seconds == 0:
        return _naive_utc(origin)
    year, index = _locate(cal, origin)
    target = _cumulative_in_year(cal, origin, year, index) + seconds
    if seconds > 0:
        return _naive_utc(_earliest_reaching(cal, year, target))
    return _naive_utc(_latest_reaching(cal, year, target))


def business_days_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Business time in [start, end) as a number of business days (seconds / seconds_per_day)."""
    return business_seconds_between(cal, start, end) / cal.seconds_per_day


def add_business_days(cal: BusinessCalendar, start: datetime, days: float) -> datetime:
    """Add (negative: subtract) business days, rounded to the second; see add_business_seconds."""
    return add_business_seconds(cal, start, round(days * cal.seconds_per_day))


def next_business_instant(cal: BusinessCalendar, at: datetime) -> datetime:
    """``at`` itself (naive UTC) if inside business hours [open, close), else the next opening."""
    instant = _epoch(at)
    year, index = _locate(cal, instant)
    table = _year_table(cal, year)
    if table.opens[index] <= instant < table.closes[index]:
        return _as_naive_utc(at)
    # Outside hours the running total is flat until the next opening: its latest instant.
    return _naive_utc(_latest_reaching(cal, year, _cumulative_in_year(cal, instant, year, index)))


# --- year tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _YearTable:
    """One calendar year of business windows as UTC epoch seconds, with running totals."""

    opens: tuple[int, ...]  # per local day; a non-working day has opens == closes
    closes: tuple[int, ...]
    prefix: tuple[int, ...]  # prefix[i] = business seconds of the year's days before day i

    @property
    def total(self) -> int:
        """Business seconds in the whole year."""
        return self.prefix[-1]


@lru_cache(maxsize=512)
def _year_table(cal: BusinessCalendar, year: int) -> _YearTable:
    """Build (once per calendar and year) the table of that year's business windows."""
    zone = ZoneInfo(cal.timezone)
    first = date(year, 1, 1)
    opens, closes, prefix = [], [], [0]
    for offset in range(date(year + 1, 1, 1).toordinal() - first.toordinal()):
        day = first + timedelta(days=offset)
        opening = _epoch(datetime.combine(day, cal.day_start, tzinfo=zone))
        closing = _epoch(datetime.combine(day, cal.day_end, tzinfo=zone))
        if not cal.is_working_day(day):
            closing = opening
        # max(): a window squeezed by a DST gap must never count negative time.
        closing = max(closing, opening)
        opens.append(opening)
        closes.append(closing)
        prefix.append(prefix[-1] + closing - opening)
    return _YearTable(tuple(opens), tuple(closes), tuple(prefix))


@lru_cache(maxsize=512)
def _holidays(subdiv: str | None, year: int) -> dict[date, str]:
    """The public holidays of one subdivision and year, as returned by the holidays package."""
    return dict(holidays.France(subdiv=subdiv, years=year, language="fr"))


@lru_cache(maxsize=512)
def _holiday_dates(subdiv: str | None, year: int) -> frozenset[date]:
    """The holiday dates alone, for fast membership tests."""
    return frozenset(_holidays(subdiv, year))


# --- cumulative business time --------------------------------------------------------------


def _cumulative_from(cal: BusinessCalendar, instant: int, base_year: int) -> int:
    """Business seconds from the start of local ``base_year`` to ``instant`` (< 0 if before)."""
    year, index = _locate(cal, instant)
    elapsed = _cumulative_in_year(cal, instant, year, index)
    for whole_year in range(base_year, year):
        elapsed += _year_table(cal, whole_year).total
    for whole_year in range(year, base_year):
        elapsed -= _year_table(cal, whole_year).total
    return elapsed


def _cumulative_in_year(cal: BusinessCalendar, instant: int, year: int, index: int) -> int:
    """Business seconds from the start of local ``year`` to ``instant``, on day ``index``."""
    table = _year_table(cal, year)
    opening, closing = table.opens[index], table.closes[index]
    return table.prefix[index] + min(max(instant - opening, 0), closing - opening)


def _earliest_reaching(cal: BusinessCalendar, year: int, target: int) -> int:
    """Earliest instant whose business time since local ``year`` start is ``target`` (> 0)."""
    table = _year_table(cal, year)
    while target > table.total:
        target -= table.total
        year += 1
        table = _year_table(cal, year)
    index = bisect_left(table.prefix, target) - 1  # the day with prefix < target <= next prefix
    return table.opens[index] + target - table.prefix[index]


def _latest_reaching(cal: BusinessCalendar, year: int, target: int) -> int:
    """Latest instant whose business time since local ``year`` start is ``target``.

    Used for subtraction (target may be negative: walk back whole years) and for finding the
    next opening (target is a day's running total: the first later day with business time).
    """
    table = _year_table(cal, year)
    while target < 0:
        year -= 1
        table = _year_table(cal, year)
        target += table.total
    while target >= table.total:
        target -= table.total
        year += 1
        table = _year_table(cal, year)
    index = bisect_right(table.prefix, target) - 1  # the day with prefix <= target < next prefix
    return table.opens[index] + target - table.prefix[index]


# --- instants ------------------------------------------------------------------------------


def _epoch(moment: datetime) -> int:
    """Whole UTC epoch seconds (floored) of a naive-UTC or aware datetime."""
    if moment.tzinfo is None:
        return (moment - _NAIVE_EPOCH) // _ONE_SECOND
    return (moment - _EPOCH) // _ONE_SECOND


def _naive_utc(instant: int) -> datetime:
    """The naive UTC datetime of whole epoch seconds."""
    return _NAIVE_EPOCH + timedelta(seconds=instant)


def _as_naive_utc(moment: datetime) -> datetime:
    """A naive-UTC or aware datetime as naive UTC, keeping its microseconds."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _locate(cal: BusinessCalendar, instant: int) -> tuple[int, int]:
    """(local year, index of the local day in that year's table) of an instant."""
    day = datetime.fromtimestamp(instant, ZoneInfo(cal.timezone)).date()
    return day.year, day.toordinal() - date(day.year, 1, 1).toordinal()


def _seconds_of(moment: time) -> int:
    """Seconds since midnight of a wall-clock time."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second
