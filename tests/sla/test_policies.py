"""SLA policies: defaults per priority × level, admin edits, validation, open tickets recomputed."""

from __future__ import annotations

import pytest

from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.sla import services as sla
from tests.sla.conftest import BDAY, HOUR, ask, paris

NOW = paris("2026-03-10 11:00")


def test_defaults_match_the_issue(app):
    policies = {(p.priority, p.level): p for p in sla.list_policies()}
    assert len(policies) == 4
    for level in ("first_level", "expert"):
        urgent, normal = policies[("urgent", level)], policies[("normal", level)]
        # Urgent cases count every hour (an accident on Friday cannot wait for Monday).
        assert (urgent.first_response_seconds, urgent.resolution_seconds) == (4 * HOUR, 24 * HOUR)
        assert urgent.clock == "calendar"
        assert (normal.first_response_seconds, normal.resolution_seconds) == (2 * BDAY, 10 * BDAY)
        assert normal.clock == "business"
        assert not urgent.customised


def test_admin_edits_a_policy_and_open_tickets_follow(desk):
    ticket = ask(desk["adherent"], NOW)
    assert ticket.first_response_due_at == paris("2026-03-12 11:00")
    sla.save_policy(desk["admin"], priority="normal", level="expert", first_response_hours=9,
                    resolution_hours=45, now=paris("2026-03-10 12:00"))
    db.session.commit()
    policy = sla.get_policy("normal", "expert")
    assert (policy.first_response_seconds, policy.resolution_seconds, policy.customised) == (
        9 * HOUR, 45 * HOUR, True)
    assert sla.get_policy("normal", "first_level").customised is False
    db.session.refresh(ticket)
    assert ticket.first_response_due_at == paris("2026-03-11 11:00")
    assert ticket.resolution_due_at == paris("2026-03-17 11:00")
    # Saving again updates the same row.
    sla.save_policy(desk["admin"], priority="normal", level="expert", first_response_hours=10,
                    resolution_hours=45, now=NOW)
    assert sla.get_policy("normal", "expert").first_response_seconds == 10 * HOUR


@pytest.mark.parametrize("role", ["manager", "jurist"])
def test_only_admins_edit_policies(desk, role):
    with pytest.raises(Forbidden):
        sla.save_policy(desk[role], priority="urgent", level="expert", first_response_hours=2,
                        resolution_hours=9, now=NOW)


@pytest.mark.parametrize("values", [
    {"priority": "urgent", "level": "expert", "first_response_hours": 0, "resolution_hours": 9},
    {"priority": "urgent", "level": "expert", "first_response_hours": "abc",
     "resolution_hours": 9},
    {"priority": "urgent", "level": "expert", "first_response_hours": 10, "resolution_hours": 9},
    {"priority": "soon", "level": "expert", "first_response_hours": 1, "resolution_hours": 9},
    {"priority": "urgent", "level": "guru", "first_response_hours": 1, "resolution_hours": 9},
    {"priority": "urgent", "level": "expert", "first_response_hours": 1, "resolution_hours": 9,
     "clock": "lunar"},
])
def test_invalid_policies_are_refused(desk, values):
    with pytest.raises(InvalidInput):
        sla.save_policy(desk["admin"], now=NOW, **values)


def test_changing_the_clock_of_a_policy_moves_open_tickets_and_is_audited(desk):
    from legaldesk.audit.models import AuditEntry

    ticket = ask(desk["adherent"], NOW)  # normal, business clock: due Thursday 11:00
    sla.save_policy(desk["admin"], priority="normal", level="expert", first_response_hours=18,
                    resolution_hours=90, clock="calendar", now=NOW)
    db.session.commit()
    db.session.refresh(ticket)
    assert ticket.sla_clock == "calendar"
    assert ticket.first_response_due_at == paris("2026-03-11 05:00")  # 18 h on the clock
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "admin.policy_saved")).one()
    assert entry.details["clock"] == "calendar"
    # Without a clock, saving keeps the one in force.
    sla.save_policy(desk["admin"], priority="normal", level="expert", first_response_hours=9,
                    resolution_hours=90, now=NOW)
    assert sla.get_policy("normal", "expert").clock == "calendar"
