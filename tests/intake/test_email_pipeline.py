"""The e-mail pipeline end to end: raw stored first, filed once, threaded, quarantined, retried."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from legaldesk.auth.models import Contact
from legaldesk.core.errors import Conflict, Forbidden, NotFound
from legaldesk.core.extensions import db
from legaldesk.intake import services
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.intake.services import Outcome, ingest_email
from legaldesk.notify.email import outbound_message_id
from legaldesk.notify.models import Outbox
from legaldesk.tickets import access as ticket_access
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Attachment, Message, MessageKind, Queue, Status, Ticket
from tests.conftest import NOW
from tests.intake.mails import CORPUS, corpus, raw_email
from tests.samples import make_docx, make_pe

IGNORED = {"27_auto_reply_exchange_oof.eml", "28_auto_reply_x_autoreply.eml",
           "29_auto_reply_precedence_bulk.eml", "30_auto_reply_subject_only.eml",
           "31_bounce_dsn_report.eml", "32_mailing_list_sympa.eml",
           "33_auto_reply_x_autorespond.eml"}
QUARANTINED = {"40_garbage_not_email.eml", "41_empty_file.eml", "42_no_from_header.eml",
               "47_bad_from_address.eml"}


def ingest(raw: bytes, source: str = "http", **kw):
    return ingest_email(raw, now=NOW, source=source, **kw)


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF", email_domains=["tilleuls.org"])
    other = make.organisation("ACI du Nord", kind="ACI", region="HDF",
                              email_domains=["aci-nord.example"])
    return {
        "org": org, "other": other,
        "adherent": make.user("adherent", email="claire.morin@tilleuls.org", organisation=org),
        "jurist": make.user("jurist", specialty="droit_social"),
        "admin": make.user("admin"),
    }


def test_the_corpus_goes_through_the_pipeline_once_per_message(app):
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) >= 30
    first = {path.name: ingest(path.read_bytes()) for path in files}
    for name, result in first.items():
        expected = (Outcome.IGNORED_AUTO_REPLY if name in IGNORED else
                    Outcome.QUARANTINED if name in QUARANTINED else Outcome.CREATED)
        assert result.outcome == expected, (name, result)
        assert (result.reference is not None) == (expected == Outcome.CREATED), name
    created = sum(1 for r in first.values() if r.outcome == Outcome.CREATED)
    assert db.session.scalar(select(func.count(Ticket.id))) == created
    assert db.session.scalar(select(func.count(InboundMessage.id))) == len(files)
    # the same files again (a re-delivery): nothing new is filed, quarantine stays quarantine
    again = {path.name: ingest(path.read_bytes()) for path in files}
    for name, result in again.items():
        expected = Outcome.QUARANTINED if name in QUARANTINED else Outcome.DUPLICATE
        assert result.outcome == expected, name
        assert result.reference == first[name].reference
    assert db.session.scalar(select(func.count(Ticket.id))) == created
    assert db.session.scalar(select(func.count(InboundMessage.id))) == len(files)


def test_raw_bytes_are_stored_exactly_even_when_unreadable(app):
    raw = corpus("40_garbage_not_email.eml")
    result = ingest(raw)
    inbound = db.session.get(InboundMessage, result.inbound_id)
    assert result.outcome == Outcome.QUARANTINED
    assert inbound.raw == raw and inbound.status == InboundStatus.QUARANTINED
    assert "pas un e-mail" in inbound.error


def test_a_message_stored_but_not_filed_before_a_crash_is_filed_when_met_again(desk):
    raw = raw_email()
    inbound, known = services.record_inbound(
        channel="email", external_id=services.email_external_id(raw), raw=raw, source="imap",
        now=NOW)
    db.session.commit()  # the process died here, after storing and before filing
    assert not known and inbound.status == InboundStatus.RECEIVED
    result = ingest(raw, source="imap")
    assert result.outcome == Outcome.CREATED and result.inbound_id == inbound.id
    assert ingest(raw, source="imap").outcome == Outcome.DUPLICATE


def test_a_new_mail_from_a_member_opens_a_ticket_for_their_organisation(desk):
    result = ingest(raw_email(subject="RE: TR: Renouvellement CDDI"))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    assert result.outcome == Outcome.CREATED
    assert ticket.requester_user == desk["adherent"] and ticket.organisation == desk["org"]
    assert ticket.channel == "email" and ticket.subject == "Renouvellement CDDI"
    message = ticket.messages[0]
    assert message.external_id == "q1@mail.tilleuls.org"
    assert message.body.startswith("Bonjour,\n\nPeut-on renouveler")
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert ack.recipient == "claire.morin@tilleuls.org" and ticket.reference in ack.body


def test_an_unknown_address_becomes_a_contact_of_the_domain_organisation(desk):
    result = ingest(raw_email(sender="Paul Roy <p.roy@aci-nord.example>"))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    contact = db.session.scalar(select(Contact).where(Contact.email == "p.roy@aci-nord.example"))
    assert contact.name == "Paul Roy" and contact.organisation == desk["other"]
    assert ticket.requester_contact == contact and ticket.organisation == desk["other"]
    assert ticket.requester_type == "adherent"


def test_an_address_of_no_known_domain_goes_to_national_triage(desk):
    result = ingest(raw_email(sender="someone@gmail.com"))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    assert ticket.organisation is None and ticket.requester_contact.email == "someone@gmail.com"
    assert ticket.queue == Queue.NATIONAL and ticket.region.code == "NAT"
    assert ticket.requester_type == "autre"


def test_a_reply_to_our_message_id_joins_the_ticket_and_reopens_it(desk):
    ticket = _answered_ticket(desk)
    ours = db.session.scalar(select(Outbox).where(Outbox.purpose == "answer"))
    reply = raw_email(sender="p.roy@elsewhere.example", subject="Re: votre réponse",
                      message_id="r1@elsewhere.example",
                      in_reply_to=outbound_message_id(ours.id, app_config()))
    result = ingest(reply)
    assert result.outcome == Outcome.APPENDED and result.reference == ticket.reference
    assert ticket.status == Status.REOPENED
    assert [m.kind for m in ticket.messages][-1] == MessageKind.INBOUND


def test_a_forged_or_foreign_message_id_does_not_thread(desk):
    ticket = _answered_ticket(desk)
    ours = db.session.scalar(select(Outbox).where(Outbox.purpose == "answer"))
    forged = outbound_message_id(ours.id, app_config()).replace("ld.", "ld.9", 1)
    result = ingest(raw_email(sender="p.roy@elsewhere.example", message_id="r2@x.example",
                              subject="Autre sujet", in_reply_to=forged))
    assert result.outcome == Outcome.CREATED and result.reference != ticket.reference


def test_references_to_the_members_own_message_thread_too(desk):
    first = ingest(raw_email())
    follow = ingest(raw_email(message_id="q2@mail.tilleuls.org", subject="Re: Question",
                              references=["q1@mail.tilleuls.org"], body="Précision : 6 mois."))
    assert follow.outcome == Outcome.APPENDED and follow.reference == first.reference


def test_the_subject_reference_threads_for_the_same_organisation_only(desk):
    first = ingest(raw_email())
    colleague = ingest(raw_email(sender="direction@tilleuls.org", message_id="c1@tilleuls.org",
                                 subject=f"Complément [{first.reference}]"))
    stranger = ingest(raw_email(sender="x@aci-nord.example", message_id="s1@aci-nord.example",
                                subject=f"Re: [{first.reference}] question"))
    assert colleague.outcome == Outcome.APPENDED and colleague.reference == first.reference
    assert stranger.outcome == Outcome.CREATED and stranger.reference != first.reference


def test_staff_writing_into_a_thread_adds_an_internal_note(desk):
    first = ingest(raw_email())
    note = ingest(raw_email(sender=desk["jurist"].email, message_id="j1@federation.example",
                            subject=f"[{first.reference}] pièce du dossier", body="Vu avec eux."))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == first.reference))
    assert note.outcome == Outcome.APPENDED
    assert ticket.messages[-1].kind == MessageKind.INTERNAL
    assert ticket.messages[-1].external_id == "j1@federation.example"


def test_a_redelivered_message_id_is_recorded_once(desk):
    ingest(raw_email())
    again = ingest(raw_email(headers={"Received": "from relay2.example by mx"}))
    assert again.outcome == Outcome.DUPLICATE
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_without_message_id_the_raw_bytes_are_the_identity(desk):
    one = ingest(raw_email(message_id=None))
    same = ingest(raw_email(message_id=None))
    other = ingest(raw_email(message_id=None, body="Une autre question."))
    assert one.outcome == Outcome.CREATED and same.outcome == Outcome.DUPLICATE
    assert other.outcome == Outcome.CREATED
    inbound = db.session.get(InboundMessage, one.inbound_id)
    assert inbound.external_id.startswith("sha256:")


def test_auto_replies_and_loops_are_ignored_without_any_answer(desk):
    for name in sorted(IGNORED):
        assert ingest(corpus(name)).outcome == Outcome.IGNORED_AUTO_REPLY
    our_copy = raw_email(message_id=outbound_message_id(12, app_config()))
    from_us = raw_email(sender="juridique@legaldesk.invalid", message_id="loop@x.example")
    assert ingest(our_copy).outcome == Outcome.IGNORED_AUTO_REPLY
    assert ingest(from_us).outcome == Outcome.IGNORED_AUTO_REPLY
    assert db.session.scalar(select(func.count(Outbox.id))) == 0
    assert db.session.scalar(select(func.count(Ticket.id))) == 0
    reasons = db.session.scalars(select(InboundMessage.note)).all()
    assert all(reasons) and any("boucle" in r for r in reasons)


def test_attachments_are_kept_and_refused_ones_reported_to_the_sender(desk):
    result = ingest(raw_email(attachments=[
        ("décision.pdf", "application/pdf", b"%PDF-1.4 une decision"),
        ("outil.exe", "application/octet-stream", b"MZ\x90\x00This program cannot be run"),
    ]))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    stored = db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
    assert [a.filename for a in stored] == ["décision.pdf"]
    assert stored[0].message == ticket.messages[0]
    assert len(result.refused) == 1 and "outil.exe" in result.refused[0]
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert "outil.exe" in ack.body and "n'ont pas pu être conservées" in ack.body


def test_an_executable_named_pdf_in_a_mail_is_refused_by_its_bytes(desk):
    result = ingest(raw_email(body="Voici la facture.", attachments=[
        ("facture.pdf", "application/pdf", make_pe()),
        ("contrat.docx", "application/octet-stream", make_docx()),
        ("lettre.pdf", "application/pdf", make_docx()),  # the parser takes it: its label says pdf
    ]))
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    assert ticket.messages[0].body == "Voici la facture."
    stored = db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
    assert [(a.filename, a.content_type) for a in stored] == [(
        "contrat.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    # the parser refuses the executable by its own sniffing; the storage check catches the rest
    assert len(result.refused) == 2 and result.refused[0].startswith("« facture.pdf » : ")
    assert result.refused[1] == ("« lettre.pdf » : le contenu du fichier ne correspond pas à "
                                 "son extension .pdf.")
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert "facture.pdf" in ack.body and "lettre.pdf" in ack.body


def test_the_quoted_history_is_kept_apart_from_the_new_text(desk):
    result = ingest(corpus("23_outlook_reply_message_origine.eml"))
    inbound = db.session.get(InboundMessage, result.inbound_id)
    assert inbound.message.body.startswith("Merci beaucoup pour ces précis")
    assert inbound.quoted_text and "Message d'origine" in inbound.quoted_text
    assert "Message d'origine" not in inbound.message.body


def test_receipt_time_is_the_doors_or_the_date_header_for_files(desk):
    door = ingest(raw_email(), received_at=NOW - timedelta(minutes=3))
    cli = ingest(raw_email(message_id="q9@tilleuls.org"), source="cli")
    tickets_by_ref = {t.reference: t for t in db.session.scalars(select(Ticket))}
    assert tickets_by_ref[door.reference].received_at == NOW - timedelta(minutes=3)
    assert tickets_by_ref[cli.reference].received_at == NOW.replace(hour=8)


def test_a_failure_quarantines_the_message_and_the_batch_goes_on(desk, app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    app.config["ATTACHMENTS_DIR"] = str(blocked)
    with_file = ingest(raw_email(attachments=[("a.pdf", "application/pdf", b"%PDF-1.4 x")]))
    plain = ingest(raw_email(message_id="q2@mail.tilleuls.org"))
    assert with_file.outcome == Outcome.QUARANTINED and "erreur inattendue" in with_file.error
    assert plain.outcome == Outcome.CREATED
    assert db.session.scalar(select(func.count(Ticket.id))) == 1
    # the cause is fixed: the admin's retry files it
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    retried = services.retry_quarantined(desk["admin"], with_file.inbound_id, now=NOW)
    assert retried.outcome == Outcome.CREATED
    assert db.session.get(InboundMessage, with_file.inbound_id).status == InboundStatus.PROCESSED
    with pytest.raises(Conflict):
        services.retry_quarantined(desk["admin"], with_file.inbound_id, now=NOW)


def test_the_source_of_a_mail_filed_on_a_confidential_ticket_is_not_for_admins(desk):
    filed = ingest(raw_email())
    ticket = ticket_access.get_ticket(desk["jurist"], filed.reference)
    assert services.get_inbound(desk["admin"], filed.inbound_id).ticket_id == ticket.id
    ticket_moves.classify_ticket(desk["jurist"], ticket, now=NOW, confidential=True)
    db.session.commit()
    with pytest.raises(NotFound):
        services.get_inbound(desk["admin"], filed.inbound_id)


def test_only_admins_retry_and_an_unfixable_message_stays_in_quarantine(desk):
    bad = ingest(corpus("47_bad_from_address.eml"))
    assert bad.outcome == Outcome.QUARANTINED and "adresse d'expéditeur invalide" in bad.error
    with pytest.raises(Forbidden):
        services.retry_quarantined(desk["jurist"], bad.inbound_id, now=NOW)
    again = services.retry_quarantined(desk["admin"], bad.inbound_id, now=NOW)
    assert again.outcome == Outcome.QUARANTINED
    assert db.session.get(InboundMessage, bad.inbound_id).attempts == 2
    assert [i.id for i in services.list_quarantine(desk["admin"])] == [bad.inbound_id]


def test_two_doors_delivering_the_same_mail_at_once_file_it_once(desk, app):
    raw = raw_email()
    results = []

    def deliver():
        with app.app_context():
            results.append(ingest(raw))
            db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.DUPLICATE]
    assert db.session.scalar(select(func.count(Ticket.id))) == 1
    assert db.session.scalar(select(func.count(Message.id))) == 1


# --- helpers ------------------------------------------------------------------------------


def app_config():
    from flask import current_app
    return current_app.config


def _answered_ticket(desk) -> Ticket:
    result = ingest(raw_email())
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))
    if ticket.assignee is None:
        ticket_moves.claim_ticket(desk["jurist"], ticket, now=NOW)
    tickets.record_answer(ticket.assignee, ticket, "Oui, dans la limite de 24 mois.", now=NOW)
    db.session.commit()
    assert ticket.status == Status.ANSWERED
    return ticket
