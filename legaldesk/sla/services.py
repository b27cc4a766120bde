"""SLA write path: policies (admins), the clocks kept on each ticket, and the scheduled SLA jobs.

Clock model
-----------
Both clocks start at ``received_at`` (real receipt on the original channel).  The first-response
clock stops at the first public staff answer; the resolution clock stops when the ticket is
answered or closed.  Time spent waiting on the requester, and time between an answer and a
reopening, is *paused*: ``paused_since`` marks the ongoing pause, ``paused_business_seconds`` and
``paused_calendar_seconds`` hold the finished ones.  A clock's net time is therefore

    net = time(received_at, t) - paused - ongoing pause

Each policy counts in one kind of time (``ClockKind``): *business* time (opening hours of the
ticket's territory, without weekends and holidays) or *calendar* time (every hour: urgent cases
cannot wait for Monday).  The ticket records the kind in force (``sla_clock``) when its due
times are computed.  A due time is the instant where the net time of that kind reaches the
target: ``add_business_seconds(calendar, received_at, target + paused_business_seconds)``, or
``received_at + target + paused_calendar_seconds``.  When a clock stops, its net business and
calendar durations are both stored, so that reports are plain SQL (and compare the one of the
ticket's kind with its target).
Every function here changes the ticket in the caller's transaction (the caller commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from legaldesk.audit.services import record_audit
from legaldesk.auth.directory import region_delegates
from legaldesk.auth.models import RequesterType, Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.notify.services import queue_notification
from legaldesk.sla.calendar import (
    BusinessCalendar,
    add_business_seconds,
    business_seconds_between,
)
from legaldesk.sla.models import Clock, EventKind, SlaEvent, SlaPolicy
from legaldesk.tickets.access import mail_may_quote
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    ClockKind,
    Level,
    Priority,
    Queue,
    Status,
    Ticket,
)

HOUR = 3600
PAUSED_STATUSES = frozenset({Status.WAITING_ON_REQUESTER, Status.ANSWERED, Status.CLOSED})
STOPPED_STATUSES = frozenset({Status.ANSWERED, Status.CLOSED})
MEMBER_REQUESTERS = frozenset({RequesterType.ADHERENT, RequesterType.DELEGATION})


# --- policies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyTargets:
    """Allowed seconds for one priority × level, their clock, and whether an admin saved it."""

    priority: str
    level: str
    first_response_seconds: int
    resolution_seconds: int
    customised: bool
    clock: str = ClockKind.BUSINESS


def business_day_seconds() -> int:
    """Business seconds in one working day, from the SLA_BUSINESS_HOURS setting."""
    start, end = (_wall_time(value) for value in current_app.config["SLA_BUSINESS_HOURS"])
    return (end.hour - start.hour) * HOUR + (end.minute - start.minute) * 60


def _wall_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def get_policy(priority: str, level: str) -> PolicyTargets:
    """The targets in force for a priority × level: the saved policy, else the config default."""
    row = db.session.scalar(select(SlaPolicy).where(
        SlaPolicy.priority == priority, SlaPolicy.level == level))
    if row is not None:
        return PolicyTargets(priority, level, row.first_response_seconds, row.resolution_seconds,
                             True, ClockKind(row.clock))
    default = current_app.config["SLA_DEFAULT_POLICIES"][Priority(priority).value]
    return PolicyTargets(priority, level, round(default["first_response_hours"] * HOUR),
                         round(default["resolution_hours"] * HOUR), False,
                         ClockKind(default.get("clock", ClockKind.BUSINESS)))


def list_policies() -> list[PolicyTargets]:
    """The targets of every priority × level, urgent first."""
    return [get_policy(priority, level)
            for priority in (Priority.URGENT, Priority.NORMAL)
            for level in (Level.FIRST_LEVEL, Level.EXPERT)]


def save_policy(actor: User, *, priority: str, level: str, first_response_hours: float,
                resolution_hours: float, now: datetime,
                clock: str | None = None) -> SlaPolicy:
    """An admin sets the clock and the hours allowed for a priority × level. Caller commits.

    ``clock`` is "calendar" or "business" (None keeps the one in force).  Open tickets of that
    priority × level get their due times recomputed at once.
    """
    require_role(actor, Role.ADMIN)
    priority, level = _valid_priority(priority), _valid_level(level)
    clock = _valid_clock(clock) if clock else ClockKind(get_policy(priority, level).clock)
    first, resolution = _positive_seconds(first_response_hours), _positive_seconds(resolution_hours)
    if first > resolution:
        raise InvalidInput("Le délai de première réponse ne peut dépasser celui de résolution.")
    row = db.session.scalar(select(SlaPolicy).where(
        SlaPolicy.priority == priority, SlaPolicy.level == level))
    if row is None:
        row = SlaPolicy(priority=priority, level=level)
        db.session.add(row)
    row.first_response_seconds, row.resolution_seconds = first, resolution
    row.clock = clock
    row.updated_at, row.updated_by_id = now, actor.id
    record_audit(actor, "admin.policy_saved", target_type="sla_policy",
                 target_ref=f"{priority}/{level}", now=now,
                 details={"first_response_seconds": first, "resolution_seconds": resolution,
                          "clock": clock.value})
    db.session.flush()
    for ticket in db.session.scalars(select(Ticket).where(
            Ticket.priority == priority, Ticket.level == level,
            Ticket.status.in_([s.value for s in OPEN_STATUSES]))):
        recompute_due_times(ticket, now)
    db.session.flush()
    return row


def _valid_priority(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError as exc:
        raise InvalidInput(f"Priorité inconnue : {value}") from exc


def _valid_level(value: str) -> Level:
    try:
        return Level(value)
    except ValueError as exc:
        raise InvalidInput(f"Niveau inconnu : {value}") from exc


def _valid_clock(value: str) -> ClockKind:
    try:
        return ClockKind(value)
    except ValueError as exc:
        raise InvalidInput("Décompte inconnu : heures calendaires ou heures ouvrées.") from exc


def _positive_seconds(hours: float) -> int:
    try:
        seconds = round(float(hours) * HOUR)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Délai invalide : indiquez un nombre d'heures.") from exc
    if seconds <= 0:
        raise InvalidInput("Un délai doit être positif.")
    return seconds


def ticket_targets(ticket: Ticket) -> tuple[int | None, int | None, ClockKind]:
    """(first response, resolution) seconds allowed and their clock; None when no SLA applies."""
    policy = get_policy(ticket.priority, ticket.level)
    if (ticket.requester_type not in MEMBER_REQUESTERS
            and not current_app.config["SLA_FOR_NON_MEMBERS"]):
        return None, None, ClockKind(policy.clock)
    return policy.first_response_seconds, policy.resolution_seconds, ClockKind(policy.clock)


def on_calendar_clock(ticket: Ticket) -> bool:
    """True when the ticket's targets count calendar time (every hour), not business time."""
    return ticket.sla_clock == ClockKind.CALENDAR


# --- clocks -------------------------------------------------------------------------------


def start_clocks(ticket: Ticket, now: datetime) -> None:
    """A new ticket: both clocks run from received_at (called at the end of open_ticket)."""
    ticket.paused_business_seconds = ticket.paused_business_seconds or 0
    ticket.paused_calendar_seconds = ticket.paused_calendar_seconds or 0
    recompute_due_times(ticket, now)


def recompute_due_times(ticket: Ticket, now: datetime) -> None:
    """Targets and clock from the current priority × level, and the due times they give.

    Idempotent; the ticket records the clock kind its targets count in (``sla_clock``).
    """
    first, resolution, clock = ticket_targets(ticket)
    ticket.first_response_target_seconds, ticket.resolution_target_seconds = first, resolution
    ticket.sla_clock = clock
    ticket.first_response_due_at = (
        _due_at(ticket, first) if first is not None and ticket.first_response_at is None else
        ticket.first_response_due_at if first is not None else None)
    ticket.resolution_due_at = _due_at(ticket, resolution) if resolution is not None else None
    _refresh_next_due(ticket)


def _due_at(ticket: Ticket, target: int) -> datetime:
    """The instant where the ticket's net time, on its own clock, reaches the target."""
    if on_calendar_clock(ticket):
        return ticket.received_at + timedelta(
            seconds=target + (ticket.paused_calendar_seconds or 0))
    return add_business_seconds(ticket_calendar(ticket), ticket.received_at,
                                target + (ticket.paused_business_seconds or 0))


def stop_first_response_clock(ticket: Ticket, now: datetime) -> None:
    """The first public staff answer: store the first-response durations (once)."""
    if ticket.first_response_business_seconds is not None:
        return
    business, calendar = net_durations(ticket, now)
    ticket.first_response_business_seconds = business
    ticket.first_response_calendar_seconds = calendar
    _refresh_next_due(ticket)


def update_clocks_for_status(ticket: Ticket, old: str, new: str, now: datetime) -> None:
    """Pause on waiting, stop on answered/closed, resume or restart when work starts again."""
    was_paused, is_paused = old in PAUSED_STATUSES, new in PAUSED_STATUSES
    if is_paused and not was_paused:
        ticket.paused_since = now
    if new in STOPPED_STATUSES and ticket.resolution_business_seconds is None:
        ticket.resolution_business_seconds, ticket.resolution_calendar_seconds = (
            net_durations(ticket, now))
    if was_paused and not is_paused:
        _end_pause(ticket, now)
        ticket.resolution_business_seconds = ticket.resolution_calendar_seconds = None
        recompute_due_times(ticket, now)
    _refresh_next_due(ticket)


def net_durations(ticket: Ticket, now: datetime) -> tuple[int, int]:
    """(business, calendar) seconds the desk has owed this ticket so far, pauses excluded."""
    calendar = ticket_calendar(ticket)
    business = business_seconds_between(calendar, ticket.received_at, now)
    elapsed = _whole_seconds(now - ticket.received_at)
    business -= ticket.paused_business_seconds or 0
    elapsed -= ticket.paused_calendar_seconds or 0
    if ticket.paused_since is not None:
        business -= business_seconds_between(calendar, ticket.paused_since, now)
        elapsed -= _whole_seconds(now - ticket.paused_since)
    return max(business, 0), max(elapsed, 0)


def net_on_clock(ticket: Ticket, now: datetime) -> int:
    """The net seconds owed so far on the ticket's own clock (calendar or business)."""
    business, calendar = net_durations(ticket, now)
    return calendar if on_calendar_clock(ticket) else business


def _end_pause(ticket: Ticket, now: datetime) -> None:
    if ticket.paused_since is None:
        return
    calendar = ticket_calendar(ticket)
    ticket.paused_business_seconds = (ticket.paused_business_seconds or 0) + max(
        business_seconds_between(calendar, ticket.paused_since, now), 0)
    ticket.paused_calendar_seconds = (ticket.paused_calendar_seconds or 0) + max(
        _whole_seconds(now - ticket.paused_since), 0)
    ticket.paused_since = None


def _refresh_next_due(ticket: Ticket) -> None:
    """The due time queues sort by: the earliest running clock; None when paused or stopped."""
    ticket.next_due_at = None
    if ticket.paused_since is not None or Status(ticket.status) not in OPEN_STATUSES:
        return
    running = [ticket.resolution_due_at]
    if ticket.first_response_at is None:
        running.append(ticket.first_response_due_at)
    running = [due for due in running if due is not None]
    ticket.next_due_at = min(running) if running else None


def _whole_seconds(delta: timedelta) -> int:
    return delta // timedelta(seconds=1)


# --- what a clock shows -------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    """How one ticket's SLA looks now: a tone for colour and a text that says the same."""

    tone: str  # ok, warn, late, paused, none
    text: str
    due_at: datetime | None


def describe_clock(ticket: Ticket, now: datetime) -> ClockView:
    """Time left or overdue of the running clock, on the ticket's clock, for queues and tickets.

    Calendar clocks read « Reste 2 h 10 », business clocks « Reste 2 h 10 ouvrées ».
    """
    if ticket.next_due_at is None:
        return _describe_idle(ticket)
    which = ("1re réponse" if ticket.first_response_at is None
             and ticket.next_due_at == ticket.first_response_due_at else "résolution")
    if ticket.next_due_at <= now:
        late = _seconds_between(ticket, ticket.next_due_at, now)
        return ClockView("late", f"En retard ({which}) de {format_on_clock(ticket, late)}",
                         ticket.next_due_at)
    left = _seconds_between(ticket, now, ticket.next_due_at)
    target = (ticket.first_response_target_seconds if which == "1re réponse"
              else ticket.resolution_target_seconds) or 1
    tone = "warn" if left <= target * (1 - current_app.config["SLA_WARNING_SHARE"]) else "ok"
    return ClockView(tone, f"Reste {format_on_clock(ticket, left)} ({which})",
                     ticket.next_due_at)


def _seconds_between(ticket: Ticket, start: datetime, end: datetime) -> int:
    if on_calendar_clock(ticket):
        return max(_whole_seconds(end - start), 0)
    return business_seconds_between(ticket_calendar(ticket), start, end)


def _describe_idle(ticket: Ticket) -> ClockView:
    if ticket.resolution_target_seconds is None and ticket.first_response_target_seconds is None:
        return ClockView("none", "Sans délai cible", None)
    if ticket.status == Status.WAITING_ON_REQUESTER:
        return ClockView("paused", "Délai suspendu (attente du demandeur)", None)
    measured = (ticket.resolution_calendar_seconds if on_calendar_clock(ticket)
                else ticket.resolution_business_seconds)
    target = ticket.resolution_target_seconds
    if measured is None or target is None:
        return ClockView("none", "—", None)
    text = format_on_clock(ticket, measured)
    if measured <= target:
        return ClockView("ok", f"Traitée dans le délai ({text})", None)
    return ClockView("late", f"Traitée hors délai ({text})", None)


def format_on_clock(ticket: Ticket, seconds: int) -> str:
    """Seconds as French text in the ticket's clock: calendar ('2 h 10') or business."""
    return format_calendar(seconds) if on_calendar_clock(ticket) else format_business(seconds)


def format_calendar(seconds: int) -> str:
    """Calendar seconds as French text: '1 j 2 h 05', '2 j', '3 h 20', '12 min'."""
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 24 * HOUR)
    hours, rest = divmod(rest, HOUR)
    minutes = rest // 60
    if days:
        return f"{days} j {hours} h {minutes:02d}" if hours or minutes else f"{days} j"
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes} min"


def format_business(seconds: int) -> str:
    """Business seconds as French text: '1 j 2 h 05 ouvrés', '3 h 20 ouvrées', '12 min'."""
    seconds = max(int(seconds), 0)
    day = business_day_seconds()
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, HOUR)
    minutes = rest // 60
    if days:
        return f"{days} j {hours} h {minutes:02d} ouvrés" if hours or minutes else (
            f"{days} j ouvré{'s' if days > 1 else ''}")
    if hours:
        return f"{hours} h {minutes:02d} ouvrées"
    return f"{minutes} min ouvrées"


# --- scheduled jobs -----------------------------------------------------------------------


def check_sla(now: datetime) -> int:
    """Record 75 % warnings and breaches of running clocks (once each) and notify. Caller commits.

    Returns how many events were recorded; running it again records nothing new.
    """
    share = current_app.config["SLA_WARNING_SHARE"]
    recorded = 0
    for ticket in db.session.scalars(_running_clocks_query()):
        net = net_on_clock(ticket, now)  # calendar or business seconds, as the targets
        for clock, target, due in _running_clocks(ticket):
            used = net / target
            kind = EventKind.BREACH if used >= 1 else EventKind.WARNING if used >= share else None
            if kind is not None and _record_event(ticket, clock, kind, due, now):
                _notify_event(ticket, clock, kind, due, now)
                recorded += 1
    db.session.flush()
    return recorded


def _running_clocks_query():
    """Open, unpaused tickets with a due time and at least one event still to record."""
    breached = exists().where(and_(SlaEvent.ticket_id == Ticket.id,
                                   SlaEvent.clock == Clock.RESOLUTION,
                                   SlaEvent.kind == EventKind.BREACH))
    return (select(Ticket)
            .where(Ticket.next_due_at.is_not(None), Ticket.paused_since.is_(None),
                   Ticket.status.in_([s.value for s in OPEN_STATUSES]), ~breached)
            .order_by(Ticket.id))


def _running_clocks(ticket: Ticket) -> list[tuple[Clock, int, datetime]]:
    clocks = []
    if ticket.first_response_at is None and ticket.first_response_target_seconds:
        clocks.append((Clock.FIRST_RESPONSE, ticket.first_response_target_seconds,
                       ticket.first_response_due_at))
    if ticket.resolution_target_seconds:
        clocks.append((Clock.RESOLUTION, ticket.resolution_target_seconds,
                       ticket.resolution_due_at))
    return clocks


def _record_event(ticket: Ticket, clock: Clock, kind: EventKind, due: datetime,
                  now: datetime) -> bool:
    """Insert the event unless it exists (the unique constraint settles concurrent runs)."""
    known = db.session.scalar(select(SlaEvent.id).where(
        SlaEvent.ticket_id == ticket.id, SlaEvent.clock == clock, SlaEvent.kind == kind))
    if known is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SlaEvent(ticket_id=ticket.id, clock=clock, kind=kind, due_at=due,
                                    created_at=now))
    except IntegrityError:
        return False
    return True


def _notify_event(ticket: Ticket, clock: Clock, kind: EventKind, due: datetime,
                  now: datetime) -> None:
    what = "première réponse" if clock == Clock.FIRST_RESPONSE else "résolution"
    headline = ("Délai dépassé" if kind == EventKind.BREACH
                else f"{round(current_app.config['SLA_WARNING_SHARE'] * 100)} % du délai écoulé")
    subject = f"[{ticket.reference}] {headline} ({what})"
    for user in sla_recipients(ticket, kind):
        # The subject only for who may read the ticket (never a confidential one's).
        quoted = f" : {ticket.subject}" if mail_may_quote(user, ticket) else ""
        body = (f"{headline} pour la {what} de la demande {ticket.reference}{quoted}.\n"
                f"Échéance : {local_text(due, ticket)}.")
        queue_notification(channel="email", recipient=user.email, subject=subject, body=body,
                           purpose=f"sla_{kind}", now=now, ticket_id=ticket.id,
                           dedupe_key=f"sla:{ticket.id}:{clock}:{kind}:{user.id}")


def sla_recipients(ticket: Ticket, kind: str) -> list[User]:
    """The assignee (else the queue's staff), plus the managers on a breach."""
    people: dict[int, User] = {}
    if ticket.assignee is not None and ticket.assignee.active:
        people[ticket.assignee.id] = ticket.assignee
    else:
        people.update((u.id, u) for u in _queue_staff(ticket))
    if kind == EventKind.BREACH:
        people.update((u.id, u) for u in _active_users(Role.MANAGER))
    return [people[key] for key in sorted(people)]


def _queue_staff(ticket: Ticket) -> list[User]:
    if ticket.queue == Queue.DELEGATION:
        return region_delegates(ticket.region)
    # An unassigned confidential ticket is for managers only (jurists cannot see it yet).
    return _active_users(Role.MANAGER if ticket.confidential else Role.JURIST)


def _active_users(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role,
                                                      User.active.is_(True))))


def local_text(moment: datetime | None, ticket: Ticket) -> str:
    """A naive UTC instant as the ticket territory's local time, e.g. '12/03/2026 14:00'."""
    if moment is None:
        return "—"
    zone = ZoneInfo(ticket_calendar(ticket).timezone)
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%d/%m/%Y %H:%M (%Z)")


def queue_daily_digests(now: datetime) -> int:
    """One e-mail per staff member with open assigned tickets: open, due soon, overdue.

    At most one per member and local day (Outbox dedupe key); returns how many were queued.
    """
    day = now.replace(tzinfo=UTC).astimezone(
        ZoneInfo(current_app.config["SCHEDULER_TIMEZONE"])).date()
    soon = now + timedelta(hours=current_app.config["SLA_DUE_SOON_HOURS"])
    queued = 0
    staff = db.session.scalars(select(User).where(
        User.role.in_([Role.DELEGATE, Role.JURIST, Role.MANAGER]), User.active.is_(True))
        .order_by(User.id))
    for user in staff:
        tickets = _open_assigned(user)
        if not tickets:
            continue
        body = _digest_body(user, tickets, now, soon)
        row = queue_notification(
            channel="email", recipient=user.email, purpose="daily_digest", now=now,
            subject=f"Vos demandes du {day:%d/%m/%Y} : {len(tickets)} ouverte(s)", body=body,
            dedupe_key=f"digest:{day.isoformat()}:{user.id}")
        queued += row is not None
    db.session.flush()
    return queued


def _open_assigned(user: User) -> list[Ticket]:
    return list(db.session.scalars(
        select(Ticket).where(Ticket.assignee_id == user.id,
                             Ticket.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Ticket.next_due_at.is_(None), Ticket.next_due_at, Ticket.received_at)))


def _digest_body(user: User, tickets: list[Ticket], now: datetime, soon: datetime) -> str:
    overdue = [t for t in tickets if t.next_due_at is not None and t.next_due_at <= now]
    due_soon = [t for t in tickets if t.next_due_at is not None and now < t.next_due_at <= soon]
    lines = [f"Demandes ouvertes qui vous sont attribuées : {len(tickets)}",
             f"En retard : {len(overdue)} — échéance sous "
             f"{current_app.config['SLA_DUE_SOON_HOURS']} h : {len(due_soon)}", ""]
    for title, group in (("En retard", overdue), ("Échéance proche", due_soon),
                         ("Toutes vos demandes ouvertes", tickets)):
        if group:
            lines.append(f"{title} :")
            lines.extend(f"  - {_digest_line(user, t)}" for t in group)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _digest_line(user: User, ticket: Ticket) -> str:
    if mail_may_quote(user, ticket):
        subject = ticket.subject
    else:
        subject = "(confidentiel)" if ticket.confidential else "(contenu réservé)"
    due = local_text(ticket.next_due_at, ticket) if ticket.next_due_at else "délai suspendu"
    return f"{ticket.reference} — {subject} — échéance {due}"


def ticket_calendar(ticket: Ticket) -> BusinessCalendar:
    """Business calendar of a ticket: its organisation's territory, else its region's."""
    organisation, region = ticket.organisation, ticket.region
    timezone = organisation.effective_timezone if organisation else (
        region.timezone if region else "Europe/Paris")
    subdiv = organisation.holidays_subdiv if organisation else (
        region.holidays_subdiv if region else None)
    start, end = current_app.config["SLA_BUSINESS_HOURS"]
    return BusinessCalendar(timezone=timezone, holidays_subdiv=subdiv,
                            day_start=_hour(start), day_end=_hour(end))


def _hour(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
