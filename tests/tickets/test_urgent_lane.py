"""The urgent lane: urgent tickets head every queue, and reach the on-call jurist at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.auth.oncall import save_oncall_week, week_start
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.notify.models import Outbox
from legaldesk.tickets import queues, services
from legaldesk.tickets.models import Status
from tests.conftest import login
from tests.sla.conftest import paris

FRIDAY = paris("2026-03-13 14:09")
ACCIDENT = ("Accident sur un chantier de l'association Les Tilleuls",
            "Mohamed s'est blessé ce matin sur le chantier de la rue des Lilas, il a été emmené "
            "aux urgences. Qui doit déclarer l'accident du travail ?")
QUESTION = ("Durée d'un CDDI", "Quelle est la durée maximale d'un CDDI renouvelé ?")


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    return {
        "org": org,
        "adherent": make.user("adherent", organisation=org),
        "delegate": make.user("delegate", region="IDF"),
        "social": make.user("jurist", name="Sophie", specialty="droit_social"),
        "affaires": make.user("jurist", name="Karim", specialty="droit_des_affaires",
                              phone="06 12 34 56 78"),
        "other": make.user("jurist", name="Paul", specialty="droit_social"),
        "manager": make.user("manager"),
    }


def ask(desk, question, at, **kw):
    ticket = services.open_ticket(desk["adherent"], subject=question[0], body=question[1],
                                  now=at, **kw)
    db.session.commit()
    return ticket


def on_call(desk, jurist, backup=None, at=FRIDAY):
    save_oncall_week(desk["manager"], week=week_start(at), jurist=jurist, backup=backup, now=at)
    db.session.commit()


def rows(purpose=None) -> list[Outbox]:
    query = select(Outbox).order_by(Outbox.id)
    if purpose:
        query = query.where(Outbox.purpose == purpose)
    return list(db.session.scalars(query))


def assert_no_free_text(row: Outbox) -> None:
    for words in ("Mohamed", "Lilas", "Tilleuls", "chantier", "urgences", "déclarer"):
        assert words not in row.subject and words not in row.body


# --- queues -------------------------------------------------------------------------------


def test_open_urgent_tickets_head_the_national_queue_above_overdue_ones(desk):
    week_ago = FRIDAY - timedelta(days=7)
    overdue = [ask(desk, QUESTION, week_ago, level="expert") for _ in range(3)]
    urgent = ask(desk, QUESTION, FRIDAY, level="expert", priority="urgent")
    accident = ask(desk, ACCIDENT, FRIDAY + timedelta(minutes=1))
    listed, total = queues.list_queue(desk["manager"], "national", queues.QueueFilters(),
                                      now=FRIDAY + timedelta(hours=1))
    assert total == 5
    # Both urgent tickets first (by due time), then the overdue ones (by due time).
    assert listed == [urgent, accident, *overdue]
    by_reception, _ = queues.list_queue(desk["manager"], "national",
                                        queues.QueueFilters(sort="received"), now=FRIDAY)
    assert by_reception[:2] == [urgent, accident]


def test_a_closed_urgent_ticket_does_not_stay_on_top(desk):
    old = ask(desk, QUESTION, FRIDAY - timedelta(days=7), level="expert")
    urgent = ask(desk, QUESTION, FRIDAY, level="expert", priority="urgent")
    services.close_ticket(desk["manager"], urgent, now=FRIDAY)
    db.session.commit()
    listed, _ = queues.list_queue(desk["manager"], "national",
                                  queues.QueueFilters(only_open=False), now=FRIDAY)
    assert listed == [old, urgent]  # closed: no due time, last


def test_urgent_tickets_head_the_delegation_queue(desk):
    overdue = ask(desk, QUESTION, FRIDAY - timedelta(days=1), level="first_level")
    urgent = ask(desk, QUESTION, FRIDAY, level="first_level", priority="urgent")
    listed, _ = queues.list_queue(desk["delegate"], "delegation", queues.QueueFilters(),
                                  now=FRIDAY)
    assert listed == [urgent, overdue]


# --- alerts -------------------------------------------------------------------------------


def test_without_rota_the_alert_goes_as_before_without_the_question_text(desk):
    ticket = ask(desk, ACCIDENT, FRIDAY)
    assert ticket.assignee == desk["social"]
    alerts = rows("urgent_ticket")
    assert {row.recipient for row in alerts} == {
        desk[who].email for who in ("social", "delegate", "manager")}
    assert rows("oncall_alert") == []
    for row in alerts:
        assert_no_free_text(row)
        assert row.subject == f"[{ticket.reference}] URGENT · accident du travail"
        # the delegate may not read a confidential case: told to follow it, not to act on it
        action = ("Le lien ci-dessous en montre le suivi (état, dates), sans son contenu."
                  if row.recipient == desk["delegate"].email else
                  "À traiter dans les plus brefs délais.")
        assert row.body == ("Demande urgente (accident du travail) reçue le 13/03/2026 14:09 "
                            f"(CET).\n{action}")


def test_the_on_call_jurist_gets_the_ticket_and_an_email_and_whatsapp_alert(desk):
    on_call(desk, desk["affaires"], backup=desk["other"])
    ticket = ask(desk, ACCIDENT, FRIDAY)
    # On call, whatever the specialty: they can open the (confidential) ticket at once.
    assert ticket.assignee == desk["affaires"] and ticket.status == Status.ASSIGNED
    assert ticket.confidential
    email, whatsapp = rows("oncall_alert")
    assert (email.channel, email.recipient) == ("email", desk["affaires"].email)
    assert (whatsapp.channel, whatsapp.recipient) == ("whatsapp", "06 12 34 56 78")
    for row in (email, whatsapp):
        assert row.ticket_id == ticket.id
        assert_no_free_text(row)
        assert row.subject == f"[{ticket.reference}] URGENT · accident du travail"
        assert row.body.startswith("Vous êtes d'astreinte : demande urgente (accident du "
                                   "travail) reçue le 13/03/2026 14:09 (CET).")
    # The other jurists are not woken; the delegation and the managers are told.
    told = {row.recipient for row in rows("urgent_ticket")}
    assert told == {desk["delegate"].email, desk["manager"].email}


def test_an_away_on_call_jurist_hands_over_to_the_backup(desk):
    from legaldesk.auth.services import update_user

    on_call(desk, desk["affaires"], backup=desk["other"])
    update_user(None, desk["affaires"], away_until=FRIDAY + timedelta(days=1))
    db.session.commit()
    ticket = ask(desk, ACCIDENT, FRIDAY)
    assert ticket.assignee == desk["other"]
    (email,) = rows("oncall_alert")  # the backup has no phone number: e-mail only
    assert email.recipient == desk["other"].email


def test_an_urgent_ticket_raised_by_hand_alerts_the_on_call_jurist(desk):
    from legaldesk.tickets import moves

    on_call(desk, desk["social"])
    ticket = ask(desk, QUESTION, FRIDAY, level="expert")
    assert rows("oncall_alert") == []
    moves.set_urgency(desk["manager"], ticket, True, "Le salarié est à l'hôpital",
                      now=FRIDAY + timedelta(minutes=5))
    db.session.commit()
    (email,) = rows("oncall_alert")
    assert email.recipient == desk["social"].email
    assert "(urgence signalée)" in email.body and "Le salarié" not in email.body


# --- pages --------------------------------------------------------------------------------


def test_queue_page_shows_the_urgent_row_first_with_its_badge(client, desk):
    now = utcnow()
    overdue = ask(desk, QUESTION, now - timedelta(days=7), level="expert")
    accident = ask(desk, ACCIDENT, now)
    login(client, desk["manager"])
    page = client.get("/queue/national").get_data(as_text=True)
    body = page[page.index("<tbody>"):]
    assert body.index(accident.reference) < body.index(overdue.reference)
    first_row = body[:body.index("</tr>")]
    assert accident.reference in first_row and 'class="urgent-row"' in first_row
    assert '<span class="badge badge-urgent">URGENT · accident du travail</span>' in first_row
    assert "accident_du_travail" not in page  # a label, never the code
    show = client.get(f"/tickets/{accident.reference}").get_data(as_text=True)
    assert '<span class="badge badge-urgent">URGENT · accident du travail</span>' in show


def test_the_jurists_home_page_puts_urgent_tickets_first(client, desk):
    now = utcnow()
    overdue = ask(desk, QUESTION, now - timedelta(days=7), level="expert")
    urgent = ask(desk, QUESTION, now, level="expert", priority="urgent")
    login(client, desk["other"])
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert page.index(urgent.reference) < page.index(overdue.reference)
    assert "URGENT</span>" in page  # urgent without a detected case: the badge alone


@pytest.mark.usefixtures("english_catalog")
def test_english_badge_names_the_case_in_english(client, desk):
    from legaldesk.auth.services import update_user

    accident = ask(desk, ACCIDENT, utcnow())
    update_user(None, desk["manager"], locale="en")
    db.session.commit()
    login(client, desk["manager"])
    page = client.get(f"/tickets/{accident.reference}").get_data(as_text=True)
    assert "URGENT · work accident" in page
