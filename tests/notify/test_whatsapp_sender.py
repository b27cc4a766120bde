"""Answers to WhatsApp tickets via the twilio client (local Messages API); status callbacks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.intake.services import ingest_whatsapp
from legaldesk.notify.dispatch import dispatch_outbox
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Message, Ticket
from tests.conftest import NOW
from tests.mailservers import configure, serve_twilio, twilio_post, whatsapp_form

twilio_api = pytest.fixture(serve_twilio, name="twilio_api")
STATUS = "/webhooks/twilio/status"


@pytest.fixture
def wa_app(app, twilio_api, monkeypatch):
    configure(monkeypatch, app, {**twilio_api.config(),
                                 "PUBLIC_BASE_URL": "https://juridique.example.org"})
    return app


@pytest.fixture
def desk(make):
    org = make.organisation("ACI Les Jardins", kind="ACI", region="IDF")
    return {"adherent": make.user("adherent", organisation=org, phone="06 12 34 56 78"),
            "jurist": make.user("jurist", specialty="droit_social")}


def whatsapp_ticket(text: str = "Bonjour, question sur un CDDI", at=NOW) -> Ticket:
    result = ingest_whatsapp(whatsapp_form("SM-in-1", text), now=at)
    return db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))


def answer(desk, ticket: Ticket, body: str, at) -> Message:
    if ticket.assignee is None:
        ticket_moves.claim_ticket(desk["jurist"], ticket, now=at)
    message = tickets.record_answer(ticket.assignee, ticket, body, now=at)
    db.session.commit()
    return message


def test_inside_the_window_the_answer_text_goes_out(wa_app, desk, twilio_api):
    ticket = whatsapp_ticket()
    message = answer(desk, ticket, "Oui, avec l'accord écrit du salarié.", NOW + timedelta(hours=2))
    assert dispatch_outbox(NOW + timedelta(hours=2)) == 2  # acknowledgement and answer
    ack, sent = twilio_api.sent
    assert sent["To"] == "whatsapp:+33612345678" and sent["From"] == "whatsapp:+33159000000"
    assert "Oui, avec l'accord écrit du salarié." in sent["Body"]
    assert ticket.reference in sent["Body"] and "ContentSid" not in sent
    assert sent["StatusCallback"] == "https://juridique.example.org/webhooks/twilio/status"
    message = db.session.get(Message, message.id)
    assert message.external_id == sent["sid"] and message.delivery_status == "queued"
    assert ticket.reference in ack["Body"]


def test_outside_the_window_the_approved_template_announces_the_answer(wa_app, desk,
                                                                       twilio_api):
    ticket = whatsapp_ticket()
    dispatch_outbox(NOW)  # the acknowledgement
    later = NOW + timedelta(hours=30)
    answer(desk, ticket, "Réponse longue et détaillée.", later)
    assert dispatch_outbox(later) == 1
    sent = twilio_api.sent[-1]
    assert "Body" not in sent
    assert sent["ContentSid"] == wa_app.config["TWILIO_TEMPLATE_CONTENT_SID"]
    assert json.loads(sent["ContentVariables"]) == {
        "1": ticket.reference, "2": f"https://juridique.example.org/tickets/{ticket.reference}"}


def test_when_the_member_writes_back_the_waiting_answer_is_sent_as_text(wa_app, desk,
                                                                       twilio_api):
    ticket = whatsapp_ticket()
    later = NOW + timedelta(hours=30)
    answer(desk, ticket, "Voici la réponse complète.", later)
    dispatch_outbox(later)  # acknowledgement (text: sent at once) and answer (template)
    assert "ContentSid" in twilio_api.sent[-1]
    back = later + timedelta(hours=1)
    ingest_whatsapp(whatsapp_form("SM-in-2", "Je n'ai pas reçu la réponse"), now=back)
    assert dispatch_outbox(back) == 1
    assert "Voici la réponse complète." in twilio_api.sent[-1]["Body"]
    ingest_whatsapp(whatsapp_form("SM-in-3", "Merci !"), now=back + timedelta(hours=1))
    assert dispatch_outbox(back + timedelta(hours=1)) == 0  # sent once, not at every message


def test_outside_the_window_without_a_template_the_row_is_dead_with_a_reason(wa_app, desk,
                                                                            monkeypatch):
    monkeypatch.setitem(wa_app.config, "TWILIO_TEMPLATE_CONTENT_SID", None)
    ticket = whatsapp_ticket()
    later = NOW + timedelta(days=2)
    message = answer(desk, ticket, "Réponse.", later)
    dispatch_outbox(later)
    row = db.session.scalar(select(Outbox).where(Outbox.purpose == "answer"))
    assert row.status == OutboxStatus.DEAD and "TWILIO_TEMPLATE_CONTENT_SID" in row.last_error
    assert db.session.get(Message, message.id).delivery_status == "failed"


@pytest.mark.parametrize(("failure", "status", "attempts"), [
    ((503, 20500, "Service unavailable"), OutboxStatus.FAILED, 1),
    ((429, 20429, "Too many requests"), OutboxStatus.FAILED, 1),
    ((400, 21211, "Invalid 'To' Phone Number"), OutboxStatus.DEAD, 1),
])
def test_twilio_errors_are_retried_or_final(wa_app, desk, twilio_api, failure, status, attempts):
    whatsapp_ticket()
    twilio_api.fail_next.append(failure)
    assert dispatch_outbox(NOW) == 0
    row = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert (row.status, row.attempts) == (status, attempts)
    assert str(failure[1]) in row.last_error


def test_twilio_unreachable_or_refusing_our_credentials_keeps_rows_pending(wa_app, desk,
                                                                          twilio_api,
                                                                          monkeypatch):
    whatsapp_ticket()
    monkeypatch.setitem(wa_app.config, "TWILIO_AUTH_TOKEN", "ancien-jeton")
    assert dispatch_outbox(NOW) == 0
    twilio_api.stop()
    monkeypatch.setitem(wa_app.config, "TWILIO_AUTH_TOKEN", "jeton-twilio-de-test")
    assert dispatch_outbox(NOW + timedelta(minutes=2)) == 0
    row = db.session.scalar(select(Outbox))
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    twilio_api.start()
    assert dispatch_outbox(NOW + timedelta(minutes=4)) == 1


def test_status_callbacks_move_the_delivery_state_forward_only(wa_app, desk, client,
                                                               twilio_api):
    ticket = whatsapp_ticket()
    message = answer(desk, ticket, "Réponse.", NOW)
    dispatch_outbox(NOW)
    sid = twilio_api.sent[-1]["sid"]

    def callback(status, **extra):
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32,
                **extra}
        return twilio_post(client, STATUS, form, base="https://juridique.example.org")

    assert callback("delivered").status_code == 204
    assert callback("sent").status_code == 204  # late and out of order: ignored
    assert db.session.get(Message, message.id).delivery_status == "delivered"
    assert callback("read").status_code == 204
    assert db.session.get(Message, message.id).delivery_status == "read"
    forged = client.post(STATUS, data={"MessageSid": sid, "MessageStatus": "failed"})
    assert forged.status_code == 403
    assert db.session.get(Message, message.id).delivery_status == "read"
    page = _ticket_page(client, desk, ticket)
    assert "Envoi au demandeur (WhatsApp) : lu</p>" in page


def test_a_failed_delivery_is_shown_and_recorded(wa_app, desk, client, twilio_api):
    ticket = whatsapp_ticket()
    message = answer(desk, ticket, "Réponse.", NOW)
    dispatch_outbox(NOW)
    sid = twilio_api.sent[-1]["sid"]
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "63024"}
    assert twilio_post(client, STATUS, form, base="https://juridique.example.org").status_code \
        == 204
    assert db.session.get(Message, message.id).delivery_status == "undelivered"
    row = db.session.scalar(select(Outbox).where(Outbox.provider_id == sid))
    assert "63024" in row.last_error
    assert "Envoi au demandeur (WhatsApp) : non distribué</p>" in _ticket_page(client, desk,
                                                                              ticket)


def _ticket_page(client, desk, ticket) -> str:
    from tests.conftest import login
    login(client, desk["jurist"])
    response = client.get(f"/tickets/{ticket.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_on_call_alert_goes_out_with_its_own_template_and_no_question_text(
        wa_app, make, twilio_api, monkeypatch):
    from legaldesk.auth.oncall import save_oncall_week, week_start
    from legaldesk.notify.sending import PermanentFailure
    from legaldesk.notify.whatsapp import WhatsAppSender, render_text

    org = make.organisation("AI Les Tilleuls", region="IDF")
    adherent = make.user("adherent", organisation=org)
    jurist = make.user("jurist", specialty="droit_social", phone="06 98 76 54 32")
    save_oncall_week(make.user("manager"), week=week_start(NOW), jurist=jurist, now=NOW)
    ticket = tickets.open_ticket(
        adherent, subject="Accident sur le chantier de Mohamed",
        body="Mohamed s'est blessé ce matin sur le chantier, il est aux urgences. Qui déclare "
             "l'accident du travail ?", now=NOW)
    db.session.commit()
    row = db.session.scalar(select(Outbox).where(Outbox.channel == "whatsapp"))
    assert (row.purpose, row.recipient) == ("oncall_alert", "06 98 76 54 32")
    with pytest.raises(PermanentFailure, match="TWILIO_ONCALL_TEMPLATE_CONTENT_SID"):
        WhatsAppSender(wa_app.config).send(row, NOW)  # outside the window, no template yet
    monkeypatch.setitem(wa_app.config, "TWILIO_ONCALL_TEMPLATE_CONTENT_SID", "HX" + "b" * 32)
    WhatsAppSender(wa_app.config).send(row, NOW)
    sent = twilio_api.sent[-1]
    assert sent["To"] == "whatsapp:+33698765432" and "Body" not in sent
    assert sent["ContentSid"] == "HX" + "b" * 32
    assert json.loads(sent["ContentVariables"]) == {
        "1": ticket.reference, "2": "accident du travail", "3": "10/03/2026 11:00 (CET)",
        "4": f"https://juridique.example.org/tickets/{ticket.reference}"}
    assert "Mohamed" not in sent["ContentVariables"]
    # Inside the window (the jurist wrote to the desk lately) the same facts go as text.
    assert render_text(row, ticket, wa_app.config) == (
        f"[{ticket.reference}] {row.body}\n"
        f"https://juridique.example.org/tickets/{ticket.reference}")
