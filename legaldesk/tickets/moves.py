"""Moving tickets between people and queues: claim, assign, escalate, urgency, callback."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from legaldesk.auth.models import (
    Role,
    User,
)
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.labels import urgent_case_french
from legaldesk.sla import services as sla_clocks
from legaldesk.sla.calendar import business_seconds_between
from legaldesk.tickets import followups
from legaldesk.tickets.access import (
    can_work_on,
    require_requester_or_worker,
    require_visible,
    require_worker,
)
from legaldesk.tickets.history import record_event, set_ticket_field
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    Level,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketEvent,
    Topic,
)
from legaldesk.tickets.notices import notify_staff
from legaldesk.tickets.routing import (
    EXPERT_URGENT_CASES,
    choose_jurist,
    decide,
    delegation_can_answer,
)
from legaldesk.tickets.services import alert_urgent, change_status


def claim_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Ticket:
    """Take an unassigned ticket; exactly one of two simultaneous claims wins. Caller commits."""
    require_worker(actor, ticket)
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
    record_event(ticket, actor, "assignee", None, actor.name, now=now)
    if ticket.status in {Status.NEW, Status.REOPENED}:
        change_status(ticket, actor, Status.ASSIGNED, now)
    db.session.flush()
    return ticket

def assign_ticket(actor: User, ticket: Ticket, assignee: User | None, *, now: datetime,
                  reason: str = "") -> Ticket:
    """A jurist or manager assigns (or reassigns) a ticket to a staff member. Caller commits."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    require_visible(actor, ticket)
    if ticket.assignee is not None and ticket.assignee != actor and actor.role != Role.MANAGER \
            and actor.role != Role.ADMIN:
        raise Forbidden("Seul un responsable peut réattribuer une demande prise par un autre.")
    if assignee is not None and not can_work_on(assignee, ticket):
        raise InvalidInput(f"{assignee.name} ne peut pas traiter cette demande.")
    previous = ticket.assignee
    set_ticket_field(ticket, actor, "assignee", assignee, now=now, reason=reason or None)
    if assignee is not None and ticket.status in {Status.NEW, Status.REOPENED}:
        change_status(ticket, actor, Status.ASSIGNED, now)
    if assignee is not None and assignee != previous:
        followups.notify_assigned(ticket, actor, now=now)
    db.session.flush()
    return ticket

def escalate_ticket(actor: User, ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """Staff send a first-level ticket to the jurists with a reason. Caller commits."""
    require_role(actor, Role.DELEGATE, Role.JURIST, Role.MANAGER)
    require_visible(actor, ticket)
    _require_reason(reason)
    if ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT:
        raise Conflict("La demande est déjà chez les juristes.")
    if actor.role == Role.DELEGATE and ticket.relayed_by is None:
        ticket.relayed_by = actor
    escalate_to_jurist(ticket, actor, reason, now=now)
    followups.notify_escalated(ticket, actor, now=now)
    db.session.flush()
    return ticket

def escalate_to_jurist(ticket: Ticket, actor: User | None, reason: str, *,
                       now: datetime) -> User | None:
    """Send a ticket to the jurists and onto a person; return that jurist (None: nobody).

    The one escalation path (by hand and by the auto-escalation job): expert level, national
    queue, then the available jurist of the matching specialty with the fewest open tickets
    (`routing.choose_jurist`: absences and backups honoured), who is told by e-mail. With no
    such jurist (or AUTO_ASSIGN_EXPERT off) the ticket waits unassigned in the national queue
    and the managers are told. E-mails carry free text only for readers (`tickets.notices`).
    The caller commits.
    """
    set_ticket_field(ticket, actor, "level", Level.EXPERT, now=now, reason=reason)
    set_ticket_field(ticket, actor, "queue", Queue.NATIONAL, now=now, reason=reason)
    if ticket.assignee is not None:
        set_ticket_field(ticket, actor, "assignee", None, now=now, reason=reason)
    record_event(ticket, actor, "escalated", None, None, now=now, reason=reason)
    if ticket.status in {Status.ASSIGNED, Status.IN_PROGRESS}:
        change_status(ticket, actor, Status.NEW, now)
    specialty = escalation_specialty(ticket)
    jurist = (choose_jurist(specialty, now)
              if current_app.config["AUTO_ASSIGN_EXPERT"] else None)
    if jurist is not None:
        set_ticket_field(ticket, None, "assignee", jurist, now=now,
                         reason=f"attribution à l'escalade ({specialty or 'sans spécialité'})")
        if ticket.status in {Status.NEW, Status.REOPENED}:
            change_status(ticket, None, Status.ASSIGNED, now)
    sla_clocks.recompute_due_times(ticket, now)
    db.session.flush()
    _tell_escalation(ticket, jurist, reason, now)
    return jurist

def escalation_specialty(ticket: Ticket) -> str | None:
    """The specialty an escalated ticket needs: the urgent case's, else its topic's."""
    if ticket.urgent_case in EXPERT_URGENT_CASES and (ticket.triage or {}).get("specialty"):
        return ticket.triage["specialty"]
    return ticket.topic.specialty if ticket.topic else None

def _tell_escalation(ticket: Ticket, jurist: User | None, reason: str, now: datetime) -> None:
    """E-mail the jurist now holding the ticket, or every manager when nobody does."""
    stamp = now.isoformat()
    quoted = f"Objet : {ticket.subject}\nMotif de l'escalade : {reason}"
    if jurist is not None:
        notify_staff(
            jurist, ticket, purpose="escalation_assigned", now=now,
            dedupe_key=f"escalation:{ticket.id}:{stamp}:{jurist.id}",
            subject=f"[{ticket.reference}] Demande escaladée qui vous est attribuée",
            body=f"La demande {ticket.reference} a été transmise aux juristes et vous est "
                 f"attribuée.{_urgency_line(ticket)}",
            quoted_body=f"La demande {ticket.reference} a été transmise aux juristes et vous "
                        f"est attribuée.{_urgency_line(ticket)}\n\n{quoted}")
        return
    managers = db.session.scalars(select(User).where(
        User.role == Role.MANAGER, User.active.is_(True)).order_by(User.id))
    for manager in managers:
        notify_staff(
            manager, ticket, purpose="escalation_unassigned", now=now,
            dedupe_key=f"escalation:{ticket.id}:{stamp}:{manager.id}",
            subject=f"[{ticket.reference}] Demande escaladée sans juriste disponible",
            body=f"La demande {ticket.reference} a été transmise aux juristes, mais aucun juriste "
                 f"de la spécialité n'est disponible : elle attend dans la file nationale, sans "
                 f"attribution.{_urgency_line(ticket)}",
            quoted_body=f"La demande {ticket.reference} a été transmise aux juristes, mais aucun "
                        f"juriste de la spécialité n'est disponible : elle attend dans la file "
                        f"nationale, sans attribution.{_urgency_line(ticket)}\n\n{quoted}")

def _urgency_line(ticket: Ticket) -> str:
    if ticket.priority != Priority.URGENT:
        return ""
    return f"\nUrgence : {urgent_case_french(ticket.urgent_case)}."

def auto_escalate_overdue(now: datetime) -> int:
    """Escalate first-level tickets left without a first response past the business delay.

    Called by the scheduler (idempotent: an escalated ticket leaves the delegation queue).
    Each ticket goes through `escalate_to_jurist`. Returns how many moved; the caller commits.
    """
    limit = int(current_app.config["AUTO_ESCALATE_AFTER_BUSINESS_HOURS"] * 3600)
    candidates = db.session.scalars(select(Ticket).where(
        Ticket.queue == Queue.DELEGATION, Ticket.first_response_at.is_(None),
        Ticket.status.in_([s.value for s in OPEN_STATUSES]),
        Ticket.received_at <= now - timedelta(hours=limit / 3600)))
    moved = 0
    for ticket in list(candidates):
        since = _entered_delegation_queue_at(ticket)
        waited = business_seconds_between(sla_clocks.ticket_calendar(ticket), since, now)
        if waited >= limit:
            hours = limit / 3600
            escalate_to_jurist(ticket, None, f"Escalade automatique : pas de première réponse "
                                             f"après {hours:g} heures ouvrées.", now=now)
            followups.notify_escalated(ticket, None, now=now)
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
    require_visible(actor, ticket)
    _require_reason(reason)
    target = Priority.URGENT if urgent else Priority.NORMAL
    if ticket.priority == target:
        return ticket
    set_ticket_field(ticket, actor, "priority", target, now=now, reason=reason)
    sla_clocks.recompute_due_times(ticket, now)
    if urgent:
        alert_urgent(ticket, now)
    db.session.flush()
    return ticket

def retriage_ticket(ticket: Ticket, body: str, *, now: datetime) -> bool:
    """Triage a question again once its text is complete (a WhatsApp burst merged): urgency
    found now is raised (never cleared), audited in the history and alerted. Caller commits."""
    if ticket.priority == Priority.URGENT:
        return False
    decision = decide(ticket.subject, body, sender_kind=ticket.requester_type, now=now,
                      organisation=ticket.organisation)
    if not decision.urgent:
        return False
    reason = "triage du message complet (fragments WhatsApp réunis)"
    set_ticket_field(ticket, None, "priority", Priority.URGENT, now=now, reason=reason)
    ticket.urgent_case = decision.urgent_case
    ticket.triage = {**(ticket.triage or {}), **decision.to_dict()}
    if decision.urgent_case in EXPERT_URGENT_CASES and ticket.level != Level.EXPERT:
        set_ticket_field(ticket, None, "level", Level.EXPERT, now=now, reason=reason)
    sla_clocks.recompute_due_times(ticket, now)
    alert_urgent(ticket, now)
    db.session.flush()
    return True


def deescalate_ticket(actor: User, ticket: Ticket, reason: str, *, now: datetime) -> Ticket:
    """A jurist sends a ticket back to the member's delegation with a reason. Caller commits."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    require_visible(actor, ticket)
    _require_reason(reason)
    if ticket.confidential:
        raise Conflict("Une demande confidentielle reste chez les juristes : la délégation ne "
                       "peut pas la lire.")
    if not delegation_can_answer(ticket.region):
        raise Conflict("Cette structure n'a pas de délégation régionale avec un délégué actif.")
    set_ticket_field(ticket, actor, "level", Level.FIRST_LEVEL, now=now, reason=reason)
    set_ticket_field(ticket, actor, "queue", Queue.DELEGATION, now=now, reason=reason)
    if ticket.assignee is not None:
        set_ticket_field(ticket, actor, "assignee", None, now=now, reason=reason)
    if ticket.status in {Status.ASSIGNED, Status.IN_PROGRESS}:
        change_status(ticket, actor, Status.NEW, now)
    record_event(ticket, actor, "deescalated", None, None, now=now, reason=reason)
    sla_clocks.recompute_due_times(ticket, now)
    db.session.flush()
    return ticket

def classify_ticket(actor: User, ticket: Ticket, *, now: datetime, topic: Topic | None = None,
                    level: str | None = None, priority: str | None = None,
                    confidential: bool | None = None, reason: str = "") -> Ticket:
    """A jurist or manager corrects topic, level, priority or confidentiality (audited)."""
    require_role(actor, Role.JURIST, Role.MANAGER)
    require_visible(actor, ticket)
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
        if ticket.assignee is not None and not can_work_on(ticket.assignee, ticket):
            set_ticket_field(ticket, actor, "assignee", None, now=now,
                             reason="demande confidentielle : réservée au juriste attribué "
                                    "et aux responsables")
    if level is not None or priority is not None:
        sla_clocks.recompute_due_times(ticket, now)
    db.session.flush()
    return ticket

def request_callback(actor: User, ticket: Ticket, note: str, *, now: datetime) -> Ticket:
    """The requester (or their delegate) asks for an urgent call back; staff are told at once.

    On an answered ticket the request reopens it, into the delegation's queue for a
    first-level question and the national one for an expert question.
    """
    require_requester_or_worker(actor, ticket)
    if not ticket.is_open and ticket.status != Status.ANSWERED:
        raise Conflict("La demande est close : rouvrez-la d'abord.")
    ticket.callback_requested_at = now
    record_event(ticket, actor, "callback_requested", None, None, now=now, reason=note or None)
    if ticket.status == Status.ANSWERED:
        _reopen_for_callback(ticket, actor, now)
        followups.notify_reopened(ticket, actor, now=now, send_email=False)
    else:
        followups.notify_callback(ticket, actor, now=now)
    for recipient in _callback_recipients(ticket):
        notify_staff(
            recipient, ticket, purpose="callback_request", now=now,
            dedupe_key=f"callback:{ticket.id}:{now.isoformat()}:{recipient.id}",
            subject=f"[{ticket.reference}] Demande de rappel urgent",
            body=f"Un rappel urgent est demandé pour la demande {ticket.reference}.",
            quoted_body=f"{actor.name} demande à être rappelé(e) en urgence.\n\n"
                        f"{note or ''}".strip())
    db.session.flush()
    return ticket

def _reopen_for_callback(ticket: Ticket, actor: User, now: datetime) -> None:
    reason = "Rappel urgent demandé après la réponse"
    queue = (Queue.DELEGATION if ticket.level == Level.FIRST_LEVEL
             and delegation_can_answer(ticket.region) else Queue.NATIONAL)
    change_status(ticket, actor, Status.REOPENED, now, reason=reason)
    if ticket.queue != queue:
        set_ticket_field(ticket, actor, "queue", queue, now=now, reason=reason)
        sla_clocks.recompute_due_times(ticket, now)

def _callback_recipients(ticket: Ticket) -> list[User]:
    if ticket.assignee is not None:
        return [ticket.assignee]
    if ticket.queue == Queue.DELEGATION:
        return list(db.session.scalars(select(User).where(
            User.role == Role.DELEGATE, User.region_id == ticket.region_id, User.active.is_(True))))
    return list(db.session.scalars(select(User).where(
        User.role.in_([Role.JURIST, Role.MANAGER]), User.active.is_(True))))

def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise InvalidInput("Merci d'indiquer un motif.")
