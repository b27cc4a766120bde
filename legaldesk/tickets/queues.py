"""Staff queues and the requester's list: filters, sorting, paging (visibility in the query).

Rows a viewer may only know of (a colleague's confidential case, a region ticket a delegate
cannot read) come back as `TicketMetadata`, never as the `Ticket`; they match filters on
metadata only (status, priority, topic, age), so a filter never reveals more about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, or_, select

from legaldesk.auth.models import (
    Role,
    User,
)
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db
from legaldesk.tickets.access import (
    TicketMetadata,
    known_clause,
    readable_ids,
    ticket_metadata,
    visibility_clause,
)
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    Priority,
    Queue,
    Ticket,
    Topic,
)


@dataclass
class QueueFilters:
    """Filters of a staff queue (empty = no filter)."""

    status: str = ""
    level: str = ""
    priority: str = ""
    topic: str = ""
    region: str = ""
    channel: str = ""
    assignee: str = ""  # a user id, "me" or "none"
    min_age_days: int | None = None
    only_open: bool = True
    sort: str = "due"  # "due": nearest SLA due time first; "received": urgent, then oldest

def urgent_open_first():
    """Sort key putting open urgent tickets above everything else (0 before 1)."""
    return case((and_(Ticket.priority == Priority.URGENT.value,
                      Ticket.status.in_([s.value for s in OPEN_STATUSES])), 0), else_=1)

def list_queue(actor: User, queue: str, filters: QueueFilters, *, now: datetime,
               limit: int = 50, offset: int = 0) -> tuple[list[Ticket | TicketMetadata], int]:
    """A page of the delegation or national queue and the total count.

    Open urgent tickets come first, whatever the sort; then the nearest due time (or, sorted
    by reception, urgent then oldest). Tickets the actor may read come as `Ticket`; the others
    it may know of as `TicketMetadata`.
    """
    query = _queue_query(actor, Queue(queue), filters, now)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    order = [Ticket.priority.desc(), Ticket.received_at, Ticket.id]
    if filters.sort == "due":  # paused and stopped clocks (no due time) come last
        order.insert(0, Ticket.next_due_at.asc().nulls_last())
    order.insert(0, urgent_open_first())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return with_metadata_rows(actor, rows), total or 0


def with_metadata_rows(actor: User, tickets: list[Ticket]) -> list[Ticket | TicketMetadata]:
    """The same rows, those the actor may not read replaced by their metadata."""
    readable = readable_ids(actor, [t.id for t in tickets])
    return [t if t.id in readable else ticket_metadata(t) for t in tickets]

def _queue_query(actor: User, queue: Queue, filters: QueueFilters, now: datetime) -> Select:
    if not actor.is_staff:
        raise Forbidden("Files de traitement réservées à l'équipe.")
    if queue == Queue.NATIONAL and not actor.is_national:
        raise Forbidden("La file nationale est réservée aux juristes et responsables.")
    # Filters on what metadata rows do not show (level, region, channel, assignee) keep to
    # the tickets the actor may read.
    private = filters.level or filters.region or filters.channel or filters.assignee
    scope = visibility_clause(actor) if private else known_clause(actor)
    query = select(Ticket).where(scope, Ticket.queue == queue)
    if queue == Queue.DELEGATION and actor.role == Role.DELEGATE:
        query = query.where(Ticket.region_id == actor.region_id)
    return _apply_filters(query, actor, filters, now)

def _apply_filters(query: Select, actor: User, f: QueueFilters, now: datetime) -> Select:
    if f.status:
        query = query.where(Ticket.status == f.status)
    elif f.only_open:
        query = query.where(Ticket.status.in_([s.value for s in OPEN_STATUSES]))
    for column, value in ((Ticket.level, f.level), (Ticket.priority, f.priority),
                          (Ticket.channel, f.channel)):
        if value:
            query = query.where(column == value)
    if f.topic:
        query = query.join(Topic, Ticket.topic_id == Topic.id).where(Topic.code == f.topic)
    if f.region:
        from legaldesk.auth.models import Region
        query = query.where(Ticket.region_id.in_(select(Region.id).where(Region.code == f.region)))
    if f.assignee == "me":
        query = query.where(Ticket.assignee_id == actor.id)
    elif f.assignee == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f.assignee.isdigit():
        query = query.where(Ticket.assignee_id == int(f.assignee))
    if f.min_age_days:
        query = query.where(Ticket.received_at <= now - timedelta(days=f.min_age_days))
    return query

def list_own_tickets(actor: User, *, limit: int = 200) -> list[Ticket | TicketMetadata]:
    """An adherent's organisation tickets; a staff member's own requests and, for a delegate,
    the tickets they relayed (as metadata when they may not read them). Newest first."""
    if not actor.is_staff:
        query = select(Ticket).where(visibility_clause(actor))
    elif actor.role == Role.DELEGATE:
        query = select(Ticket).where(known_clause(actor), or_(
            Ticket.requester_user_id == actor.id, Ticket.relayed_by_id == actor.id))
    else:
        query = select(Ticket).where(Ticket.requester_user_id == actor.id)
    rows = list(db.session.scalars(query.order_by(Ticket.received_at.desc()).limit(limit)))
    return with_metadata_rows(actor, rows)
