"""Inbound messages: the raw source of every e-mail and WhatsApp message, stored before parsing."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column
from legaldesk.tickets.models import Message, Ticket


class InboundStatus(StrEnum):
    """received (stored, not yet filed) → processed / duplicate / ignored / quarantined."""

    RECEIVED = "received"
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"


class InboundMessage(db.Model):
    """One message received on a channel, kept raw so that nothing is lost if filing fails."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_status_received", "status", "received_at"),
        # WhatsApp: the sender's last message opens the 24-hour window; joins recent tickets
        Index("ix_inbound_messages_channel_sender", "channel", "sender", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # Message-ID ("sha256:<hex>" of the raw bytes when absent) or Twilio MessageSid
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # imap, http, cli, twilio
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = enum_column(InboundStatus, default=InboundStatus.RECEIVED)
    outcome: Mapped[str | None] = mapped_column(String(24))
    error: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # why it was ignored, refused attachments...
    # e-mail: how the From address was (or was not) authenticated, for admins (sender_auth)
    sender_auth: Mapped[str | None] = mapped_column(String(255))
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(250))
    quoted_text: Mapped[str | None] = mapped_column(Text)  # folded history and signature
    media: Mapped[list] = mapped_column(JSON, default=list)  # WhatsApp: [{url, content_type, ...}]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[Ticket | None] = relationship()
    message: Mapped[Message | None] = relationship()
