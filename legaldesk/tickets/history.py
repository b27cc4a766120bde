"""Ticket history: field changes recorded as TicketEvent rows with readable old and new values."""

from __future__ import annotations

from datetime import datetime

from legaldesk.auth.models import (
    User,
)
from legaldesk.core.extensions import db
from legaldesk.tickets.models import (
    Ticket,
    TicketEvent,
    Topic,
)


def _display(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, User):
        return value.name
    if isinstance(value, Topic):
        return value.code
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)

def set_ticket_field(ticket: Ticket, actor, field: str, value, *, now: datetime,
                     reason=None) -> None:
    """Change one field of a ticket and record the change in its history. Caller commits."""
    old = getattr(ticket, field)
    if old == value:
        return
    setattr(ticket, field, value)
    ticket.updated_at = now
    record_event(ticket, actor, field, _display(old), _display(value), now=now, reason=reason)

def record_event(ticket, actor, action, old, new, *, now: datetime, reason=None) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket, actor=actor, action=action, old_value=_display(old)[:255] if old else None,
        new_value=_display(new)[:255] if new else None, reason=reason, created_at=now,
    )
    db.session.add(event)
    return event
