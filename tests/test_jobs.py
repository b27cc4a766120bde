"""Scheduled jobs, run through the single runner: each is idempotent (twice = same effect)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from legaldesk.core.errors import NotFound
from legaldesk.core.extensions import db
from legaldesk.jobs.table import job_table, run_job
from legaldesk.notify.models import Outbox
from legaldesk.sla.models import SlaEvent
from legaldesk.tickets import moves, services
from legaldesk.tickets.models import Status
from tests.sla.conftest import ask, build_desk, paris

NOW = paris("2026-03-10 11:00")  # Tuesday; a normal ticket's first response is due Thursday 11:00


@pytest.fixture
def desk(make):
    """The SLA tests' desk: members in IDF and Réunion, jurists, a manager, an admin."""
    return build_desk(make)


def ask_assigned(desk, now):
    """A normal expert ticket assigned to the social-law jurist."""
    ticket = ask(desk["adherent"], now)
    moves.assign_ticket(desk["manager"], ticket, desk["jurist"], now=now)
    db.session.commit()
    return ticket


def outbox(purpose: str) -> list[Outbox]:
    return list(db.session.scalars(select(Outbox).where(Outbox.purpose == purpose)
                                   .order_by(Outbox.id)))


def events() -> list[tuple[str, str]]:
    return [(e.clock, e.kind) for e in db.session.scalars(select(SlaEvent).order_by(SlaEvent.id))]


def test_sla_check_warns_at_75_percent_then_breaches_once(desk):
    assignee = ask_assigned(desk, NOW).assignee
    assert run_job("sla_check", paris("2026-03-11 15:00")) == 0  # 13 of 18 business hours
    assert run_job("sla_check", paris("2026-03-11 16:00")) == 1  # 14 h: past 13.5 h
    assert events() == [("first_response", "warning")]
    assert [o.recipient for o in outbox("sla_warning")] == [assignee.email]
    assert run_job("sla_check", paris("2026-03-11 16:30")) == 0  # recorded once

    assert run_job("sla_check", paris("2026-03-12 12:00")) == 1
    assert events() == [("first_response", "warning"), ("first_response", "breach")]
    breach_mail = {o.recipient for o in outbox("sla_breach")}
    assert breach_mail == {assignee.email, desk["manager"].email}
    assert run_job("sla_check", paris("2026-03-12 12:00")) == 0


def test_sla_events_are_unique_in_the_database(desk):
    ticket = ask(desk["adherent"], NOW)
    run_job("sla_check", paris("2026-03-12 12:00"))
    db.session.add(SlaEvent(ticket_id=ticket.id, clock="first_response", kind="breach",
                            due_at=NOW, created_at=NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_unassigned_delegation_ticket_warns_its_delegates(desk, make):
    delegate = make.user("delegate", region="IDF")
    ask(desk["adherent"], NOW, level="first_level")
    run_job("sla_check", paris("2026-03-12 12:00"))
    assert {o.recipient for o in outbox("sla_warning")} == set()  # straight to the breach
    assert {o.recipient for o in outbox("sla_breach")} == {delegate.email,
                                                          desk["manager"].email}


def test_paused_ticket_is_not_checked(desk):
    ticket = ask_assigned(desk, NOW)
    services.set_status(ticket.assignee, ticket, Status.WAITING_ON_REQUESTER, now=NOW)
    db.session.commit()
    assert run_job("sla_check", paris("2026-03-20 12:00")) == 0


def test_daily_digest_once_per_member_and_day(desk):
    first = ask_assigned(desk, NOW)
    ask_assigned(desk, paris("2026-03-12 10:00"))
    jurist = desk["jurist"]
    morning = paris("2026-03-12 07:00")
    assert run_job("daily_digest", morning) >= 1
    assert run_job("daily_digest", morning + timedelta(hours=2)) == 0
    mails = [o for o in outbox("daily_digest") if o.recipient == jurist.email]
    assert len(mails) == 1
    assert "En retard : 0" in mails[0].body and first.reference in mails[0].body
    run_job("daily_digest", paris("2026-03-13 07:00"))
    mails = [o for o in outbox("daily_digest") if o.recipient == jurist.email]
    assert len(mails) == 2 and "En retard : 1" in mails[1].body  # the first one is now late


def test_auto_close_after_configured_days_and_requester_can_reopen(desk, app):
    ticket = ask_assigned(desk, NOW)
    services.record_answer(ticket.assignee, ticket, "Réponse.", now=NOW)
    db.session.commit()
    days = app.config["SLA_AUTO_CLOSE_DAYS"]
    assert run_job("auto_close", NOW + timedelta(days=days - 1)) == 0
    assert run_job("auto_close", NOW + timedelta(days=days, minutes=1)) == 1
    assert ticket.status == Status.CLOSED and ticket.events[-1].actor is None
    assert [o.recipient for o in outbox("auto_closed")] == [desk["adherent"].email]
    assert run_job("auto_close", NOW + timedelta(days=days + 1)) == 0
    assert len(outbox("auto_closed")) == 1
    services.reopen_ticket(desk["adherent"], ticket, now=NOW + timedelta(days=days + 2))
    db.session.commit()
    assert ticket.status == Status.REOPENED and ticket.next_due_at is not None


def test_auto_escalate_job_moves_first_level_tickets(desk, make):
    from legaldesk.sla.services import save_policy

    save_policy(desk["admin"], priority="normal", level="first_level", first_response_hours=9,
                resolution_hours=45, now=NOW)
    make.user("delegate", region="IDF")
    ticket = ask(desk["adherent"], NOW, level="first_level")
    assert ticket.queue == "delegation" and ticket.first_response_target_seconds == 9 * 3600
    assert run_job("auto_escalate", paris("2026-03-16 12:00")) == 1
    assert ticket.queue == "national"
    assert ticket.first_response_target_seconds == 18 * 3600  # recomputed for the expert level
    assert run_job("auto_escalate", paris("2026-03-16 12:00")) == 0


def test_unknown_job_and_cli(app, desk):
    with pytest.raises(NotFound):
        run_job("nope", NOW)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"]).output
    for name in job_table(app.config):
        assert name in listed
    result = runner.invoke(args=["jobs", "run", "sla_check", "--now", "2026-03-10T10:00:00"])
    assert result.exit_code == 0 and "sla_check : 0" in result.output
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
