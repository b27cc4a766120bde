"""Show naive-UTC timestamps in the organisation's local time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def localtime(value: datetime | None, ticket=None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Format a naive UTC datetime in the ticket's territory time zone, with the zone name."""
    if value is None:
        return "—"
    zone_name = "Europe/Paris"
    organisation = getattr(ticket, "organisation", None)
    if organisation is not None:
        zone_name = organisation.effective_timezone
    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
    return f"{local.strftime(fmt)} ({local.tzname()})"
