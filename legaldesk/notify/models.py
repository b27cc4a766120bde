"""Outbox rows (every message that leaves legaldesk) and in-app notifications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column, utcnow
from legaldesk.tickets.models import Ticket

# Purposes whose body carries a single-use link (password reset, invitation): the dispatcher
# blanks the body once the row is sent or dead, so the database keeps no live link.
ONE_TIME_LINK_PURPOSES = frozenset({"password_reset", "invitation"})
ONE_TIME_LINK_REMOVED = "[lien à usage unique retiré après envoi]"


class OutboxStatus(StrEnum):
    """pending → sent, or pending → failed (retried) → dead after too many attempts."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


class Outbox(db.Model):
    """A message waiting to be sent by the dispatch job (e-mail, WhatsApp)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250), default="")
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(48))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = enum_column(OutboxStatus, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    provider_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationKind(StrEnum):
    """What happened on a ticket that someone should see (labels: core/labels.py)."""

    REQUESTER_REPLY = "requester_reply"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    CALLBACK_REQUESTED = "callback_requested"


class EmailPreference(StrEnum):
    """How a user hears of notifications by e-mail (the column is users.notification_email)."""

    IMMEDIATE = "immediate"  # one e-mail per notification
    DIGEST = "digest"  # one e-mail a day with the unread ones
    NONE = "none"  # in the application only


class Notification(db.Model):
    """An in-app notice for one user: a kind and a ticket, never text from the ticket."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_user_ticket", "user_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = enum_column(NotificationKind)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[Ticket | None] = relationship()
