"""Ticket services: the only write path for questions, answers, moves and their history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from legaldesk.auth.models import (
    Contact,
    Organisation,
    RequesterType,
    Role,
    User,
)
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.models import to_naive_utc
from legaldesk.notify.services import notify_requester, queue_notification
from legaldesk.sla import services as sla_clocks
from legaldesk.sla.calendar import business_seconds_between
from legaldesk.tickets.attachments import check_file, store_bytes
from legaldesk.tickets.campaign_rules import match_campaign
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    Level,
    Message,
    MessageKind,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketEvent,
    TicketSequence,
    Topic,
)
from legaldesk.tickets.routing import (
    EXPERT_URGENT_CASES,
    MEMBER_KINDS,
    choose_jurist,
    classify,
    decide,
    delegation_can_answer,
    region_delegates,
    route_ticket,
)

STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.WEBINAR})
MAX_SUBJECT = 250


@dataclass(frozen=True)
class UploadedFile:
    """A file handed to a service: name, declared type and bytes."""

    filename: str
    content_type: str
    data: bytes


# --- access ---------------------------------------------------------------------------------


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


# --- creation ------------------------------------------------------------------------------


def next_reference(year: int) -> str:
    """Allocate LD-YYYY-NNNNN, sequential per year, safe under concurrent creation."""
    try:
        with db.session.begin_nested():
            db.session.execute(insert(TicketSequence).values(year=year, last_value=0))
    except IntegrityError:
        pass  # the year's row already exists
    value = db.session.execute(
        update(TicketSequence)
        .where(TicketSequence.year == year)
        .values(last_value=TicketSequence.last_value + 1)
        .returning(TicketSequence.last_value)
    ).scalar_one()
    return f"LD-{year}-{value:05d}"


def open_ticket(
    actor: User | None, *, subject: str, body: str, now: datetime,
    organisation: Organisation | None = None, topic: Topic | None = None,
    channel: str = Channel.WEB, received_at: datetime | None = None,
    requester: User | None = None, contact: Contact | None = None,
    level: str | None = None, priority: str | None = None,
    external_id: str | None = None, sender: str | None = None, campaign: str | None = None,
) -> Ticket:
    """Create a ticket with its first message, triage, route and assign it. Caller commits.

    Every channel ends here. Triage suggests topic, level and urgency (explicit arguments win,
    except that an explicit normal priority never hides a detected urgency).
    """
    subject, body = _clean_question(subject, body)
    channel = Channel(channel)
    requester, organisation = _resolve_requester(actor, requester, contact, organisation, channel)
    received_at = _received_at(channel, received_at, now)
    requester_type = _requester_type(requester, contact, organisation)
    decision = decide(subject, body, sender_kind=requester_type, now=received_at)
    topic, triage_level, extra_reasons = classify(decision, topic)
    urgent = decision.urgent or priority == Priority.URGENT
    ticket = Ticket(
        reference=next_reference(received_at.year), subject=subject, channel=channel,
        status=Status.NEW, topic=topic, organisation=organisation,
        requester_user=requester, requester_contact=contact, requester_type=requester_type,
        level=level or triage_level, priority=Priority.URGENT if urgent else Priority.NORMAL,
        urgent_case=decision.urgent_case, campaign=campaign or _campaign_for(subject, body),
        confidential=_confidential_by_default(decision),
        triage={**decision.to_dict(), "reasons": decision.reasons + extra_reasons},
        received_at=received_at, created_at=now, updated_at=now,
        relayed_by=actor if actor is not None and actor.role == Role.DELEGATE
        and actor is not requester else None,
    )
    route_ticket(ticket)
    db.session.add(ticket)
    message = Message(
        ticket=ticket, kind=MessageKind.INBOUND, author=requester, body=body, channel=channel,
        sender=sender or (requester.email if requester else contact.email if contact else None),
        external_id=external_id, created_at=received_at,
    )
    db.session.add(message)
    detail = f"{channel.value}, file {ticket.queue}"
    _event(ticket, actor or requester, "created", None, detail, now=now)
    db.session.flush()
    sla_clocks.start_clocks(ticket, now)
    _assign_and_alert(ticket, decision, now)
    db.session.flush()
    return ticket


def _confidential_by_default(decision) -> bool:
    """The five urgent case types carry sensitive data: confidential unless configured off."""
    return bool(current_app.config["CONFIDENTIAL_URGENT_CASES"]
                and decision.urgent_case in EXPERT_URGENT_CASES)


def _assign_and_alert(ticket: Ticket, decision, now: datetime) -> None:
    """Expert member tickets go to the least-loaded jurist; urgent ones alert people at once."""
    specialty = decision.specialty if decision.urgent_case in EXPERT_URGENT_CASES else (
        ticket.topic.specialty if ticket.topic else None)
    member = ticket.requester_type in MEMBER_KINDS
    if (ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT
            and (member or decision.urgent_case in EXPERT_URGENT_CASES)
            and current_app.config["AUTO_ASSIGN_EXPERT"]):
        jurist = choose_jurist(specialty, now)
        if jurist is not None:
            set_ticket_field(ticket, None, "assignee", jurist, now=now,
                 reason=f"attribution automatique ({specialty or 'sans spécialité'})")
            _change_status(ticket, None, Status.ASSIGNED, now)
    if ticket.priority == Priority.URGENT:
        _alert_urgent(ticket, now)


def _alert_urgent(ticket: Ticket, now: datetime) -> None:
    """Tell the jurist, the delegation and the managers; tell the requester a call will come."""
    staff = set(region_delegates(ticket.region))
    if ticket.assignee is not None:
        staff.add(ticket.assignee)
    if ticket.urgent_case in EXPERT_URGENT_CASES or ticket.queue == Queue.NATIONAL:
        staff.update(db.session.scalars(select(User).where(
            User.role == Role.MANAGER, User.active.is_(True))))
        if ticket.assignee is None:
            staff.update(db.session.scalars(select(User).where(
                User.role == Role.JURIST, User.active.is_(True))))
    case = ticket.urgent_case or "urgence signalée"
    for user in sorted(staff, key=lambda u: u.id):
        queue_notification(
            channel="email", recipient=user.email, purpose="urgent_ticket", now=now,
            subject=f"[{ticket.reference}] URGENT ({case}) : {ticket.subject}",
            body=f"Demande urgente ({case}) reçue de "
                 f"{ticket.organisation.name if ticket.organisation else ticket.requester_name}."
                 f"\nÀ traiter dans les plus brefs délais.",
            ticket_id=ticket.id, dedupe_key=f"urgent:{ticket.id}:{user.id}")
    notify_requester(
        ticket, purpose="urgent_ack", now=now, dedupe_key=f"urgent-ack:{ticket.id}",
        subject=f"[{ticket.reference}] Votre demande urgente est prise en compte",
        body="Votre demande est traitée en urgence : un juriste ou votre délégation vous "
             "proposera très rapidement un créneau d'appel ou de visioconférence.")


def _campaign_for(subject: str, body: str) -> str | None:
    """The active campaign whose keyword rule matches the question, if any."""
    return match_campaign(f"{subject}\n{body}")


def _clean_question(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject:
        raise InvalidInput("L'objet de la demande est obligatoire.")
    if not body:
        raise InvalidInput("Le texte de la question est obligatoire.")
    return subject[:MAX_SUBJECT], body


def _resolve_requester(actor, requester, contact, organisation, channel):
    """Who asks and for which organisation; staff may log questions on a member's behalf."""
    if actor is not None and actor.role == Role.ADHERENT:
        if requester not in (None, actor) or (organisation and organisation != actor.organisation):
            raise Forbidden("Un adhérent ne peut poser une question que pour sa structure.")
        if channel in STAFF_CHANNELS:
            raise Forbidden("Seule l'équipe peut enregistrer un appel ou un webinaire.")
        return actor, actor.organisation
    if actor is not None:
        require_role(actor, Role.DELEGATE, Role.JURIST, Role.MANAGER)
    if requester is not None and organisation is None:
        organisation = requester.organisation
    if contact is not None and organisation is None:
        organisation = contact.organisation
    if requester is None and contact is None and organisation is None:
        if actor is None:
            raise InvalidInput("Demandeur inconnu.")
        requester = actor  # a delegate asking the jurists for themselves
    if (actor is not None and actor.role == Role.DELEGATE and organisation is not None
            and organisation.region_id != actor.region_id):
        raise Forbidden("Un délégué n'enregistre que les demandes de sa délégation.")
    return requester, organisation


def _received_at(channel: Channel, received_at: datetime | None, now: datetime) -> datetime:
    """The clock starts at real receipt; a receipt time in the future is refused."""
    if received_at is None:
        return now
    received_at = to_naive_utc(received_at)
    if received_at > now + timedelta(minutes=5):
        raise InvalidInput("L'heure de réception ne peut pas être dans le futur.")
    return received_at


def _requester_type(requester, contact, organisation) -> str:
    if requester is not None and requester.role == Role.DELEGATE:
        return RequesterType.DELEGATION
    if contact is not None and organisation is None:
        return contact.requester_type
    if organisation is not None:
        return organisation.requester_type
    return RequesterType.ADHERENT if requester is not None else RequesterType.AUTRE


def attach_files(
    actor: User | None, ticket: Ticket, files: Iterable[UploadedFile], *, now: datetime,
    message: Message | None = None,
) -> list[str]:
    """Store allowed files on the ticket; return one clear message per refused file."""
    errors: list[str] = []
    for upload in files:
        if not upload.filename:
            continue
        try:
            check_file(upload.filename, len(upload.data))
        except InvalidInput as exc:
            errors.append(exc.message)
            continue
        digest = store_bytes(upload.data)
        db.session.add(Attachment(
            ticket=ticket, message=message, filename=_safe_filename(upload.filename),
            content_type=upload.content_type or "application/octet-stream",
            size=len(upload.data), sha256=digest, created_at=now,
        ))
        _event(ticket, actor, "attachment_added", None, _safe_filename(upload.filename), now=now)
    db.session.flush()
    return errors


def _safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in base if c.isprintable())[:200] or "fichier"


def get_attachment(actor: User, ticket: Ticket, attachment_id: int) -> Attachment:
    """An attachment of a visible ticket; internal-note files stay hidden from requesters."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id:
        raise NotFound("Pièce jointe introuvable.")
    if not actor.is_staff and attachment.message and not attachment.message.is_public:
        raise NotFound("Pièce jointe introuvable.")
    return attachment


# --- conversation -------------------------------------------------------------------------


def record_answer(actor: User, ticket: Ticket, body: str, *, now: datetime,
                  status: str = Status.ANSWERED) -> Message:
    """Staff answer the requester: stops the first-response clock, notifies. Caller commits."""
    _require_worker(actor, ticket)
    message = _add_message(ticket, actor, MessageKind.OUTBOUND, body, now)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        sla_clocks.stop_first_response_clock(ticket, now)
    if ticket.assignee is None:
        set_ticket_field(ticket, actor, "assignee", actor, now=now)
    target = Status(status)
    if target not in {Status.ANSWERED, Status.WAITING_ON_REQUESTER, Status.IN_PROGRESS}:
        raise InvalidInput("Statut impossible après une réponse.")
    _change_status(ticket, actor, target, now)
    _notify_requester(ticket, message, now)
    db.session.flush()
    return message


def add_internal_note(actor: User, ticket: Ticket, body: str, *, now: datetime) -> Message:
    """A note only staff can read. Caller commits."""
    if not actor.is_staff:
        raise Forbidden("Les notes internes sont réservées à l'équipe.")
    return _add_message(ticket, actor, MessageKind.INTERNAL, body, now)


def add_requester_reply(actor: User | None, ticket: Ticket, body: str, *, now: datetime,
                        channel: str = Channel.WEB, external_id: str | None = None,
                        sender: str | None = None) -> Message:
    """The requester writes again: a waiting or answered ticket comes back to the desk."""
    if actor is not None and actor.is_staff and actor.id != ticket.requester_user_id:
        raise Forbidden("Utilisez la réponse au demandeur ou la note interne.")
    message = _add_message(ticket, actor, MessageKind.INBOUND, body, now, channel=channel,
                           external_id=external_id, sender=sender)
    if ticket.status == Status.WAITING_ON_REQUESTER:
        _change_status(ticket, actor, Status.IN_PROGRESS, now)
    elif ticket.status in {Status.ANSWERED, Status.CLOSED}:
        _change_status(ticket, actor, Status.REOPENED, now)
    db.session.flush()
    return message


def _add_message(ticket, author, kind, body, now, *, channel=None, external_id=None,
                 sender=None) -> Message:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Le message est vide.")
    message = Message(
        ticket=ticket, kind=kind, author=author, body=body,
        channel=channel or (ticket.channel if kind == MessageKind.OUTBOUND else Channel.WEB),
        external_id=external_id, sender=sender or (author.email if author else None),
        created_at=now,
    )
    db.session.add(message)
    ticket.updated_at = now
    _event(ticket, author, f"message_{kind}", None, None, now=now)
    db.session.flush()
    return message


def _notify_requester(ticket: Ticket, message: Message, now: datetime) -> None:
    """Queue the answer on the requester's channel (WhatsApp tickets by WhatsApp, else e-mail)."""
    row = notify_requester(
        ticket, purpose="answer", now=now, subject=f"[{ticket.reference}] {ticket.subject}",
        body=message.body, message_id=message.id, dedupe_key=f"answer:{message.id}")
    if row is not None:
        message.delivery_status = "pending"  # the outbox dispatch and callbacks move it on


# --- moves and status ---------------------------------------------------------------------


ALLOWED_STATUS = {
    Status.NEW: {Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_REQUESTER,
                 Status.ANSWERED, Status.CLOSED},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.WAITING_ON_REQUESTER, Status.ANSWERED,
                      Status.CLOSED, Status.NEW},
    Status.IN_PROGRESS: {Status.WAITING_ON_REQUESTER, Status.ANSWERED, Status.CLOSED,
                         Status.ASSIGNED, Status.NEW},
    Status.WAITING_ON_REQUESTER: {Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED},
    Status.ANSWERED: {Status.CLOSED, Status.REOPENED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.REOPENED},
    Status.REOPENED: {Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_REQUESTER,
                      Status.ANSWERED, Status.CLOSED},
}


def set_status(actor: User, ticket: Ticket, status: str, *, now: datetime) -> Ticket:
    """Staff move a ticket through its life cycle. Caller commits."""
    _require_worker(actor, ticket)
    _change_status(ticket, actor, Status(status), now)
    db.session.flush()
    return ticket


def close_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Ticket:
    """The requester (or staff) closes the ticket. Caller commits."""
    _require_requester_or_worker(actor, ticket)
    _change_status(ticket, actor, Status.CLOSED, now)
    db.session.flush()
    return ticket


def reopen_ticket(actor: User, ticket: Ticket, *, now: datetime, reason: str = "") -> Ticket:
    """The requester (or staff) reopens an answered or closed ticket. Caller commits."""
    _require_requester_or_worker(actor, ticket)
    if ticket.status not in {Status.ANSWERED, Status.CLOSED}:
        raise Conflict("Seule une demande répondue ou close peut être rouverte.")
    _change_status(ticket, actor, Status.REOPENED, now, reason=reason or None)
    db.session.flush()
    return ticket


def _change_status(ticket: Ticket, actor, target: Status, now: datetime, reason=None) -> None:
    current = Status(ticket.status)
    if target == current:
        return
    if target not in ALLOWED_STATUS[current]:
        raise Conflict(f"Passage impossible de « {current} » à « {target} ».")
    ticket.status = target
    ticket.updated_at = now
    if target == Status.ANSWERED:
        ticket.resolved_at = now
    elif target == Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    elif target == Status.REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None
    sla_clocks.update_clocks_for_status(ticket, current, target, now)
    _event(ticket, actor, "status", current, target, now=now, reason=reason)


def close_by_system(ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """The system closes a ticket (scheduler jobs), with the reason in its history."""
    _change_status(ticket, None, Status.CLOSED, now, reason=reason)
    db.session.flush()
    return ticket


def claim_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Ticket:
    """Take an unassigned ticket; exactly one of two simultaneous claims wins. Caller commits."""
    _require_worker(actor, ticket)
    claimed = db.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.assignee_id.is_(None))
        .values(assignee_id=actor.id, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(ticket)
        holder = ticket.assignee.name if ticket.assignee else "quelqu'un"
        raise Conflict(f"Demande déjà prise en charge par {holder}.")
    db.session.refresh(ticket)
    _event(ticket, actor, "assignee", None, actor.name, now=now)
    if ticket.status in {Status.NEW, Status.REOPENED}:
        _change_status(ticket, actor, Status.ASSIGNED, now)
    db.session.flush()
    return ticket


def assign_ticket(actor: User, ticket: Ticket, assignee: User | None, *, now: datetime,
                  reason: str = "") -> Ticket:
    """A jurist or manager assigns (or reassigns) a ticket to a staff member. Caller commits."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    _require_visible(actor, ticket)
    if ticket.assignee is not None and ticket.assignee != actor and actor.role != Role.MANAGER \
            and actor.role != Role.ADMIN:
        raise Forbidden("Seul un responsable peut réattribuer une demande prise par un autre.")
    if assignee is not None and not _can_work_on(assignee, ticket):
        raise InvalidInput(f"{assignee.name} ne peut pas traiter cette demande.")
    set_ticket_field(ticket, actor, "assignee", assignee, now=now, reason=reason or None)
    if assignee is not None and ticket.status in {Status.NEW, Status.REOPENED}:
        _change_status(ticket, actor, Status.ASSIGNED, now)
    db.session.flush()
    return ticket


def escalate_ticket(actor: User, ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """A delegate sends a first-level ticket to the jurists with a reason. Caller commits."""
    require_role(actor, Role.DELEGATE, Role.JURIST, Role.MANAGER)
    _require_visible(actor, ticket)
    _require_reason(reason)
    if ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT:
        raise Conflict("La demande est déjà chez les juristes.")
    _escalate(ticket, actor, reason, now)
    if actor.role == Role.DELEGATE and ticket.relayed_by is None:
        ticket.relayed_by = actor
    db.session.flush()
    return ticket


def _escalate(ticket: Ticket, actor: User | None, reason: str, now: datetime) -> None:
    set_ticket_field(ticket, actor, "level", Level.EXPERT, now=now, reason=reason)
    set_ticket_field(ticket, actor, "queue", Queue.NATIONAL, now=now, reason=reason)
    if ticket.assignee is not None:
        set_ticket_field(ticket, actor, "assignee", None, now=now, reason=reason)
    _event(ticket, actor, "escalated", None, None, now=now, reason=reason)
    if ticket.status in {Status.ASSIGNED, Status.IN_PROGRESS}:
        _change_status(ticket, actor, Status.NEW, now)
    sla_clocks.recompute_due_times(ticket, now)


def auto_escalate_overdue(now: datetime) -> int:
    """Escalate first-level tickets left without a first response past the business delay.

    Called by the scheduler (idempotent: an escalated ticket leaves the delegation queue).
    Returns how many tickets moved; the caller commits.
    """
    limit = int(current_app.config["AUTO_ESCALATE_AFTER_BUSINESS_HOURS"] * 3600)
    candidates = db.session.scalars(select(Ticket).where(
        Ticket.queue == Queue.DELEGATION, Ticket.first_response_at.is_(None),
        Ticket.status.in_([s.value for s in OPEN_STATUSES]),
        Ticket.received_at <= now - timedelta(hours=limit / 3600)))
    moved = 0
    for ticket in candidates:
        since = _entered_delegation_queue_at(ticket)
        waited = business_seconds_between(sla_clocks.ticket_calendar(ticket), since, now)
        if waited >= limit:
            hours = limit / 3600
            _escalate(ticket, None, f"Escalade automatique : pas de première réponse après "
                                    f"{hours:g} heures ouvrées.", now)
            moved += 1
    db.session.flush()
    return moved


def _entered_delegation_queue_at(ticket: Ticket) -> datetime:
    """When the ticket last came to the delegation queue (a de-escalation restarts the delay)."""
    moved = db.session.scalar(
        select(func.max(TicketEvent.created_at)).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.action == "queue",
            TicketEvent.new_value == Queue.DELEGATION.value))
    return max(moved, ticket.received_at) if moved else ticket.received_at


def set_urgency(actor: User, ticket: Ticket, urgent: bool, reason: str, *,
                now: datetime) -> Ticket:
    """Staff raise or clear urgency by hand (audited); raising alerts the people concerned."""
    require_role(actor, Role.DELEGATE, Role.JURIST, Role.MANAGER)
    _require_visible(actor, ticket)
    _require_reason(reason)
    target = Priority.URGENT if urgent else Priority.NORMAL
    if ticket.priority == target:
        return ticket
    set_ticket_field(ticket, actor, "priority", target, now=now, reason=reason)
    sla_clocks.recompute_due_times(ticket, now)
    if urgent:
        _alert_urgent(ticket, now)
    db.session.flush()
    return ticket


def deescalate_ticket(actor: User, ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """A jurist sends a ticket back to the member's delegation with a reason. Caller commits."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    _require_visible(actor, ticket)
    _require_reason(reason)
    if not delegation_can_answer(ticket.region):
        raise Conflict("Cette structure n'a pas de délégation régionale avec un délégué actif.")
    set_ticket_field(ticket, actor, "level", Level.FIRST_LEVEL, now=now, reason=reason)
    set_ticket_field(ticket, actor, "queue", Queue.DELEGATION, now=now, reason=reason)
    if ticket.assignee is not None:
        set_ticket_field(ticket, actor, "assignee", None, now=now, reason=reason)
    if ticket.status in {Status.ASSIGNED, Status.IN_PROGRESS}:
        _change_status(ticket, actor, Status.NEW, now)
    _event(ticket, actor, "deescalated", None, None, now=now, reason=reason)
    sla_clocks.recompute_due_times(ticket, now)
    db.session.flush()
    return ticket


def classify_ticket(actor: User, ticket: Ticket, *, now: datetime, topic: Topic | None = None,
                    level: str | None = None, priority: str | None = None,
                    confidential: bool | None = None, reason: str = "") -> Ticket:
    """A jurist or manager corrects topic, level, priority or confidentiality (audited)."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    _require_visible(actor, ticket)
    if topic is not None and topic != ticket.topic:
        set_ticket_field(ticket, actor, "topic", topic, now=now, reason=reason or None)
    if level is not None and level != ticket.level:
        set_ticket_field(ticket, actor, "level", Level(level), now=now, reason=reason or None)
    if priority is not None and priority != ticket.priority:
        set_ticket_field(ticket, actor, "priority", Priority(priority), now=now,
                         reason=reason or None)
    if confidential is not None and confidential != ticket.confidential:
        set_ticket_field(ticket, actor, "confidential", confidential, now=now,
                         reason=reason or None)
    if level is not None or priority is not None:
        sla_clocks.recompute_due_times(ticket, now)
    db.session.flush()
    return ticket


def request_callback(actor: User, ticket: Ticket, note: str, *, now: datetime) -> Ticket:
    """The requester (or their delegate) asks for an urgent call back; staff are told at once."""
    _require_requester_or_worker(actor, ticket)
    if not ticket.is_open and ticket.status != Status.ANSWERED:
        raise Conflict("La demande est close : rouvrez-la d'abord.")
    ticket.callback_requested_at = now
    _event(ticket, actor, "callback_requested", None, None, now=now, reason=note or None)
    for recipient in _callback_recipients(ticket):
        queue_notification(
            channel="email", recipient=recipient.email, purpose="callback_request", now=now,
            subject=f"[{ticket.reference}] Demande de rappel urgent",
            body=f"{actor.name} demande à être rappelé(e) en urgence.\n\n{note or ''}".strip(),
            ticket_id=ticket.id,
            dedupe_key=f"callback:{ticket.id}:{now.isoformat()}:{recipient.id}",
        )
    db.session.flush()
    return ticket


def _callback_recipients(ticket: Ticket) -> list[User]:
    if ticket.assignee is not None:
        return [ticket.assignee]
    if ticket.queue == Queue.DELEGATION:
        return list(db.session.scalars(select(User).where(
            User.role == Role.DELEGATE, User.region_id == ticket.region_id, User.active.is_(True))))
    return list(db.session.scalars(select(User).where(
        User.role.in_([Role.JURIST, Role.MANAGER]), User.active.is_(True))))


# --- queues -------------------------------------------------------------------------------


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


def list_queue(actor: User, queue: str, filters: QueueFilters, *, now: datetime,
               limit: int = 50, offset: int = 0) -> tuple[list[Ticket], int]:
    """A page of the delegation or national queue (nearest due time first) and the total count."""
    query = _queue_query(actor, Queue(queue), filters, now)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    order = [Ticket.priority.desc(), Ticket.received_at, Ticket.id]
    if filters.sort == "due":  # paused and stopped clocks (no due time) come last
        order.insert(0, Ticket.next_due_at.asc().nulls_last())
    rows = db.session.scalars(query.order_by(*order).limit(limit).offset(offset))
    return list(rows), total or 0


def _queue_query(actor: User, queue: Queue, filters: QueueFilters, now: datetime) -> Select:
    if not actor.is_staff:
        raise Forbidden("Files de traitement réservées à l'équipe.")
    if queue == Queue.NATIONAL and not actor.is_national:
        raise Forbidden("La file nationale est réservée aux juristes et responsables.")
    query = visible_tickets(actor).where(Ticket.queue == queue)
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


def list_own_tickets(actor: User, *, limit: int = 200) -> list[Ticket]:
    """An adherent's organisation tickets (a staff member's own requests), newest first."""
    query = visible_tickets(actor)
    if actor.is_staff:
        query = query.where(Ticket.requester_user_id == actor.id)
    return list(db.session.scalars(query.order_by(Ticket.received_at.desc()).limit(limit)))


def assignable_staff(ticket: Ticket) -> list[User]:
    """Active staff who may work on the ticket (for the assign menu)."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.role.in_([Role.DELEGATE, Role.JURIST, Role.MANAGER]))
        .order_by(User.name)
    )
    return [u for u in users if _can_work_on(u, ticket)]


# --- helpers ------------------------------------------------------------------------------


def _can_work_on(user: User, ticket: Ticket) -> bool:
    if user.role in {Role.JURIST, Role.MANAGER, Role.ADMIN}:
        return (not ticket.confidential or user.role != Role.JURIST
                or ticket.assignee in (None, user))
    if user.role == Role.DELEGATE:
        return ticket.queue == Queue.DELEGATION and ticket.region_id == user.region_id
    return False


def _require_visible(actor: User, ticket: Ticket) -> None:
    visible = db.session.scalar(
        visible_tickets(actor).with_only_columns(Ticket.id).where(Ticket.id == ticket.id)
    )
    if visible is None:
        raise NotFound("Demande introuvable.")


def _require_worker(actor: User, ticket: Ticket) -> None:
    if actor is None or not actor.is_staff:
        raise Forbidden("Action réservée à l'équipe.")
    _require_visible(actor, ticket)
    if not _can_work_on(actor, ticket):
        raise Forbidden("Cette demande n'est pas dans votre file.")


def _require_requester_or_worker(actor: User, ticket: Ticket) -> None:
    _require_visible(actor, ticket)
    if actor.role == Role.ADHERENT or actor.id == ticket.requester_user_id:
        return
    if actor.role == Role.DELEGATE and ticket.relayed_by_id == actor.id:
        return
    _require_worker(actor, ticket)


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise InvalidInput("Merci d'indiquer un motif.")


def _display(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, User):
        return value.name
    if isinstance(value, Topic):
        return value.code
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def set_ticket_field(ticket: Ticket, actor, field: str, value, *, now: datetime,
                     reason=None) -> None:
    """Change one field of a ticket and record the change in its history. Caller commits."""
    old = getattr(ticket, field)
    if old == value:
        return
    setattr(ticket, field, value)
    ticket.updated_at = now
    _event(ticket, actor, field, _display(old), _display(value), now=now, reason=reason)


def _event(ticket, actor, action, old, new, *, now: datetime, reason=None) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket, actor=actor, action=action, old_value=_display(old)[:255] if old else None,
        new_value=_display(new)[:255] if new else None, reason=reason, created_at=now,
    )
    db.session.add(event)
    return event


# --- topics -------------------------------------------------------------------------------


def save_topic(actor: User | None, code: str, *, label_fr: str, label_en: str = "",
               default_level: str = Level.EXPERT, specialty: str | None = None,
               keywords: dict | None = None, active: bool = True) -> Topic:
    """Create or update a topic and its triage keywords (admins; None = seed). Caller commits."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    code = (code or "").strip()
    if not code or not code.replace("_", "").isalnum():
        raise InvalidInput("Code de thème invalide (lettres, chiffres et _).")
    topic = db.session.scalar(select(Topic).where(Topic.code == code))
    if topic is None:
        topic = Topic(code=code)
        db.session.add(topic)
    topic.label_fr = label_fr.strip() or code
    topic.label_en = label_en.strip()
    topic.default_level = Level(default_level)
    topic.specialty = specialty or None
    topic.keywords = {str(k): float(v) for k, v in (keywords or {}).items()}
    topic.active = active
    db.session.flush()
    return topic


def triage_corrections(limit: int = 1000) -> list[dict]:
    """Tickets where staff changed triage's topic, level or urgency (to improve the rules)."""
    rows = db.session.execute(
        select(Ticket.reference, Ticket.triage, Topic.code, Ticket.level, Ticket.priority)
        .outerjoin(Topic, Ticket.topic_id == Topic.id)
        .order_by(Ticket.id.desc()).limit(limit))
    corrections = []
    for reference, suggestion, topic_code, level, priority in rows:
        if not suggestion:
            continue
        final = {"topic": topic_code, "level": level,
                 "urgent": priority == Priority.URGENT}
        changes = {key: (suggestion.get(key), value) for key, value in final.items()
                   if suggestion.get(key) is not None and suggestion.get(key) != value}
        if changes:
            corrections.append({"reference": reference, "changes": changes})
    return corrections
