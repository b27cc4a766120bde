"""Triage-driven routing: urgent cases, jurist assignment, absences, escalation rules, campaigns."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from legaldesk.auth.services import update_user
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.notify.models import Outbox
from legaldesk.tickets import campaigns, moves, services
from legaldesk.tickets.models import Level, Priority, Queue, Status
from tests.conftest import NOW

ACCIDENT = ("Accident sur un chantier",
            "Un salarié en parcours s'est blessé ce matin sur le chantier, il a été emmené aux "
            "urgences. Qui doit déclarer l'accident du travail ?")
LIQUIDATION = ("Liquidation judiciaire",
               "Le tribunal a prononcé la liquidation judiciaire de notre association hier. "
               "Que devient le salaire de nos salariés ?")
PMSMP = ("Durée d'une PMSMP", "Quelle est la durée maximale d'une PMSMP pour un salarié ?")


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    return {
        "org": org,
        "adherent": make.user("adherent", organisation=org),
        "delegate": make.user("delegate", region="IDF"),
        "social": make.user("jurist", specialty="droit_social"),
        "affaires": make.user("jurist", specialty="droit_des_affaires"),
        "manager": make.user("manager"),
    }


def ask(desk, question, **kw):
    ticket = services.open_ticket(desk["adherent"], subject=question[0], body=question[1],
                                  now=NOW, **kw)
    db.session.commit()
    return ticket


def outbox_to() -> set[str]:
    return {row.recipient for row in db.session.scalars(select(Outbox))}


def test_workplace_accident_goes_straight_to_social_law_jurist(desk):
    ticket = ask(desk, ACCIDENT)
    assert ticket.priority == Priority.URGENT and ticket.urgent_case == "accident_du_travail"
    assert ticket.level == Level.EXPERT and ticket.queue == Queue.NATIONAL
    assert ticket.assignee == desk["social"] and ticket.status == Status.ASSIGNED
    assert ticket.confidential
    assert ticket.topic.code == "sante_securite"
    recipients = outbox_to()
    for who in ("social", "delegate", "manager", "adherent"):
        assert desk[who].email in recipients
    assert any("accident" in reason for reason in ticket.triage["reasons"])


def test_liquidation_goes_to_business_law_jurist(desk):
    ticket = ask(desk, LIQUIDATION)
    assert ticket.urgent_case == "liquidation_judiciaire"
    assert ticket.assignee == desk["affaires"]


def test_first_level_question_is_not_urgent_and_stays_in_delegation(desk):
    ticket = ask(desk, PMSMP)
    assert ticket.priority == Priority.NORMAL and ticket.queue == Queue.DELEGATION
    assert ticket.topic.code == "pmsmp" and ticket.assignee is None
    assert outbox_to() == set()


def test_expert_ticket_goes_to_least_loaded_jurist(desk, make):
    second = make.user("jurist", specialty="droit_social")
    first = ask(desk, ("Licenciement", "Nous envisageons le licenciement pour faute grave d'un "
                                       "salarié en CDDI : quelle procédure suivre ?"))
    assert first.level == Level.EXPERT
    other = ask(desk, ("Rupture", "Un salarié en CDDI conteste la rupture de son contrat devant "
                                  "les prud'hommes : que risquons-nous ?"))
    assert {first.assignee, other.assignee} == {desk["social"], second}


def test_away_jurist_receives_nothing_and_backup_covers(desk, make):
    backup = make.user("jurist", specialty="droit_des_affaires", name="Backup")
    update_user(None, desk["social"], away_until=NOW + timedelta(days=7), backup=backup)
    db.session.commit()
    ticket = ask(desk, ACCIDENT)
    assert ticket.assignee == backup
    update_user(None, desk["social"], away_until=NOW - timedelta(days=1))
    db.session.commit()
    assert ask(desk, ACCIDENT).assignee == desk["social"]


def test_deadline_question_is_urgent_but_keeps_first_level(desk):
    ticket = ask(desk, ("Pass IAE", "Le pass IAE de notre salariée expire vendredi : comment "
                                    "demander la prolongation du pass ?"))
    assert ticket.priority == Priority.URGENT and ticket.urgent_case == "echeance_proche"
    assert ticket.level == Level.FIRST_LEVEL and ticket.queue == Queue.DELEGATION
    assert not ticket.confidential
    assert desk["delegate"].email in outbox_to()


def test_negation_does_not_raise_urgency(desk):
    ticket = ask(desk, ("Prévention", "Il n'y a pas eu d'accident, mais nous voulons mettre à "
                                      "jour notre document unique d'évaluation des risques."))
    assert ticket.priority == Priority.NORMAL


def test_explicit_topic_choice_is_kept(desk, app):
    from legaldesk.tickets.models import Topic
    chosen = db.session.scalar(select(Topic).where(Topic.code == "contrats"))
    ticket = ask(desk, ("Question", "Bonjour, une question générale."), topic=chosen)
    assert ticket.topic == chosen


def test_non_member_goes_to_national_triage_unassigned(desk, make):
    partner = make.organisation("Réseau ami", kind="partenaire", region="IDF")
    user = make.user("adherent", organisation=partner)
    ticket = services.open_ticket(user, subject="Licenciement", body="Nous envisageons un "
                                  "licenciement pour faute grave : quelle procédure ?", now=NOW)
    assert ticket.queue == Queue.NATIONAL and ticket.assignee is None
    assert ticket.requester_type == "reseau_partenaire"


def test_auto_escalation_after_business_delay(desk, app):
    monday = datetime(2026, 3, 9, 8, 0)  # 09:00 Paris
    ticket = services.open_ticket(desk["adherent"], subject=PMSMP[0], body=PMSMP[1], now=monday)
    db.session.commit()
    assert ticket.queue == Queue.DELEGATION
    assert moves.auto_escalate_overdue(datetime(2026, 3, 10, 16, 0)) == 0  # 16 h ouvrées
    assert moves.auto_escalate_overdue(datetime(2026, 3, 11, 10, 0)) == 1  # 19 h ouvrées
    db.session.commit()
    assert ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT
    event = next(e for e in ticket.events if e.action == "escalated")
    assert event.actor is None and "automatique" in event.reason
    assert moves.auto_escalate_overdue(datetime(2026, 3, 12, 10, 0)) == 0  # idempotent


def test_answered_ticket_is_not_auto_escalated(desk):
    monday = datetime(2026, 3, 9, 8, 0)
    ticket = services.open_ticket(desk["adherent"], subject=PMSMP[0], body=PMSMP[1], now=monday)
    services.record_answer(desk["delegate"], ticket, "Un mois.", now=monday + timedelta(hours=1))
    db.session.commit()
    assert moves.auto_escalate_overdue(datetime(2026, 3, 20, 10, 0)) == 0


def test_manual_urgency_is_audited_and_alerts(desk):
    ticket = ask(desk, PMSMP)
    moves.set_urgency(desk["delegate"], ticket, True, "Le salarié commence lundi", now=NOW)
    db.session.commit()
    assert ticket.priority == Priority.URGENT
    event = next(e for e in ticket.events if e.action == "priority")
    assert event.actor == desk["delegate"] and event.reason == "Le salarié commence lundi"
    assert desk["delegate"].email in outbox_to()
    with pytest.raises(InvalidInput):
        moves.set_urgency(desk["delegate"], ticket, False, "", now=NOW)


def test_campaign_reference_link_is_http_only(desk):
    for bad in ("javascript:alert(document.cookie)", "data:text/html,x", "/kb/notes/1"):
        with pytest.raises(InvalidInput, match="adresse web invalide"):
            campaigns.save_campaign(desk["manager"], "fin-pass", label="Fin", note_url=bad)
    saved = campaigns.save_campaign(desk["manager"], "fin-pass", label="Fin",
                                    note_url=" https://example.org/fiche ")
    assert saved.note_url == "https://example.org/fiche"
    assert campaigns.save_campaign(None, "fin-pass", label="Fin", note_url="  ").note_url is None


def test_campaign_rule_tags_and_one_action_answers_all(desk, make):
    other_org = make.organisation("AI Autre", region="IDF")
    other = make.user("adherent", organisation=other_org)
    campaigns.save_campaign(desk["manager"], "fin-pass-iae", label="Fin des Pass IAE",
                            keywords=["fin du pass", "pass IAE expire"],
                            note_url="https://example.org/kb/pass-iae")
    db.session.commit()
    a = ask(desk, ("Pass", "Que faire à la fin du pass de nos salariés en AI ?"))
    b = services.open_ticket(other, subject="Pass", body="Le Pass IAE expire le 30 novembre, que "
                             "faire ?", now=NOW)
    c = ask(desk, PMSMP)
    db.session.commit()
    assert (a.campaign, b.campaign, c.campaign) == ("fin-pass-iae", "fin-pass-iae", None)
    listed = campaigns.campaign_tickets(desk["delegate"], "fin-pass-iae")
    assert set(listed) == {a, b}
    campaigns.answer_campaign(desk["delegate"], "fin-pass-iae", [a.reference, b.reference],
                              "Voici la marche à suivre.", now=NOW)
    db.session.commit()
    for ticket in (a, b):
        assert ticket.status == Status.ANSWERED
        assert "https://example.org/kb/pass-iae" in ticket.messages[-1].body
    assert {desk["adherent"].email, other.email} <= outbox_to()
    with pytest.raises(InvalidInput):
        campaigns.answer_campaign(desk["delegate"], "fin-pass-iae", [c.reference], "x", now=NOW)


def test_triage_cli_prints_json_and_touches_nothing(app):
    from legaldesk.tickets.models import Ticket
    runner = app.test_cli_runner()
    result = runner.invoke(args=["triage", "--json"], input=ACCIDENT[0] + "\n" + ACCIDENT[1])
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["urgent"] is True and decision["urgent_case"] == "accident_du_travail"
    assert decision["level"] == "expert" and decision["specialty"] == "droit_social"
    assert decision["topic"] == "sante_securite" and decision["reasons"]
    result = runner.invoke(args=["triage", "--subject", "PMSMP", "--text", PMSMP[1]])
    assert result.exit_code == 0 and "pmsmp" in result.output
    assert db.session.scalar(select(Ticket.id)) is None


def test_deescalated_ticket_gets_a_fresh_delay(desk):
    monday = datetime(2026, 3, 9, 8, 0)
    ticket = services.open_ticket(desk["adherent"], subject="Licenciement", body="Nous "
                                  "envisageons un licenciement pour faute grave : procédure ?",
                                  now=monday)
    wednesday = datetime(2026, 3, 11, 10, 0)
    moves.deescalate_ticket(desk["social"], ticket, "Question de procédure générale",
                               now=wednesday)
    db.session.commit()
    assert moves.auto_escalate_overdue(wednesday + timedelta(hours=2)) == 0
    assert moves.auto_escalate_overdue(datetime(2026, 3, 13, 14, 0)) == 1


def test_deescalation_needs_an_active_delegate(desk, make):
    from legaldesk.core.errors import Conflict
    org = make.organisation("ACI Occitane", kind="ACI", region="OCC")  # no delegate listed
    adherent = make.user("adherent", organisation=org)
    ticket = services.open_ticket(adherent, subject="Licenciement", body="Procédure de "
                                  "licenciement pour faute grave ?", now=NOW)
    with pytest.raises(Conflict):
        moves.deescalate_ticket(desk["social"], ticket, "Question générale", now=NOW)


def test_delegate_own_question_stays_in_their_region(desk):
    ticket = services.open_ticket(desk["delegate"], subject="Question de la délégation",
                                  body="Quelle est la position sur le cumul d'emplois ?", now=NOW)
    assert ticket.region.code == "IDF" and ticket.queue == Queue.NATIONAL
    assert ticket.requester_type == "delegation"
