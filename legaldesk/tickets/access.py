"""Who may see and work on a ticket: full content, metadata only, break-glass reads, audit.

Need-to-know, enforced in the queries (domain §9). Three tiers:

* **full content** (`visible_tickets`, `get_ticket`): managers see every ticket; jurists every
  non-confidential one and the confidential ones assigned to them; delegates their delegation's
  non-confidential queue and the non-confidential tickets they relayed or hold; adherents their
  organisation's non-confidential tickets; everyone the tickets they asked themselves. Admins see
  non-confidential tickets; a confidential one only through an audited break-glass grant, read
  only and for a limited time (`readable_tickets`, `read_ticket`).
* **metadata only** (`metadata_tickets`, `get_ticket_metadata`): reference, status, dates, topic
  and urgency, nothing else (no subject, message, file, person or action). Jurists and admins
  for the confidential tickets they cannot read; delegates for their region's tickets and the
  tickets they relayed that they cannot read.
* **nothing**: everything else is "not found" (never "forbidden", which would confirm it exists).

The full-content path never returns a ticket to a metadata viewer: the two paths are separate
queries, and a metadata viewer gets a `TicketMetadata` value, never the `Ticket` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from legaldesk.audit.services import record_audit
from legaldesk.auth.models import (
    Organisation,
    Role,
    User,
)
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.tickets.models import (
    Attachment,
    BreakGlassGrant,
    Message,
    Queue,
    Ticket,
    Topic,
)

# --- full content ---------------------------------------------------------------------------


def visibility_clause(actor: User | None) -> ColumnElement[bool]:
    """The SQL condition "the actor may read this ticket's content and work within it"."""
    if actor is None or not actor.active:
        return false()
    if actor.role == Role.MANAGER:
        return true()
    open_ = Ticket.confidential.is_(False)
    asked = Ticket.requester_user_id == actor.id
    if actor.role == Role.ADMIN:
        return or_(open_, asked)
    if actor.role == Role.JURIST:
        return or_(open_, Ticket.assignee_id == actor.id, asked)
    if actor.role == Role.DELEGATE:
        own_queue = and_(Ticket.region_id == actor.region_id, Ticket.queue == Queue.DELEGATION)
        involved = or_(Ticket.relayed_by_id == actor.id, Ticket.assignee_id == actor.id)
        return or_(and_(open_, or_(own_queue, involved)), asked)
    if actor.role == Role.ADHERENT and actor.organisation_id:
        return _adherent_scope(actor)
    return false()

def _adherent_scope(actor: User):
    children = select(Organisation.id).where(Organisation.parent_id == actor.organisation_id)
    in_organisation = or_(
        Ticket.organisation_id == actor.organisation_id, Ticket.organisation_id.in_(children)
    )
    return and_(
        in_organisation,
        or_(Ticket.confidential.is_(False), Ticket.requester_user_id == actor.id),
    )

def visible_tickets(actor: User | None) -> Select:
    """A SELECT of the tickets the actor may read and work within (need-to-know, in the query)."""
    return select(Ticket).where(visibility_clause(actor))

def get_ticket(actor: User, reference: str) -> Ticket:
    """The ticket with this reference if the actor may read it, else NotFound (never Forbidden).

    This is the path of every action: break-glass grants do not count here (read only).
    """
    ticket = db.session.scalar(visible_tickets(actor).where(Ticket.reference == _ref(reference)))
    if ticket is None:
        raise NotFound("Demande introuvable.")
    return ticket

def _ref(reference: str) -> str:
    return (reference or "").strip().upper()

def may_read_ticket(user: User | None, ticket: Ticket) -> bool:
    """True when the user may read the ticket's content (the rules of `visible_tickets`)."""
    if user is None or ticket.id is None:
        return False
    return db.session.scalar(select(Ticket.id).where(
        Ticket.id == ticket.id, visibility_clause(user))) is not None

def mail_may_quote(user: User | None, ticket: Ticket) -> bool:
    """May an e-mail to this user carry the ticket's free text (subject, names, reasons)?

    Only when the user may read the ticket, and never for a confidential ticket: e-mail leaves
    the need-to-know rules (forwarding, shared mailboxes), so its text stays in the application.
    """
    return not ticket.confidential and may_read_ticket(user, ticket)

def readable_ids(actor: User, ids: Iterable[int]) -> set[int]:
    """Which of these tickets the actor may read (one query, for lists mixing both tiers)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Ticket.id).where(
        Ticket.id.in_(ids), visibility_clause(actor))))

# --- metadata only --------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketMetadata:
    """What a metadata viewer may know of a ticket: no subject, message, file, person, action."""

    reference: str
    status: str
    priority: str
    urgent_case: str | None
    topic: Topic | None
    confidential: bool
    received_at: datetime
    updated_at: datetime | None
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    next_due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    metadata_only: bool = True  # templates tell the two kinds of row apart with it


def ticket_metadata(ticket: Ticket) -> TicketMetadata:
    """The metadata of a ticket (the caller has checked that the viewer may know of it)."""
    return TicketMetadata(
        reference=ticket.reference, status=ticket.status, priority=ticket.priority,
        urgent_case=ticket.urgent_case, topic=ticket.topic, confidential=ticket.confidential,
        received_at=ticket.received_at, updated_at=ticket.updated_at,
        first_response_at=ticket.first_response_at,
        first_response_due_at=ticket.first_response_due_at,
        resolution_due_at=ticket.resolution_due_at, next_due_at=ticket.next_due_at,
        resolved_at=ticket.resolved_at, closed_at=ticket.closed_at)

def metadata_scope_clause(actor: User | None) -> ColumnElement[bool]:
    """The tickets whose metadata the actor may know of (content or not, see `known_clause`)."""
    if actor is None or not actor.active:
        return false()
    if actor.role in {Role.JURIST, Role.ADMIN}:
        return Ticket.confidential.is_(True)
    if actor.role == Role.DELEGATE:
        relayed = Ticket.relayed_by_id == actor.id
        if actor.region_id is None:
            return relayed
        return or_(Ticket.region_id == actor.region_id, relayed)
    return false()

def known_clause(actor: User | None) -> ColumnElement[bool]:
    """Tickets the actor may know of: readable ones plus those it sees as metadata (queues)."""
    return or_(visibility_clause(actor), metadata_scope_clause(actor))

def metadata_tickets(actor: User | None) -> Select:
    """A SELECT of the tickets the actor sees as metadata only (never one it may read)."""
    readable = select(Ticket.id).where(visibility_clause(actor))
    return select(Ticket).where(metadata_scope_clause(actor), Ticket.id.not_in(readable))

def get_ticket_metadata(actor: User, reference: str) -> TicketMetadata:
    """The metadata of a ticket the actor sees as metadata only, else NotFound."""
    ticket = db.session.scalar(
        metadata_tickets(actor).where(Ticket.reference == _ref(reference)))
    if ticket is None:
        raise NotFound("Demande introuvable.")
    return ticket_metadata(ticket)

# --- break glass (admins) -------------------------------------------------------------------


def _granted(actor: User, now: datetime) -> ColumnElement[bool]:
    return Ticket.id.in_(select(BreakGlassGrant.ticket_id).where(
        BreakGlassGrant.user_id == actor.id, BreakGlassGrant.expires_at > now))

def readable_tickets(actor: User | None, *, now: datetime) -> Select:
    """`visible_tickets` plus, for an admin, the tickets of an unexpired break-glass grant."""
    if actor is not None and actor.active and actor.role == Role.ADMIN:
        return select(Ticket).where(or_(visibility_clause(actor), _granted(actor, now)))
    return visible_tickets(actor)

def read_ticket(actor: User, reference: str, *, now: datetime) -> Ticket:
    """The ticket for reading (its page, its files): break-glass grants count. Else NotFound."""
    ticket = db.session.scalar(
        readable_tickets(actor, now=now).where(Ticket.reference == _ref(reference)))
    if ticket is None:
        raise NotFound("Demande introuvable.")
    return ticket

def active_break_glass(actor: User, ticket: Ticket, *, now: datetime) -> BreakGlassGrant | None:
    """The actor's unexpired break-glass grant on the ticket, if any (the latest one)."""
    return db.session.scalar(
        select(BreakGlassGrant).where(
            BreakGlassGrant.user_id == actor.id, BreakGlassGrant.ticket_id == ticket.id,
            BreakGlassGrant.expires_at > now)
        .order_by(BreakGlassGrant.expires_at.desc()).limit(1))

def is_read_only(actor: User, ticket: Ticket, *, now: datetime) -> bool:
    """True when the actor reads the ticket through break glass only (no action allowed)."""
    return not may_read_ticket(actor, ticket) and active_break_glass(
        actor, ticket, now=now) is not None

def break_glass_ticket(actor: User, reference: str, reason: str, *,
                       now: datetime) -> BreakGlassGrant:
    """An admin opens a confidential ticket for reading, with a reason. Caller commits.

    Audited ("ticket.break_glass" with the reason); the grant lasts BREAK_GLASS_MINUTES and
    allows reading only. Each read while it lasts is audited as a confidential read.
    """
    if actor is None or not actor.active or actor.role != Role.ADMIN:
        raise Forbidden("Accès exceptionnel réservé aux administrateurs.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Merci d'indiquer le motif de l'accès exceptionnel.")
    ticket = db.session.scalar(metadata_tickets(actor).where(Ticket.reference == _ref(reference)))
    if ticket is None:
        if db.session.scalar(visible_tickets(actor).with_only_columns(Ticket.id)
                             .where(Ticket.reference == _ref(reference))) is not None:
            raise Conflict("Cette demande n'est pas confidentielle : elle est déjà lisible.")
        raise NotFound("Demande introuvable.")
    minutes = int(current_app.config["BREAK_GLASS_MINUTES"])
    grant = BreakGlassGrant(ticket_id=ticket.id, user_id=actor.id, reason=reason[:2000],
                            created_at=now, expires_at=now + timedelta(minutes=minutes))
    db.session.add(grant)
    record_audit(actor, "ticket.break_glass", target_type="ticket", target_ref=ticket.reference,
                 now=now, reason=reason, details={"minutes": minutes})
    db.session.flush()
    return grant

# --- reading inside a ticket ----------------------------------------------------------------


def public_messages(actor: User, ticket: Ticket) -> list[Message]:
    """Messages the actor may read: staff see internal notes, requesters only public ones."""
    if actor.is_staff:
        return list(ticket.messages)
    return [m for m in ticket.messages if m.is_public]

def get_attachment(actor: User, ticket: Ticket, attachment_id: int) -> Attachment:
    """An attachment of a readable ticket; internal-note files stay hidden from requesters."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id:
        raise NotFound("Pièce jointe introuvable.")
    if not actor.is_staff and attachment.message and not attachment.message.is_public:
        raise NotFound("Pièce jointe introuvable.")
    return attachment

def audit_confidential_read(actor: User, ticket: Ticket, *, now: datetime,
                            attachment: Attachment | None = None) -> bool:
    """Log a read of a confidential ticket (or one of its files) by anyone but its requester.

    Returns True when an entry was added (the caller commits, even on a GET).
    """
    if not ticket.confidential or actor.id == ticket.requester_user_id:
        return False
    action = "attachment.read_confidential" if attachment else "ticket.read_confidential"
    record_audit(actor, action, target_type="ticket", target_ref=ticket.reference, now=now,
                 details={"attachment": attachment.id} if attachment else None)
    return True

# --- working on a ticket --------------------------------------------------------------------


def assignable_staff(ticket: Ticket) -> list[User]:
    """Active staff who may work on the ticket (for the assign menu)."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.role.in_([Role.DELEGATE, Role.JURIST, Role.MANAGER]))
        .order_by(User.name)
    )
    return [u for u in users if can_work_on(u, ticket)]

def can_work_on(user: User, ticket: Ticket) -> bool:
    """May this user hold or act on the ticket (its queue, its confidentiality)?

    Any jurist may be given a confidential ticket (then reads it as its assignee); it is worked
    by its jurist and the managers only (`require_worker` checks reading first): never by a
    delegate, and an admin's break glass is for reading.
    """
    if user.role in {Role.MANAGER, Role.JURIST}:
        return True
    if user.role == Role.ADMIN:
        return not ticket.confidential
    if user.role == Role.DELEGATE:
        return (not ticket.confidential and ticket.queue == Queue.DELEGATION
                and ticket.region_id == user.region_id)
    return False

def require_visible(actor: User, ticket: Ticket) -> None:
    """NotFound unless the actor may read the ticket (break-glass grants do not count)."""
    if not may_read_ticket(actor, ticket):
        raise NotFound("Demande introuvable.")

def require_worker(actor: User, ticket: Ticket) -> None:
    """The actor is staff, may read the ticket and may work on it."""
    if actor is None or not actor.is_staff:
        raise Forbidden("Action réservée à l'équipe.")
    require_visible(actor, ticket)
    if not can_work_on(actor, ticket):
        raise Forbidden("Cette demande n'est pas dans votre file.")

def require_requester_or_worker(actor: User, ticket: Ticket) -> None:
    """The requester's side (their organisation, the delegate who relayed it) or a worker."""
    require_visible(actor, ticket)
    if actor.role == Role.ADHERENT or actor.id == ticket.requester_user_id:
        return
    if actor.role == Role.DELEGATE and ticket.relayed_by_id == actor.id:
        return
    require_worker(actor, ticket)

def visible_ticket_ids(actor: User, ticket_ids) -> set[int]:
    """Which of these tickets the actor may open (one query; for lists naming other tickets)."""
    ids = list(set(ticket_ids))
    if not ids:
        return set()
    return set(db.session.scalars(
        visible_tickets(actor).with_only_columns(Ticket.id).where(Ticket.id.in_(ids))))

def may_see(actor: User, ticket: Ticket) -> bool:
    """True when the actor may open the ticket (the same rule as visible_tickets)."""
    return ticket.id in visible_ticket_ids(actor, [ticket.id])
