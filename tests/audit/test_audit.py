"""The audit log: confidential reads, exports, admin changes; append-only; managers read it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from legaldesk.audit.models import AuditEntry
from legaldesk.audit.services import AuditFilters, list_audit, record_audit, set_origin
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db
from legaldesk.sla import services as sla
from legaldesk.tickets import services
from tests.conftest import NOW, login


@pytest.fixture
def world(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    people = {
        "adherent": make.user("adherent", organisation=org),
        "jurist": make.user("jurist", specialty="droit_social"),
        "manager": make.user("manager"),
        "admin": make.user("admin"),
        "delegate": make.user("delegate", region="IDF"),
    }
    ticket = services.open_ticket(
        people["adherent"], subject="Salariée agressée", now=NOW,
        body="Une salariée nous dit avoir subi une agression sexuelle sur le chantier hier.")
    db.session.commit()
    assert ticket.confidential
    return {**people, "ticket": ticket}


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_reading_a_confidential_ticket_is_logged_with_who_and_where(client, world):
    login(client, world["manager"])
    page = client.get(f"/tickets/{world['ticket'].reference}")
    assert page.status_code == 200
    [entry] = entries("ticket.read_confidential")
    assert entry.actor_id == world["manager"].id and entry.actor_role == "manager"
    assert entry.target_ref == world["ticket"].reference
    assert entry.origin == "127.0.0.1"


def test_the_requester_reading_their_own_ticket_is_not_an_audited_read(client, world):
    login(client, world["adherent"])
    assert client.get(f"/tickets/{world['ticket'].reference}").status_code == 200
    assert entries("ticket.read_confidential") == []


def test_a_non_confidential_read_is_not_logged(client, world, make):
    plain = services.open_ticket(world["adherent"], subject="PMSMP", now=NOW,
                                 body="Combien de temps peut durer une PMSMP ?")
    db.session.commit()
    login(client, world["manager"])
    assert client.get(f"/tickets/{plain.reference}").status_code == 200
    assert entries("ticket.read_confidential") == []


def test_csv_exports_and_the_annual_report_are_logged(client, world):
    login(client, world["manager"])
    assert client.get("/sla/export/all.csv?from=2026-01-01&to=2026-03-31").status_code == 200
    assert client.get("/sla/export/tickets.csv?from=2026-01-01&to=2026-03-31").status_code == 200
    assert client.get("/sla/annual/2025").status_code == 200
    actions = [e.action for e in entries() if e.action.startswith("export.")]
    assert actions == ["export.sla_csv", "export.tickets_csv", "export.annual_report"]
    assert entries("export.tickets_csv")[0].details["from"] == "2026-01-01"


def test_a_policy_change_is_logged_with_the_new_values(world):
    set_origin("cli")
    sla.save_policy(world["admin"], priority="urgent", level="expert", first_response_hours=2,
                    resolution_hours=8, now=NOW)
    db.session.commit()
    [entry] = entries("admin.policy_saved")
    assert entry.target_ref == "urgent/expert" and entry.origin == "cli"
    assert entry.details == {"first_response_seconds": 7200, "resolution_seconds": 28800,
                             "clock": "calendar"}  # the urgent policy's clock, kept


def test_the_log_refuses_updates_on_the_database_itself(world):
    record_audit(world["manager"], "export.sla_csv", target_type="report", now=NOW)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(update(AuditEntry).values(reason="effacé"))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count
    assert not db.session.scalar(select(func.count()).where(AuditEntry.reason == "effacé"))


def test_only_managers_and_admins_read_the_log(client, world):
    for role in ("jurist", "delegate", "adherent"):
        with pytest.raises(Forbidden):
            list_audit(world[role], AuditFilters())
    login(client, world["jurist"])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_managers_filter_and_export_the_log_and_the_export_is_logged(client, world):
    record_audit(world["jurist"], "ticket.read_confidential", target_type="ticket",
                 target_ref="LD-2026-00001", now=NOW)
    record_audit(world["admin"], "admin.user_changed", target_type="user", target_ref="7",
                 now=NOW, reason="changement de rôle")
    db.session.commit()
    login(client, world["manager"])
    page = client.get("/audit/?action=admin.user_changed").get_data(as_text=True)
    assert "Compte modifié" in page and "changement de rôle" in page
    assert "LD-2026-00001" not in page
    page = client.get("/audit/?target=LD-2026").get_data(as_text=True)
    assert "LD-2026-00001" in page and "changement de rôle" not in page
    csv_text = client.get("/audit/export.csv?actor=Jurist").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("date_utc,acteur") and len(lines) == 2
    assert "ticket.read_confidential" in lines[1]
    assert entries("export.audit_log")[0].details["rows"] == 1


def test_a_bad_date_filter_is_a_clear_error(client, world):
    login(client, world["manager"])
    response = client.get("/audit/?from=hier")
    assert response.status_code == 400


def test_sqlite_or_postgres_trigger_exists(app):
    name = db.engine.dialect.name
    query = ("SELECT count(*) FROM sqlite_master WHERE type='trigger' "
             "AND name='audit_log_append_only'" if name == "sqlite" else
             "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'")
    assert db.session.execute(text(query)).scalar() == 1


def test_admin_changes_to_organisations_regions_and_topics_are_logged(world):
    from legaldesk.auth.services import find_region, update_organisation, update_region

    admin = world["admin"]
    org = world["ticket"].organisation
    update_organisation(admin, org, name="AI Les Tilleuls du Val")
    update_region(admin, find_region("IDF"), name="Île-de-France (siège)")
    services.save_topic(admin, "pmsmp", label_fr="PMSMP", keywords={"pmsmp": 3})
    update_region(admin, find_region("IDF"), name="Île-de-France (siège)")  # no change: no entry
    db.session.commit()
    logged = [(e.action, e.target_ref, e.details) for e in entries()
              if e.action in ("admin.organisation_saved", "admin.region_saved",
                              "admin.topic_saved") and e.actor_id == admin.id]
    assert logged == [
        ("admin.organisation_saved", str(org.id), {"fields": ["name"]}),
        ("admin.region_saved", "IDF", {"fields": ["name"]}),
        ("admin.topic_saved", "pmsmp", {}),
    ]
