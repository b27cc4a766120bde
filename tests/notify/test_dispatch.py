"""Outbox dispatch over a real SMTP server: threading headers, outages, races, retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.intake.services import Outcome, ingest_email
from legaldesk.notify.dispatch import claim_row, dispatch_outbox
from legaldesk.notify.email import outbound_message_id
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.notify.services import queue_notification
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Message, Status, Ticket
from tests.conftest import NOW
from tests.intake.mails import raw_email
from tests.mailservers import configure, serve_smtp
from tests.samples import make_docx

smtp_server = pytest.fixture(serve_smtp, name="smtp_server")


@pytest.fixture
def mail_app(app, smtp_server, monkeypatch):
    configure(monkeypatch, app, {**smtp_server.config(), "OUTBOX_MAX_ATTEMPTS": 3,
                                 "PUBLIC_BASE_URL": "https://juridique.example.org"})
    return app


@pytest.fixture
def member(make):
    org = make.organisation("AI Les Tilleuls", region="IDF", email_domains=["tilleuls.org"])
    return {"org": org,
            "adherent": make.user("adherent", email="claire.morin@tilleuls.org",
                                  organisation=org, name="Claire Morin"),
            "jurist": make.user("jurist", specialty="droit_social")}


def queue(n: int, recipient: str = "membre@tilleuls.org", **kw) -> list[int]:
    rows = [queue_notification(channel="email", recipient=recipient, subject=f"Sujet {i}",
                               body=f"Texte {i}", purpose="test", now=NOW,
                               dedupe_key=f"test:{recipient}:{i}", **kw) for i in range(n)]
    ids = [row.id for row in rows]
    db.session.commit()  # and end the transaction: SQLite's write lock goes with it
    return ids


def statuses() -> list[tuple[str, int]]:
    rows = db.session.scalars(select(Outbox).order_by(Outbox.id)).all()
    return [(row.status, row.attempts) for row in rows]


def test_an_answer_leaves_with_our_message_id_and_threads_back(mail_app, smtp_server, member):
    created = ingest_email(raw_email(), now=NOW, source="http")
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == created.reference))
    if ticket.assignee is None:
        ticket_moves.claim_ticket(member["jurist"], ticket, now=NOW)
    answer = tickets.record_answer(ticket.assignee, ticket, "Oui, jusqu'à 24 mois.", now=NOW)
    db.session.commit()
    assert answer.delivery_status == "pending"

    assert dispatch_outbox(NOW) == 2  # the acknowledgement, then the answer
    ack_mail, answer_mail = (m.message for m in smtp_server.received)
    row = db.session.scalar(select(Outbox).where(Outbox.purpose == "answer"))
    assert answer_mail["Message-ID"] == f"<{outbound_message_id(row.id, mail_app.config)}>"
    assert f"[{ticket.reference}]" in answer_mail["Subject"]
    assert answer_mail["In-Reply-To"] == "<q1@mail.tilleuls.org>"
    assert answer_mail["References"].split() == ["<q1@mail.tilleuls.org>", ack_mail["Message-ID"]]
    assert ack_mail["In-Reply-To"] == "<q1@mail.tilleuls.org>"
    assert ack_mail["Auto-Submitted"] == "auto-replied" and answer_mail["Auto-Submitted"] is None
    text = answer_mail.get_content()
    assert "Bonjour Claire" in text and "Oui, jusqu'à 24 mois." in text
    assert f"https://juridique.example.org/tickets/{ticket.reference}" in text
    assert db.session.get(Message, answer.id).delivery_status == "sent"

    # the member answers from their mail client: the reply joins the ticket
    reply = raw_email(subject=f"Re: {answer_mail['Subject']}", message_id="q2@mail.tilleuls.org",
                      in_reply_to=answer_mail["Message-ID"].strip("<>"),
                      references=["q1@mail.tilleuls.org", answer_mail["Message-ID"].strip("<>")],
                      body="Merci ! Et pour un temps partiel ?")
    result = ingest_email(reply, now=NOW + timedelta(hours=1), source="http")
    assert result.outcome == Outcome.APPENDED and result.reference == ticket.reference
    assert db.session.get(Ticket, ticket.id).status == Status.REOPENED


def test_files_attached_to_an_answer_travel_with_the_email(mail_app, smtp_server, member):
    created = ingest_email(raw_email(), now=NOW, source="http")
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == created.reference))
    if ticket.assignee is None:
        ticket_moves.claim_ticket(member["jurist"], ticket, now=NOW)
    answer = tickets.record_answer(ticket.assignee, ticket, "Voir le modèle joint.", now=NOW)
    docx = make_docx("modèle")
    tickets.attach_files(ticket.assignee, ticket, [tickets.UploadedFile(
        "modèle CDDI.docx", "application/octet-stream", docx)], now=NOW, message=answer)
    db.session.commit()
    dispatch_outbox(NOW)
    answer_mail = smtp_server.received[-1].message
    files = [(part.get_filename(), part.get_content()) for part in answer_mail.iter_attachments()]
    assert files == [("modèle CDDI.docx", docx)]


def test_smtp_down_rows_stay_pending_then_leave_once(mail_app, smtp_server):
    ids = queue(3)
    smtp_server.stop()
    assert dispatch_outbox(NOW) == 0
    assert statuses() == [("pending", 0)] * 3
    assert "indisponible" in db.session.get(Outbox, ids[0]).last_error
    smtp_server.start()
    # the row that met the outage waits for its back-off; the others were never tried
    assert dispatch_outbox(NOW) == 2
    assert db.session.get(Outbox, ids[0]).status == OutboxStatus.PENDING
    assert dispatch_outbox(NOW + timedelta(minutes=2)) == 1
    assert dispatch_outbox(NOW + timedelta(minutes=3)) == 0
    assert statuses() == [("sent", 1)] * 3
    message_ids = [m.message["Message-ID"] for m in smtp_server.received]
    assert len(message_ids) == 3 and len(set(message_ids)) == 3


def test_two_dispatchers_racing_send_each_row_once(mail_app, smtp_server):
    ids = queue(12)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            with mail_app.app_context():
                counts.append(dispatch_outbox(NOW))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == len(ids)
    sent_ids = sorted(m.message["Message-ID"] for m in smtp_server.received)
    expected = sorted(f"<{outbound_message_id(i, mail_app.config)}>" for i in ids)
    assert sent_ids == expected
    assert statuses() == [("sent", 1)] * len(ids)


def test_a_refused_recipient_is_dead_at_once(mail_app, smtp_server):
    smtp_server.refuse["nobody@tilleuls.org"] = "550 5.1.1 Utilisateur inconnu"
    dead, fine = queue(1, recipient="nobody@tilleuls.org") + queue(1)
    assert dispatch_outbox(NOW) == 1
    row = db.session.get(Outbox, dead)
    assert row.status == OutboxStatus.DEAD and "550" in row.last_error
    assert db.session.get(Outbox, fine).status == OutboxStatus.SENT


def test_a_temporary_refusal_backs_off_exponentially_then_dies(mail_app, smtp_server):
    smtp_server.refuse["busy@tilleuls.org"] = "451 4.7.1 Réessayez plus tard"
    (row_id,) = queue(1, recipient="busy@tilleuls.org")
    moments = [NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=3)]
    delays = []
    for moment in moments:
        assert dispatch_outbox(moment) == 0
        row = db.session.get(Outbox, row_id)
        delays.append(row.next_attempt_at - moment)
    assert [row.status, row.attempts] == [OutboxStatus.DEAD, 3]
    assert delays[:2] == [timedelta(minutes=1), timedelta(minutes=2)]
    assert "451" in row.last_error


def test_a_row_claimed_by_a_dispatcher_that_died_is_sent_after_the_lease(mail_app, smtp_server):
    (row_id,) = queue(1)
    assert claim_row(row_id, 0, NOW)  # a dispatcher claimed it, then was killed before sending
    assert dispatch_outbox(NOW) == 0
    lease = timedelta(seconds=mail_app.config["OUTBOX_CLAIM_SECONDS"])
    assert dispatch_outbox(NOW + lease + timedelta(seconds=1)) == 1
    assert len(smtp_server.received) == 1
    assert statuses() == [("sent", 2)]
