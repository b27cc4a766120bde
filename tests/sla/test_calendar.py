"""Tests for legaldesk.sla.calendar: business time across weekends, holidays, DST, territories."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legaldesk.sla.calendar import (
    BusinessCalendar,
    add_business_days,
    add_business_seconds,
    business_days_between,
    business_seconds_between,
    next_business_instant,
)

HOUR = 3600
DAY = 9 * HOUR  # one default business day, 09:00-18:00

METRO = BusinessCalendar()
MOSELLE = BusinessCalendar(holidays_subdiv="57")
ALSACE = BusinessCalendar(holidays_subdiv="6AE")
GUADELOUPE = BusinessCalendar("America/Guadeloupe", "971")
MARTINIQUE = BusinessCalendar("America/Martinique", "972")
GUYANE = BusinessCalendar("America/Cayenne", "973")
REUNION = BusinessCalendar("Indian/Reunion", "974")
MAYOTTE = BusinessCalendar("Indian/Mayotte", "976")
METRO_RULES_IN_REUNION = BusinessCalendar("Indian/Reunion", None)
MORNINGS = BusinessCalendar(day_start=time(8, 30), day_end=time(12, 15))
# Not a real territory: Tehran changed clocks at midnight on weekdays (until 2022), so a
# whole-day window there contains DST changes.  It stresses the maths, not the holiday rules.
WHOLE_DAYS_WITH_WEEKDAY_DST = BusinessCalendar("Asia/Tehran", None, time(0, 0), time(23, 59, 59))


def local(cal: BusinessCalendar, text: str) -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM[:SS]' on the calendar's local wall clock."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(cal.timezone))


def naive_utc(moment: datetime) -> datetime:
    """The naive UTC datetime (database convention) of an aware datetime."""
    return moment.astimezone(UTC).replace(tzinfo=None)


# --- measuring ----------------------------------------------------------------------------

BETWEEN_CASES = [
    # (calendar, start local, end local, expected business seconds)
    pytest.param(METRO, "2025-01-06 09:00", "2025-01-10 18:00", 5 * DAY, id="plain-week"),
    pytest.param(METRO, "2025-01-06 10:00", "2025-01-06 12:30", 2.5 * HOUR, id="within-a-day"),
    pytest.param(METRO, "2025-01-06 09:00", "2025-01-13 09:00", 5 * DAY, id="monday-to-monday"),
    pytest.param(METRO, "2025-01-10 16:00", "2025-01-13 11:00", 4 * HOUR, id="weekend-skipped"),
    pytest.param(METRO, "2025-01-11 10:00", "2025-01-12 17:00", 0, id="inside-a-weekend"),
    pytest.param(METRO, "2025-01-06 07:00", "2025-01-06 20:00", DAY, id="outside-hours-ends"),
    pytest.param(METRO, "2025-01-10 20:00", "2025-01-13 08:00", 0, id="friday-night-to-monday"),
    pytest.param(METRO, "2025-01-06 18:00", "2025-01-07 09:00", 0, id="overnight"),
    pytest.param(METRO, "2025-04-30 09:00", "2025-05-02 18:00", 2 * DAY, id="1-may"),
    pytest.param(METRO, "2025-07-11 09:00", "2025-07-15 18:00", 2 * DAY, id="14-july"),
    pytest.param(METRO, "2025-12-24 09:00", "2025-12-26 18:00", 2 * DAY, id="25-dec"),
    pytest.param(METRO, "2025-04-18 09:00", "2025-04-22 18:00", 2 * DAY, id="easter-monday"),
    pytest.param(METRO, "2025-05-28 09:00", "2025-05-30 18:00", 2 * DAY, id="ascension"),
    pytest.param(METRO, "2025-06-06 09:00", "2025-06-10 18:00", 2 * DAY, id="whit-monday"),
    pytest.param(METRO, "2021-12-20 09:00", "2021-12-27 09:00", 5 * DAY, id="christmas-on-sat"),
    pytest.param(METRO, "2021-04-30 09:00", "2021-05-03 18:00", 2 * DAY, id="1-may-on-saturday"),
    pytest.param(METRO, "2025-03-28 12:00", "2025-03-31 12:00", DAY, id="dst-march-weekend"),
    pytest.param(METRO, "2025-03-24 09:00", "2025-03-31 09:00", 5 * DAY, id="dst-march-week"),
    pytest.param(METRO, "2025-03-31 09:00", "2025-03-31 18:00", DAY, id="day-after-dst-march"),
    pytest.param(METRO, "2025-10-24 12:00", "2025-10-27 12:00", DAY, id="dst-october-weekend"),
    pytest.param(METRO, "2025-10-27 09:00", "2025-10-27 18:00", DAY, id="day-after-dst-october"),
    pytest.param(METRO, "2025-12-31 17:00", "2026-01-02 10:00", 2 * HOUR, id="year-end"),
    pytest.param(METRO, "2027-12-31 17:00", "2028-01-03 10:00", 2 * HOUR, id="year-end-weekend"),
    pytest.param(REUNION, "2024-12-19 09:00", "2024-12-23 09:00", DAY, id="reunion-20-dec"),
    pytest.param(
        METRO_RULES_IN_REUNION, "2024-12-19 09:00", "2024-12-23 09:00", 2 * DAY,
        id="20-dec-not-a-holiday-elsewhere",
    ),
    pytest.param(MAYOTTE, "2026-04-24 09:00", "2026-04-28 09:00", DAY, id="mayotte-27-april"),
    pytest.param(GUADELOUPE, "2025-05-26 09:00", "2025-05-28 09:00", DAY, id="guadeloupe-27-may"),
    pytest.param(GUADELOUPE, "2025-03-27 09:00", "2025-03-28 09:00", 0, id="guadeloupe-mi-careme"),
    pytest.param(GUADELOUPE, "2025-04-17 09:00", "2025-04-22 09:00", DAY, id="guadeloupe-good-fri"),
    pytest.param(MARTINIQUE, "2025-05-22 09:00", "2025-05-23 09:00", 0, id="martinique-22-may"),
    pytest.param(GUYANE, "2025-06-09 09:00", "2025-06-11 09:00", 0, id="guyane-10-june"),
    pytest.param(METRO, "2025-06-09 09:00", "2025-06-11 09:00", DAY, id="10-june-in-metro"),
    pytest.param(MOSELLE, "2025-12-24 09:00", "2025-12-29 09:00", DAY, id="moselle-26-dec"),
    pytest.param(ALSACE, "2025-12-24 09:00", "2025-12-29 09:00", DAY, id="alsace-26-dec"),
    pytest.param(METRO, "2025-12-24 09:00", "2025-12-29 09:00", 2 * DAY, id="26-dec-in-metro"),
    pytest.param(MOSELLE, "2025-04-17 09:00", "2025-04-22 09:00", DAY, id="moselle-good-friday"),
    pytest.param(METRO, "2025-04-17 09:00", "2025-04-22 09:00", 2 * DAY, id="good-friday-metro"),
    pytest.param(MORNINGS, "2025-01-06 00:00", "2025-01-08 00:00", 2 * 13500, id="custom-hours"),
]


@pytest.mark.parametrize(("cal", "start", "end", "expected"), BETWEEN_CASES)
def test_business_seconds_between(cal, start, end, expected):
    """Each span measures as expected, and the reversed span as its negative."""
    start_at, end_at = local(cal, start), local(cal, end)
    assert business_seconds_between(cal, start_at, end_at) == expected
    assert business_seconds_between(cal, end_at, start_at) == -expected


@pytest.mark.parametrize(("cal", "start", "end", "expected"), BETWEEN_CASES)
def test_naive_utc_inputs_measure_like_aware_ones(cal, start, end, expected):
    """Naive datetimes mean UTC: the database's naive values give the same answers."""
    start_at, end_at = naive_utc(local(cal, start)), naive_utc(local(cal, end))
    assert business_seconds_between(cal, start_at, end_at) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Paris is UTC+1 before 30 March 2025 and UTC+2 after: Friday 12:00-18:00 + Monday 09-12.
        pytest.param(datetime(2025, 3, 28, 11), datetime(2025, 3, 31, 10), DAY, id="dst-march"),
        pytest.param(datetime(2025, 10, 24, 10), datetime(2025, 10, 27, 11), DAY, id="dst-october"),
        pytest.param(datetime(2025, 1, 6, 8), datetime(2025, 1, 6, 17), DAY, id="winter-day"),
        pytest.param(datetime(2025, 7, 7, 7), datetime(2025, 7, 7, 16), DAY, id="summer-day"),
        pytest.param(datetime(2025, 7, 7, 16), datetime(2025, 7, 7, 17), 0, id="summer-18-19"),
    ],
)
def test_naive_utc_across_paris_dst(start, end, expected):
    """Literal naive UTC values: the local window moves by an hour in UTC at each DST change."""
    assert business_seconds_between(METRO, start, end) == expected


def test_sub_second_parts_are_floored():
    """Instants are floored to the whole second before measuring."""
    start = datetime(2025, 1, 6, 9, 0, 0, 999_999)
    assert business_seconds_between(METRO, start, datetime(2025, 1, 6, 9, 0, 1, 500_000)) == 1
    assert business_seconds_between(METRO, start, datetime(2025, 1, 6, 9, 0, 0, 1)) == 0


def test_ten_years_match_a_day_by_day_count():
    """A ten-year span counts one business day per working day, holidays of each year excluded."""
    start, end = date(2015, 1, 1), date(2025, 1, 1)
    working_days = sum(
        METRO.is_working_day(start + timedelta(days=n)) for n in range((end - start).days)
    )
    measured = business_days_between(METRO, local(METRO, "2015-01-01"), local(METRO, "2025-01-01"))
    assert measured == working_days
    assert 2500 < working_days < 2530  # about 251-253 working days a year, a sanity bound


# --- adding and subtracting ---------------------------------------------------------------

ADD_CASES = [
    # (calendar, start local, business seconds to add, expected local result)
    pytest.param(METRO, "2025-01-06 09:00", DAY, "2025-01-06 18:00", id="full-day-ends-at-close"),
    pytest.param(METRO, "2025-01-06 18:00", 1, "2025-01-07 09:00:01", id="from-close"),
    pytest.param(METRO, "2025-01-06 17:00", 2 * HOUR, "2025-01-07 10:00", id="overnight"),
    pytest.param(METRO, "2025-01-06 07:00", HOUR, "2025-01-06 10:00", id="from-before-opening"),
    pytest.param(METRO, "2025-01-11 12:00", HOUR, "2025-01-13 10:00", id="from-saturday"),
    pytest.param(METRO, "2025-01-10 18:00", DAY, "2025-01-13 18:00", id="friday-close-plus-day"),
    pytest.param(METRO, "2025-01-11 12:00", 0, "2025-01-11 12:00", id="zero-stays-put"),
    pytest.param(METRO, "2025-03-28 12:00", DAY, "2025-03-31 12:00", id="across-dst-march"),
    pytest.param(METRO, "2025-10-24 12:00", DAY, "2025-10-27 12:00", id="across-dst-october"),
    pytest.param(METRO, "2025-12-31 17:00", 2 * HOUR, "2026-01-02 10:00", id="year-end"),
    pytest.param(METRO, "2025-12-24 17:00", 2 * HOUR, "2025-12-26 10:00", id="over-christmas"),
    pytest.param(MOSELLE, "2025-12-24 17:00", 2 * HOUR, "2025-12-29 10:00", id="moselle-christmas"),
    pytest.param(REUNION, "2024-12-19 17:00", HOUR, "2024-12-19 18:00", id="reunion-to-close"),
    pytest.param(REUNION, "2024-12-19 17:00", 2 * HOUR, "2024-12-23 10:00", id="reunion-20-dec"),
    pytest.param(GUADELOUPE, "2025-03-26 12:00", DAY, "2025-03-28 12:00", id="mi-careme"),
    pytest.param(METRO, "2025-01-07 10:00", -2 * HOUR, "2025-01-06 17:00", id="sub-overnight"),
    pytest.param(METRO, "2025-01-07 18:00", -DAY, "2025-01-07 09:00", id="sub-day-to-opening"),
    pytest.param(METRO, "2025-01-13 09:00", -HOUR, "2025-01-10 17:00", id="sub-over-weekend"),
    pytest.param(METRO, "2025-01-13 09:00", -1, "2025-01-10 17:59:59", id="sub-one-second"),
    pytest.param(METRO, "2025-01-12 12:00", -HOUR, "2025-01-10 17:00", id="sub-from-sunday"),
    pytest.param(METRO, "2026-01-02 10:00", -2 * HOUR, "2025-12-31 17:00", id="sub-year-end"),
    pytest.param(METRO, "2025-10-27 10:00", -2 * HOUR, "2025-10-24 17:00", id="sub-dst-october"),
    pytest.param(GUYANE, "2025-06-11 09:00", -HOUR, "2025-06-06 17:00", id="sub-guyane"),
    pytest.param(METRO, "2015-01-05 09:00", 2523 * DAY, "2025-01-03 18:00", id="ten-years"),
    pytest.param(METRO, "2025-01-03 18:00", -2523 * DAY, "2015-01-05 09:00", id="sub-ten-years"),
]


@pytest.mark.parametrize(("cal", "start", "seconds", "expected"), ADD_CASES)
def test_add_business_seconds(cal, start, seconds, expected):
    """Adding lands at or before a closing; subtracting at or after an opening; naive UTC out."""
    result = add_business_seconds(cal, local(cal, start), seconds)
    assert result.tzinfo is None
    assert result == naive_utc(local(cal, expected))


def test_add_accepts_naive_utc_and_keeps_whole_seconds():
    """A naive start is UTC; the sub-second part of the start is dropped."""
    start = datetime(2025, 3, 28, 11, 0, 0, 250_000)  # Friday 12:00 in Paris (UTC+1)
    assert add_business_seconds(METRO, start, DAY) == datetime(2025, 3, 31, 10)  # UTC+2 then


def test_add_rejects_fractional_seconds():
    """Seconds must be integral, so no rounding happens silently."""
    with pytest.raises(TypeError):
        add_business_seconds(METRO, datetime(2025, 1, 6, 9), 1.5)


@pytest.mark.parametrize(
    ("cal", "start", "end", "days"),
    [
        # Five days from a Monday opening end at Friday's closing, not at Monday's opening.
        pytest.param(METRO, "2025-01-06 09:00", "2025-01-10 18:00", 5.0, id="week"),
        pytest.param(METRO, "2025-01-06 12:00", "2025-01-06 16:30", 0.5, id="half-day"),
        pytest.param(METRO, "2025-01-06 12:00", "2025-01-07 16:30", 1.5, id="day-and-half"),
        pytest.param(METRO, "2025-01-07 12:00", "2025-01-06 12:00", -1.0, id="backwards"),
        pytest.param(MOSELLE, "2025-12-24 09:00", "2025-12-29 18:00", 2.0, id="moselle-to-close"),
        pytest.param(MORNINGS, "2025-01-06 08:30", "2025-01-07 10:22:30", 1.5, id="custom-hours"),
    ],
)
def test_business_days(cal, start, end, days):
    """Business days are business seconds over seconds_per_day, both ways."""
    start_at, end_at = local(cal, start), local(cal, end)
    assert business_days_between(cal, start_at, end_at) == days
    assert add_business_days(cal, start_at, days) == naive_utc(end_at)


# --- next opening -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "at", "expected"),
    [
        pytest.param(METRO, "2025-01-06 10:00", "2025-01-06 10:00", id="inside"),
        pytest.param(METRO, "2025-01-06 09:00", "2025-01-06 09:00", id="at-opening"),
        pytest.param(METRO, "2025-01-06 17:59:59", "2025-01-06 17:59:59", id="last-second"),
        pytest.param(METRO, "2025-01-06 18:00", "2025-01-07 09:00", id="at-closing"),
        pytest.param(METRO, "2025-01-06 07:00", "2025-01-06 09:00", id="early"),
        pytest.param(METRO, "2025-01-10 18:30", "2025-01-13 09:00", id="friday-evening"),
        pytest.param(METRO, "2025-12-24 18:30", "2025-12-26 09:00", id="christmas"),
        pytest.param(MOSELLE, "2025-12-24 18:30", "2025-12-29 09:00", id="moselle-christmas"),
        pytest.param(METRO, "2025-12-31 18:30", "2026-01-02 09:00", id="year-end"),
        pytest.param(GUYANE, "2025-06-06 18:00", "2025-06-11 09:00", id="guyane-june"),
    ],
)
def test_next_business_instant(cal, at, expected):
    """Inside hours an instant is returned as is; otherwise the next opening is."""
    assert next_business_instant(cal, local(cal, at)) == naive_utc(local(cal, expected))


def test_next_business_instant_keeps_microseconds_inside_hours():
    """An instant inside hours is returned unchanged (as naive UTC), microseconds included."""
    at = datetime(2025, 1, 6, 10, 0, 0, 123_456)
    assert next_business_instant(METRO, at) == at


@pytest.mark.parametrize(
    ("cal", "winter_utc_hour", "summer_utc_hour"),
    [
        pytest.param(METRO, 8, 7, id="paris-has-dst"),
        pytest.param(REUNION, 5, 5, id="reunion-utc+4"),
        pytest.param(MAYOTTE, 6, 6, id="mayotte-utc+3"),
        pytest.param(GUADELOUPE, 13, 13, id="guadeloupe-utc-4"),
        pytest.param(GUYANE, 12, 12, id="guyane-utc-3"),
    ],
)
def test_opening_hour_in_utc(cal, winter_utc_hour, summer_utc_hour):
    """09:00 local is a fixed UTC hour overseas (no DST) but moves in Paris."""
    winter = next_business_instant(cal, local(cal, "2025-01-06 00:00"))
    summer = next_business_instant(cal, local(cal, "2025-07-07 00:00"))
    assert winter == datetime(2025, 1, 6, winter_utc_hour)
    assert summer == datetime(2025, 7, 7, summer_utc_hour)


# --- the calendar itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "day", "is_holiday"),
    [
        pytest.param(METRO, date(2025, 5, 1), True, id="1-may"),
        pytest.param(METRO, date(2025, 7, 14), True, id="14-july"),
        pytest.param(METRO, date(2025, 12, 25), True, id="25-dec"),
        pytest.param(METRO, date(2025, 4, 21), True, id="easter-monday"),
        pytest.param(METRO, date(2025, 5, 29), True, id="ascension"),
        pytest.param(METRO, date(2025, 6, 9), True, id="whit-monday"),
        pytest.param(METRO, date(2025, 4, 18), False, id="good-friday-not-in-metro"),
        pytest.param(METRO, date(2025, 12, 26), False, id="26-dec-not-in-metro"),
        pytest.param(MOSELLE, date(2025, 12, 26), True, id="moselle-26-dec"),
        pytest.param(MOSELLE, date(2025, 4, 18), True, id="moselle-good-friday"),
        pytest.param(ALSACE, date(2025, 12, 26), True, id="alsace-26-dec"),
        pytest.param(ALSACE, date(2025, 4, 18), True, id="alsace-good-friday"),
        pytest.param(GUADELOUPE, date(2025, 5, 27), True, id="guadeloupe-27-may"),
        pytest.param(GUADELOUPE, date(2025, 3, 27), True, id="guadeloupe-mi-careme"),
        pytest.param(GUADELOUPE, date(2025, 4, 18), True, id="guadeloupe-good-friday"),
        pytest.param(MARTINIQUE, date(2025, 5, 22), True, id="martinique-22-may"),
        pytest.param(GUYANE, date(2025, 6, 10), True, id="guyane-10-june"),
        pytest.param(REUNION, date(2024, 12, 20), True, id="reunion-20-dec"),
        pytest.param(MAYOTTE, date(2026, 4, 27), True, id="mayotte-27-april"),
        pytest.param(MAYOTTE, date(2024, 12, 20), False, id="20-dec-not-in-mayotte"),
    ],
)
def test_holidays_per_territory(cal, day, is_holiday):
    """Each territory skips its own holidays (as the holidays package returns them) only."""
    assert (day in cal.holidays_in(day.year)) is is_holiday
    assert cal.is_working_day(day) is not is_holiday


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 6), True),  # Monday
        (date(2025, 1, 10), True),  # Friday
        (date(2025, 1, 11), False),  # Saturday
        (date(2025, 1, 12), False),  # Sunday
        (date(2025, 1, 1), False),  # New Year, a Wednesday
    ],
)
def test_is_working_day(day, working):
    """Monday to Friday are working days unless they are holidays."""
    assert METRO.is_working_day(day) is working


def test_holidays_in_returns_names_and_a_private_copy():
    """Holiday names come back in French; mutating the result leaves the calendar intact."""
    found = GUADELOUPE.holidays_in(2025)
    assert found[date(2025, 3, 27)] == "Mi-Carême"
    found.clear()
    assert date(2025, 3, 27) in GUADELOUPE.holidays_in(2025)


def test_seconds_per_day():
    """The nominal business day is day_end minus day_start."""
    assert METRO.seconds_per_day == DAY
    assert MORNINGS.seconds_per_day == 3 * HOUR + 45 * 60


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"day_start": time(18), "day_end": time(9)}, ValueError, id="inverted"),
        pytest.param({"day_start": time(9), "day_end": time(9)}, ValueError, id="empty"),
        pytest.param({"day_start": time(9, tzinfo=UTC)}, ValueError, id="aware-time"),
        pytest.param({"day_end": time(18, 0, 0, 500)}, ValueError, id="sub-second"),
        pytest.param({"holidays_subdiv": "99"}, ValueError, id="unknown-subdiv"),
        pytest.param({"timezone": "Europe/Nowhere"}, ZoneInfoNotFoundError, id="unknown-zone"),
    ],
)
def test_invalid_calendars_are_rejected(kwargs, error):
    """A calendar the maths cannot honour fails at construction."""
    with pytest.raises(error):
        BusinessCalendar(**kwargs)


# --- properties ---------------------------------------------------------------------------

PROPERTY_CALENDARS = [
    METRO, MOSELLE, GUADELOUPE, GUYANE, REUNION, MAYOTTE, MORNINGS, WHOLE_DAYS_WITH_WEEKDAY_DST,
]
FIRST_DAY, LAST_DAY = date(2018, 1, 1), date(2031, 12, 31)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
YEAR_OF_BUSINESS = 260 * DAY


@st.composite
def instants(draw, cal: BusinessCalendar) -> datetime:
    """Instants anywhere, or a second around a local opening or closing, naive UTC or aware."""
    zone = ZoneInfo(cal.timezone)
    day = draw(st.dates(FIRST_DAY, LAST_DAY))
    if draw(st.booleans()):
        wall = draw(st.sampled_from([cal.day_start, cal.day_end]))
        moment = datetime.combine(day, wall, tzinfo=zone)
        moment += timedelta(seconds=draw(st.integers(-1, 1)))
    else:
        moment = datetime.combine(day, time(0), tzinfo=zone) + timedelta(
            seconds=draw(st.integers(0, 86_399)), microseconds=draw(st.integers(0, 999_999))
        )
    return moment if draw(st.booleans()) else naive_utc(moment)


@st.composite
def calendar_and_instants(draw, count: int) -> tuple[BusinessCalendar, list[datetime]]:
    """One calendar and ``count`` instants drawn for it."""
    cal = draw(st.sampled_from(PROPERTY_CALENDARS))
    return cal, [draw(instants(cal)) for _ in range(count)]


def as_naive_utc(moment: datetime) -> datetime:
    """Either input convention, as naive UTC, for comparisons."""
    return moment if moment.tzinfo is None else naive_utc(moment)


def floored(moment: datetime) -> datetime:
    """A datetime as naive UTC without its sub-second part."""
    return as_naive_utc(moment).replace(microsecond=0)


def reference_seconds(cal: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Slow day-by-day count of business seconds in [start, end), start <= end: the oracle."""
    zone = ZoneInfo(cal.timezone)
    start, end = floored(start), floored(end)
    day = start.replace(tzinfo=UTC).astimezone(zone).date() - timedelta(days=1)
    last = end.replace(tzinfo=UTC).astimezone(zone).date() + timedelta(days=1)
    total = timedelta(0)
    while day <= last:
        if cal.is_working_day(day):
            opening = naive_utc(datetime.combine(day, cal.day_start, tzinfo=zone))
            closing = naive_utc(datetime.combine(day, cal.day_end, tzinfo=zone))
            total += max(timedelta(0), min(closing, end) - max(opening, start))
        day += timedelta(days=1)
    return int(total.total_seconds())


@PROPERTY_SETTINGS
@given(calendar_and_instants(2), st.integers(0, 20 * 86_400))
def test_matches_day_by_day_reference(drawn, span_seconds):
    """Short spans agree with a naive day-by-day count of window overlaps."""
    cal, (start, _) = drawn
    end = start + timedelta(seconds=span_seconds)
    assert business_seconds_between(cal, start, end) == reference_seconds(cal, start, end)


@PROPERTY_SETTINGS
@given(calendar_and_instants(3))
def test_monotonic_in_end(drawn):
    """Moving the end later never decreases business time."""
    cal, (start, first, second) = drawn
    early, late = sorted([first, second], key=as_naive_utc)
    assert business_seconds_between(cal, start, early) <= business_seconds_between(cal, start, late)


@PROPERTY_SETTINGS
@given(calendar_and_instants(3))
def test_additive_and_antisymmetric(drawn):
    """b(a, c) == b(a, b) + b(b, c) for any order of a, b, c, and b(a, b) == -b(b, a)."""
    cal, (a, b, c) = drawn
    whole = business_seconds_between(cal, a, c)
    assert whole == business_seconds_between(cal, a, b) + business_seconds_between(cal, b, c)
    assert business_seconds_between(cal, b, a) == -business_seconds_between(cal, a, b)


@PROPERTY_SETTINGS
@given(calendar_and_instants(1), st.integers(0, 3 * YEAR_OF_BUSINESS))
def test_add_then_measure_round_trips(drawn, seconds):
    """Adding n then measuring gives n back, and the result is the earliest such instant."""
    cal, (start,) = drawn
    result = add_business_seconds(cal, start, seconds)
    assert result.tzinfo is None
    assert result >= floored(start)
    assert business_seconds_between(cal, start, result) == seconds
    if seconds > 0:
        assert business_seconds_between(cal, start, result - timedelta(seconds=1)) == seconds - 1


@PROPERTY_SETTINGS
@given(calendar_and_instants(1), st.integers(1, 3 * YEAR_OF_BUSINESS))
def test_subtract_then_measure_round_trips(drawn, seconds):
    """Subtracting n then measuring gives -n, and the result is the latest such instant."""
    cal, (start,) = drawn
    result = add_business_seconds(cal, start, -seconds)
    assert result <= floored(start)
    assert business_seconds_between(cal, start, result) == -seconds
    assert business_seconds_between(cal, start, result + timedelta(seconds=1)) == 1 - seconds


@PROPERTY_SETTINGS
@given(
    st.sampled_from(PROPERTY_CALENDARS),
    st.dates(FIRST_DAY, LAST_DAY),
    st.integers(0, 86_399),
    st.integers(0, 86_399),
)
def test_no_business_time_on_holidays_or_weekends(cal, near, first_second, second_second):
    """A span entirely inside a non-working local day counts nothing, whatever its hours."""
    day = near
    while cal.is_working_day(day):
        day += timedelta(days=1)
    zone = ZoneInfo(cal.timezone)
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    length = int((next_midnight - midnight).total_seconds())  # 23, 24 or 25 hours
    start = midnight + timedelta(seconds=first_second % length)
    end = midnight + timedelta(seconds=second_second % length)
    assert business_seconds_between(cal, start, end) == 0
    assert next_business_instant(cal, start) >= naive_utc(next_midnight)


@PROPERTY_SETTINGS
@given(calendar_and_instants(1))
def test_next_business_instant_is_the_next_opening(drawn):
    """Not earlier, no business time before it, business time starting right there."""
    cal, (at,) = drawn
    result = next_business_instant(cal, at)
    assert result >= as_naive_utc(at)
    assert business_seconds_between(cal, at, result) == 0
    assert business_seconds_between(cal, result, result + timedelta(seconds=1)) == 1
    inside = business_seconds_between(cal, at, floored(at) + timedelta(seconds=1)) == 1
    assert (result == as_naive_utc(at)) is inside
