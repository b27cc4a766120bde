"""Fictional demo data: organisations, users and a year of tickets, built through the services.

`load_demo()` is idempotent and deterministic (fixed random seed): it writes nothing when the demo
is already loaded. Every ticket's history goes through tickets/services with explicit `now`
timestamps in business hours, so events, messages and SLA timestamps tell one coherent story.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from legaldesk.auth.models import Contact, Organisation, RequesterType, Role, User
from legaldesk.core.extensions import db
from legaldesk.core.models import to_naive_utc, utcnow
from legaldesk.demo.campaigns import (
    BUSINESS_AFFAIRS_CASES,
    CAMPAIGN_TAG,
    REPORT_URGENT_CASES,
    campaign_deadline,
    save_demo_campaign,
)
from legaldesk.demo.cast import Cast, Member, create_cast
from legaldesk.demo.clock import (
    PARIS,
    Clock,
    PastTheEnd,
    business_calendar,
    calendar_of,
    local_instant,
    lognormal_hours,
    next_weekday,
)
from legaldesk.demo.people import ADMIN_EMAIL, DEMO_DOMAIN, FIRST_ADHERENT_EMAIL, login_emails
from legaldesk.demo.questions import (
    CALLBACK_NOTES,
    CLARIFICATIONS,
    CONFIDENTIAL_REASON,
    DEESCALATION_REASONS,
    ESCALATION_REASONS,
    FALSE_ALARM_REASON,
    FOLLOW_UP_ANSWERS,
    FOLLOW_UPS,
    INTERNAL_NOTES,
    QUESTIONS,
    REQUESTER_DETAILS,
    STAFF_CLOSE_NOTES,
    URGENT_NOTES,
    WEBINAR_TITLES,
)
from legaldesk.kb.services import load_starter_notes
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.sla.calendar import BusinessCalendar, add_business_seconds, next_business_instant
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    Channel,
    Level,
    Message,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketEvent,
    Topic,
)
from legaldesk.tickets.seed import seed_reference_data

DEMO_PASSWORD = "demo-legaldesk-2026"
SEED = 2026
REGULAR_TICKETS = 385
CAMPAIGN_TICKETS = 45
WEBINAR_QUESTIONS = 5
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
ASKER_CONTACT_TYPE = {
    "partner": RequesterType.RESEAU_PARTENAIRE, "state": RequesterType.SERVICE_ETAT,
    "ptce": RequesterType.PORTEUR_PTCE, "other": RequesterType.AUTRE,
}
# Recent tickets whose end state the demo must show: (question, script, business days ago).
RECENT_SCRIPTS: tuple[tuple[str, str, float], ...] = (
    ("cse_effectif", "waiting", 6),
    ("ues_ges", "waiting", 4),
    ("heures_complementaires", "reopened", 9),
    ("degats_particulier", "reopened", 7),
    ("fusion_associations", "live", 1),
)


# --- entry point ------------------------------------------------------------------------------


def load_demo(now: datetime | None = None) -> dict:
    """Load the demo once (reference data, cast, a year of tickets ending at `now`). Caller commits.

    A second call finds the demo accounts and adds nothing (`created` is False).
    """
    now = to_naive_utc(now or utcnow()).replace(microsecond=0)
    seed_reference_data()
    created = _demo_absent()
    if created:
        first_outbox_id = db.session.scalar(select(func.max(Outbox.id))) or 0
        cast = create_cast(DEMO_PASSWORD)
        save_demo_campaign(campaign_deadline(now))
        _Story(cast, random.Random(SEED), now).play()
        _settle_outbox(first_outbox_id, now)
    load_starter_notes(now)  # idempotent: the knowledge base's starter notes
    return {"counts": _counts(), "logins": _logins(), "created": created}


def _demo_absent() -> bool:
    marker = select(User.id).where(User.email.in_([ADMIN_EMAIL, FIRST_ADHERENT_EMAIL]))
    return db.session.scalar(marker.limit(1)) is None


def _counts() -> dict[str, int]:
    from legaldesk.kb.models import Note

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "organisations": count(Organisation),
        "users": count(User),
        "contacts": count(Contact),
        "tickets": count(Ticket),
        "open_tickets": count(Ticket, Ticket.status.in_([s.value for s in OPEN_STATUSES])),
        "urgent_tickets": count(Ticket, Ticket.priority == Priority.URGENT),
        "campaign_tickets": count(Ticket, Ticket.campaign == CAMPAIGN_TAG),
        "messages": count(Message),
        "events": count(TicketEvent),
        "notes": count(Note),
    }


def _logins() -> list[tuple[str, str, str]]:
    emails = login_emails()
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [(e, str(users[e].role), _place(users[e])) for e in emails if e in users]


def _place(user: User) -> str:
    if user.role == Role.ADMIN:
        return "administration"
    if user.role == Role.MANAGER:
        return "responsable du pôle"
    if user.role == Role.JURIST:
        return f"juriste, {user.specialty.replace('_', ' ')}"
    if user.role == Role.DELEGATE:
        return f"délégation {user.region.name}"
    org = user.organisation
    where = org.territory if org.territory and org.territory != "metropole" else (
        org.region.name if org.region else "")
    return f"{org.name} ({where})"


def _settle_outbox(first_id: int, now: datetime) -> None:
    """Mark the demo's notifications as sent long ago: history must not e-mail anyone today."""
    db.session.execute(
        update(Outbox)
        .where(Outbox.id > first_id, Outbox.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=Outbox.created_at, attempts=1,
                provider_id="demo")
        .execution_options(synchronize_session=False)
    )


# --- plans ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What one ticket will be: question, requester, channel, receipt time and special scripts."""

    question: dict
    received_at: datetime
    channel: Channel
    requester: User | None = None
    contact: Contact | None = None
    organisation: Organisation | None = None
    logged_by: User | None = None
    level: str | None = None
    campaign: bool = False
    webinar: str | None = None
    script: str = ""

    @property
    def urgent_case(self) -> str | None:
        """The question's urgent case code, if any."""
        return self.question.get("urgent_case")


class _Story:
    """Plans a year of tickets, then plays each one through the services in receipt order."""

    def __init__(self, cast: Cast, rng: random.Random, now: datetime):
        self.cast = cast
        self.rng = rng
        self.now = now
        self.start = now - timedelta(days=365)
        self.deadline = campaign_deadline(now)
        self.questions = {q["key"]: q for q in QUESTIONS}

    def play(self) -> None:
        """Create every planned ticket and live its history up to `now`."""
        plans = self._plans()
        plans.sort(key=lambda p: p.received_at)
        for number, plan in enumerate(plans):
            _Life(self, plan, number).live()

    # planning ---------------------------------------------------------------------------

    def _plans(self) -> list[Plan]:
        plans = [self._regular(q) for q in self._regular_questions()]
        plans += [self._campaign(q) for q in self._campaign_questions()]
        plans += self._webinars()
        plans += self._scripted()
        return [p for p in plans if p is not None]

    def _regular_questions(self) -> list[dict]:
        """Every template once (so every topic appears), then weighted draws."""
        pool = [q for q in QUESTIONS if not q.get("campaign")]
        first = pool[:]
        self.rng.shuffle(first)
        weights = [q.get("weight", 1) * (0.35 if q.get("urgent_case") else 1) for q in pool]
        return first + self.rng.choices(pool, weights, k=REGULAR_TICKETS - len(first))

    def _campaign_questions(self) -> list[dict]:
        pool = [q for q in QUESTIONS if q.get("campaign")]
        return self.rng.choices(pool, [q.get("weight", 1) for q in pool], k=CAMPAIGN_TICKETS)

    def _regular(self, question: dict) -> Plan | None:
        plan = self._with_requester(question)
        # Use grows over the year (members move to the new desk): density rises from 0.6 to 1.4.
        share = (math.sqrt(0.36 + 1.6 * self.rng.random()) - 0.6) / 0.8  # inverse of the CDF
        day = self.start + (self.now - self.start) * share
        plan.received_at = self._receipt(plan, day - timedelta(hours=12), day + timedelta(hours=12))
        return plan

    def _campaign(self, question: dict) -> Plan:
        plan = self._with_requester(question)
        plan.campaign = True
        days_before = round(self.rng.triangular(-3, 24, 1))
        day = datetime.combine(self.deadline - timedelta(days=days_before), time(12))
        plan.received_at = self._receipt(plan, day - timedelta(hours=12), day + timedelta(hours=12))
        return plan

    def _with_requester(self, question: dict) -> Plan:
        asker = question.get("asker", "member")
        if asker == "member":
            return self._member_plan(question)
        if asker == "delegate":
            delegate = self.rng.choice([d for ds in self.cast.delegates.values() for d in ds])
            channel = self.rng.choice([Channel.WEB, Channel.WEB, Channel.EMAIL])
            return Plan(question, self.start, channel, requester=delegate)
        contact = self.rng.choice(self.cast.contacts[str(ASKER_CONTACT_TYPE[asker])])
        if asker == "ptce" and self.rng.random() < 0.5:
            return self._ptce_member_plan(question)
        channel = Channel.PHONE if asker == "ptce" or self.rng.random() < 0.2 else Channel.EMAIL
        logged_by = self._national_staff(question) if channel == Channel.PHONE else None
        return Plan(question, self.start, channel, contact=contact,
                    organisation=contact.organisation, logged_by=logged_by)

    def _ptce_member_plan(self, question: dict) -> Plan:
        member = next(m for m in self.cast.members if m.organisation.kind == "PTCE")
        return Plan(question, self.start, Channel.PHONE, requester=member.users[0],
                    organisation=member.organisation,
                    logged_by=self.cast.jurists["droit_des_affaires"])

    def _member_plan(self, question: dict) -> Plan:
        member = self._pick_member(question.get("kinds"))
        user = self.rng.choices(member.users, [3] + [1] * (len(member.users) - 1))[0]
        plan = Plan(question, self.start, self._member_channel(question), requester=user,
                    organisation=member.organisation)
        if plan.channel == Channel.PHONE:
            plan.logged_by = self._phone_taker(question, member.organisation)
        if self._misrouted(question, member.organisation, plan.channel):
            plan.level = Level.EXPERT
        return plan

    def _pick_member(self, kinds) -> Member:
        candidates = [m for m in self.cast.members if not kinds or m.organisation.kind in kinds]
        return self.rng.choices(candidates, [m.weight for m in candidates])[0]

    def _member_channel(self, question: dict) -> Channel:
        if question.get("urgent_case"):
            options = (Channel.PHONE, Channel.EMAIL, Channel.WEB, Channel.WHATSAPP)
            return self.rng.choices(options, (50, 25, 12, 13))[0]
        options = (Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.WHATSAPP)
        return self.rng.choices(options, (46, 31, 13, 10))[0]

    def _phone_taker(self, question: dict, organisation: Organisation) -> User:
        """Delegates take most members' calls in their delegation; otherwise the jurists do."""
        delegates = self.cast.delegates_of(organisation)
        if delegates and self.rng.random() < 0.65:
            return self.rng.choice(delegates)
        return self._national_staff(question)

    def _national_staff(self, question: dict) -> User:
        specialty = specialty_for(question, self.cast.topics)
        if specialty is None:
            return self.rng.choice([self.cast.manager, *self.cast.jurists.values()])
        return self.cast.jurists[specialty]

    def _misrouted(self, question: dict, organisation: Organisation, channel: Channel) -> bool:
        """A few first-level questions arrive flagged expert and go back to the delegation."""
        topic = self.cast.topics[question["topic"]]
        return (topic.default_level == Level.FIRST_LEVEL and not question.get("level")
                and not question.get("urgent_case") and channel == Channel.EMAIL
                and bool(self.cast.delegates_of(organisation)) and self.rng.random() < 0.3)

    def _receipt(self, plan: Plan, low: datetime, high: datetime) -> datetime:
        """A plausible receipt time between low and high, in the requester's local day."""
        timezone = calendar_of(plan.requester or plan.organisation).timezone
        for _ in range(50):
            moment = low + (high - low) * self.rng.random()
            day = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
            if day.weekday() >= 5 and self.rng.random() < 0.9:
                continue
            instant = local_instant(day, self._hour(plan.channel), timezone)
            if self.start <= instant <= self.now - timedelta(minutes=30):
                return instant
        return low

    def _hour(self, channel: Channel) -> float:
        if channel == Channel.PHONE:
            return self.rng.uniform(9, 17.5)
        if self.rng.random() < 0.12:
            return self.rng.uniform(18.5, 22)
        return self.rng.uniform(7.5, 18.5)

    def _webinars(self) -> list[Plan]:
        sessions = (
            (WEBINAR_TITLES[0], "pass_iae", self.deadline - timedelta(days=35)),
            (WEBINAR_TITLES[1], "cdi_inclusion", (self.start + timedelta(days=70)).date()),
            (WEBINAR_TITLES[2], "marches_publics", (self.now - timedelta(days=60)).date()),
        )
        plans: list[Plan] = []
        for title, topic, day in sessions:
            start = local_instant(next_weekday(day, 1), 11, PARIS)
            pool = [q for q in QUESTIONS if q["topic"] == topic and not q.get("campaign")
                    and q.get("asker", "member") == "member" and not q.get("urgent_case")]
            for _ in range(WEBINAR_QUESTIONS):
                plan = self._member_plan(self.rng.choice(pool))
                plan.channel, plan.level, plan.webinar = Channel.WEBINAR, None, title
                plan.logged_by = self._national_staff(plan.question)
                plan.received_at = start + timedelta(minutes=self.rng.randint(10, 80))
                plans.append(plan)
        return [p for p in plans if p.received_at < self.now - timedelta(hours=3)]

    def _scripted(self) -> list[Plan]:
        """The README scenario (done once, and waiting live in the IDF queue) and a recent desk."""
        adherent = self.cast.first_adherent
        paris = calendar_of(adherent)
        past = next_business_instant(paris, self.now - timedelta(days=40)) + timedelta(minutes=72)
        plans = [
            Plan(self.questions["contrat_mad_mentions"], past, Channel.WEB, requester=adherent,
                 organisation=adherent.organisation, script="escalation"),
            Plan(self.questions["cdi_inclusion_modele"], self._business_days_ago(0.6),
                 Channel.WEB, requester=adherent, organisation=adherent.organisation,
                 script="live"),
        ]
        for key, script, days_ago in RECENT_SCRIPTS:
            plan = self._with_requester(self.questions[key])
            if plan.channel in (Channel.PHONE, Channel.WEBINAR):
                plan.channel, plan.logged_by = Channel.EMAIL, None
            plan.level, plan.script = None, script
            plan.received_at = self._business_days_ago(days_ago)
            plans.append(plan)
        return plans

    def _business_days_ago(self, days: float) -> datetime:
        paris = business_calendar(PARIS, None)
        return add_business_seconds(paris, self.now, -int(days * 9 * 3600)) + timedelta(
            minutes=self.rng.randint(0, 40))


def specialty_for(question: dict, topics: dict[str, Topic]) -> str | None:
    """The jurist specialty a question needs: urgent cases first, then its topic."""
    case = question.get("urgent_case")
    if case in BUSINESS_AFFAIRS_CASES:
        return "droit_des_affaires"
    if case in REPORT_URGENT_CASES:
        return "droit_social"
    return topics[question["topic"]].specialty


# --- one ticket's life ------------------------------------------------------------------------


class _Life:
    """Open one ticket and take it through triage, answers and closure, step by step."""

    def __init__(self, story: _Story, plan: Plan, number: int):
        self.story = story
        self.cast = story.cast
        self.rng = story.rng
        self.plan = plan
        self.number = number
        self.clock = Clock(plan.received_at, story.now, story.rng)
        self.ticket: Ticket | None = None
        self.responder: User | None = None

    def live(self) -> None:
        """Open the ticket, then follow its script until it is closed or `now` is reached."""
        self._open()
        try:
            if self.plan.script == "escalation":
                self._scenario()
            elif self.plan.script == "live":
                return
            elif self.plan.script in ("waiting", "reopened"):
                self._recent(self.plan.script)
            elif self.plan.urgent_case in REPORT_URGENT_CASES and \
                    self.ticket.urgent_case in REPORT_URGENT_CASES:
                self._urgent()
            elif self.ticket.queue == Queue.DELEGATION:
                self._at_delegation()
            else:
                self._at_national()
        except PastTheEnd:
            pass

    # opening --------------------------------------------------------------------------

    def _open(self) -> None:
        plan = self.plan
        # Staff log calls and webinar questions afterwards; the clock still starts at receipt.
        opened_at = plan.received_at
        if plan.channel == Channel.PHONE:
            opened_at += timedelta(minutes=self.rng.randint(10, 45))
        elif plan.channel == Channel.WEBINAR:
            opened_at += timedelta(minutes=90)
        opened_at = min(opened_at, self.story.now)
        self.clock.at = opened_at
        self.ticket = tickets.open_ticket(
            self._opener(), subject=self._text(plan.question["subject"]), body=self._body(),
            now=opened_at, organisation=plan.organisation,
            topic=self.cast.topics[plan.question["topic"]], channel=plan.channel,
            received_at=plan.received_at, requester=plan.requester, contact=plan.contact,
            level=plan.level or plan.question.get("level"),
            priority=Priority.URGENT if plan.urgent_case else None,
            external_id=self._external_id(), sender=self._sender(),
            campaign=CAMPAIGN_TAG if plan.campaign else None,
        )

    def _opener(self) -> User | None:
        plan = self.plan
        if plan.logged_by is not None:
            return plan.logged_by
        if plan.requester is not None and plan.channel == Channel.WEB:
            return plan.requester
        return None  # e-mail and WhatsApp arrive through the intake channel, not a person

    def _text(self, template: str) -> str:
        deadline = self.story.deadline
        return template.replace("{deadline}", f"{deadline.day} {MONTHS_FR[deadline.month - 1]}")

    def _body(self) -> str:
        plan = self.plan
        body = self._text(plan.question["body"])
        if plan.channel == Channel.PHONE:
            return f"(Appel téléphonique) {body}"
        if plan.channel == Channel.WEBINAR:
            return f"(Question posée pendant le webinaire « {plan.webinar} ») {body}"
        if plan.channel == Channel.EMAIL:
            return f"Bonjour,\n\n{body}\n\nCordialement,\n{self._signature_of_requester()}"
        return body

    def _signature_of_requester(self) -> str:
        if self.plan.requester is not None:
            org = self.plan.requester.organisation
            return self.plan.requester.name + (f"\n{org.name}" if org else "")
        contact = self.plan.contact
        return contact.name + (f"\n{contact.organisation.name}" if contact.organisation else "")

    def _external_id(self) -> str | None:
        token = f"{self.rng.getrandbits(64):016x}"
        if self.plan.channel == Channel.EMAIL:
            return f"<demo.{self.number:05d}.{token}@{DEMO_DOMAIN}>"
        if self.plan.channel == Channel.WHATSAPP:
            return f"SMdemo{self.number:05d}{token}"
        return None

    def _sender(self) -> str | None:
        if self.plan.channel == Channel.WHATSAPP and self.plan.requester is not None:
            return f"whatsapp:{self.plan.requester.phone}"
        return None

    # paths ----------------------------------------------------------------------------

    def _scenario(self) -> None:
        """Adherent asks, the IDF delegate escalates, the social-law jurist answers, closed."""
        delegate = self.cast.delegates_of(self.ticket.organisation)[0]
        jurist = self.cast.jurists["droit_social"]
        self.clock.after(3, calendar_of(delegate))
        tickets.claim_ticket(delegate, self.ticket, now=self.clock.at)
        tickets.add_internal_note(delegate, self.ticket, INTERNAL_NOTES[3],
                                  now=self.clock.minutes(20, 40))
        tickets.escalate_ticket(delegate, self.ticket, ESCALATION_REASONS[3],
                                now=self.clock.minutes(5, 15))
        tickets.claim_ticket(jurist, self.ticket, now=self.clock.after(6, calendar_of(jurist)))
        self.responder = jurist
        self._answer(self.clock.after(10, calendar_of(jurist)))
        tickets.close_ticket(self.plan.requester, self.ticket,
                             now=self.clock.after(9, calendar_of(self.plan.requester)))

    def _recent(self, script: str) -> None:
        """Stop a recent ticket waiting for the requester, or just reopened by a follow-up."""
        self.responder = self._take_national(self.rng.uniform(1, 4))
        calendar = calendar_of(self.responder)
        if script == "waiting":
            clarification = CLARIFICATIONS[2 if self.plan.question["topic"] == "dialogue_social"
                                           else 3]
            tickets.record_answer(self.responder, self.ticket, self._signed(clarification),
                                  status=Status.WAITING_ON_REQUESTER,
                                  now=self.clock.after(self.rng.uniform(2, 6), calendar))
            return
        self._answer(self.clock.after(self.rng.uniform(8, 20), calendar))
        self._requester_writes(self.rng.choice(FOLLOW_UPS), self.rng.uniform(4, 10))

    def _urgent(self) -> None:
        """One of the five report cases: a jurist within hours, confidential, a call, an answer."""
        caller = self.ticket.relayed_by or (
            self.plan.requester if self.plan.requester and self.rng.random() < 0.5 else None)
        if caller is not None:
            tickets.request_callback(caller, self.ticket, self.rng.choice(CALLBACK_NOTES),
                                     now=self.clock.minutes(2, 10))
        jurist = self._take_national(lognormal_hours(self.rng, 0.7, 0.6, 4))
        calendar = calendar_of(jurist)
        if not self.ticket.confidential:
            tickets.classify_ticket(jurist, self.ticket, confidential=True,
                                    reason=CONFIDENTIAL_REASON, now=self.clock.minutes(1, 5))
        tickets.add_internal_note(jurist, self.ticket, self.rng.choice(URGENT_NOTES),
                                  now=self.clock.after(self.rng.uniform(0.5, 2), calendar))
        self.responder = jurist
        self._answer(self.clock.after(self.rng.uniform(0.5, 3), calendar))
        self._after_answer()

    def _at_delegation(self) -> None:
        """First level: a delegate of the region takes it, answers or escalates."""
        delegate = self._delegate()
        calendar = calendar_of(delegate)
        if self.plan.logged_by is delegate:  # taken on the phone: answered during the call
            tickets.claim_ticket(delegate, self.ticket, now=self.clock.minutes(1, 5))
        else:
            tickets.claim_ticket(delegate, self.ticket,
                                 now=self.clock.after(self._claim_delay(expert=False), calendar))
        self._clear_false_alarm(delegate, calendar)
        if self.rng.random() < 0.2 and self.ticket.priority != Priority.URGENT:
            self._escalate(delegate, calendar)
            return
        self.responder = delegate
        self._work_and_answer(calendar, expert=False)

    def _escalate(self, delegate: User, calendar: BusinessCalendar) -> None:
        if self.rng.random() < 0.5:
            tickets.add_internal_note(delegate, self.ticket, self.rng.choice(INTERNAL_NOTES),
                                      now=self.clock.after(self.rng.uniform(0.2, 3), calendar))
        tickets.escalate_ticket(delegate, self.ticket, self.rng.choice(ESCALATION_REASONS),
                                now=self.clock.after(self.rng.uniform(0.2, 4), calendar))
        self._at_national()

    def _at_national(self) -> None:
        """Expert level: the jurist picks it up (claimed, assigned or auto-assigned), answers."""
        misrouted = self.plan.level == Level.EXPERT and bool(
            self.cast.delegates.get(self.ticket.region_id))
        # Triage of a misrouted question is quick: the delegation must still answer in time.
        jurist = self._take_national(lognormal_hours(self.rng, 1.5, 0.5, 3) if misrouted
                                     else self._claim_delay(expert=True))
        calendar = calendar_of(jurist)
        if misrouted:
            tickets.deescalate_ticket(jurist, self.ticket, self.rng.choice(DEESCALATION_REASONS),
                                      now=self.clock.after(self.rng.uniform(0.2, 1), calendar))
            self.plan.level = None
            self._at_delegation()
            return
        self._clear_false_alarm(jurist, calendar)
        self.responder = self._maybe_reassign(jurist)
        self._work_and_answer(calendar_of(self.responder), expert=True)

    def _take_national(self, delay: float) -> User:
        """The jurist in charge after `delay`: auto-assigned, claimed or assigned by the manager."""
        assignee = self.ticket.assignee
        if assignee is not None and assignee.role == Role.JURIST:
            self.clock.after(delay, calendar_of(assignee))  # when the jurist opens it
            return assignee
        jurist = self.cast.jurists.get(specialty_for(self.plan.question, self.cast.topics)) or \
            self.rng.choice(list(self.cast.jurists.values()))
        at = self.clock.after(delay, calendar_of(jurist))
        # A confidential ticket is invisible to an unassigned jurist: the manager assigns it.
        if self.ticket.confidential or self.rng.random() < 0.25:
            tickets.assign_ticket(self.cast.manager, self.ticket, jurist, now=at)
        else:
            tickets.claim_ticket(jurist, self.ticket, now=at)
        return jurist

    def _clear_false_alarm(self, worker: User, calendar: BusinessCalendar) -> None:
        """Triage only suggests urgency: a human lowers a false alarm, with a reason.

        Near deadlines detected by triage (the Pass IAE peak) are real: they stay urgent.
        """
        if self.ticket.priority != Priority.URGENT or self.plan.urgent_case or \
                self.ticket.urgent_case not in REPORT_URGENT_CASES:
            return
        at = self.clock.after(self.rng.uniform(0.1, 1), calendar)
        tickets.set_urgency(worker, self.ticket, False, FALSE_ALARM_REASON, now=at)
        if self.ticket.confidential and worker.role in (Role.JURIST, Role.MANAGER):
            tickets.classify_ticket(worker, self.ticket, confidential=False,
                                    reason=FALSE_ALARM_REASON, now=self.clock.minutes(1, 3))

    def _maybe_reassign(self, jurist: User) -> User:
        """Now and then the manager rebalances the load between the two jurists."""
        if self.rng.random() >= 0.04 or self.ticket.priority == Priority.URGENT or \
                self.ticket.confidential:
            return jurist
        other = next(j for j in self.cast.jurists.values() if j is not jurist)
        tickets.assign_ticket(self.cast.manager, self.ticket, other,
                              reason="Rééquilibrage de la charge pendant des congés.",
                              now=self.clock.after(self.rng.uniform(1, 9), calendar_of(other)))
        return other

    def _work_and_answer(self, calendar: BusinessCalendar, *, expert: bool) -> None:
        worker = self.responder
        if self.rng.random() < 0.6:
            tickets.set_status(worker, self.ticket, Status.IN_PROGRESS,
                               now=self.clock.after(self.rng.uniform(0.1, 1), calendar))
        if self.rng.random() < (0.35 if expert else 0.12):
            tickets.add_internal_note(worker, self.ticket, self.rng.choice(INTERNAL_NOTES),
                                      now=self.clock.after(self.rng.uniform(0.2, 2), calendar))
        if self.rng.random() < 0.15 and not self._ask_details(calendar):
            return
        self._answer(self.clock.after(self._answer_delay(expert), calendar))
        self._after_answer()

    def _ask_details(self, calendar: BusinessCalendar) -> bool:
        """Ask the requester for documents; False if they never answer (closed by staff)."""
        tickets.record_answer(self.responder, self.ticket, self._signed(
            self.rng.choice(CLARIFICATIONS)), status=Status.WAITING_ON_REQUESTER,
            now=self.clock.after(self._answer_delay(expert=False) / 2, calendar))
        if self.rng.random() < 0.15:
            tickets.add_internal_note(self.responder, self.ticket,
                                      self.rng.choice(STAFF_CLOSE_NOTES),
                                      now=self.clock.after(self.rng.uniform(90, 130), calendar))
            tickets.set_status(self.responder, self.ticket, Status.CLOSED,
                               now=self.clock.minutes(1, 3))
            return False
        self._requester_writes(self.rng.choice(REQUESTER_DETAILS), lognormal_hours(
            self.rng, 20, 0.9, 120))
        return True

    def _answer(self, at: datetime) -> None:
        text = self.plan.question["answer"]
        tickets.record_answer(self.responder, self.ticket, self._signed(self._text(text)), now=at)

    def _after_answer(self) -> None:
        """Sometimes a follow-up question; then the requester or the desk closes, or not."""
        if self.rng.random() < 0.12:
            self._requester_writes(self.rng.choice(FOLLOW_UPS),
                                   lognormal_hours(self.rng, 16, 0.9, 80))
            calendar = calendar_of(self.responder)
            tickets.record_answer(self.responder, self.ticket,
                                  self._signed(self.rng.choice(FOLLOW_UP_ANSWERS)),
                                  now=self.clock.after(lognormal_hours(self.rng, 14, 0.9, 70),
                                                       calendar))
        roll = self.rng.random()
        closer = self.plan.requester  # contacts have no login: the desk closes for them
        if roll < 0.55 and closer is not None:
            tickets.close_ticket(closer, self.ticket, now=self.clock.after(
                lognormal_hours(self.rng, 8, 1.0, 80), calendar_of(closer)))
        elif roll < 0.88:
            tickets.close_ticket(self.responder, self.ticket, now=self.clock.after(
                self.rng.uniform(60, 120), calendar_of(self.responder)))

    def _requester_writes(self, text: str, business_hours: float) -> None:
        plan = self.plan
        if plan.requester is not None:
            at = self.clock.after(business_hours, calendar_of(plan.requester))
            channel = Channel.EMAIL if plan.channel == Channel.EMAIL else Channel.WEB
            tickets.add_requester_reply(plan.requester, self.ticket, text, now=at, channel=channel)
        else:
            at = self.clock.after(business_hours, calendar_of(plan.organisation))
            tickets.add_requester_reply(None, self.ticket, text, now=at, channel=Channel.EMAIL,
                                        sender=plan.contact.email)

    def _delegate(self) -> User:
        delegates = self.cast.delegates_of(self.ticket.organisation)
        if self.plan.logged_by in delegates:
            return self.plan.logged_by
        return self.rng.choice(delegates)

    # Delegations answer within the auto-escalation window (18 business hours by default);
    # jurists take from hours to about three weeks, a week or so on average.
    def _claim_delay(self, *, expert: bool) -> float:
        if self.ticket.priority == Priority.URGENT:
            return lognormal_hours(self.rng, 1, 0.6, 6)
        if not expert:
            return lognormal_hours(self.rng, 3 if self.plan.campaign else 2, 0.8, 5)
        return lognormal_hours(self.rng, 24 if self.plan.campaign else 16, 0.9, 60)

    def _answer_delay(self, expert: bool) -> float:
        if self.ticket.priority == Priority.URGENT:
            return lognormal_hours(self.rng, 2, 0.6, 9)
        if not expert:
            return lognormal_hours(self.rng, 2.5, 0.8, 5)
        return lognormal_hours(self.rng, 26 if self.plan.campaign else 20, 0.9, 75)

    def _signed(self, text: str) -> str:
        return f"Bonjour,\n\n{text}\n\nBien cordialement,\n{self.responder.name}\n" \
               f"{staff_title(self.responder)}"


def staff_title(user: User) -> str:
    """The signature line under a staff answer."""
    if user.role == Role.JURIST:
        field_name = "droit social" if user.specialty == "droit_social" else "droit des affaires"
        return f"Juriste en {field_name}, pôle ressources innovations et développement"
    if user.role == Role.DELEGATE:
        return f"Délégation régionale {user.region.name}"
    return "Responsable du pôle ressources innovations et développement"
