"""SLA clocks kept by the ticket services: start, pause/resume, stop, reopen, recompute."""

from __future__ import annotations

from legaldesk.core.extensions import db
from legaldesk.sla import services as sla
from legaldesk.tickets import moves, services
from legaldesk.tickets.models import Status
from tests.sla.conftest import BDAY, HOUR, ask, local, paris

NOW = paris("2026-03-10 11:00")  # a Tuesday


def test_new_ticket_gets_targets_and_due_times_in_business_time(desk):
    ticket = ask(desk["adherent"], NOW)
    assert ticket.first_response_target_seconds == 18 * HOUR
    assert ticket.resolution_target_seconds == 10 * BDAY
    # 18 business hours from Tuesday 11:00: Tue 7 h + Wed 9 h + Thu 2 h.
    assert ticket.first_response_due_at == paris("2026-03-12 11:00")
    assert ticket.resolution_due_at == paris("2026-03-24 11:00")
    assert ticket.next_due_at == ticket.first_response_due_at
    assert ticket.paused_business_seconds == 0 and ticket.paused_since is None


def test_waiting_on_requester_pauses_then_resumes_and_moves_due_times(desk):
    ticket = ask(desk["adherent"], NOW)
    jurist = ticket.assignee or desk["jurist"]
    services.set_status(jurist, ticket, Status.WAITING_ON_REQUESTER, now=paris("2026-03-10 12:00"))
    db.session.commit()
    assert ticket.paused_since == paris("2026-03-10 12:00") and ticket.next_due_at is None

    services.add_requester_reply(desk["adherent"], ticket, "Voici les précisions.",
                                 now=paris("2026-03-12 11:00"))
    db.session.commit()
    # Paused Tue 12-18 (6 h) + Wed (9 h) + Thu 9-11 (2 h) = 17 business hours, 47 h on the clock.
    assert ticket.status == Status.IN_PROGRESS and ticket.paused_since is None
    assert ticket.paused_business_seconds == 17 * HOUR
    assert ticket.paused_calendar_seconds == 47 * HOUR
    # 18 + 17 = 35 business hours from Tuesday 11:00 → Monday 10:00.
    assert ticket.first_response_due_at == paris("2026-03-16 10:00")
    assert ticket.next_due_at == ticket.first_response_due_at


def test_answer_stops_both_clocks_with_net_durations(desk):
    ticket = ask(desk["adherent"], NOW)
    jurist = ticket.assignee or desk["jurist"]
    services.set_status(jurist, ticket, Status.WAITING_ON_REQUESTER, now=paris("2026-03-10 12:00"))
    services.add_requester_reply(desk["adherent"], ticket, "Précisions.",
                                 now=paris("2026-03-12 11:00"))
    services.record_answer(jurist, ticket, "Voici la réponse.", now=paris("2026-03-16 09:00"))
    db.session.commit()
    # Elapsed business time Tue 11:00 → Mon 09:00 is 34 h, minus 17 h paused.
    assert ticket.first_response_business_seconds == 17 * HOUR
    assert ticket.resolution_business_seconds == 17 * HOUR
    # Calendar: 5 days 22 h minus 47 h paused = 95 h.
    assert ticket.first_response_calendar_seconds == 95 * HOUR
    assert ticket.resolution_calendar_seconds == 95 * HOUR
    assert ticket.paused_since == paris("2026-03-16 09:00")  # answered: the clock is stopped
    assert ticket.next_due_at is None


def test_reopen_restarts_resolution_clock_without_counting_the_stopped_time(desk):
    ticket = ask(desk["adherent"], NOW)
    jurist = ticket.assignee or desk["jurist"]
    services.record_answer(jurist, ticket, "Réponse.", now=paris("2026-03-16 09:00"))
    db.session.commit()
    assert ticket.resolution_business_seconds == 34 * HOUR

    services.add_requester_reply(desk["adherent"], ticket, "Encore une question.",
                                 now=paris("2026-03-18 10:00"))
    db.session.commit()
    assert ticket.status == Status.REOPENED
    assert ticket.resolution_business_seconds is None  # running again
    assert ticket.first_response_business_seconds == 34 * HOUR  # the first answer stays
    assert ticket.paused_business_seconds == 19 * HOUR  # Mon 9 + Tue 9 + Wed 1
    # 90 + 19 = 109 business hours from Tue 10 March 11:00 → Thu 26 March 12:00.
    assert ticket.resolution_due_at == paris("2026-03-26 12:00")
    assert ticket.next_due_at == ticket.resolution_due_at

    services.record_answer(jurist, ticket, "Complément.", now=paris("2026-03-18 16:00"))
    db.session.commit()
    # Elapsed Tue 10 11:00 → Wed 18 16:00 = 59 business hours, minus 19 h stopped.
    assert ticket.resolution_business_seconds == 40 * HOUR


def test_closing_from_waiting_measures_resolution_without_the_wait(desk):
    ticket = ask(desk["adherent"], NOW)
    jurist = ticket.assignee or desk["jurist"]
    services.set_status(jurist, ticket, Status.WAITING_ON_REQUESTER, now=paris("2026-03-10 15:00"))
    services.set_status(jurist, ticket, Status.CLOSED, now=paris("2026-03-13 15:00"))
    db.session.commit()
    assert ticket.resolution_business_seconds == 4 * HOUR
    assert ticket.resolution_calendar_seconds == 4 * HOUR
    services.reopen_ticket(desk["adherent"], ticket, now=paris("2026-03-16 09:00"))
    db.session.commit()
    assert ticket.paused_business_seconds == 3 * HOUR + 3 * BDAY  # Tue 15-18, Wed, Thu, Fri
    assert ticket.resolution_business_seconds is None


def test_priority_change_recomputes_due_times(desk):
    ticket = ask(desk["adherent"], NOW)
    moves.classify_ticket(desk["manager"], ticket, now=paris("2026-03-10 11:30"),
                             priority="urgent", reason="Accident du travail")
    db.session.commit()
    assert ticket.first_response_target_seconds == 4 * HOUR
    assert ticket.first_response_due_at == paris("2026-03-10 15:00")
    assert ticket.resolution_due_at == paris("2026-03-11 11:00")  # one business day


def test_escalation_changes_level_and_recomputes(desk, make):
    from legaldesk.sla.models import SlaPolicy

    db.session.add(SlaPolicy(priority="normal", level="first_level",
                             first_response_seconds=9 * HOUR, resolution_seconds=45 * HOUR))
    db.session.commit()
    delegate = make.user("delegate", region="IDF")
    ticket = ask(desk["adherent"], NOW, level="first_level")
    assert ticket.queue == "delegation"
    assert ticket.first_response_due_at == paris("2026-03-11 11:00")  # 9 business hours
    moves.escalate_ticket(delegate, ticket, "Question d'expert", now=paris("2026-03-10 12:00"))
    db.session.commit()
    assert ticket.level == "expert"
    assert ticket.first_response_due_at == paris("2026-03-12 11:00")  # 18 business hours


def test_overseas_ticket_follows_its_territory_calendar(desk):
    # Friday 17 December 2027, 14:00 in Réunion; Monday 20 December is a holiday there only.
    received = local("2027-12-17 14:00", "Indian/Reunion")
    reunion = ask(desk["adherent_re"], received)
    metro = ask(desk["adherent"], received)
    # Réunion: Fri 14-18 (4 h), Mon holiday, Tue 9 h, Wed 5 h → Wed 14:00 local.
    assert reunion.first_response_due_at == local("2027-12-22 14:00", "Indian/Reunion")
    # Paris (11:00 there): Fri 7 h, Mon 9 h, Tue 2 h → Tue 11:00 Paris.
    assert metro.first_response_due_at == paris("2027-12-21 11:00")


def test_describe_clock_gives_text_and_tone(desk):
    ticket = ask(desk["adherent"], NOW)
    assert sla.describe_clock(ticket, NOW).tone == "ok"
    assert sla.describe_clock(ticket, NOW).text == "Reste 2 j ouvrés (1re réponse)"
    assert sla.describe_clock(ticket, paris("2026-03-12 09:30")).tone == "warn"
    late = sla.describe_clock(ticket, paris("2026-03-12 12:30"))
    assert late.tone == "late" and late.text == "En retard (1re réponse) de 1 h 30 ouvrées"


def test_non_members_get_no_target_when_configured(desk, make, app):
    from legaldesk.auth.services import create_organisation

    partner = create_organisation(None, name="Réseau partenaire", kind="partenaire")
    staff = desk["jurist"]
    app.config["SLA_FOR_NON_MEMBERS"] = False
    try:
        ticket = services.open_ticket(staff, subject="Question d'un partenaire",
                                      body="Une question", now=NOW, organisation=partner,
                                      level="expert", priority="normal")
        db.session.commit()
    finally:
        app.config["SLA_FOR_NON_MEMBERS"] = True
    assert ticket.requester_type == "reseau_partenaire"
    assert ticket.resolution_due_at is None and ticket.next_due_at is None
    assert sla.describe_clock(ticket, NOW).text == "Sans délai cible"
