"""Routing: which queue and delegation a new or moved ticket belongs to (one replaceable place)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from legaldesk.auth.models import Region, RequesterType, Role, User
from legaldesk.extensions import db
from legaldesk.tickets.models import Level, Queue, Ticket


def route_ticket(ticket: Ticket) -> None:
    """Set queue and region: first-level members' tickets to their delegation, the rest national."""
    organisation = ticket.organisation
    ticket.region = organisation.region if organisation and organisation.region else None
    if ticket.region is None:
        ticket.region = _fallback_region()
    if (
        ticket.level == Level.FIRST_LEVEL
        and ticket.requester_type in {RequesterType.ADHERENT, RequesterType.DELEGATION}
        and delegation_can_answer(ticket.region)
    ):
        ticket.queue = Queue.DELEGATION
    else:
        ticket.queue = Queue.NATIONAL


def delegation_can_answer(region: Region | None) -> bool:
    """A delegation queue exists only where an active delegate can take first-level tickets."""
    if region is None or region.is_national:
        return False
    delegate = db.session.scalar(
        select(User.id).where(
            User.region_id == region.id, User.role == Role.DELEGATE, User.active.is_(True)
        ).limit(1)
    )
    return delegate is not None


def _fallback_region() -> Region | None:
    code = current_app.config["FALLBACK_REGION_CODE"]
    return db.session.scalar(select(Region).where(Region.code == code))
