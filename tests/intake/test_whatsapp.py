"""The Twilio WhatsApp webhook: signatures, idempotency, threading of short messages, media."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from legaldesk import trust_proxies
from legaldesk.auth.models import Contact
from legaldesk.core.extensions import db
from legaldesk.intake import twilio_media
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.intake.services import Outcome, ingest_whatsapp
from legaldesk.intake.twilio_media import media_url_refusal
from legaldesk.notify.models import Outbox
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Attachment, Message, Status, Ticket
from tests.conftest import NOW
from tests.mailservers import configure, serve_twilio, twilio_post, whatsapp_form
from tests.samples import make_pdf, make_pe, make_png

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



@pytest.fixture
def stranger():
    """Another web server: what a forged MediaUrl would point at."""
    yield from serve_twilio()


def test_a_media_url_off_twilio_is_refused_without_sending_anything(wa_app, member, stranger,
                                                                   twilio_api):
    elsewhere = stranger.add_media("ME9", make_pdf(), "application/pdf")
    result = ingest_whatsapp(whatsapp_form("SM60", "Voici le document", NumMedia="1",
                                           MediaUrl0=elsewhere,
                                           MediaContentType0="application/pdf"), now=NOW)
    assert result.outcome == Outcome.CREATED
    assert stranger.media_requests == []  # not even a connection: no credentials leaked
    ticket = only_ticket()
    assert ticket.messages[0].body == "Voici le document" and ticket.attachments == []
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.media[0]["status"] == "refused"
    assert inbound.media[0]["error"] == "adresse refusée : https obligatoire"
    assert "média non récupéré" in inbound.note


def test_a_redirect_is_followed_to_twilio_only_and_never_with_credentials_elsewhere(
        wa_app, member, stranger, twilio_api):
    pdf = twilio_api.add_media("ME1", make_pdf(), "application/pdf")
    inside = twilio_api.redirect_media("ME2", pdf)
    outside = twilio_api.redirect_media("ME3", stranger.add_media("ME4", make_pdf(), "x/y"))
    ingest_whatsapp(whatsapp_form("SM61", "Deux pièces", NumMedia="2", MediaUrl0=inside,
                                  MediaContentType0="application/pdf", MediaUrl1=outside,
                                  MediaContentType1="application/pdf"), now=NOW)
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert [m["status"] for m in inbound.media] == ["stored", "refused"]
    assert twilio_api.media_requests == ["ME2", "ME1", "ME3"]
    assert twilio_api.media_credentials == [True, True, True]  # one origin: Twilio's
    assert stranger.media_requests == []


def test_a_media_disguised_as_an_image_is_refused_by_its_bytes(wa_app, member, twilio_api):
    fake = twilio_api.add_media("ME5", make_pe(), "image/jpeg")
    ingest_whatsapp(whatsapp_form("SM62", "Photo", NumMedia="1", MediaUrl0=fake,
                                  MediaContentType0="image/jpeg"), now=NOW)
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.media[0]["status"] == "refused"
    assert "ne correspond pas à son extension .jpg" in inbound.note
    assert only_ticket().attachments == [] and only_ticket().messages[0].body == "Photo"


@pytest.mark.parametrize(("url", "refusal"), [
    ("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", None),
    ("https://media.twiliocdn.com/AC1/abc", None),
    ("https://API.Twilio.com./x", None),
    ("http://api.twilio.com/x", "adresse refusée : https obligatoire"),
    ("https://api.twilio.com:8443/x", "adresse refusée : port non autorisé (8443)"),
    ("https://user:pw@api.twilio.com/x", "adresse refusée : identifiants dans l'adresse"),
    ("https://api.twilio.com.evil.example/x", "adresse refusée : hôte non autorisé "
                                              "(api.twilio.com.evil.example)"),
    ("https://twiliocdn.com.evil.example/x", "adresse refusée : hôte non autorisé "
                                             "(twiliocdn.com.evil.example)"),
    ("https://evil.example/api.twilio.com", "adresse refusée : hôte non autorisé "
                                            "(evil.example)"),
    ("file:///etc/passwd", "adresse refusée : https obligatoire"),
])
def test_media_url_policy(url, refusal):
    config = {"TWILIO_MEDIA_HOSTS": ["api.twilio.com", "*.twiliocdn.com"],
              "TWILIO_BASE_URL": None}
    assert media_url_refusal(url, config) == refusal


def test_twilio_redirect_to_its_cdn_drops_the_credentials(monkeypatch):
    calls = []

    class Response:
        def __init__(self, status, headers, body=b""):
            self.status_code, self.headers, self.body = status, headers, body
            self.is_redirect = status in (301, 302, 303, 307, 308)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def raise_for_status(self):
            pass

        def iter_content(self, size):
            yield self.body

    def fake_get(url, **kwargs):
        calls.append((url, kwargs["auth"], kwargs["allow_redirects"]))
        if "api.twilio.com" in url:
            return Response(307, {"Location": "https://media.twiliocdn.com/AC1/signed?x=1"})
        return Response(200, {"Content-Type": "image/png"}, make_png())

    monkeypatch.setattr(twilio_media.requests, "get", fake_get)
    config = {"TWILIO_MEDIA_HOSTS": ["api.twilio.com", "*.twiliocdn.com"],
              "TWILIO_BASE_URL": None, "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_TIMEOUT_SECONDS": 5, "WHATSAPP_MEDIA_MAX_BYTES": 1000}
    data, content_type = twilio_media.fetch_media("https://api.twilio.com/M/ME1", config)
    assert (data, content_type) == (make_png(), "image/png")
    assert calls == [("https://api.twilio.com/M/ME1", ("AC1", "t"), False),
                     ("https://media.twiliocdn.com/AC1/signed?x=1", None, False)]
