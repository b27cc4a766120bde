"""Plans a year of demo tickets: which question, who asks, on which channel, and when."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from legaldesk.auth.models import Contact, Organisation, RequesterType, User
from legaldesk.demo.campaigns import BUSINESS_AFFAIRS_CASES, REPORT_URGENT_CASES, campaign_deadline
from legaldesk.demo.cast import Cast, Member
from legaldesk.demo.clock import (
    PARIS,
    business_calendar,
    calendar_of,
    local_instant,
    next_weekday,
)
from legaldesk.demo.questions import QUESTIONS
from legaldesk.demo.ticket_texts import WEBINAR_TITLES
from legaldesk.sla.calendar import add_business_seconds, next_business_instant
from legaldesk.tickets.models import Channel, Level, Topic

REGULAR_TICKETS = 385
CAMPAIGN_TICKETS = 45
WEBINAR_QUESTIONS = 5
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


class Story:
    """A year of tickets ending at `now`, planned with one random generator the lives share."""

    def __init__(self, cast: Cast, rng: random.Random, now: datetime):
        self.cast = cast
        self.rng = rng
        self.now = now
        self.start = now - timedelta(days=365)
        self.deadline = campaign_deadline(now)
        self.questions = {q["key"]: q for q in QUESTIONS}

    def planned(self) -> list[Plan]:
        """Every planned ticket, in receipt order."""
        plans = self._plans()
        plans.sort(key=lambda p: p.received_at)
        return plans

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
