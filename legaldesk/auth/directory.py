"""Who is who: read-only queries for the people of a delegation (used by routing and SLA alerts)."""

from __future__ import annotations

from sqlalchemy import select

from legaldesk.auth.models import Region, Role, User
from legaldesk.core.extensions import db


def region_delegates(region: Region | None) -> list[User]:
    """Active delegates of a delegation."""
    if region is None:
        return []
    return list(db.session.scalars(select(User).where(
        User.region_id == region.id, User.role == Role.DELEGATE, User.active.is_(True))))
