"""Tickets, their messages, attachments, audit events, topics and reference counters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.auth.models import Contact, Organisation, Region, User
from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column, utcnow


class Status(StrEnum):
    """Ticket life cycle (waiting_on_requester pauses the SLA clock)."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_REQUESTER = "waiting_on_requester"
    ANSWERED = "answered"
    CLOSED = "closed"
    REOPENED = "reopened"


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_REQUESTER, Status.REOPENED}
)


class Level(StrEnum):
    """Who answers: the delegation (first level) or a jurist (expert)."""

    FIRST_LEVEL = "first_level"
    EXPERT = "expert"


class Priority(StrEnum):
    """Urgent tickets get the urgent SLA and reach a jurist at once."""

    NORMAL = "normal"
    URGENT = "urgent"


class ClockKind(StrEnum):
    """How an SLA policy counts time: every hour (calendar) or opening hours only (business)."""

    CALENDAR = "calendar"
    BUSINESS = "business"


class Channel(StrEnum):
    """Where the question was received."""

    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    WEBINAR = "webinar"
    IMPORT = "import"


class Queue(StrEnum):
    """Delegation queue (first level) or national triage (jurists)."""

    DELEGATION = "delegation"
    NATIONAL = "national"


class MessageKind(StrEnum):
    """Inbound from the requester, outbound answer from staff, or an internal note."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class Topic(db.Model):
    """A question topic with its default level, jurist specialty and triage keywords."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    label_fr: Mapped[str] = mapped_column(String(160))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    default_level: Mapped[str] = enum_column(Level, default=Level.EXPERT)
    specialty: Mapped[str | None] = mapped_column(String(32))
    keywords: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TicketSequence(db.Model):
    """Last reference number used per year (row-locked increment keeps references gapless)."""

    __tablename__ = "ticket_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(db.Model):
    """A legal question and everything needed to route, answer and measure it."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue_status", "queue", "status"),
        Index("ix_tickets_region_status", "region_id", "status"),
        Index("ix_tickets_organisation", "organisation_id"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_received_at", "received_at"),
        # SLA: queues sort by the running clock's due time; sla_check scans running clocks.
        Index("ix_tickets_queue_next_due", "queue", "next_due_at"),
        Index("ix_tickets_next_due", "next_due_at"),
        # SLA reports: the backlog (open tickets by age), and every column the period report and
        # breach counts read, so SQLite copies a period from the index, not row by row.
        Index("ix_tickets_status_received", "status", "received_at"),
        Index("ix_tickets_sla_report", "received_at", "channel", "level", "priority",
              "requester_type", "region_id", "topic_id", "assignee_id",
              "first_response_calendar_seconds", "first_response_business_seconds",
              "resolution_calendar_seconds", "resolution_business_seconds",
              "first_response_target_seconds", "resolution_target_seconds", "status",
              "paused_since", "first_response_at", "first_response_due_at", "resolution_due_at",
              "sla_clock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject: Mapped[str] = mapped_column(String(250))
    status: Mapped[str] = enum_column(Status, default=Status.NEW)
    level: Mapped[str] = enum_column(Level, default=Level.EXPERT)
    priority: Mapped[str] = enum_column(Priority, default=Priority.NORMAL)
    urgent_case: Mapped[str | None] = mapped_column(String(32))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # opened by an e-mail whose From address could not be authenticated (intake/sender_auth)
    sender_unverified: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    channel: Mapped[str] = enum_column(Channel, default=Channel.WEB)
    queue: Mapped[str] = enum_column(Queue, default=Queue.NATIONAL)
    requester_type: Mapped[str] = mapped_column(String(24), default="adherent")
    requester_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requester_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    relayed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    campaign: Mapped[str | None] = mapped_column(String(64), index=True)
    triage: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    callback_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # SLA clocks (legaldesk.sla.services keeps them; naive UTC, durations in whole seconds).
    # sla_clock: the ClockKind of the policy that set the targets (calendar or business time).
    sla_clock: Mapped[str] = enum_column(ClockKind, default=ClockKind.BUSINESS,
                                         server_default=ClockKind.BUSINESS.value)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime)  # running clock; None if not
    first_response_target_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_target_seconds: Mapped[int | None] = mapped_column(Integer)
    paused_since: Mapped[datetime | None] = mapped_column(DateTime)  # waiting, or answered/closed
    paused_business_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paused_calendar_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_response_business_seconds: Mapped[int | None] = mapped_column(Integer)
    first_response_calendar_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_business_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_calendar_seconds: Mapped[int | None] = mapped_column(Integer)

    topic: Mapped[Topic | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    region: Mapped[Region | None] = relationship()
    requester_user: Mapped[User | None] = relationship(foreign_keys=[requester_user_id])
    requester_contact: Mapped[Contact | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    relayed_by: Mapped[User | None] = relationship(foreign_keys=[relayed_by_id])
    messages: Mapped[list[Message]] = relationship(
        back_populates="ticket", order_by="Message.created_at, Message.id"
    )
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.created_at, TicketEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="ticket")

    @property
    def is_open(self) -> bool:
        """True while the desk still owes an answer or a closure."""
        return self.status in OPEN_STATUSES

    @property
    def requester_name(self) -> str:
        """Display name of whoever asked."""
        if self.requester_user:
            return self.requester_user.name
        if self.requester_contact:
            return self.requester_contact.name or self.requester_contact.email or "?"
        return "?"


class Message(db.Model):
    """One message of a ticket's thread, on its channel."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = enum_column(MessageKind)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sender: Mapped[str | None] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = enum_column(Channel, default=Channel.WEB)
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    # an e-mail whose From address could not be authenticated (intake/sender_auth)
    sender_unverified: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message")

    @property
    def is_public(self) -> bool:
        """Requesters see inbound and outbound messages, never internal notes."""
        return self.kind != MessageKind.INTERNAL


class Attachment(db.Model):
    """A file kept by content hash under the attachments folder."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    message: Mapped[Message | None] = relationship(back_populates="attachments")


class TicketEvent(db.Model):
    """Audit trail: who changed what on a ticket, old and new value, why and when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(48))
    old_value: Mapped[str | None] = mapped_column(String(255))
    new_value: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


ALLOWED_STATUS_CHOICES = [(s.value, s.value) for s in Status]


class Campaign(db.Model):
    """A deadline peak (e.g. the end of the Pass IAE): tag, keyword rule, one canned answer."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    canned_answer: Mapped[str] = mapped_column(Text, default="")
    note_url: Mapped[str | None] = mapped_column(String(500))
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BreakGlassGrant(db.Model):
    """An admin's audited, time-limited right to read (never act on) one confidential ticket."""

    __tablename__ = "break_glass_grants"
    __table_args__ = (Index("ix_break_glass_grants_user_ticket", "user_id", "ticket_id",
                            "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
