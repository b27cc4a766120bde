"""The on-call rota: who is on duty (away, backup, week bounds), edits by managers, the page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from legaldesk.audit.models import AuditEntry
from legaldesk.auth import oncall
from legaldesk.auth.models import OnCallWeek
from legaldesk.auth.services import update_user
from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from tests.conftest import login
from tests.sla.conftest import paris

NOW = paris("2026-03-11 10:00")  # Wednesday of ISO week 2026-W11 (Monday 9 March)
MONDAY = date(2026, 3, 9)


@pytest.fixture
def team(make):
    return {"manager": make.user("manager"), "admin": make.user("admin"),
            "ana": make.user("jurist", name="Ana", specialty="droit_social"),
            "bruno": make.user("jurist", name="Bruno", specialty="droit_des_affaires"),
            "delegate": make.user("delegate", region="IDF")}


def set_week(team, jurist, backup=None, week=MONDAY):
    entry = oncall.save_oncall_week(team["manager"], week=week, jurist=jurist, backup=backup,
                                    now=NOW)
    db.session.commit()
    return entry


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "admin.oncall_saved").order_by(AuditEntry.id)))


def test_no_rota_entry_means_nobody_on_duty(team):
    assert oncall.on_duty_jurist(NOW) is None


def test_the_weeks_jurist_else_the_backup_else_nobody(team):
    set_week(team, team["ana"], team["bruno"])
    assert oncall.on_duty_jurist(NOW) == team["ana"]
    update_user(None, team["ana"], away_until=NOW + timedelta(days=2))
    assert oncall.on_duty_jurist(NOW) == team["bruno"]
    assert oncall.on_duty_jurist(NOW + timedelta(days=3)) == team["ana"]  # back on Saturday
    update_user(None, team["bruno"], active=False)
    assert oncall.on_duty_jurist(NOW) is None


def test_weeks_run_monday_to_sunday_in_paris(team):
    set_week(team, team["ana"])
    set_week(team, team["bruno"], week=MONDAY + timedelta(weeks=1))
    assert oncall.on_duty_jurist(paris("2026-03-09 00:00")) == team["ana"]
    assert oncall.on_duty_jurist(paris("2026-03-15 23:59")) == team["ana"]
    assert oncall.on_duty_jurist(paris("2026-03-16 00:00")) == team["bruno"]
    assert oncall.on_duty_jurist(paris("2026-03-08 23:59")) is None


def test_each_change_is_audited_and_saving_the_same_choice_is_not(team):
    set_week(team, team["ana"])
    set_week(team, team["ana"])
    set_week(team, team["ana"], team["bruno"])
    assert set_week(team, None) is None  # cleared
    assert db.session.scalar(select(OnCallWeek)) is None
    entries = audit_entries()
    assert [(e.target_type, e.target_ref) for e in entries] == [("oncall_week", "2026-W11")] * 3
    assert [(e.details["jurist_id"], e.details["backup_id"]) for e in entries] == [
        (team["ana"].id, None), (team["ana"].id, team["bruno"].id), (None, None)]
    assert entries[1].details["previous_jurist_id"] == team["ana"].id


@pytest.mark.parametrize("case", ["tuesday", "past", "manager", "same", "backup_only", "garbage"])
def test_invalid_weeks_and_people_are_refused(team, case):
    week, jurist, backup = MONDAY, team["ana"], None
    if case == "tuesday":
        week = MONDAY + timedelta(days=1)
    elif case == "past":
        week = MONDAY - timedelta(weeks=1)
    elif case == "manager":
        jurist = team["manager"]
    elif case == "same":
        backup = team["ana"]
    elif case == "backup_only":
        jurist, backup = None, team["bruno"]
    elif case == "garbage":
        week = "lundi"
    with pytest.raises(InvalidInput):
        oncall.save_oncall_week(team["manager"], week=week, jurist=jurist, backup=backup,
                                now=NOW)
    assert audit_entries() == []


@pytest.mark.parametrize("role", ["ana", "delegate"])
def test_only_managers_and_admins_edit_the_rota(team, role):
    with pytest.raises(Forbidden):
        oncall.save_oncall_week(team[role], week=MONDAY, jurist=team["ana"], now=NOW)
    with pytest.raises(Forbidden):
        oncall.list_rota(team[role], now=NOW)
    assert oncall.save_oncall_week(team["admin"], week=MONDAY, jurist=team["ana"],
                                   now=NOW) is not None


def test_rota_lists_the_current_week_and_the_next_ones(team, app):
    set_week(team, team["bruno"], week=MONDAY + timedelta(weeks=2))
    weeks = oncall.list_rota(team["manager"], now=NOW)
    assert len(weeks) == app.config["ONCALL_WEEKS_SHOWN"] == 8
    assert weeks[0].week_start == MONDAY and weeks[0].current and weeks[0].code == "2026-W11"
    assert [w.entry.jurist for w in weeks if w.entry] == [team["bruno"]]
    assert weeks[2].week_end == date(2026, 3, 29)


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_open_the_rota_page(client, team, role):
    login(client, team[role])
    page = client.get("/oncall")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Astreinte des urgences" in text and "Ana" in text and "Bruno" in text


def test_others_may_not_see_the_rota_page(client, team, make):
    assert client.get("/oncall").status_code == 302  # anonymous: to the log-in page
    assert "/login" in client.get("/oncall").headers["Location"]
    org = make.organisation()
    for user in (team["ana"], team["delegate"], make.user("adherent", organisation=org)):
        login(client, user)
        assert client.get("/oncall").status_code == 403
        assert client.post("/oncall", data={"week": MONDAY.isoformat(),
                                            "jurist": str(team["ana"].id)}).status_code == 403
        client.post("/logout")
    assert db.session.scalar(select(OnCallWeek)) is None


def test_a_manager_saves_a_week_over_http(client, team):
    login(client, team["manager"])
    monday = oncall.week_start(utcnow())  # the page works on the real clock
    response = client.post("/oncall", data={"week": monday.isoformat(),
                                            "jurist": str(team["ana"].id),
                                            "backup": str(team["bruno"].id)})
    assert response.status_code == 302
    entry = db.session.scalar(select(OnCallWeek))
    assert (entry.week_start, entry.jurist_id, entry.backup_id) == (
        monday, team["ana"].id, team["bruno"].id)
    page = client.get("/oncall").get_data(as_text=True)
    assert "Cette semaine, l'astreinte est assurée par Ana." in page
    assert len(audit_entries()) == 1
    bad = client.post("/oncall", data={"week": monday.isoformat(), "jurist": "99999"},
                      follow_redirects=True)
    assert "Personne inconnue." in bad.get_data(as_text=True)
    assert db.session.scalar(select(OnCallWeek.jurist_id)) == team["ana"].id
