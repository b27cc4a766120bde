"""SLA policies, warning/breach events (each recorded once) and the history-import ledger."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column, utcnow
from legaldesk.tickets.models import ClockKind, Level, Priority, Ticket


class Clock(StrEnum):
    """The two SLA clocks of a ticket."""

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class EventKind(StrEnum):
    """A clock passed 75 % of its allowed time (warning) or all of it (breach)."""

    WARNING = "warning"
    BREACH = "breach"


class SlaPolicy(db.Model):
    """Allowed time for one priority × level, on a calendar or business clock (admins edit)."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("priority", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[str] = enum_column(Priority)
    level: Mapped[str] = enum_column(Level)
    first_response_seconds: Mapped[int] = mapped_column(Integer)
    resolution_seconds: Mapped[int] = mapped_column(Integer)
    clock: Mapped[str] = enum_column(ClockKind, default=ClockKind.BUSINESS,
                                     server_default=ClockKind.BUSINESS.value)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SlaEvent(db.Model):
    """A warning or breach of one clock of one ticket: the unique constraint makes it once only."""

    __tablename__ = "sla_events"
    __table_args__ = (UniqueConstraint("ticket_id", "clock", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    clock: Mapped[str] = enum_column(Clock)
    kind: Mapped[str] = enum_column(EventKind)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()


class ImportedTicket(db.Model):
    """Which spreadsheet row became which ticket: re-importing the same row is a no-op."""

    __tablename__ = "imported_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_key: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    source: Mapped[str] = mapped_column(String(255))
    line: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
