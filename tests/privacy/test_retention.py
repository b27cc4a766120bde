"""Retention: managers' periods (audited), the job that applies them, the SLA reports unchanged."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from legaldesk.audit.models import AuditEntry
from legaldesk.auth.models import Contact
from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.intake import services as intake
from legaldesk.intake.models import InboundMessage
from legaldesk.jobs.table import job_table, run_job
from legaldesk.privacy import retention
from legaldesk.sla import reports
from legaldesk.tickets import services as tickets
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.models import Attachment, Message, Ticket
from tests.conftest import login
from tests.intake.mails import raw_email
from tests.samples import make_pdf

YEAR = 2025
LATER = datetime(2031, 3, 1, 12, 0)  # five years and more after every closure of 2025


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    return {"org": org, "adherent": make.user("adherent", organisation=org),
            "jurist": make.user("jurist", specialty="droit_social"),
            "manager": make.user("manager")}


def a_year_of_tickets(desk) -> list[Ticket]:
    """Two questions a month in 2025, answered and closed through the services, one with a file;
    plus one e-mail from an unknown sender (a contact, a raw inbound message)."""
    made = []
    for month in range(1, 13):
        for day in (3, 17):
            asked = datetime(YEAR, month, day, 9, 30)
            ticket = tickets.open_ticket(desk["adherent"], subject=f"Question {month}-{day}",
                                         body="Ma salariée Zoé Quintanilla, enceinte…",
                                         now=asked)
            if day == 3:
                tickets.attach_files(desk["adherent"], ticket, [tickets.UploadedFile(
                    f"piece-{month}.pdf", "application/pdf", make_pdf(f"p{month}"))], now=asked)
            tickets.record_answer(desk["jurist"], ticket, "Réponse du service.",
                                  now=asked + timedelta(days=month % 4 + 1))
            tickets.close_ticket(desk["jurist"], ticket, now=asked + timedelta(days=8))
            made.append(ticket)
    db.session.commit()
    result = intake.ingest_email(raw_email(sender="Inconnu <inconnu@exemple.org>",
                                           message_id="ret1@exemple.org"),
                                 now=datetime(YEAR, 6, 1, 10), source="cli")
    ticket = db.session.scalars(select(Ticket).where(Ticket.reference == result.reference)).one()
    tickets.record_answer(desk["jurist"], ticket, "Réponse.", now=datetime(YEAR, 6, 2, 10))
    tickets.close_ticket(desk["jurist"], ticket, now=datetime(YEAR, 6, 10, 10))
    db.session.commit()
    return [*made, ticket]


def figures(manager, now):
    period = reports.Period(datetime(YEAR, 1, 1).date(), datetime(YEAR, 12, 31).date())
    report = reports.build_report(manager, period, now=now).as_json()
    annual = reports.annual_figures(manager, YEAR, now=now)
    return report, (annual.report.as_json(), annual.urgent_handled, annual.urgent_by_case)


def test_defaults_and_audited_changes(desk):
    assert retention.retention_days() == {"raw_inbound": 90, "closed_ticket_content": 1826,
                                          "contacts": 1095, "audit_log": 1826, "outbox": 365}
    now = datetime(YEAR, 1, 1)
    changed = retention.save_retention_settings(
        desk["manager"], {"raw_inbound": 60, "outbox": 365}, now=now)
    db.session.commit()
    assert changed == ["raw_inbound"] and retention.retention_days()["raw_inbound"] == 60
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "admin.settings_saved")).one()
    assert (entry.target_ref, entry.details) == ("raw_inbound", {"days": 60, "before": 90})
    with pytest.raises(InvalidInput):
        retention.save_retention_settings(desk["manager"], {"outbox": 2}, now=now)
    with pytest.raises(Forbidden):
        retention.save_retention_settings(desk["jurist"], {"outbox": 400}, now=now)


def test_retention_keeps_past_reports_identical_and_is_idempotent(desk, app):
    made = a_year_of_tickets(desk)
    retention.save_retention_settings(desk["manager"], {"outbox": 400},
                                      now=datetime(YEAR, 1, 2))  # an audit entry of 2025
    db.session.commit()
    files = [attachment_path(a.sha256) for a in db.session.scalars(select(Attachment))]
    assert files and all(path.exists() for path in files)
    before = figures(desk["manager"], LATER)
    assert before[0]["tickets"] == len(made) and before[0]["by"]["channel"]
    due = retention.count_due(LATER)
    assert due["closed_ticket_content"] == len(made) and due["raw_inbound"] == 1
    assert due["contacts"] == 1 and due["audit_log"] == 1

    done = retention.apply_retention(LATER, batch=5)  # several batches
    db.session.commit()
    assert done["closed_ticket_content"] == len(made) and done["raw_inbound"] == 1
    assert figures(desk["manager"], LATER) == before
    assert set(db.session.scalars(select(Message.body))) == {retention.ERASED}
    assert set(db.session.scalars(select(Ticket.subject))) == {retention.ERASED}
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert not any(path.exists() for path in files)
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 0
    contact = db.session.scalars(select(Contact)).one()
    assert (contact.name, contact.email, contact.phone) == (None, None, None)
    assert db.session.scalar(select(func.count(Ticket.id))) == len(made)  # statistics stay
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert "admin.settings_saved" not in actions and "privacy.retention_applied" in actions

    again = retention.apply_retention(LATER)
    assert again == {code: 0 for code in again}
    assert retention.count_due(LATER) == {code: 0 for code in again}


def test_nothing_recent_goes(desk):
    a_year_of_tickets(desk)
    soon = datetime(YEAR + 1, 1, 15)
    due = retention.count_due(soon)
    assert due["closed_ticket_content"] == 0 and due["contacts"] == 0
    assert due["raw_inbound"] == 1  # filed in June 2025, kept 90 days


def test_retention_is_a_scheduled_job(desk):
    assert "retention" in job_table({"DAILY_DIGEST_HOUR": 7, "NOTIFICATION_DIGEST_HOUR": 8})
    a_year_of_tickets(desk)
    assert run_job("retention", LATER) > 0
    assert run_job("retention", LATER) == 0


def test_cli_dry_run_counts_and_changes_nothing(desk, app):
    a_year_of_tickets(desk)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "--dry-run"])
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and set(data["due"]) == {kind.code for kind in retention.KINDS}
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 1


def test_settings_page_for_managers_only(client, desk):
    assert client.get("/privacy/retention").status_code == 302  # anonymous → login
    login(client, desk["jurist"])
    assert client.get("/privacy/retention").status_code == 403
    client.post("/logout")
    login(client, desk["manager"])
    page = client.get("/privacy/retention").get_data(as_text=True)
    assert "Durées de conservation" in page and "art. 2224 du Code civil" in page
    assert "style=" not in page
    response = client.post("/privacy/retention", data={
        "raw_inbound": "120", "closed_ticket_content": "1826", "contacts": "1095",
        "audit_log": "1826", "outbox": "365"})
    assert response.status_code == 302
    db.session.expire_all()
    assert retention.retention_days()["raw_inbound"] == 120
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "admin.settings_saved")) == 1
