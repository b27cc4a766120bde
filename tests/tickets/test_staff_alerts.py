"""Staff e-mails carry free text only for who may read the ticket; escalation lands on a person."""

from __future__ import annotations

from datetime import datetime, timedelta

from legaldesk.auth.services import update_user
from legaldesk.core.extensions import db
from legaldesk.sla import services as sla
from legaldesk.tickets import access, moves, services
from legaldesk.tickets.models import Level, Queue, Status
from tests.conftest import NOW
from tests.tickets import need_to_know
from tests.tickets.need_to_know import (
    CASE_SECRETS,
    confidential_case,
    leaked,
    outbox_rows,
    topic,
)

people = need_to_know.people  # the shared fixture, used by name below
THURSDAY_NOON = datetime(2026, 3, 12, 11, 0)  # 12:00 in Paris: a normal first response is late
RESCRIT = ("Rescrit pour l'AI Les Tilleuls",
           "Marie Durand demande si l'AI Les Tilleuls peut émettre des reçus fiscaux.")
RESCRIT_SECRETS = ("Rescrit", "Tilleuls", "Marie Durand", "reçus fiscaux")


def by_recipient(rows) -> dict[str, list]:
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.recipient, []).append(row)
    return found


def test_confidential_urgent_alert_quotes_nothing_to_anyone(people):
    people["other_jurist"]
    ticket = confidential_case(people)
    rows = by_recipient(outbox_rows(purpose="urgent_ticket"))
    for key in ("relay", "region_delegate", "jurist", "manager"):
        (row,) = rows[people[key].email]
        assert leaked(row) == [], key
        assert ticket.reference in row.subject and "agression sexuelle" in row.subject.lower()
    assert "À traiter" in rows[people["jurist"].email][0].body  # she may act on it
    assert "À traiter" not in rows[people["relay"].email][0].body  # they may only follow it
    assert people["other_jurist"].email not in rows  # assigned: the other jurists are not told
    (ack,) = outbox_rows(purpose="urgent_ack")  # the requester's own mail is not staff mail
    assert ack.recipient == people["adherent"].email


def test_urgent_alert_quotes_no_subject_and_asks_only_readers_to_act(people):
    for key in ("region_delegate", "jurist", "manager"):
        people[key]
    ticket = services.open_ticket(people["adherent"], subject=RESCRIT[0], body=RESCRIT[1],
                                  now=NOW, topic=topic("mecenat_rescrit"))
    moves.assign_ticket(people["manager"], ticket, None, now=NOW)
    moves.set_urgency(people["manager"], ticket, True, "Contrôle fiscal lundi", now=NOW)
    db.session.commit()
    assert ticket.queue == Queue.NATIONAL and not ticket.confidential
    rows = by_recipient(outbox_rows(purpose="urgent_ticket"))
    delegate_row = rows[people["region_delegate"].email][0]
    assert not access.may_read_ticket(people["region_delegate"], ticket)
    assert leaked(delegate_row, RESCRIT_SECRETS) == []
    assert ticket.reference in delegate_row.subject and "sans son contenu" in delegate_row.body
    for reader in ("jurist", "manager"):
        row = rows[people[reader].email][0]
        assert leaked(row, RESCRIT_SECRETS) == [] and "À traiter" in row.body


def test_sla_notices_quote_only_readers(people):
    people["region_delegate"], people["manager"]  # a delegation queue, managers for breaches
    readable = services.open_ticket(people["adherent"], subject="Durée PMSMP Kessler",
                                    body="Durée ?", now=NOW, topic=topic("pmsmp"))
    hidden = services.open_ticket(people["adherent"], subject="Durée PMSMP Kessler Vireux",
                                  body="Durée ?", now=NOW, topic=topic("pmsmp"))
    moves.classify_ticket(people["manager"], hidden, now=NOW, confidential=True)
    db.session.commit()
    assert hidden.queue == readable.queue == Queue.DELEGATION
    sla.check_sla(THURSDAY_NOON)
    db.session.commit()
    rows = [r for r in outbox_rows(purpose="sla_breach")
            if r.recipient == people["region_delegate"].email]
    quoted = {r.ticket_id: r for r in rows}
    assert "Kessler" in quoted[readable.id].body
    assert leaked(quoted[hidden.id]) == [] and hidden.reference in quoted[hidden.id].body
    manager_rows = [r for r in outbox_rows(purpose="sla_breach")
                    if r.recipient == people["manager"].email]
    assert [leaked(r) for r in manager_rows if r.ticket_id == hidden.id] == [[]]


def test_daily_digest_hides_confidential_subjects(people):
    case = confidential_case(people)
    plain = services.open_ticket(people["adherent"], subject="Rupture conventionnelle",
                                 body="Quelle procédure ?", now=NOW,
                                 topic=topic("ressources_humaines"))
    db.session.commit()
    assert plain.assignee == case.assignee == people["jurist"]
    sla.queue_daily_digests(NOW + timedelta(days=1))
    (digest,) = [r for r in outbox_rows(purpose="daily_digest")
                 if r.recipient == people["jurist"].email]
    assert leaked(digest) == [] and case.reference in digest.body
    assert "Rupture conventionnelle" in digest.body


def test_callback_notice_without_free_text_for_a_confidential_ticket(people):
    ticket = confidential_case(people)
    moves.request_callback(people["adherent"], ticket, "Rappelez Mme Kessler au 06 11 22 33 44",
                           now=NOW)
    db.session.commit()
    (row,) = outbox_rows(purpose="callback_request")
    assert row.recipient == people["jurist"].email
    assert leaked(row) == [] and "06 11" not in row.body and "Marie" not in row.body
    assert ticket.reference in row.body


def test_escalation_lands_on_the_least_loaded_jurist_of_the_specialty(people, make):
    people["region_delegate"], people["other_jurist"], people["manager"]
    busy, free = people["jurist"], make.user("jurist", specialty="droit_social", name="Léa Libre")
    services.open_ticket(people["adherent"], subject="Rupture", body="Procédure ?", now=NOW,
                         topic=topic("ressources_humaines"))  # auto-assigned to `busy`
    ticket = services.open_ticket(people["adherent"], subject="Durée PMSMP Kessler",
                                  body="Durée ?", now=NOW, topic=topic("pmsmp"))
    db.session.commit()
    assert ticket.queue == Queue.DELEGATION
    moves.escalate_ticket(people["region_delegate"], ticket, "Situation individuelle Vireux",
                          now=NOW)
    db.session.commit()
    assert (ticket.queue, ticket.level) == (Queue.NATIONAL, Level.EXPERT)
    assert ticket.assignee == free and ticket.status == Status.ASSIGNED
    assert ticket.relayed_by == people["region_delegate"]
    (row,) = outbox_rows(purpose="escalation_assigned")
    assert row.recipient == free.email and "Vireux" in row.body  # she may read it
    assert outbox_rows(purpose="escalation_unassigned") == []
    assert busy.email not in {r.recipient for r in outbox_rows(purpose="escalation_assigned")}


def test_escalation_of_a_confidential_ticket_tells_its_jurist_nothing_more(people):
    people["region_delegate"], people["manager"], people["jurist"]
    ticket = services.open_ticket(people["adherent"], subject="Durée PMSMP Kessler",
                                  body="Durée ?", now=NOW, topic=topic("pmsmp"))
    moves.classify_ticket(people["manager"], ticket, now=NOW, confidential=True)
    moves.escalate_ticket(people["manager"], ticket, "Violences à Vireux", now=NOW)
    db.session.commit()
    assert ticket.assignee == people["jurist"]
    (row,) = outbox_rows(purpose="escalation_assigned")
    assert leaked(row) == [] and ticket.reference in row.body
    assert access.get_ticket(people["jurist"], ticket.reference) == ticket


def test_escalation_without_available_jurist_waits_and_alerts_managers(people, make):
    people["region_delegate"], people["manager"]
    second_manager = make.user("manager", name="Marc Manager")
    update_user(None, people["jurist"], away_until=NOW + timedelta(days=10))
    db.session.commit()
    ticket = services.open_ticket(people["adherent"], subject="Durée PMSMP Kessler",
                                  body="Durée ?", now=NOW, topic=topic("pmsmp"))
    moves.escalate_ticket(people["region_delegate"], ticket, "Trop technique", now=NOW)
    db.session.commit()
    assert ticket.queue == Queue.NATIONAL and ticket.assignee is None
    assert ticket.status == Status.NEW
    rows = outbox_rows(purpose="escalation_unassigned")
    assert {r.recipient for r in rows} == {people["manager"].email, second_manager.email}
    assert all("Kessler" in r.body for r in rows)  # managers may read it
    assert outbox_rows(purpose="escalation_assigned") == []


def test_auto_escalation_assigns_too_and_falls_back_to_managers(people, make):
    people["region_delegate"], people["manager"], people["jurist"]
    monday = datetime(2026, 3, 9, 8, 0)
    social = services.open_ticket(people["adherent"], subject="PMSMP", body="Durée ?",
                                  now=monday, topic=topic("pmsmp"))
    other = services.open_ticket(people["adherent"], subject="Question", body="Autre chose ?",
                                 now=monday, level="first_level")  # no topic: no specialty
    db.session.commit()
    assert other.queue == Queue.DELEGATION and other.topic.specialty is None
    assert moves.auto_escalate_overdue(datetime(2026, 3, 11, 10, 0)) == 2
    db.session.commit()
    assert social.assignee == people["jurist"] and social.status == Status.ASSIGNED
    assert other.assignee is None and other.queue == Queue.NATIONAL
    assert [r.ticket_id for r in outbox_rows(purpose="escalation_assigned")] == [social.id]
    assert [r.ticket_id for r in outbox_rows(purpose="escalation_unassigned")] == [other.id]
    assert not [s for s in CASE_SECRETS if s in str(outbox_rows())]
