"""The Twilio WhatsApp webhook: signatures, idempotency, threading of short messages, media."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from legaldesk import trust_proxies
from legaldesk.auth.models import Contact
from legaldesk.core.extensions import db
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.intake.services import Outcome, ingest_whatsapp
from legaldesk.notify.models import Outbox
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Attachment, Message, Status, Ticket
from tests.conftest import NOW
from tests.mailservers import configure, serve_twilio, twilio_post, whatsapp_form

twilio_api = pytest.fixture(serve_twilio, name="twilio_api")

HOOK = "/webhooks/twilio/whatsapp"


@pytest.fixture
def wa_app(app, twilio_api, monkeypatch):
    configure(monkeypatch, app, twilio_api.config())
    return app


@pytest.fixture
def member(make):
    org = make.organisation("ACI Les Jardins", kind="ACI", region="IDF",
                            phone_numbers=["01 45 67 89 10", "+33 7 56 12 34 56"])
    return {"org": org,
            "adherent": make.user("adherent", organisation=org, phone="06 12 34 56 78"),
            "jurist": make.user("jurist", specialty="droit_social")}


def counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(InboundMessage.id))),
            db.session.scalar(select(func.count(Ticket.id))),
            db.session.scalar(select(func.count(Message.id))))


def only_ticket() -> Ticket:
    return db.session.scalars(select(Ticket)).one()


def test_a_signed_message_from_a_members_phone_opens_their_ticket(wa_app, client, member):
    response = twilio_post(client, HOOK, whatsapp_form("SM1", "Bonjour, un salarié en CDDI "
                                                              "peut-il démissionner ?"))
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert b"<Response></Response>" in response.data
    ticket = only_ticket()
    assert ticket.channel == "whatsapp" and ticket.requester_user == member["adherent"]
    assert ticket.organisation == member["org"]
    assert ticket.messages[0].sender == "+33612345678"
    assert ticket.messages[0].external_id == "SM1"
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert ack.channel == "whatsapp" and ack.recipient == "+33612345678"
    assert ticket.reference in ack.body


@pytest.mark.parametrize("tamper", ["unsigned", "wrong_signature", "other_body", "other_token",
                                    "other_url", "no_token_configured"])
def test_forged_or_unsigned_requests_get_403_and_change_nothing(wa_app, client, member,
                                                               monkeypatch, tamper):
    form = whatsapp_form("SM2", "Question")
    if tamper == "unsigned":
        response = client.post(HOOK, data=form)
    elif tamper == "wrong_signature":
        response = client.post(HOOK, data=form, headers={"X-Twilio-Signature": "AAAA"})
    elif tamper == "other_body":
        signature = RequestValidator(wa_app.config["TWILIO_AUTH_TOKEN"]).compute_signature(
            "https://localhost" + HOOK, form)
        response = client.post(HOOK, data={**form, "Body": "Autre texte"},
                               headers={"X-Twilio-Signature": signature})
    elif tamper == "other_token":
        response = twilio_post(client, HOOK, form, token="pas-le-bon-jeton")
    elif tamper == "other_url":
        response = twilio_post(client, HOOK, form, base="https://ailleurs.example")
    else:
        monkeypatch.setitem(wa_app.config, "TWILIO_AUTH_TOKEN", None)
        response = twilio_post(client, HOOK, form)
    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_twilio_retries_are_recorded_once(wa_app, client, member, monkeypatch):
    monkeypatch.setitem(wa_app.config, "WTF_CSRF_ENABLED", True)  # Twilio sends no token
    form = whatsapp_form("SM3", "Bonjour, question sur la PMSMP")
    assert twilio_post(client, HOOK, form).status_code == 200
    assert twilio_post(client, HOOK, form).status_code == 200
    assert counts() == (1, 1, 1)


def test_short_messages_in_a_row_are_one_question(member, app):
    fragments = ["Bonjour", "j'ai une question", "sur la rupture d'un CDDI pendant l'essai"]
    results = [ingest_whatsapp(whatsapp_form(f"SM{i}", text), now=NOW + timedelta(minutes=i))
               for i, text in enumerate(fragments)]
    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.APPENDED, Outcome.APPENDED]
    assert counts() == (3, 1, 1)
    ticket = only_ticket()
    assert ticket.messages[0].body == "\n".join(fragments)
    assert ticket.subject.startswith("Bonjour j'ai une question sur la rupture")
    inbound = db.session.scalars(select(InboundMessage)).all()
    assert {i.message_id for i in inbound} == {ticket.messages[0].id}


def test_a_later_message_joins_the_open_ticket_within_the_window_else_opens_one(member, app):
    first = ingest_whatsapp(whatsapp_form("SM10", "Question sur un avenant"), now=NOW)
    later = ingest_whatsapp(whatsapp_form("SM11", "Précision : CDDI de 6 mois"),
                            now=NOW + timedelta(hours=30))
    assert later.outcome == Outcome.APPENDED and later.reference == first.reference
    assert counts() == (2, 1, 2)
    ticket = only_ticket()
    if ticket.assignee is None:
        ticket_moves.claim_ticket(member["jurist"], ticket, now=NOW + timedelta(days=1, hours=7))
    tickets.record_answer(ticket.assignee, ticket, "Oui.", now=NOW + timedelta(days=2))
    db.session.commit()
    thanks = ingest_whatsapp(whatsapp_form("SM12", "Et si le salarié refuse ?"),
                             now=NOW + timedelta(days=3))
    assert thanks.reference == first.reference and ticket.status == Status.REOPENED
    days = app.config["WHATSAPP_THREAD_DAYS"]
    fresh = ingest_whatsapp(whatsapp_form("SM13", "Nouvelle question : la DPAE"),
                            now=NOW + timedelta(days=3 + days, minutes=1))
    assert fresh.outcome == Outcome.CREATED and fresh.reference != first.reference


def test_an_unknown_number_becomes_a_contact_of_the_organisation_with_that_number(member, app):
    result = ingest_whatsapp(whatsapp_form("SM20", "Bonjour", sender="+33756123456",
                                           ProfileName="Awa D."), now=NOW)
    contact = db.session.scalar(select(Contact).where(Contact.phone == "+33756123456"))
    assert contact.name == "Awa D." and contact.organisation == member["org"]
    assert result.outcome == Outcome.CREATED
    assert only_ticket().requester_contact == contact


def test_an_overseas_number_matches_the_local_form_stored_for_a_user(make, app):
    org = make.organisation("AI Réunion Emploi", region="OI", territory="Réunion")
    user = make.user("adherent", organisation=org, phone="0692 12 34 56")
    ingest_whatsapp(whatsapp_form("SM21", "Bonjour", sender="+262692123456"), now=NOW)
    assert only_ticket().requester_user == user


def test_media_items_are_recorded_and_fetched_into_attachments(wa_app, client, member,
                                                               twilio_api):
    pdf = twilio_api.add_media("ME1", b"%PDF-1.4 lettre de licenciement", "application/pdf")
    voice = twilio_api.add_media("ME2", b"OggS voix", "audio/ogg")
    form = whatsapp_form("SM30", "Voici la lettre", NumMedia="2", MediaUrl0=pdf,
                         MediaContentType0="application/pdf", MediaUrl1=voice,
                         MediaContentType1="audio/ogg")
    assert twilio_post(client, HOOK, form).status_code == 200
    ticket = only_ticket()
    stored = db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
    assert [(a.content_type, a.size) for a in stored] == [("application/pdf", 31)]
    assert stored[0].message == ticket.messages[0]
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert [(m["url"], m["content_type"], m["status"]) for m in inbound.media] == [
        (pdf, "application/pdf", "stored"), (voice, "audio/ogg", "refused")]
    assert twilio_api.media_requests == ["ME1", "ME2"]
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert ".ogg" in ack.body and "vocaux" in ack.body


def test_a_media_that_cannot_be_fetched_does_not_lose_the_text(wa_app, member, twilio_api):
    form = whatsapp_form("SM31", "Photo du contrat", NumMedia="1",
                         MediaUrl0=twilio_api.media_url("absent"), MediaContentType0="image/jpeg")
    result = ingest_whatsapp(form, now=NOW)
    assert result.outcome == Outcome.CREATED
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.media[0]["status"] == "failed" and "404" in inbound.media[0]["error"]
    assert only_ticket().messages[0].body == "Photo du contrat"


def test_an_invalid_sender_number_is_quarantined(app):
    result = ingest_whatsapp(whatsapp_form("SM40", "Bonjour", sender="not-a-number"), now=NOW)
    assert result.outcome == Outcome.QUARANTINED and "numéro WhatsApp invalide" in result.error
    assert db.session.get(InboundMessage, result.inbound_id).status == InboundStatus.QUARANTINED


def test_behind_a_proxy_the_public_url_is_what_was_signed(wa_app, client, member, monkeypatch):
    public = "https://juridique.example.org"
    monkeypatch.setitem(wa_app.config, "PROXY_COUNT", 1)
    monkeypatch.setattr(wa_app, "wsgi_app", wa_app.wsgi_app)
    trust_proxies(wa_app)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "juridique.example.org"}
    ok = twilio_post(client, HOOK, whatsapp_form("SM50", "Bonjour"), base=public,
                     headers=forwarded)
    naive = twilio_post(client, HOOK, whatsapp_form("SM51", "Bonjour"), base=public)
    assert (ok.status_code, naive.status_code) == (200, 403)


def test_the_configured_public_url_is_used_when_set(wa_app, client, member, monkeypatch):
    monkeypatch.setitem(wa_app.config, "PUBLIC_BASE_URL", "https://juridique.example.org/")
    ok = twilio_post(client, HOOK, whatsapp_form("SM52", "Bonjour"),
                     base="https://juridique.example.org")
    local = twilio_post(client, HOOK, whatsapp_form("SM53", "Bonjour"))
    assert (ok.status_code, local.status_code) == (200, 403)

