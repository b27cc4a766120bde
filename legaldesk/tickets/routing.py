"""Routing: triage a new ticket, choose its queue and delegation, pick the jurist (one place)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select

from legaldesk.auth.directory import region_delegates
from legaldesk.auth.models import Organisation, Region, RequesterType, Role, User
from legaldesk.core.extensions import db
from legaldesk.sla.calendar import BusinessCalendar
from legaldesk.tickets.models import OPEN_STATUSES, Level, Queue, Ticket, Topic
from legaldesk.tickets.triage import TriageDecision, learned, triage
from legaldesk.tickets.triage.rules import topic_rules_from_dicts

# The five urgent case types of the report always go to a jurist; a near deadline need not.
EXPERT_URGENT_CASES = frozenset({
    "accident_du_travail", "agression_sexuelle", "discours_xenophobe",
    "redressement_judiciaire", "liquidation_judiciaire",
})
MEMBER_KINDS = frozenset({RequesterType.ADHERENT, RequesterType.DELEGATION})


def topic_rules() -> tuple:
    """The admin-editable topics as triage rules (the engine caches their compilation)."""
    rows = db.session.execute(select(
        Topic.code, Topic.label_fr, Topic.default_level, Topic.specialty, Topic.keywords,
        Topic.active)).mappings()
    return topic_rules_from_dicts(dict(row) for row in rows)


def decide(subject: str, body: str, *, sender_kind: str | None, now: datetime,
           organisation: Organisation | None = None) -> TriageDecision:
    """Run triage over the question with the current topic rules, settings, learned model and
    the organisation's territory calendar (public holidays count for deadlines)."""
    config = current_app.config
    return triage(subject, body, topic_rules(), sender_kind=sender_kind, now=now,
                  deadline_window_days=config["URGENT_DEADLINE_WINDOW_DAYS"],
                  is_working_day=territory_calendar(organisation).is_working_day,
                  language=bool(config["TRIAGE_LANGUAGE"]), model=learned_model())


def territory_calendar(organisation: Organisation | None) -> BusinessCalendar:
    """Working days of the organisation's territory (metropolitan France without one)."""
    if organisation is None:
        return BusinessCalendar()
    return BusinessCalendar(timezone=organisation.effective_timezone,
                            holidays_subdiv=organisation.holidays_subdiv)


def learned_model():
    """The trained triage model of the instance folder, with the configured threshold."""
    model = learned.load(current_app.config.get("TRIAGE_MODEL_PATH"))
    if model is not None:
        model.threshold = float(current_app.config["TRIAGE_MODEL_THRESHOLD"])
    return model


def classify(decision: TriageDecision, chosen: Topic | None) -> tuple[Topic | None, str, list[str]]:
    """Topic, level and extra reasons from triage and the requester's own topic choice."""
    reasons: list[str] = []
    topic = chosen
    if chosen is None:
        topic = db.session.scalar(select(Topic).where(Topic.code == decision.topic))
    elif chosen.code != decision.topic:
        reasons.append(f"thème choisi par le demandeur : {chosen.code}")
    if topic is None or decision.urgent_case in EXPERT_URGENT_CASES:
        return topic, Level.EXPERT, reasons
    if topic.code == decision.topic:
        return topic, decision.level, reasons  # the engine weighed the topic and the signals
    expert = topic.default_level == Level.EXPERT or (
        decision.level == Level.EXPERT and decision.topic != "autre")
    return topic, Level.EXPERT if expert else Level.FIRST_LEVEL, reasons


def route_ticket(ticket: Ticket) -> None:
    """Set queue and region: first-level members' tickets to their delegation, the rest national."""
    organisation = ticket.organisation
    ticket.region = organisation.region if organisation and organisation.region else None
    requester = ticket.requester_user
    if organisation is None and requester is not None and requester.role == Role.DELEGATE:
        ticket.region = requester.region  # a delegation asking for itself stays in its reports
    if ticket.region is None:
        ticket.region = _fallback_region()
    if (
        ticket.level == Level.FIRST_LEVEL
        and ticket.requester_type in MEMBER_KINDS
        and delegation_can_answer(ticket.region)
    ):
        ticket.queue = Queue.DELEGATION
    else:
        ticket.queue = Queue.NATIONAL


def delegation_can_answer(region: Region | None) -> bool:
    """A delegation queue exists only where an active delegate can take first-level tickets."""
    if region is None or region.is_national:
        return False
    return bool(region_delegates(region))


def choose_jurist(specialty: str | None, now: datetime) -> User | None:
    """The available jurist of the specialty with the fewest open tickets (backups cover)."""
    jurists = _available(select(User).where(User.role == Role.JURIST), now)
    if not jurists:
        return None
    matching = [j for j in jurists if j.specialty == specialty] if specialty else []
    candidates = matching or _backups_for(specialty, now) or (jurists if specialty else [])
    if not candidates:
        return None
    load = _open_load([c.id for c in candidates])
    return min(candidates, key=lambda user: (load.get(user.id, 0), user.id))


def _available(query, now: datetime) -> list[User]:
    return list(db.session.scalars(query.where(
        User.active.is_(True), or_(User.away_until.is_(None), User.away_until <= now))))


def _backups_for(specialty: str | None, now: datetime) -> list[User]:
    """Backups named by the absent jurists of the specialty, if they are available."""
    absent = db.session.scalars(select(User).where(
        User.role == Role.JURIST, User.specialty == specialty, User.active.is_(True),
        User.away_until > now, User.backup_id.is_not(None)))
    backups = {user.backup for user in absent if user.backup is not None}
    return [b for b in backups if b.active and (b.away_until is None or b.away_until <= now)]


def _open_load(user_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Ticket.assignee_id, func.count(Ticket.id))
        .where(Ticket.assignee_id.in_(user_ids),
               Ticket.status.in_([s.value for s in OPEN_STATUSES]))
        .group_by(Ticket.assignee_id))
    return dict(rows.all())


def _fallback_region() -> Region | None:
    code = current_app.config["FALLBACK_REGION_CODE"]
    return db.session.scalar(select(Region).where(Region.code == code))

