"""Business calendars and the clock that moves each demo ticket through working hours."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from legaldesk.auth.models import Organisation, Role, User
from legaldesk.sla.calendar import BusinessCalendar, add_business_seconds

PARIS = "Europe/Paris"


@lru_cache(maxsize=64)
def business_calendar(timezone: str, holidays_subdiv: str | None) -> BusinessCalendar:
    """The shared (cached) business calendar of a time zone and public-holiday subdivision."""
    return BusinessCalendar(timezone=timezone, holidays_subdiv=holidays_subdiv)


def calendar_of(user_or_org: User | Organisation | None) -> BusinessCalendar:
    """The working calendar of a person or organisation: its territory, else Paris."""
    if isinstance(user_or_org, Organisation):
        return business_calendar(user_or_org.effective_timezone, user_or_org.holidays_subdiv)
    if isinstance(user_or_org, User):
        if user_or_org.organisation is not None:
            return calendar_of(user_or_org.organisation)
        if user_or_org.role == Role.DELEGATE and user_or_org.region is not None:
            region = user_or_org.region
            return business_calendar(region.timezone, region.holidays_subdiv)
    return business_calendar(PARIS, None)


class PastTheEnd(Exception):
    """The next step of a ticket's story would happen after `now`: the story stops there."""


class Clock:
    """A ticket's own time line: every step moves forward in someone's business hours."""

    def __init__(self, start: datetime, end: datetime, rng: random.Random):
        self.at = start
        self.end = end
        self.rng = rng

    def after(self, business_hours: float, calendar: BusinessCalendar) -> datetime:
        """Move `business_hours` of working time forward in that calendar (at least a minute)."""
        seconds = max(60, int(business_hours * 3600) + self.rng.randint(0, 600))
        return self._move_to(add_business_seconds(calendar, self.at, seconds))

    def minutes(self, low: int, high: int) -> datetime:
        """Move a few minutes forward (the next action of the same person)."""
        return self._move_to(self.at + timedelta(minutes=self.rng.randint(low, high)))

    def _move_to(self, moment: datetime) -> datetime:
        if moment > self.end:
            raise PastTheEnd
        self.at = moment
        return moment


def lognormal_hours(rng: random.Random, median: float, sigma: float, cap: float) -> float:
    """A skewed delay: most are short, a few are long, none beyond the cap."""
    return min(cap, max(0.3, rng.lognormvariate(math.log(median), sigma)))


def local_instant(day: date, hour: float, timezone: str) -> datetime:
    """Naive UTC instant of a local wall-clock time."""
    minutes = int(hour * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after `day` that falls on `weekday` (0 = Monday)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
