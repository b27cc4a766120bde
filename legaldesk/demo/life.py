"""Each demo ticket's life through the ticket services: triage, answers, follow-ups, closure."""

from __future__ import annotations

from datetime import datetime, timedelta

from legaldesk.auth.models import Role, User
from legaldesk.demo.campaigns import CAMPAIGN_TAG, REPORT_URGENT_CASES
from legaldesk.demo.clock import Clock, PastTheEnd, calendar_of, lognormal_hours
from legaldesk.demo.plans import Plan, Story, specialty_for
from legaldesk.demo.ticket_texts import (
    CALLBACK_NOTES,
    CLARIFICATIONS,
    CONFIDENTIAL_REASON,
    DEESCALATION_REASONS,
    ESCALATION_REASONS,
    FALSE_ALARM_REASON,
    FOLLOW_UP_ANSWERS,
    FOLLOW_UPS,
    INTERNAL_NOTES,
    REQUESTER_DETAILS,
    STAFF_CLOSE_NOTES,
    URGENT_NOTES,
)
from legaldesk.demo.wording import (
    external_id,
    fill_deadline,
    opening_body,
    signed,
    whatsapp_sender,
)
from legaldesk.sla.calendar import BusinessCalendar
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Channel, Level, Priority, Queue, Status, Ticket


def play_story(story: Story) -> None:
    """Create every planned ticket in receipt order and live its history up to `now`."""
    for number, plan in enumerate(story.planned()):
        TicketLife(story, plan, number).live()


class TicketLife:
    """Open one ticket and take it through triage, answers and closure, step by step."""

    def __init__(self, story: Story, plan: Plan, number: int):
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
            self._opener(), subject=fill_deadline(plan.question["subject"], self.story.deadline),
            body=opening_body(plan, self.story.deadline),
            now=opened_at, organisation=plan.organisation,
            topic=self.cast.topics[plan.question["topic"]], channel=plan.channel,
            received_at=plan.received_at, requester=plan.requester, contact=plan.contact,
            level=plan.level or plan.question.get("level"),
            priority=Priority.URGENT if plan.urgent_case else None,
            external_id=external_id(plan, self.number, self.rng), sender=whatsapp_sender(plan),
            campaign=CAMPAIGN_TAG if plan.campaign else None,
        )

    def _opener(self) -> User | None:
        plan = self.plan
        if plan.logged_by is not None:
            return plan.logged_by
        if plan.requester is not None and plan.channel == Channel.WEB:
            return plan.requester
        return None  # e-mail and WhatsApp arrive through the intake channel, not a person

    # paths ----------------------------------------------------------------------------

    def _scenario(self) -> None:
        """Adherent asks, the IDF delegate escalates, the social-law jurist answers, closed."""
        delegate = self.cast.delegates_of(self.ticket.organisation)[0]
        jurist = self.cast.jurists["droit_social"]
        self.clock.after(3, calendar_of(delegate))
        ticket_moves.claim_ticket(delegate, self.ticket, now=self.clock.at)
        tickets.add_internal_note(delegate, self.ticket, INTERNAL_NOTES[3],
                                  now=self.clock.minutes(20, 40))
        ticket_moves.escalate_ticket(delegate, self.ticket, ESCALATION_REASONS[3],
                                now=self.clock.minutes(5, 15))
        at = self.clock.after(6, calendar_of(jurist))  # the escalation usually landed on her
        if self.ticket.assignee is None:
            ticket_moves.claim_ticket(jurist, self.ticket, now=at)
        elif self.ticket.assignee != jurist:
            ticket_moves.assign_ticket(self.cast.manager, self.ticket, jurist, now=at)
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
        # The delegate who relayed a confidential case may only follow it (need-to-know).
        relay = None if self.ticket.confidential else self.ticket.relayed_by
        caller = relay or (
            self.plan.requester if self.plan.requester and self.rng.random() < 0.5 else None)
        if caller is not None:
            ticket_moves.request_callback(caller, self.ticket, self.rng.choice(CALLBACK_NOTES),
                                     now=self.clock.minutes(2, 10))
        jurist = self._take_national(lognormal_hours(self.rng, 0.7, 0.6, 4))
        calendar = calendar_of(jurist)
        if not self.ticket.confidential:
            ticket_moves.classify_ticket(jurist, self.ticket, confidential=True,
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
            ticket_moves.claim_ticket(delegate, self.ticket, now=self.clock.minutes(1, 5))
        else:
            ticket_moves.claim_ticket(delegate, self.ticket,
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
        ticket_moves.escalate_ticket(delegate, self.ticket, self.rng.choice(ESCALATION_REASONS),
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
        self._clear_false_alarm(jurist, calendar)
        # A confidential case never goes back to a delegation: delegates may not read it.
        if misrouted and not self.ticket.confidential:
            ticket_moves.deescalate_ticket(
                jurist, self.ticket, self.rng.choice(DEESCALATION_REASONS),
                now=self.clock.after(self.rng.uniform(0.2, 1), calendar))
            self.plan.level = None
            self._at_delegation()
            return
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
            ticket_moves.assign_ticket(self.cast.manager, self.ticket, jurist, now=at)
        else:
            ticket_moves.claim_ticket(jurist, self.ticket, now=at)
        return jurist

    def _clear_false_alarm(self, worker: User, calendar: BusinessCalendar) -> None:
        """Triage only suggests urgency: a human lowers a false alarm, with a reason.

        Near deadlines detected by triage (the Pass IAE peak) are real: they stay urgent.
        """
        if self.ticket.priority != Priority.URGENT or self.plan.urgent_case or \
                self.ticket.urgent_case not in REPORT_URGENT_CASES:
            return
        at = self.clock.after(self.rng.uniform(0.1, 1), calendar)
        ticket_moves.set_urgency(worker, self.ticket, False, FALSE_ALARM_REASON, now=at)
        if self.ticket.confidential and worker.role in (Role.JURIST, Role.MANAGER):
            ticket_moves.classify_ticket(worker, self.ticket, confidential=False,
                                    reason=FALSE_ALARM_REASON, now=self.clock.minutes(1, 3))

    def _maybe_reassign(self, jurist: User) -> User:
        """Now and then the manager rebalances the load between the two jurists."""
        if self.rng.random() >= 0.04 or self.ticket.priority == Priority.URGENT or \
                self.ticket.confidential:
            return jurist
        other = next(j for j in self.cast.jurists.values() if j is not jurist)
        ticket_moves.assign_ticket(self.cast.manager, self.ticket, other,
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
        tickets.record_answer(self.responder, self.ticket,
                              self._signed(fill_deadline(text, self.story.deadline)), now=at)

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
        return signed(text, self.responder)
