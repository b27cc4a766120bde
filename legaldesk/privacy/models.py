"""Retention periods set by the managers, one row per kind of data (defaults in retention.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from legaldesk.core.extensions import db


class RetentionSetting(db.Model):
    """How many days one kind of data is kept (after the event named in its help)."""

    __tablename__ = "retention_settings"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
