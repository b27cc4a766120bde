"""Service tests for tickets: creation, routing, access, conversation, moves and history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.notify.models import Outbox
from legaldesk.tickets import access, moves, queues, services
from legaldesk.tickets.models import Level, MessageKind, Queue, Status, Ticket, Topic
from tests.conftest import NOW


def topic(code: str) -> Topic:
    return db.session.scalar(select(Topic).where(Topic.code == code))


@pytest.fixture
def desk(make):
    """An IDF AI with an adherent, an IDF delegate, two jurists, a manager, and a second org."""
    org = make.organisation("AI Les Tilleuls", region="IDF", email_domains=["tilleuls.org"])
    other = make.organisation("ACI Jardins du Nord", kind="ACI", region="HDF")
    return {
        "org": org, "other": other,
        "adherent": make.user("adherent", organisation=org),
        "outsider": make.user("adherent", organisation=other),
        "delegate": make.user("delegate", region="IDF"),
        "delegate_bre": make.user("delegate", region="BRE"),
        "jurist": make.user("jurist", specialty="droit_social"),
        "jurist2": make.user("jurist", specialty="droit_des_affaires"),
        "manager": make.user("manager"),
    }


def ask(desk, topic_code="pmsmp", **kw):
    ticket = services.open_ticket(
        desk["adherent"], subject="Durée d'une PMSMP",
        body="Combien de temps peut durer une PMSMP ?",
        now=NOW, topic=topic(topic_code), **kw)
    db.session.commit()
    return ticket


def test_first_level_ticket_goes_to_delegation_queue_with_sequential_reference(desk):
    first = ask(desk)
    second = ask(desk)
    assert first.reference == "LD-2026-00001"
    assert second.reference == "LD-2026-00002"
    assert first.queue == Queue.DELEGATION and first.level == Level.FIRST_LEVEL
    assert first.region.code == "IDF"
    assert first.status == Status.NEW
    assert first.messages[0].kind == MessageKind.INBOUND
    assert [e.action for e in first.events] == ["created"]


def test_expert_topic_and_unknown_topic_go_national(desk):
    assert ask(desk, "procedures_collectives").queue == Queue.NATIONAL
    unknown = services.open_ticket(desk["adherent"], subject="Question", body="Texte", now=NOW)
    assert unknown.queue == Queue.NATIONAL and unknown.level == Level.EXPERT


def test_first_level_without_active_delegate_falls_back_to_national(desk, make):
    org = make.organisation("EI Côte d'Opale", kind="EI", region="HDF")  # no delegate in HDF
    adherent = make.user("adherent", organisation=org)
    ticket = services.open_ticket(adherent, subject="PMSMP", body="?", now=NOW,
                                  topic=topic("pmsmp"))
    assert ticket.queue == Queue.NATIONAL


def test_organisation_outside_delegations_goes_national(desk, make):
    org = make.organisation("ACI Maquis", kind="ACI", region=None, territory="Corse")
    adherent = make.user("adherent", organisation=org)
    ticket = services.open_ticket(adherent, subject="PMSMP", body="?", now=NOW,
                                  topic=topic("pmsmp"))
    assert ticket.queue == Queue.NATIONAL and ticket.region.code == "NAT"


def test_reference_numbering_restarts_each_year(desk):
    services.open_ticket(desk["adherent"], subject="a", body="b", now=NOW)
    old = services.open_ticket(desk["delegate"], subject="a", body="b", now=NOW,
                               organisation=desk["org"], channel="phone",
                               received_at=datetime(2025, 12, 31, 16, 0))
    assert old.reference == "LD-2025-00001"


def test_adherent_sees_only_own_organisation(desk):
    ticket = ask(desk)
    assert access.get_ticket(desk["adherent"], ticket.reference) == ticket
    with pytest.raises(NotFound):
        access.get_ticket(desk["outsider"], ticket.reference)
    assert queues.list_own_tickets(desk["outsider"]) == []


def test_ges_staff_see_child_structures(make, desk):
    ges = make.organisation("GES Solidaire", kind="GES", region="IDF")
    child = make.organisation("EI Filiale", kind="EI", region="IDF", parent=ges)
    ges_user = make.user("adherent", organisation=ges)
    child_user = make.user("adherent", organisation=child)
    ticket = services.open_ticket(child_user, subject="a", body="b", now=NOW)
    db.session.commit()
    assert access.get_ticket(ges_user, ticket.reference) == ticket


def test_delegate_sees_own_region_queue_only(desk):
    ticket = ask(desk)
    assert access.get_ticket(desk["delegate"], ticket.reference) == ticket
    with pytest.raises(NotFound):
        access.get_ticket(desk["delegate_bre"], ticket.reference)
    rows, total = queues.list_queue(desk["delegate"], "delegation", queues.QueueFilters(),
                                      now=NOW)
    assert total == 1 and rows == [ticket]
    with pytest.raises(Forbidden):
        queues.list_queue(desk["delegate"], "national", queues.QueueFilters(), now=NOW)


def test_confidential_ticket_visible_to_assignee_and_manager_only(desk):
    ticket = ask(desk, "sante_securite")
    moves.classify_ticket(desk["manager"], ticket, now=NOW, confidential=True)
    moves.assign_ticket(desk["manager"], ticket, desk["jurist"], now=NOW)
    db.session.commit()
    assert access.get_ticket(desk["jurist"], ticket.reference)
    assert access.get_ticket(desk["manager"], ticket.reference)
    assert access.get_ticket(desk["adherent"], ticket.reference)  # the requester
    with pytest.raises(NotFound):
        access.get_ticket(desk["jurist2"], ticket.reference)


def test_admins_administer_and_do_not_read_confidential_tickets(desk, make):
    admin = make.user("admin")
    ticket = ask(desk, "sante_securite")
    assert access.get_ticket(admin, ticket.reference) == ticket  # not confidential yet
    moves.classify_ticket(desk["manager"], ticket, now=NOW, confidential=True)
    db.session.commit()
    with pytest.raises(NotFound):
        access.get_ticket(admin, ticket.reference)
    rows, total = queues.list_queue(admin, "national", queues.QueueFilters(), now=NOW)
    assert total == 1 and rows[0].metadata_only  # a metadata row: no subject, no content


def test_escalation_moves_to_national_with_reason_and_history(desk):
    ticket = ask(desk)
    moves.claim_ticket(desk["delegate"], ticket, now=NOW)
    moves.escalate_ticket(desk["delegate"], ticket, "Litige prud'homal en vue", now=NOW)
    db.session.commit()
    assert ticket.queue == Queue.NATIONAL and ticket.level == Level.EXPERT
    # It lands on the social-law jurist (PMSMP), not in an unowned pile.
    assert ticket.assignee == desk["jurist"] and ticket.status == Status.ASSIGNED
    actions = [e.action for e in ticket.events]
    assert "escalated" in actions and actions.count("assignee") == 3
    escalated = next(e for e in ticket.events if e.action == "escalated")
    assert escalated.reason == "Litige prud'homal en vue" and escalated.actor == desk["delegate"]
    # The delegate still follows the ticket they relayed.
    assert access.get_ticket(desk["delegate"], ticket.reference) == ticket
    rows, _ = queues.list_queue(desk["jurist"], "national", queues.QueueFilters(), now=NOW)
    assert ticket in rows


def test_escalation_requires_reason(desk):
    ticket = ask(desk)
    with pytest.raises(InvalidInput):
        moves.escalate_ticket(desk["delegate"], ticket, "  ", now=NOW)


def test_deescalation_returns_to_delegation(desk):
    ticket = ask(desk, "ressources_humaines")
    assert ticket.queue == Queue.NATIONAL
    moves.deescalate_ticket(desk["jurist"], ticket, "Question générale", now=NOW)
    db.session.commit()
    assert ticket.queue == Queue.DELEGATION and ticket.level == Level.FIRST_LEVEL
    with pytest.raises(Forbidden):
        moves.deescalate_ticket(desk["delegate"], ticket, "x", now=NOW)


def test_answer_sets_first_response_notifies_and_adherent_reads_it(desk):
    ticket = ask(desk)
    later = NOW + timedelta(hours=3)
    services.add_internal_note(desk["delegate"], ticket, "Voir la fiche PMSMP", now=later)
    services.record_answer(desk["delegate"], ticket, "Un mois maximum, renouvelable une fois.",
                           now=later)
    db.session.commit()
    assert ticket.first_response_at == later and ticket.status == Status.ANSWERED
    assert ticket.assignee == desk["delegate"]
    seen = access.public_messages(desk["adherent"], ticket)
    assert [m.kind for m in seen] == ["inbound", "outbound"]
    assert len(access.public_messages(desk["delegate"], ticket)) == 3
    outbox = db.session.scalars(select(Outbox)).all()
    assert [o.recipient for o in outbox] == [desk["adherent"].email]


def test_adherent_cannot_answer_or_add_notes(desk):
    ticket = ask(desk)
    with pytest.raises(Forbidden):
        services.record_answer(desk["adherent"], ticket, "x", now=NOW)
    with pytest.raises(Forbidden):
        services.add_internal_note(desk["adherent"], ticket, "x", now=NOW)


def test_delegate_of_other_region_cannot_work_ticket(desk):
    ticket = ask(desk)
    with pytest.raises((Forbidden, NotFound)):
        moves.claim_ticket(desk["delegate_bre"], ticket, now=NOW)


def test_reply_reopens_answered_and_resumes_waiting(desk):
    ticket = ask(desk)
    services.record_answer(desk["delegate"], ticket, "Précisez", now=NOW,
                           status="waiting_on_requester")
    services.add_requester_reply(desk["adherent"], ticket, "Voici", now=NOW)
    assert ticket.status == Status.IN_PROGRESS
    services.record_answer(desk["delegate"], ticket, "Réponse", now=NOW)
    services.add_requester_reply(desk["adherent"], ticket, "Encore une question", now=NOW)
    assert ticket.status == Status.REOPENED and ticket.resolved_at is None


def test_close_and_reopen_by_adherent(desk):
    ticket = ask(desk)
    services.close_ticket(desk["adherent"], ticket, now=NOW)
    assert ticket.status == Status.CLOSED and ticket.closed_at == NOW
    services.reopen_ticket(desk["adherent"], ticket, now=NOW, reason="Pas clair")
    assert ticket.status == Status.REOPENED
    with pytest.raises(Conflict):
        services.reopen_ticket(desk["adherent"], ticket, now=NOW)


def test_claim_is_exclusive(desk):
    ticket = ask(desk)
    moves.claim_ticket(desk["delegate"], ticket, now=NOW)
    db.session.commit()
    with pytest.raises(Conflict):
        moves.claim_ticket(desk["jurist"], ticket, now=NOW)


def test_only_manager_reassigns_someone_elses_ticket(desk):
    ticket = ask(desk, "ressources_humaines")
    assert ticket.assignee == desk["jurist"]  # expert: assigned at once to the social-law jurist
    with pytest.raises(Forbidden):
        moves.assign_ticket(desk["jurist2"], ticket, desk["jurist2"], now=NOW)
    moves.assign_ticket(desk["manager"], ticket, desk["jurist2"], now=NOW, reason="charge")
    assert ticket.assignee == desk["jurist2"]


def test_classify_is_audited(desk):
    ticket = ask(desk)
    moves.classify_ticket(desk["jurist"], ticket, now=NOW, topic=topic("contrats"),
                             level="expert", priority="urgent", reason="Litige")
    changes = {(e.action, e.old_value, e.new_value) for e in ticket.events}
    assert ("topic", "pmsmp", "contrats") in changes
    assert ("priority", "normal", "urgent") in changes


def test_staff_log_phone_call_with_real_receipt_time(desk):
    received = NOW - timedelta(hours=5)
    ticket = services.open_ticket(desk["delegate"], subject="Appel", body="Question par téléphone",
                                  now=NOW, organisation=desk["org"], channel="phone",
                                  received_at=received)
    assert ticket.received_at == received and ticket.channel == "phone"
    assert ticket.relayed_by == desk["delegate"]
    assert ticket.requester_type == "adherent"
    with pytest.raises(InvalidInput):
        services.open_ticket(desk["delegate"], subject="a", body="b", now=NOW,
                             organisation=desk["org"], channel="phone",
                             received_at=NOW + timedelta(days=1))


def test_logged_call_requester_must_belong_to_the_chosen_organisation(desk):
    with pytest.raises(InvalidInput, match="n'appartient pas à la structure choisie"):
        services.open_ticket(desk["jurist"], subject="Appel", body="Question", now=NOW,
                             organisation=desk["org"], requester=desk["outsider"],
                             channel="phone")
    db.session.rollback()
    assert db.session.scalar(select(Ticket)) is None
    ticket = services.open_ticket(desk["jurist"], subject="Appel", body="Question", now=NOW,
                                  organisation=desk["org"], requester=desk["adherent"],
                                  channel="webinar")
    assert ticket.requester_user == desk["adherent"] and ticket.organisation == desk["org"]


def test_adherent_cannot_log_phone_or_ask_for_another_org(desk):
    with pytest.raises(Forbidden):
        services.open_ticket(desk["adherent"], subject="a", body="b", now=NOW, channel="phone")
    with pytest.raises(Forbidden):
        services.open_ticket(desk["adherent"], subject="a", body="b", now=NOW,
                             organisation=desk["other"])


def test_delegate_cannot_log_for_other_region(desk):
    with pytest.raises(Forbidden):
        services.open_ticket(desk["delegate_bre"], subject="a", body="b", now=NOW,
                             organisation=desk["org"], channel="phone")


def test_non_member_requester_goes_national_and_is_typed(make, desk):
    partner = make.organisation("Réseau Partenaire", kind="partenaire", region="IDF")
    contact_user = make.user("adherent", organisation=partner)
    ticket = services.open_ticket(contact_user, subject="PMSMP", body="?", now=NOW,
                                  topic=topic("pmsmp"))
    assert ticket.requester_type == "reseau_partenaire" and ticket.queue == Queue.NATIONAL


def test_callback_request_notifies_queue_staff(desk):
    ticket = ask(desk)
    moves.request_callback(desk["adherent"], ticket, "Joignable ce matin", now=NOW)
    db.session.commit()
    assert ticket.callback_requested_at == NOW
    recipients = {o.recipient for o in db.session.scalars(select(Outbox))}
    assert recipients == {desk["delegate"].email}


def test_attachments_are_checked_and_stored_by_hash(desk, app):
    ticket = ask(desk)
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    errors = services.attach_files(desk["adherent"], ticket, [
        services.UploadedFile("contrat.pdf", "application/pdf", b"%PDF-1.4 test"),
        services.UploadedFile("virus.exe", "application/octet-stream", b"MZ"),
        services.UploadedFile("gros.pdf", "application/pdf", b"x" * 2000),
    ], now=NOW)
    db.session.commit()
    assert len(errors) == 2 and "non autorisé" in errors[0] and "volumineux" in errors[1]
    assert [a.filename for a in ticket.attachments] == ["contrat.pdf"]
    from legaldesk.tickets.attachments import attachment_path
    assert attachment_path(ticket.attachments[0].sha256).read_bytes() == b"%PDF-1.4 test"


def test_queue_filters(desk):
    a = ask(desk, "pmsmp")
    b = ask(desk, "pass_iae")
    moves.classify_ticket(desk["jurist"], b, now=NOW, priority="urgent")
    db.session.commit()
    f = queues.QueueFilters(topic="pass_iae")
    rows, total = queues.list_queue(desk["delegate"], "delegation", f, now=NOW)
    assert rows == [b] and total == 1
    rows, _ = queues.list_queue(desk["delegate"], "delegation", queues.QueueFilters(), now=NOW)
    assert rows == [b, a]  # urgent first
    rows, _ = queues.list_queue(desk["delegate"], "delegation",
                                  queues.QueueFilters(min_age_days=3), now=NOW)
    assert rows == []
    rows, _ = queues.list_queue(desk["delegate"], "delegation",
                                  queues.QueueFilters(min_age_days=3),
                                  now=NOW + timedelta(days=4))
    assert len(rows) == 2


def test_status_transitions_are_checked(desk):
    ticket = ask(desk)
    services.set_status(desk["delegate"], ticket, "closed", now=NOW)
    with pytest.raises(Conflict):
        services.set_status(desk["delegate"], ticket, "waiting_on_requester", now=NOW)


def test_ticket_persisted_in_database(desk):
    ticket = ask(desk)
    db.session.expire_all()
    again = db.session.scalar(select(Ticket).where(Ticket.reference == ticket.reference))
    assert again.subject == "Durée d'une PMSMP"
