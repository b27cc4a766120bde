"""The urgent lane's clock: urgent policies count calendar hours, normal ones business hours."""

from __future__ import annotations

from datetime import date

from legaldesk.core.extensions import db
from legaldesk.sla import reports
from legaldesk.sla import services as sla
from legaldesk.sla.models import SlaEvent
from legaldesk.tickets import services
from legaldesk.tickets.models import Status
from tests.sla.conftest import HOUR, add_ticket, ask, local, paris

FRIDAY = paris("2026-03-13 14:09")  # the case: an accident reported on Friday 14:09


def accident(requester, received_at):
    """An accident at work, as a member reports it (triage finds the urgent case)."""
    ticket = services.open_ticket(
        requester, subject="Accident du travail sur le chantier",
        body="Un salarié s'est blessé ce matin sur le chantier, il est parti aux urgences. "
             "Que devons-nous déclarer ?", now=received_at)
    db.session.commit()
    return ticket


def test_friday_accident_is_due_friday_evening_not_monday(desk):
    ticket = accident(desk["adherent"], FRIDAY)
    normal = ask(desk["adherent"], FRIDAY)
    assert (ticket.priority, ticket.urgent_case) == ("urgent", "accident_du_travail")
    assert ticket.sla_clock == "calendar" and normal.sla_clock == "business"
    assert ticket.first_response_due_at == paris("2026-03-13 18:09")
    assert ticket.resolution_due_at == paris("2026-03-14 14:09")  # 24 h, Saturday
    # The same minute on the business clock: 18 opening hours run to Tuesday.
    assert normal.first_response_due_at == paris("2026-03-17 14:09")


def test_overseas_urgent_ticket_counts_hours_in_its_own_territory(desk):
    received = local("2026-03-13 14:09", "Indian/Reunion")
    ticket = ask(desk["adherent_re"], received, priority="urgent")
    assert ticket.first_response_due_at == local("2026-03-13 18:09", "Indian/Reunion")
    assert sla.local_text(ticket.first_response_due_at, ticket) == "13/03/2026 18:09 (+04)"


def test_urgent_ticket_on_a_local_holiday_runs_on_while_business_time_waits(desk):
    # Monday 20 December 2027 is a public holiday in Réunion only.
    received = local("2027-12-20 10:00", "Indian/Reunion")
    urgent = ask(desk["adherent_re"], received, priority="urgent")
    normal = ask(desk["adherent_re"], received)
    assert urgent.first_response_due_at == local("2027-12-20 14:00", "Indian/Reunion")
    # Business time starts on Tuesday 09:00: 18 h = Tuesday and Wednesday.
    assert normal.first_response_due_at == local("2027-12-22 18:00", "Indian/Reunion")


def test_clock_text_says_calendar_or_business_hours(desk):
    urgent = ask(desk["adherent"], FRIDAY, priority="urgent")
    normal = ask(desk["adherent"], FRIDAY)
    view = sla.describe_clock(urgent, paris("2026-03-13 15:59"))
    assert view.text == "Reste 2 h 10 (1re réponse)" and view.tone == "ok"
    assert sla.describe_clock(urgent, paris("2026-03-13 17:30")).tone == "warn"
    late = sla.describe_clock(urgent, paris("2026-03-14 09:09"))
    assert late.text == "En retard (1re réponse) de 15 h 00" and late.tone == "late"
    # Business: Friday 2 h 01, Monday 9 h, Tuesday 5 h 09 (a business day is 9 h).
    assert sla.describe_clock(normal, paris("2026-03-13 15:59")).text == (
        "Reste 1 j 7 h 10 ouvrés (1re réponse)")


def test_pause_moves_a_calendar_due_time_by_the_hours_paused(desk):
    ticket = ask(desk["adherent"], FRIDAY, priority="urgent")
    jurist = ticket.assignee or desk["jurist"]
    services.set_status(jurist, ticket, Status.WAITING_ON_REQUESTER, now=paris("2026-03-13 15:00"))
    services.add_requester_reply(desk["adherent"], ticket, "Voici le certificat médical.",
                                 now=paris("2026-03-14 10:00"))
    db.session.commit()
    assert ticket.paused_calendar_seconds == 19 * HOUR
    assert ticket.paused_business_seconds == 3 * HOUR  # Friday 15:00-18:00
    assert ticket.first_response_due_at == paris("2026-03-14 13:09")  # 18:09 + 19 h


def test_warning_and_breach_follow_calendar_hours(desk):
    ticket = ask(desk["adherent"], FRIDAY, priority="urgent")
    assert sla.check_sla(paris("2026-03-13 17:05")) == 0  # 2 h 56 of 4 h: 73 %
    assert sla.check_sla(paris("2026-03-13 17:10")) == 1  # 3 h 01: past 75 %
    assert sla.check_sla(paris("2026-03-13 18:10")) == 1  # past 4 h on a Friday evening
    db.session.commit()
    events = {(e.clock, e.kind) for e in db.session.scalars(
        db.select(SlaEvent).where(SlaEvent.ticket_id == ticket.id))}
    assert events == {("first_response", "warning"), ("first_response", "breach")}


def test_stored_durations_are_judged_on_the_tickets_clock(desk):
    ticket = ask(desk["adherent"], FRIDAY, priority="urgent")
    jurist = ticket.assignee or desk["jurist"]
    services.record_answer(jurist, ticket, "Voici la marche à suivre.",
                           now=paris("2026-03-16 10:00"))
    db.session.commit()
    assert ticket.first_response_business_seconds == 4 * HOUR + 51 * 60  # Fri 3 h 51 + Mon 1 h
    assert ticket.resolution_calendar_seconds == 67 * HOUR + 51 * 60
    view = sla.describe_clock(ticket, paris("2026-03-16 10:00"))
    assert view.tone == "late" and view.text == "Traitée hors délai (2 j 19 h 51)"


def test_reports_compare_calendar_seconds_for_calendar_tickets(app):
    # Calendar-clock ticket: 5 calendar hours (1 business hour) for a 4-hour target: late.
    add_ticket(paris("2026-02-06 17:00"), priority="urgent", sla_clock="calendar",
               first_response_target_seconds=4 * HOUR, resolution_target_seconds=24 * HOUR,
               first_response_calendar_seconds=5 * HOUR, first_response_business_seconds=HOUR,
               resolution_calendar_seconds=20 * HOUR, resolution_business_seconds=2 * HOUR)
    # Business-clock ticket: 50 calendar hours but 10 business hours for 18: within target.
    add_ticket(paris("2026-02-06 17:00"), sla_clock="business",
               first_response_calendar_seconds=50 * HOUR, first_response_business_seconds=10 * HOUR,
               resolution_calendar_seconds=50 * HOUR, resolution_business_seconds=10 * HOUR)
    db.session.commit()
    period = reports.Period(date(2026, 2, 1), date(2026, 2, 28))
    now = paris("2026-03-10 11:00")
    assert reports.breach_counts(period, now) == {
        "first_response": 1, "resolution": 0, "urgent_first_response": 1, "urgent_resolution": 0}
    report = reports.build_report(None, period, now=now)
    assert report.overall.first_response.within_target_share == 0.5
    assert report.overall.resolution.within_target_share == 1.0
    priorities = {row.key: row.first_response.within_target_share
                  for row in report.by["priority"]}
    assert priorities == {"normal": 1.0, "urgent": 0.0}
    within = [(row[11], row[14]) for row in reports.ticket_rows(None, period)]
    assert within == [("no", "yes"), ("yes", "yes")]
