"""Knowledge-base notes, revisions, files, source tickets, index queue and deflection events."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.auth.models import User
from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column, utcnow
from legaldesk.tickets.models import Ticket


class Audience(StrEnum):
    """Who may read a note: anyone, logged-in members (and staff), or staff only."""

    PUBLIC = "public"
    MEMBERS = "members"
    STAFF = "staff"


class NoteStatus(StrEnum):
    """Editorial life cycle: only published notes reach members and the public."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class NoteKind(StrEnum):
    """What sort of resource a note is (a search facet)."""

    NOTE = "note"
    FICHE = "fiche"
    FAQ = "faq"
    GUIDE = "guide"
    MODELE = "modele"
    REFERENCE = "reference"


class BodyFormat(StrEnum):
    """Notes are written in Markdown; imported reference documents are plain text."""

    MARKDOWN = "markdown"
    TEXT = "text"


class IndexOp(StrEnum):
    """What the index must do for a note: refresh it from the database, or drop it."""

    UPSERT = "upsert"
    DELETE = "delete"


# Fields copied into every revision snapshot (and restored from it).
CONTENT_FIELDS = (
    "title", "summary", "body_markdown", "body_format", "topics", "tags", "audience", "kind",
    "valid_as_of", "review_by", "sources", "url",
)


class Note(db.Model):
    """A knowledge-base note: Markdown body, metadata, audience and editorial status."""

    __tablename__ = "kb_notes"
    __table_args__ = (
        Index("ix_kb_notes_status_audience", "status", "audience"),
        Index("ix_kb_notes_review_by", "review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_format: Mapped[str] = enum_column(BodyFormat, default=BodyFormat.MARKDOWN)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    audience: Mapped[str] = enum_column(Audience, default=Audience.MEMBERS)
    status: Mapped[str] = enum_column(NoteStatus, default=NoteStatus.DRAFT)
    kind: Mapped[str] = enum_column(NoteKind, default=NoteKind.NOTE)
    valid_as_of: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    # [{"label": "Code du travail, art. L. 5132-1", "url": "https://www.legifrance.gouv.fr/..."}]
    sources: Mapped[list] = mapped_column(JSON, default=list)
    external_ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    url: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    author: Mapped[User | None] = relationship()
    revisions: Mapped[list[NoteRevision]] = relationship(
        back_populates="note", order_by="NoteRevision.number", cascade="all, delete-orphan")
    attachments: Mapped[list[NoteAttachment]] = relationship(
        back_populates="note", order_by="NoteAttachment.id", cascade="all, delete-orphan")
    source_links: Mapped[list[NoteSourceTicket]] = relationship(
        back_populates="note", cascade="all, delete-orphan")

    def snapshot(self) -> dict:
        """The note's content and status as plain JSON values (for a revision)."""
        data = {name: getattr(self, name) for name in CONTENT_FIELDS}
        for name in ("valid_as_of", "review_by"):
            data[name] = data[name].isoformat() if data[name] else None
        data["topics"], data["tags"] = list(self.topics or []), list(self.tags or [])
        data["sources"] = [dict(s) for s in self.sources or []]
        data["status"] = self.status
        return data


class NoteRevision(db.Model):
    """One saved state of a note: who, when, the full snapshot and a change summary."""

    __tablename__ = "kb_note_revisions"
    __table_args__ = (UniqueConstraint("note_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("kb_notes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_summary: Mapped[str] = mapped_column(String(500), default="")
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(back_populates="revisions")
    actor: Mapped[User | None] = relationship()


class NoteAttachment(db.Model):
    """A file of a note (model contract, guide), stored by content hash like ticket files."""

    __tablename__ = "kb_note_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("kb_notes.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(back_populates="attachments")


class NoteSourceTicket(db.Model):
    """A ticket a note was drafted from (shown to staff only, through ticket visibility)."""

    __tablename__ = "kb_note_source_tickets"
    __table_args__ = (UniqueConstraint("note_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("kb_notes.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(back_populates="source_links")
    ticket: Mapped[Ticket] = relationship()


class IndexQueue(db.Model):
    """The durable change feed: a note to refresh in (or drop from) the search index.

    Written in the same transaction as the note, drained after commit; a row stays until the
    index has applied it, so a crash or a busy index loses nothing.
    """

    __tablename__ = "kb_index_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a delete must survive the note row it refers to.
    note_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = enum_column(IndexOp, default=IndexOp.UPSERT)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class SuggestionEvent(db.Model):
    """Deflection: a note suggested to a member during one ask session, opened or not, and
    whether that session ended in a submitted question."""

    __tablename__ = "kb_suggestion_events"
    __table_args__ = (
        UniqueConstraint("session_key", "note_id"),
        Index("ix_kb_suggestion_events_shown_at", "shown_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note_id: Mapped[int] = mapped_column(ForeignKey("kb_notes.id"), index=True)
    shown_at: Mapped[datetime] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    note: Mapped[Note] = relationship()
