"""Confidential means need-to-know, over HTTP: metadata pages, queues, break glass."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from legaldesk.audit.models import AuditEntry
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.tickets import services
from legaldesk.tickets.models import BreakGlassGrant
from tests.conftest import login
from tests.tickets import need_to_know
from tests.tickets.need_to_know import CASE_SECRETS, confidential_case

people = need_to_know.people  # the shared fixture, used by name below


def case_with_file(people):
    """The confidential case, with a file on its first message."""
    ticket = confidential_case(people, now=utcnow() - timedelta(hours=1))
    services.attach_files(people["relay"], ticket, [services.UploadedFile(
        "certificat-kessler.pdf", "application/pdf", b"%PDF-1.4 secret")], now=utcnow(),
        message=ticket.messages[0])
    db.session.commit()
    return ticket, ticket.attachments[0].id


def page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def assert_metadata_page(client, reference: str) -> str:
    status, html = page(client, f"/tickets/{reference}")
    assert status == 200
    assert reference in html and "Demande confidentielle" in html
    assert not [secret for secret in CASE_SECRETS if secret in html]
    assert "certificat" not in html
    assert f"/tickets/{reference}/answer" not in html and f"/tickets/{reference}/note" not in html
    return html


def download(client, url: str) -> int:
    """The status of a file download (the response is closed: no file left open)."""
    response = client.get(url)
    response.close()
    return response.status_code


def audit_actions() -> list[tuple[str, str | None]]:
    db.session.expire_all()
    return [(e.action, e.reason) for e in db.session.scalars(  # reads, not the set-up's admin
        select(AuditEntry).where(~AuditEntry.action.startswith("admin."))  # changes
        .order_by(AuditEntry.id))]


def test_relaying_delegate_gets_metadata_page_and_no_action(client, people):
    ticket, file_id = case_with_file(people)
    login(client, people["relay"])
    html = assert_metadata_page(client, ticket.reference)
    assert "bris de glace" not in html
    assert download(client, f"/tickets/{ticket.reference}/attachments/{file_id}") == 404
    for action in ("note", "answer", "reply", "callback", "close", "urgency", "escalate"):
        response = client.post(f"/tickets/{ticket.reference}/{action}",
                               data={"body": "Texte", "reason": "Motif", "urgent": "0"})
        assert response.status_code == 404, action
    mine = client.get("/tickets").get_data(as_text=True)
    assert ticket.reference in mine and "Demande confidentielle" in mine
    assert "Kessler" not in mine
    assert audit_actions() == []  # metadata is not a confidential read


def test_other_jurist_and_region_delegate_get_metadata(client, people):
    ticket, _file = case_with_file(people)
    login(client, people["other_jurist"])
    assert_metadata_page(client, ticket.reference)
    queue = client.get("/queue/national").get_data(as_text=True)
    assert ticket.reference in queue and "Demande confidentielle" in queue
    assert not [secret for secret in CASE_SECRETS if secret in queue]
    client.post("/logout")
    login(client, people["region_delegate"])
    assert_metadata_page(client, ticket.reference)
    client.post("/logout")
    login(client, people["other_delegate"])
    assert client.get(f"/tickets/{ticket.reference}").status_code == 404


def test_assigned_jurist_and_manager_read_in_full_and_are_audited(client, people):
    ticket, file_id = case_with_file(people)
    for key in ("jurist", "manager"):
        login(client, people[key])
        status, html = page(client, f"/tickets/{ticket.reference}")
        assert status == 200 and "Kessler" in html and "certificat-kessler.pdf" in html
        assert "Envoyer la réponse" in html
        assert download(client, f"/tickets/{ticket.reference}/attachments/{file_id}") == 200
        client.post("/logout")
    assert [a for a, _r in audit_actions()] == [
        "ticket.read_confidential", "attachment.read_confidential"] * 2


def test_admin_breaks_glass_with_a_reason_reads_only_and_it_expires(client, people):
    ticket, file_id = case_with_file(people)
    reference = ticket.reference
    login(client, people["admin"])
    html = assert_metadata_page(client, reference)
    assert "bris de glace" in html and f"/tickets/{reference}/break-glass" in html

    response = client.post(f"/tickets/{reference}/break-glass", data={"reason": "  "})
    assert response.status_code == 302
    assert db.session.scalars(select(BreakGlassGrant)).all() == [] and audit_actions() == []
    assert_metadata_page(client, reference)

    response = client.post(f"/tickets/{reference}/break-glass",
                           data={"reason": "Demande du délégué à la protection des données"})
    assert response.status_code == 302
    status, html = page(client, f"/tickets/{reference}")
    assert status == 200 and "Kessler" in html and "lecture seule" in html
    assert "Envoyer la réponse" not in html and "Corriger le classement" not in html
    assert download(client, f"/tickets/{reference}/attachments/{file_id}") == 200
    for action in ("note", "answer", "classify", "status", "assign"):
        response = client.post(f"/tickets/{reference}/{action}",
                               data={"body": "x", "reason": "x", "status": "closed"})
        assert response.status_code == 404, action
    assert audit_actions() == [
        ("ticket.break_glass", "Demande du délégué à la protection des données"),
        ("ticket.read_confidential", None), ("attachment.read_confidential", None)]

    db.session.execute(update(BreakGlassGrant).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert_metadata_page(client, reference)
    assert download(client, f"/tickets/{reference}/attachments/{file_id}") == 404


def test_break_glass_route_is_for_admins_on_confidential_tickets(client, people):
    ticket, _file = case_with_file(people)
    login(client, people["manager"])
    assert client.post(f"/tickets/{ticket.reference}/break-glass",
                       data={"reason": "Contrôle"}).status_code == 403
    client.post("/logout")
    login(client, people["admin"])
    assert client.post("/tickets/LD-2026-99999/break-glass",
                       data={"reason": "Contrôle"}).status_code == 404
    assert audit_actions() == []


def test_admin_outbox_page_hides_confidential_subject_lines(client, people):
    ticket, _file = case_with_file(people)
    services.record_answer(people["jurist"], ticket, "Nous vous rappelons.", now=utcnow())
    db.session.commit()
    login(client, people["admin"])
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "Objet masqué (demande confidentielle)" in html and "Kessler" not in html
