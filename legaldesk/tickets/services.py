"""Ticket services: the only write path for questions, answers, moves and their history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from legaldesk.audit.services import record_audit
from legaldesk.auth.directory import region_delegates
from legaldesk.auth.models import (
    Contact,
    Organisation,
    RequesterType,
    Role,
    User,
)
from legaldesk.auth.oncall import on_duty_jurist
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.labels import urgent_case_french
from legaldesk.core.models import to_naive_utc, utcnow
from legaldesk.core.timefmt import localtime
from legaldesk.notify.services import ONCALL_PURPOSE, notify_requester, queue_notification
from legaldesk.sla import services as sla_clocks
from legaldesk.tickets import followups
from legaldesk.tickets.access import (
    may_read_ticket,
    require_requester_or_worker,
    require_visible,
    require_worker,
)
from legaldesk.tickets.attachments import check_upload, store_bytes
from legaldesk.tickets.campaign_rules import match_campaign
from legaldesk.tickets.history import record_event, set_ticket_field
from legaldesk.tickets.models import (
    Attachment,
    Channel,
    Level,
    Message,
    MessageKind,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketSequence,
    Topic,
)
from legaldesk.tickets.routing import (
    EXPERT_URGENT_CASES,
    MEMBER_KINDS,
    choose_jurist,
    classify,
    decide,
    route_ticket,
)

STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.WEBINAR})
MAX_SUBJECT = 250


@dataclass(frozen=True)
class UploadedFile:
    """A file handed to a service: name, declared type (never trusted: bytes are sniffed), bytes."""

    filename: str
    content_type: str
    data: bytes

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
    decision = decide(subject, body, sender_kind=requester_type, now=received_at,
                      organisation=organisation)
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
    record_event(ticket, actor or requester, "created", None, detail, now=now)
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
    """Expert member tickets go to a jurist (urgent ones to the on-call one); urgent ones alert."""
    specialty = decision.specialty if (decision.urgent_case in EXPERT_URGENT_CASES
                                        or decision.specialty_override) else (
        ticket.topic.specialty if ticket.topic else None)
    member = ticket.requester_type in MEMBER_KINDS
    if (ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT
            and (member or decision.urgent_case in EXPERT_URGENT_CASES)
            and current_app.config["AUTO_ASSIGN_EXPERT"]):
        jurist, reason = _automatic_assignee(ticket, specialty, now)
        if jurist is not None:
            set_ticket_field(ticket, None, "assignee", jurist, now=now, reason=reason)
            change_status(ticket, None, Status.ASSIGNED, now)
    if ticket.priority == Priority.URGENT:
        alert_urgent(ticket, now)

def _automatic_assignee(ticket: Ticket, specialty: str | None,
                        now: datetime) -> tuple[User | None, str]:
    """The on-call jurist for an urgent ticket (who can then open it), else the least loaded."""
    if ticket.priority == Priority.URGENT:
        on_duty = on_duty_jurist(now)
        if on_duty is not None:
            return on_duty, "attribution à la personne d'astreinte"
    return (choose_jurist(specialty, now),
            f"attribution automatique ({specialty or 'sans spécialité'})")

def alert_urgent(ticket: Ticket, now: datetime) -> None:
    """Alert staff of an urgent ticket; tell the requester a call will come. Caller commits.

    The on-call jurist of the week (auth.oncall) gets the alert by e-mail and, with a phone
    number, by WhatsApp; the assignee, the delegation and, for the jurists' cases, the managers
    by e-mail.  Without anyone on call: the assignee (else every jurist), the delegation and
    the managers, as before.  Alerts carry no text of the question: reference, the case's
    French label, the time received and (added by the sender) the link.
    """
    on_duty = on_duty_jurist(now)
    staff = set(region_delegates(ticket.region))
    if ticket.assignee is not None:
        staff.add(ticket.assignee)
    if ticket.urgent_case in EXPERT_URGENT_CASES or ticket.queue == Queue.NATIONAL:
        staff.update(db.session.scalars(select(User).where(
            User.role == Role.MANAGER, User.active.is_(True))))
        if ticket.assignee is None and on_duty is None:
            staff.update(db.session.scalars(select(User).where(
                User.role == Role.JURIST, User.active.is_(True))))
    staff.discard(on_duty)
    for user in sorted(staff, key=lambda u: u.id):
        subject, body = urgent_alert_text(ticket, reader=may_read_ticket(user, ticket))
        queue_notification(
            channel="email", recipient=user.email, purpose="urgent_ticket", now=now,
            subject=subject, body=body, ticket_id=ticket.id,
            dedupe_key=f"urgent:{ticket.id}:{user.id}")
    if on_duty is not None:
        _alert_on_call(ticket, on_duty, now)
    notify_requester(
        ticket, purpose="urgent_ack", now=now, dedupe_key=f"urgent-ack:{ticket.id}",
        subject=f"[{ticket.reference}] Votre demande urgente est prise en compte",
        body="Votre demande est traitée en urgence : un juriste ou votre délégation vous "
             "proposera très rapidement un créneau d'appel ou de visioconférence.")

def urgent_alert_text(ticket: Ticket, *, on_call: bool = False,
                      reader: bool = True) -> tuple[str, str]:
    """(subject, body) of an urgent alert: reference, case label and time received only.

    Only someone who may read the ticket is asked to act; the others may follow its metadata.
    """
    case = urgent_case_french(ticket.urgent_case)
    received = localtime(ticket.received_at, ticket)
    subject = f"[{ticket.reference}] URGENT · {case}"
    if on_call:
        return subject, (f"Vous êtes d'astreinte : demande urgente ({case}) reçue le {received}."
                         "\nMerci de la prendre en charge au plus vite.")
    action = ("À traiter dans les plus brefs délais." if reader else
              "Le lien ci-dessous en montre le suivi (état, dates), sans son contenu.")
    return subject, f"Demande urgente ({case}) reçue le {received}.\n{action}"

def _alert_on_call(ticket: Ticket, person: User, now: datetime) -> None:
    """The on-call jurist: by e-mail, and by WhatsApp when their phone number is known."""
    subject, body = urgent_alert_text(ticket, on_call=True)
    queue_notification(channel="email", recipient=person.email, purpose=ONCALL_PURPOSE, now=now,
                       subject=subject, body=body, ticket_id=ticket.id,
                       dedupe_key=f"oncall:{ticket.id}:{person.id}")
    if person.phone:
        queue_notification(channel="whatsapp", recipient=person.phone, purpose=ONCALL_PURPOSE,
                           now=now, subject=subject, body=body, ticket_id=ticket.id,
                           dedupe_key=f"oncall-whatsapp:{ticket.id}:{person.id}")

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
    _check_requester_belongs(requester, contact, organisation)
    if requester is None and contact is None and organisation is None:
        if actor is None:
            raise InvalidInput("Demandeur inconnu.")
        requester = actor  # a delegate asking the jurists for themselves
    if (actor is not None and actor.role == Role.DELEGATE and organisation is not None
            and organisation.region_id != actor.region_id):
        raise Forbidden("Un délégué n'enregistre que les demandes de sa délégation.")
    return requester, organisation


def _check_requester_belongs(requester, contact, organisation) -> None:
    """A question logged for an organisation comes from one of its people, never another's."""
    if organisation is None:
        return
    if requester is not None and requester.organisation_id != organisation.id:
        raise InvalidInput("Le demandeur choisi n'appartient pas à la structure choisie : "
                           "choisissez une personne de cette structure, ou la structure seule.")
    if contact is not None and contact.organisation_id not in (None, organisation.id):
        raise InvalidInput("Le contact choisi appartient à une autre structure.")


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
    """Store allowed files on the ticket; return one clear message per refused file.

    Every channel's files come here: the type stored is the one sniffed from the bytes, the
    declared type (browser, e-mail part, Twilio) is never trusted.
    """
    errors: list[str] = []
    for upload in files:
        if not upload.filename:
            continue
        try:
            content_type = check_upload(upload.filename, upload.data)
        except InvalidInput as exc:
            errors.append(exc.message)
            continue
        digest = store_bytes(upload.data)
        db.session.add(Attachment(
            ticket=ticket, message=message, filename=_safe_filename(upload.filename),
            content_type=content_type,
            size=len(upload.data), sha256=digest, created_at=now,
        ))
        record_event(ticket, actor, "attachment_added", None, _safe_filename(upload.filename),
                     now=now)
    db.session.flush()
    return errors

def _safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in base if c.isprintable())[:200] or "fichier"

def record_answer(actor: User, ticket: Ticket, body: str, *, now: datetime,
                  status: str = Status.ANSWERED) -> Message:
    """Staff answer the requester: stops the first-response clock, notifies. Caller commits."""
    require_worker(actor, ticket)
    message = _add_message(ticket, actor, MessageKind.OUTBOUND, body, now)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        sla_clocks.stop_first_response_clock(ticket, now)
    if ticket.assignee is None:
        set_ticket_field(ticket, actor, "assignee", actor, now=now)
    target = Status(status)
    if target not in {Status.ANSWERED, Status.WAITING_ON_REQUESTER, Status.IN_PROGRESS}:
        raise InvalidInput("Statut impossible après une réponse.")
    change_status(ticket, actor, target, now)
    _notify_requester(ticket, message, now)
    db.session.flush()
    return message

def add_internal_note(actor: User, ticket: Ticket, body: str, *, now: datetime) -> Message:
    """A note only staff who may read the ticket write; colleagues it mentions are notified.

    Caller commits.
    """
    if not actor.is_staff:
        raise Forbidden("Les notes internes sont réservées à l'équipe.")
    require_visible(actor, ticket)
    message = _add_message(ticket, actor, MessageKind.INTERNAL, body, now)
    followups.notify_mentions(ticket, actor, message.body, now=now)
    return message

def add_requester_reply(actor: User | None, ticket: Ticket, body: str, *, now: datetime,
                        channel: str = Channel.WEB, external_id: str | None = None,
                        sender: str | None = None) -> Message:
    """The requester writes again: a waiting or answered ticket comes back to the desk."""
    if actor is not None and actor.is_staff and actor.id != ticket.requester_user_id:
        raise Forbidden("Utilisez la réponse au demandeur ou la note interne.")
    message = _add_message(ticket, actor, MessageKind.INBOUND, body, now, channel=channel,
                           external_id=external_id, sender=sender)
    if ticket.status == Status.WAITING_ON_REQUESTER:
        change_status(ticket, actor, Status.IN_PROGRESS, now)
    elif ticket.status in {Status.ANSWERED, Status.CLOSED}:
        change_status(ticket, actor, Status.REOPENED, now)
    followups.notify_requester_reply(ticket, actor, now=now)
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
    record_event(ticket, author, f"message_{kind}", None, None, now=now)
    db.session.flush()
    return message

def _notify_requester(ticket: Ticket, message: Message, now: datetime) -> None:
    """Queue the answer on the requester's channel (WhatsApp tickets by WhatsApp, else e-mail)."""
    row = notify_requester(
        ticket, purpose="answer", now=now, subject=f"[{ticket.reference}] {ticket.subject}",
        body=message.body, message_id=message.id, dedupe_key=f"answer:{message.id}")
    if row is not None:
        message.delivery_status = "pending"  # the outbox dispatch and callbacks move it on

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
    require_worker(actor, ticket)
    change_status(ticket, actor, Status(status), now)
    db.session.flush()
    return ticket

def close_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Ticket:
    """The requester (or staff) closes the ticket. Caller commits."""
    require_requester_or_worker(actor, ticket)
    change_status(ticket, actor, Status.CLOSED, now)
    db.session.flush()
    return ticket

def reopen_ticket(actor: User, ticket: Ticket, *, now: datetime, reason: str = "") -> Ticket:
    """The requester (or staff) reopens an answered or closed ticket. Caller commits."""
    require_requester_or_worker(actor, ticket)
    if ticket.status not in {Status.ANSWERED, Status.CLOSED}:
        raise Conflict("Seule une demande répondue ou close peut être rouverte.")
    change_status(ticket, actor, Status.REOPENED, now, reason=reason or None)
    followups.notify_reopened(ticket, actor, now=now)
    db.session.flush()
    return ticket

def change_status(ticket: Ticket, actor, target: Status, now: datetime, reason=None) -> None:
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
    record_event(ticket, actor, "status", current, target, now=now, reason=reason)

def close_by_system(ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """The system closes a ticket (scheduler jobs), with the reason in its history."""
    change_status(ticket, None, Status.CLOSED, now, reason=reason)
    db.session.flush()
    return ticket

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
    if actor is not None:  # the seed (no actor) re-saves every topic at each deployment
        record_audit(actor, "admin.topic_saved", target_type="topic", target_ref=code,
                     now=utcnow())
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


def triage_training_examples(limit: int = 5000) -> list[dict]:
    """Staff-corrected tickets as labelled examples: question text and final urgency/case,
    topic and level (for `legaldesk triage train`; read-only)."""
    references = {row["reference"] for row in triage_corrections(limit)}
    if not references:
        return []
    examples = []
    tickets = db.session.scalars(select(Ticket).where(Ticket.reference.in_(references)))
    for ticket in tickets:
        first = db.session.scalar(select(Message.body).where(Message.ticket_id == ticket.id)
                                  .order_by(Message.created_at, Message.id).limit(1))
        urgent = ticket.priority == Priority.URGENT
        examples.append({
            "text": f"{ticket.subject}\n{first or ''}", "urgent": urgent,
            "urgent_case": (ticket.urgent_case or "echeance_proche") if urgent else None,
            "topic": ticket.topic.code if ticket.topic else None, "level": ticket.level})
    return examples
