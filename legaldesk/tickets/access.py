"""Who may see and work on a ticket: visibility in queries, look-ups, confidential-read audit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, false, or_, select

from legaldesk.audit.services import record_audit
from legaldesk.auth.models import (
    Organisation,
    Role,
    User,
)
from legaldesk.core.errors import Forbidden, NotFound
from legaldesk.core.extensions import db
from legaldesk.tickets.models import (
    Attachment,
    Message,
    Queue,
    Ticket,
)


def visible_tickets(actor: User) -> Select:
    """A SELECT of the tickets the actor may see (need-to-know, enforced in the query)."""
    query = select(Ticket)
    if actor.role == Role.MANAGER:
        return query
    if actor.role == Role.ADMIN:
        # Admins administer: a confidential ticket is for its assigned jurist and the managers.
        return query.where(Ticket.confidential.is_(False))
    if actor.role == Role.JURIST:
        return query.where(or_(Ticket.confidential.is_(False), Ticket.assignee_id == actor.id))
    if actor.role == Role.DELEGATE:
        own_queue = and_(
            Ticket.region_id == actor.region_id,
            Ticket.queue == Queue.DELEGATION,
            Ticket.confidential.is_(False),
        )
        involved = or_(Ticket.relayed_by_id == actor.id, Ticket.requester_user_id == actor.id,
                       Ticket.assignee_id == actor.id)
        return query.where(or_(own_queue, involved))
    if actor.role == Role.ADHERENT and actor.organisation_id:
        return query.where(_adherent_scope(actor))
    return query.where(false())

def _adherent_scope(actor: User):
    children = select(Organisation.id).where(Organisation.parent_id == actor.organisation_id)
    in_organisation = or_(
        Ticket.organisation_id == actor.organisation_id, Ticket.organisation_id.in_(children)
    )
    return and_(
        in_organisation,
        or_(Ticket.confidential.is_(False), Ticket.requester_user_id == actor.id),
    )

def get_ticket(actor: User, reference: str) -> Ticket:
    """The ticket with this reference if the actor may see it, else NotFound (never Forbidden)."""
    ticket = db.session.scalar(
        visible_tickets(actor).where(Ticket.reference == reference.strip().upper())
    )
    if ticket is None:
        raise NotFound("Demande introuvable.")
    return ticket

def public_messages(actor: User, ticket: Ticket) -> list[Message]:
    """Messages the actor may read: staff see internal notes, requesters only public ones."""
    if actor.is_staff:
        return list(ticket.messages)
    return [m for m in ticket.messages if m.is_public]

def get_attachment(actor: User, ticket: Ticket, attachment_id: int) -> Attachment:
    """An attachment of a visible ticket; internal-note files stay hidden from requesters."""
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

def assignable_staff(ticket: Ticket) -> list[User]:
    """Active staff who may work on the ticket (for the assign menu)."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.role.in_([Role.DELEGATE, Role.JURIST, Role.MANAGER]))
        .order_by(User.name)
    )
    return [u for u in users if can_work_on(u, ticket)]

def can_work_on(user: User, ticket: Ticket) -> bool:
    if user.role in {Role.JURIST, Role.MANAGER, Role.ADMIN}:
        return (not ticket.confidential or user.role != Role.JURIST
                or ticket.assignee in (None, user))
    if user.role == Role.DELEGATE:
        return ticket.queue == Queue.DELEGATION and ticket.region_id == user.region_id
    return False

def require_visible(actor: User, ticket: Ticket) -> None:
    visible = db.session.scalar(
        visible_tickets(actor).with_only_columns(Ticket.id).where(Ticket.id == ticket.id)
    )
    if visible is None:
        raise NotFound("Demande introuvable.")

def require_worker(actor: User, ticket: Ticket) -> None:
    if actor is None or not actor.is_staff:
        raise Forbidden("Action réservée à l'équipe.")
    require_visible(actor, ticket)
    if not can_work_on(actor, ticket):
        raise Forbidden("Cette demande n'est pas dans votre file.")

def require_requester_or_worker(actor: User, ticket: Ticket) -> None:
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
