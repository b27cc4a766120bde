"""Shared model helpers: string enums and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """Naive UTC now: the database stores naive UTC datetimes."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_naive_utc(value: datetime) -> datetime:
    """Convert an aware datetime to naive UTC; naive values are taken as UTC already."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def enum_column(enum_cls: type[StrEnum], **kwargs):
    """A string column holding a StrEnum value (stored as text, portable across databases)."""
    length = max(len(member.value) for member in enum_cls)
    return mapped_column(String(max(length, 16)), **kwargs)
