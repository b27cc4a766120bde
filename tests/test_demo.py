"""The demo data set: sizes, roles, topics, territories, idempotence, access and coherence."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from legaldesk.auth.models import Organisation, Region, Role, User
from legaldesk.core.extensions import db
from legaldesk.demo.builder import load_demo
from legaldesk.demo.campaigns import CAMPAIGN_TAG, campaign_deadline
from legaldesk.demo.people import DELEGATES, FIRST_ADHERENT_EMAIL, login_emails
from legaldesk.demo.questions import QUESTIONS
from legaldesk.demo.ticket_texts import ESCALATION_REASONS
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.tickets.access import visible_tickets
from legaldesk.tickets.models import (
    Channel,
    Level,
    Message,
    MessageKind,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketEvent,
    Topic,
)
from tests.conftest import NOW, empty_tables

SCENARIO_SUBJECT = next(q["subject"] for q in QUESTIONS if q["key"] == "contrat_mad_mentions")

REPORT_CASES = {"accident_du_travail", "agression_sexuelle", "discours_xenophobe",
                "redressement_judiciaire", "liquidation_judiciaire"}


@pytest.fixture(scope="module")
def demo(_schema_app):
    """Load the demo once for this module (a full load takes seconds); tests only read it."""
    with _schema_app.app_context():
        summary = load_demo(NOW)
        db.session.commit()
        yield summary
        db.session.rollback()
        db.session.remove()
        empty_tables()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def all_tickets() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket)))


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_summary_counts_match_the_database_and_sizes_are_realistic(demo):
    counts = demo["counts"]
    assert demo["created"] is True
    assert counts["tickets"] == count(Ticket)
    assert counts["users"] == count(User)
    assert counts["organisations"] == count(Organisation)
    assert counts["messages"] == count(Message)
    assert counts["events"] == count(TicketEvent)
    assert 35 <= counts["organisations"] <= 60
    assert 400 <= counts["tickets"] <= 600
    assert counts["users"] >= 60


def test_every_role_kind_topic_channel_and_requester_type_is_present(demo):
    assert set(db.session.scalars(select(User.role).distinct())) == {r.value for r in Role}
    kinds = set(db.session.scalars(select(Organisation.kind).distinct()))
    assert kinds >= {"AI", "ACI", "EI", "ETTI", "ETT-ESS", "EITI", "EBE", "GES",
                     "Proxim'Services", "PTCE", "organisme_de_formation", "partenaire", "etat"}
    used_topics = set(db.session.scalars(select(Ticket.topic_id).distinct()))
    assert set(db.session.scalars(select(Topic.id).where(Topic.active.is_(True)))) <= used_topics
    channels = set(db.session.scalars(select(Ticket.channel).distinct()))
    assert channels >= {Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.WHATSAPP,
                        Channel.WEBINAR}
    requester_types = set(db.session.scalars(select(Ticket.requester_type).distinct()))
    assert requester_types >= {"adherent", "delegation", "reseau_partenaire", "service_etat",
                               "porteur_ptce"}
    assert all(e.isascii() and e.islower() for e in db.session.scalars(select(User.email)))
    assert set(db.session.scalars(select(User.locale).distinct())) == {"fr"}


def test_statuses_moves_and_notes_show_a_living_desk(demo):
    statuses = dict(db.session.execute(
        select(Ticket.status, func.count()).group_by(Ticket.status)).all())
    assert set(statuses) >= {Status.NEW, Status.WAITING_ON_REQUESTER, Status.REOPENED,
                             Status.ANSWERED, Status.CLOSED}
    assert statuses[Status.CLOSED] + statuses[Status.ANSWERED] > 0.8 * count(Ticket)
    actions = set(db.session.scalars(select(TicketEvent.action).distinct()))
    assert actions >= {"escalated", "deescalated", "assignee", "callback_requested"}
    assert count(Message, Message.kind == MessageKind.INTERNAL) > 50
    assert count(Ticket, Ticket.relayed_by_id.is_not(None)) > 0


def test_staff_accounts_and_delegates_follow_the_delegations(demo):
    delegate_regions = set(db.session.scalars(
        select(Region.code).join(User, User.region_id == Region.id)
        .where(User.role == Role.DELEGATE)))
    assert delegate_regions == set(DELEGATES)
    assert not delegate_regions & {"HDF", "OCC", "GUA", "CVL"}
    assert user("delegue3.nor@demo.legaldesk.fr").region.code == "NOR"
    assert user("delegue2.idf@demo.legaldesk.fr").role == Role.DELEGATE
    jurists = {u.email: u.specialty for u in db.session.scalars(
        select(User).where(User.role == Role.JURIST))}
    assert jurists == {"juriste.social@demo.legaldesk.fr": "droit_social",
                       "juriste.affaires@demo.legaldesk.fr": "droit_des_affaires"}
    logins = {email: role for email, role, _place in demo["logins"]}
    assert list(logins) == login_emails()
    assert logins[FIRST_ADHERENT_EMAIL] == Role.ADHERENT
    assert all(user(email).role == role for email, role in logins.items())


def test_first_adherent_is_the_demo_account_in_an_ile_de_france_ai(demo):
    first = db.session.scalar(
        select(User).where(User.role == Role.ADHERENT).order_by(User.id).limit(1))
    assert first.email == FIRST_ADHERENT_EMAIL
    assert first.organisation.kind == "AI" and first.organisation.region.code == "IDF"


def test_members_spread_over_every_delegation_and_overseas_time_zones(demo):
    member_regions = set(db.session.scalars(
        select(Region.code).join(Organisation, Organisation.region_id == Region.id)
        .where(Organisation.is_member.is_(True))))
    assert member_regions >= {r.code for r in db.session.scalars(
        select(Region).where(Region.is_national.is_(False)))}
    expected = {
        "Réunion": ("OI", "Indian/Reunion"), "Mayotte": ("OI", "Indian/Mayotte"),
        "Guadeloupe": ("GUA", "America/Guadeloupe"), "Guyane": ("GUY", "America/Cayenne"),
        "Martinique": (None, "America/Martinique"), "Corse": (None, "Europe/Paris"),
    }
    for territory, (region_code, timezone) in expected.items():
        orgs = list(db.session.scalars(
            select(Organisation).where(Organisation.territory == territory)))
        assert orgs, territory
        for org in orgs:
            assert org.effective_timezone == timezone
            assert (org.region.code if org.region else None) == region_code
    ges = [o for o in db.session.scalars(select(Organisation).where(Organisation.kind == "GES"))
           if o.children]
    assert ges and all(2 <= len(o.children) <= 3 for o in ges)
    non_members = list(db.session.scalars(
        select(Organisation).where(Organisation.is_member.is_(False))))
    assert 2 <= len(non_members) <= 3


def test_urgent_cases_and_the_pass_iae_peak(demo):
    tickets = all_tickets()
    report_urgent = [t for t in tickets
                     if t.priority == Priority.URGENT and t.urgent_case in REPORT_CASES]
    assert len({t.urgent_case for t in report_urgent}) == len(REPORT_CASES)
    assert all(t.confidential and t.level == Level.EXPERT for t in report_urgent)
    assert all(not t.confidential for t in tickets if t.urgent_case not in REPORT_CASES)
    peak = [t for t in tickets if t.campaign == CAMPAIGN_TAG]
    assert len(peak) >= 30 and {t.topic.code for t in peak} == {"pass_iae"}
    deadline = campaign_deadline(NOW)
    window = (deadline - timedelta(days=28), deadline + timedelta(days=5))
    assert all(window[0] <= t.received_at.date() <= window[1] for t in peak)


def test_second_load_adds_nothing(demo):
    before = {model: count(model) for model in (Organisation, User, Ticket, Message, Outbox)}
    again = load_demo(NOW + timedelta(days=3))
    db.session.commit()
    assert again["created"] is False
    assert again["counts"] == demo["counts"]
    assert again["logins"] == demo["logins"]
    assert {model: count(model) for model in before} == before


def test_demo_adherent_sees_only_its_organisation(demo):
    adherent = user(FIRST_ADHERENT_EMAIL)
    visible = {t.id for t in db.session.scalars(visible_tickets(adherent))}
    expected = {t.id for t in all_tickets() if t.organisation_id == adherent.organisation_id
                and (not t.confidential or t.requester_user_id == adherent.id)}
    assert len(visible) >= 10 and visible == expected
    assert len(visible) < count(Ticket) / 5


def test_readme_scenario_is_played_and_a_question_waits_in_the_idf_queue(demo):
    adherent = user(FIRST_ADHERENT_EMAIL)
    own = list(db.session.scalars(select(Ticket).where(Ticket.requester_user_id == adherent.id)))
    escalated = [t for t in own if any(e.action == "escalated" for e in t.events)]
    # The README story (other tickets of hers may be escalated by the random desk life).
    story = next(t for t in escalated if t.subject == SCENARIO_SUBJECT and any(
        e.reason == ESCALATION_REASONS[3] for e in t.events if e.action == "escalated"))
    escalation = next(e for e in story.events if e.action == "escalated")
    assert escalation.actor.role == Role.DELEGATE and escalation.actor.region.code == "IDF"
    answer = next(m for m in story.messages if m.kind == MessageKind.OUTBOUND)
    assert answer.author.email == "juriste.social@demo.legaldesk.fr"
    assert story.status == Status.CLOSED
    waiting = [t for t in own if t.status == Status.NEW and t.queue == Queue.DELEGATION]
    assert waiting and all(t.region.code == "IDF" for t in waiting)


def test_histories_are_coherent(demo):
    now = NOW.replace(microsecond=0)
    for ticket in all_tickets():
        moments = [e.created_at for e in ticket.events] + [m.created_at for m in ticket.messages]
        assert ticket.received_at <= min(moments) and max(moments) <= now, ticket.reference
        if ticket.first_response_at is not None:
            assert ticket.first_response_at >= ticket.received_at, ticket.reference
        if ticket.status == Status.CLOSED:
            assert ticket.closed_at is not None and ticket.closed_at >= ticket.received_at
        if ticket.status in {Status.NEW, Status.ASSIGNED}:
            assert not any(m.kind == MessageKind.OUTBOUND for m in ticket.messages) or \
                any(e.action in {"escalated", "deescalated"} for e in ticket.events)
        if ticket.queue == Queue.DELEGATION:
            assert count(User, User.region_id == ticket.region_id, User.role == Role.DELEGATE,
                         User.active.is_(True)) > 0, ticket.reference
    assert count(Outbox, Outbox.status == OutboxStatus.PENDING) == 0


def test_response_times_look_like_the_desk(demo):
    delays = [(t.first_response_at - t.received_at).total_seconds() / 86400
              for t in all_tickets() if t.first_response_at is not None]
    assert 3 <= statistics.mean(delays) <= 10
    assert min(delays) < 0.2 and 12 <= max(delays) <= 25
