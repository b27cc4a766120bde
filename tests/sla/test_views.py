"""SLA pages over HTTP: dashboard, CSV exports, annual figures, policies, queue clock, roles."""

from __future__ import annotations

import base64
import re

import pytest

from legaldesk.core.extensions import db
from legaldesk.sla import services as sla
from tests.conftest import login
from tests.sla.conftest import add_ticket, ask, paris

DASHBOARD = "/sla/?from=2025-01-01&to=2025-12-31"


@pytest.fixture
def history(desk):
    """Two answered tickets in 2025 (one urgent, by phone)."""
    add_ticket(paris("2025-03-03 10:00"), channel="email", resolved_at=paris("2025-03-05 10:00"),
               resolution_business_seconds=18 * 3600, resolution_calendar_seconds=2 * 86400,
               first_response_business_seconds=3600, first_response_calendar_seconds=3600)
    add_ticket(paris("2025-06-02 10:00"), channel="phone", priority="urgent",
               urgent_case="accident_du_travail", resolved_at=paris("2025-06-02 15:00"),
               resolution_business_seconds=5 * 3600, resolution_calendar_seconds=5 * 3600,
               first_response_business_seconds=1800, first_response_calendar_seconds=1800)
    db.session.commit()
    return desk


@pytest.mark.parametrize("role,status", [("manager", 200), ("jurist", 200), ("admin", 200),
                                         ("adherent", 403)])
def test_dashboard_roles(client, history, role, status):
    login(client, history[role])
    response = client.get(DASHBOARD)
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "Délais de réponse du service juridique" in page
        assert "<script" not in page and "style=" not in page  # nothing inline (CSP)
        charts = re.findall(
            r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)" alt="(.+?)"', page)
        assert len(charts) == 4 and all(alt for _data, alt in charts)
        for data, _alt in charts:  # readable without JavaScript, and no script inside
            svg = base64.b64decode(data).decode()
            assert svg.startswith("<svg") and "<script" not in svg
        assert "Par délégation" in page and "Par personne attribuée" in page


def test_delegate_cannot_see_dashboard(client, history, make):
    login(client, make.user("delegate", region="IDF"))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/sla/export/all.csv").status_code == 403


def test_table_and_ticket_csv_exports(client, history):
    login(client, history["manager"])
    response = client.get("/sla/export/channel.csv?from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("breakdown,key,tickets,")
    assert [line.split(",")[1] for line in lines[1:]] == ["email", "phone"]
    tickets = client.get("/sla/export/tickets.csv?from=2025-01-01&to=2025-12-31")
    text = tickets.get_data(as_text=True)
    assert text.splitlines()[0].startswith("reference,received_at_utc,channel")
    assert len(text.splitlines()) == 3
    assert "Sujet confidentiel" not in text  # no free text in exports
    backlog = client.get("/sla/export/backlog.csv").get_data(as_text=True)
    assert backlog.splitlines()[0] == "age,tickets"
    assert client.get("/sla/export/nonsense.csv").status_code == 400


def test_jurist_may_not_export_the_ticket_list(client, history):
    login(client, history["jurist"])
    assert client.get("/sla/export/all.csv").status_code == 200
    assert client.get("/sla/export/tickets.csv").status_code == 403


def test_annual_key_figures_in_french(client, history):
    login(client, history["manager"])
    page = client.get("/sla/annual/2025").get_data(as_text=True)
    assert "Chiffres clés juridiques 2025" in page
    assert "Sollicitations juridiques" in page
    assert "En 2025, le service juridique a reçu 2 sollicitations juridiques." in page
    assert "Situations d'urgence traitées" in page and "accident du travail" in page
    assert client.get("/sla/annual?year=2025").status_code == 200
    assert client.get("/sla/annual/1999").status_code == 404


def test_admin_edits_policies_over_http(client, history):
    login(client, history["manager"])
    assert client.get("/sla/policies").status_code == 403
    client.post("/logout")
    login(client, history["admin"])
    page = client.get("/sla/policies").get_data(as_text=True)
    assert "Délais cibles" in page and "Heures calendaires" in page and "Heures ouvrées" in page
    response = client.post("/sla/policies", data={
        "priority": "urgent", "level": "expert", "first_response_hours": "2",
        "resolution_hours": "9"})
    assert response.status_code == 302
    policy = sla.get_policy("urgent", "expert")
    assert (policy.first_response_seconds, policy.clock) == (7200, "calendar")  # kept
    client.post("/sla/policies", data={
        "priority": "urgent", "level": "expert", "first_response_hours": "2",
        "resolution_hours": "9", "clock": "business"})
    assert sla.get_policy("urgent", "expert").clock == "business"
    page = client.get("/sla/policies").get_data(as_text=True)
    urgent_expert = page[page.index('id="ck-2"'):]  # rows: urgent first level, urgent expert...
    urgent_expert = urgent_expert[:urgent_expert.index("</select>")]
    assert '<option value="business" selected>' in urgent_expert


def test_queue_shows_time_left_as_text_and_sorts_by_due_time(client, desk):
    from datetime import timedelta

    from legaldesk.core.models import utcnow

    now = utcnow()
    overdue = ask(desk["adherent"], now, received_at=now - timedelta(days=7))
    urgent = ask(desk["adherent"], now, priority="urgent")
    login(client, desk["jurist"])
    later = ask(desk["adherent"], now)
    page = client.get("/queue/national").get_data(as_text=True)
    assert "En retard (1re réponse)" in page and "Reste " in page  # text, not colour alone
    # Open urgent tickets first, whatever their due time; then the nearest due time.
    assert page.index(urgent.reference) < page.index(overdue.reference) < page.index(
        later.reference)
    page = client.get("/queue/national?sort=received").get_data(as_text=True)
    assert page.index(urgent.reference) < page.index(overdue.reference)  # urgent, then oldest
    page = client.get(f"/tickets/{overdue.reference}").get_data(as_text=True)
    assert "Échéance 1re réponse" in page and "En retard" in page
