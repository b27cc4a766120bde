"""Confidential means need-to-know: full content, metadata only, break glass (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.audit.models import AuditEntry
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.tickets import access, moves, queues, services
from legaldesk.tickets.models import BreakGlassGrant, Queue, Ticket
from tests.conftest import NOW
from tests.tickets import need_to_know
from tests.tickets.need_to_know import CASE_SECRETS, confidential_case, topic

people = need_to_know.people  # the shared fixture, used by name below

METADATA_FIELDS = {"reference", "status", "priority", "urgent_case", "topic", "confidential",
                   "received_at", "updated_at", "first_response_at", "first_response_due_at",
                   "resolution_due_at", "next_due_at", "resolved_at", "closed_at",
                   "metadata_only"}


def metadata_only(actor, ticket: Ticket) -> access.TicketMetadata:
    """Assert the actor gets metadata and never the ticket; return the metadata."""
    with pytest.raises(NotFound):
        access.get_ticket(actor, ticket.reference)
    assert not access.may_read_ticket(actor, ticket)
    assert ticket.id not in set(db.session.scalars(
        access.visible_tickets(actor).with_only_columns(Ticket.id)))
    meta = access.get_ticket_metadata(actor, ticket.reference)
    assert set(vars(meta)) == METADATA_FIELDS
    assert meta.reference == ticket.reference and meta.status == ticket.status
    assert not any(secret in repr(meta) for secret in CASE_SECRETS)
    return meta


def test_relaying_delegate_sees_metadata_only_and_cannot_act(people):
    ticket = confidential_case(people)
    relay = people["relay"]
    meta = metadata_only(relay, ticket)
    assert meta.confidential and meta.urgent_case == "agression_sexuelle"
    for act in (
        lambda: moves.request_callback(relay, ticket, "Rappelez-la", now=NOW),
        lambda: services.add_internal_note(relay, ticket, "Vu", now=NOW),
        lambda: services.record_answer(relay, ticket, "Réponse", now=NOW),
        lambda: services.set_status(relay, ticket, "in_progress", now=NOW),
        lambda: services.close_ticket(relay, ticket, now=NOW),
        lambda: moves.set_urgency(relay, ticket, False, "Fausse alerte", now=NOW),
        lambda: moves.claim_ticket(relay, ticket, now=NOW),
    ):
        with pytest.raises((NotFound, Forbidden)):
            act()
    db.session.rollback()
    assert access.assignable_staff(ticket) == [people["jurist"], people["manager"]]


def test_other_jurist_and_region_delegate_see_metadata_only(people):
    ticket = confidential_case(people)
    metadata_only(people["other_jurist"], ticket)
    metadata_only(people["region_delegate"], ticket)
    with pytest.raises(NotFound):
        moves.classify_ticket(people["other_jurist"], ticket, now=NOW, confidential=False)
    with pytest.raises(NotFound):
        moves.assign_ticket(people["other_jurist"], ticket, people["other_jurist"], now=NOW)
    for outsider in (people["other_delegate"], people["colleague"]):
        with pytest.raises(NotFound):
            access.get_ticket(outsider, ticket.reference)
        with pytest.raises(NotFound):
            access.get_ticket_metadata(outsider, ticket.reference)


def test_assigned_jurist_manager_and_requester_read_in_full(people):
    ticket = confidential_case(people)
    for reader in ("jurist", "manager", "adherent"):
        assert access.get_ticket(people[reader], ticket.reference) == ticket
        assert access.may_read_ticket(people[reader], ticket)
        with pytest.raises(NotFound):  # no metadata path for who may read
            access.get_ticket_metadata(people[reader], ticket.reference)
    services.add_internal_note(people["jurist"], ticket, "Appel prévu à 14 h", now=NOW)
    services.record_answer(people["jurist"], ticket, "Nous vous appelons.", now=NOW)
    db.session.commit()


def test_metadata_and_full_paths_never_overlap(people):
    confidential_case(people)
    services.open_ticket(people["adherent"], subject="PMSMP", body="Durée ?", now=NOW,
                         topic=topic("pmsmp"))
    services.open_ticket(people["adherent"], subject="Rescrit", body="Mécénat ?", now=NOW,
                         topic=topic("mecenat_rescrit"))
    db.session.commit()
    for key in ("relay", "region_delegate", "other_delegate", "jurist", "other_jurist",
                "manager", "admin", "adherent", "colleague"):
        full = set(db.session.scalars(access.visible_tickets(people[key])
                                      .with_only_columns(Ticket.id)))
        meta = set(db.session.scalars(access.metadata_tickets(people[key])
                                      .with_only_columns(Ticket.id)))
        assert not full & meta, key


def test_region_delegate_sees_national_tickets_of_the_region_as_metadata(people):
    national = services.open_ticket(people["adherent"], subject="Rescrit mécénat",
                                    body="Pouvons-nous émettre des reçus fiscaux ?", now=NOW,
                                    topic=topic("mecenat_rescrit"))
    db.session.commit()
    assert national.queue == Queue.NATIONAL and not national.confidential
    meta = metadata_only(people["region_delegate"], national)
    assert not meta.confidential
    with pytest.raises(NotFound):
        access.get_ticket_metadata(people["other_delegate"], national.reference)


def test_queues_show_metadata_rows_and_filters_do_not_reveal_them(people):
    ticket = confidential_case(people)
    rows, total = queues.list_queue(people["other_jurist"], "national", queues.QueueFilters(),
                                    now=NOW)
    assert total == 1 and isinstance(rows[0], access.TicketMetadata)
    assert rows[0].reference == ticket.reference
    rows, total = queues.list_queue(people["jurist"], "national", queues.QueueFilters(), now=NOW)
    assert rows == [ticket]
    for private in ({"level": "expert"}, {"channel": "phone"}, {"region": "IDF"},
                    {"assignee": str(people["jurist"].id)}):
        rows, total = queues.list_queue(people["other_jurist"], "national",
                                        queues.QueueFilters(**private), now=NOW)
        assert (rows, total) == ([], 0), private
    rows, _ = queues.list_queue(people["other_jurist"], "national",
                                queues.QueueFilters(priority="urgent", topic=ticket.topic.code),
                                now=NOW)
    assert [r.reference for r in rows] == [ticket.reference]
    own = queues.list_own_tickets(people["relay"])
    assert [type(r) for r in own] == [access.TicketMetadata]


def test_admin_reads_only_through_break_glass_with_a_reason(people, app):
    ticket = confidential_case(people)
    admin = people["admin"]
    metadata_only(admin, ticket)
    with pytest.raises(NotFound):
        access.read_ticket(admin, ticket.reference, now=NOW)
    for reason in ("", "   "):
        with pytest.raises(InvalidInput):
            access.break_glass_ticket(admin, ticket.reference, reason, now=NOW)
    assert db.session.scalars(select(BreakGlassGrant)).all() == []
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.startswith("ticket."))).all() == []
    with pytest.raises(Forbidden):
        access.break_glass_ticket(people["other_jurist"], ticket.reference, "Curiosité", now=NOW)

    grant = access.break_glass_ticket(admin, ticket.reference, "Réquisition judiciaire n° 12",
                                      now=NOW)
    db.session.commit()
    assert grant.expires_at == NOW + timedelta(minutes=app.config["BREAK_GLASS_MINUTES"])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action.startswith("ticket.")))
    assert (entry.action, entry.target_ref, entry.reason) == (
        "ticket.break_glass", ticket.reference, "Réquisition judiciaire n° 12")
    assert access.read_ticket(admin, ticket.reference, now=NOW + timedelta(minutes=29)) == ticket
    assert access.is_read_only(admin, ticket, now=NOW)
    # Reading only: every action path still refuses.
    with pytest.raises(NotFound):
        access.get_ticket(admin, ticket.reference)
    for act in (lambda: moves.classify_ticket(admin, ticket, now=NOW, confidential=False),
                lambda: services.add_internal_note(admin, ticket, "x", now=NOW),
                lambda: services.set_status(admin, ticket, "closed", now=NOW),
                lambda: moves.assign_ticket(admin, ticket, None, now=NOW)):
        with pytest.raises(NotFound):
            act()
    db.session.rollback()
    # It expires.
    with pytest.raises(NotFound):
        access.read_ticket(admin, ticket.reference, now=NOW + timedelta(minutes=30))
    assert not access.is_read_only(admin, ticket, now=NOW + timedelta(minutes=30))


def test_break_glass_is_refused_on_a_readable_or_unknown_ticket(people):
    open_ticket = services.open_ticket(people["adherent"], subject="PMSMP", body="Durée ?",
                                       now=NOW, topic=topic("pmsmp"))
    db.session.commit()
    with pytest.raises(Conflict):
        access.break_glass_ticket(people["admin"], open_ticket.reference, "Contrôle", now=NOW)
    with pytest.raises(NotFound):
        access.break_glass_ticket(people["admin"], "LD-2026-99999", "Contrôle", now=NOW)


def test_confidential_tickets_stay_with_the_jurists(people):
    people["region_delegate"]  # a delegation queue exists
    ticket = services.open_ticket(people["adherent"], subject="PMSMP", body="Durée ?", now=NOW,
                                  topic=topic("pmsmp"))
    moves.claim_ticket(people["region_delegate"], ticket, now=NOW)
    moves.classify_ticket(people["manager"], ticket, now=NOW, confidential=True,
                          reason="Violences signalées")
    db.session.commit()
    assert ticket.assignee is None  # a delegate may not hold a confidential ticket
    metadata_only(people["region_delegate"], ticket)
    national = confidential_case(people)
    with pytest.raises(Conflict):
        moves.deescalate_ticket(people["jurist"], national, "Premier niveau", now=NOW)
