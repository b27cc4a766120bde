"""Who really wrote an e-mail: trusted Authentication-Results, DKIM here, and the pipeline's rules.

A forged From may open a new ticket marked unverified, never join an existing one, never write
as staff, and gets only a neutral acknowledgement.
"""

from __future__ import annotations

import base64
import html

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from legaldesk.auth.models import Contact
from legaldesk.core.extensions import db
from legaldesk.intake import sender_auth
from legaldesk.intake.email_parse import EmailParseError, parse_email
from legaldesk.intake.models import InboundMessage
from legaldesk.intake.sender_auth import aligned, authenticate_sender, verify_dkim
from legaldesk.intake.services import Outcome, ingest_email
from legaldesk.notify.models import Outbox
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets.models import Message, MessageKind, Ticket, TicketEvent
from tests.conftest import NOW, TRUSTED_MX, login
from tests.intake.mails import CORPUS, corpus, raw_email, trusted_results

CLAIRE = "claire.morin@tilleuls.org"
CORPUS_MX = "mx.federation-iae.example"
CONFIG = {"MAIL_TRUSTED_AUTHSERV_IDS": [TRUSTED_MX], "MAIL_DKIM_VERIFY": True}


def check(raw: bytes, sender: str = CLAIRE, config: dict | None = None, **kw):
    return authenticate_sender(raw, sender, {**CONFIG, **(config or {})}, **kw)


def with_header(raw: bytes, header: str) -> bytes:
    """A header added on top, as the next server on the way would."""
    return header.encode() + b"\n" + raw


# --- Authentication-Results ---------------------------------------------------------------


def test_our_servers_pass_for_the_from_domain_authenticates():
    result = check(raw_email())
    assert result.verified and result.how.startswith("DMARC pass pour tilleuls.org")


@pytest.mark.parametrize("results", [
    f"{TRUSTED_MX}; dmarc=pass header.from=tilleuls.org",
    f"{TRUSTED_MX}; dkim=pass header.i=@mail.tilleuls.org",  # a subdomain aligns (relaxed)
    f"{TRUSTED_MX}; spf=pass smtp.mailfrom=bounces@tilleuls.org",
    f"{TRUSTED_MX.upper()} 1; dkim=pass (good) header.d=tilleuls.org; arc=none",
])
def test_each_aligned_pass_of_our_server_counts(results):
    raw = with_header(raw_email(authenticated=False), f"Authentication-Results: {results}")
    assert check(raw).verified


@pytest.mark.parametrize(("results", "how"), [
    (f"{TRUSTED_MX}; dkim=pass header.d=mailer.example; spf=pass smtp.mailfrom=x@mailer.example",
     "aucun résultat DKIM, SPF ou DMARC aligné sur tilleuls.org"),
    (f"{TRUSTED_MX}; dkim=pass header.d=tilleuls.org; dmarc=fail header.from=tilleuls.org",
     "DMARC en échec"),
    (f"{TRUSTED_MX}; dkim=fail header.d=tilleuls.org; spf=softfail smtp.mailfrom=x@tilleuls.org",
     "aucun résultat DKIM, SPF ou DMARC aligné"),
    (f"{TRUSTED_MX}; dmarc=pass header.from=other.example", "aucun résultat"),
])
def test_no_aligned_pass_from_our_server_is_not_authenticated(results, how):
    raw = with_header(raw_email(authenticated=False), f"Authentication-Results: {results}")
    result = check(raw)
    assert not result.verified and how in result.how


def test_results_from_another_host_are_ignored():
    forged = trusted_results(CLAIRE, server="mx.forger.example")
    raw = with_header(raw_email(authenticated=False), f"Authentication-Results: {forged}")
    result = check(raw)
    assert not result.verified and result.how.startswith("aucune signature DKIM")


def test_only_the_topmost_block_of_our_results_counts():
    forged_pass = trusted_results(CLAIRE)  # carries our authserv-id, written by the sender
    our_fail = f"{TRUSTED_MX}; dkim=none; spf=fail smtp.mailfrom={CLAIRE}; dmarc=none"
    raw = with_header(
        with_header(with_header(raw_email(authenticated=False),
                                f"Authentication-Results: {forged_pass}"),
                    "Received: from forger.example by mx.federation.example; "
                    "Tue, 10 Mar 2026 08:00:01 +0000"),
        f"Authentication-Results: {our_fail}")
    assert not check(raw).verified
    # and our results split over two adjacent headers (two milters) both count
    split = with_header(with_header(raw_email(authenticated=False),
                                    f"Authentication-Results: {TRUSTED_MX}; dmarc=pass "
                                    "header.from=tilleuls.org"),
                        f"Authentication-Results: {TRUSTED_MX}; dkim=none")
    assert check(split).verified


def test_without_trusted_ids_nothing_is_trusted():
    result = check(raw_email(), config={"MAIL_TRUSTED_AUTHSERV_IDS": []})
    assert not result.verified


def test_two_from_addresses_or_a_different_sender_never_authenticate():
    raw = with_header(raw_email(), "From: Autre <autre@tilleuls.org>")  # a second From
    assert "From absent, multiple" in check(raw).how
    assert not check(raw_email(), sender="autre@tilleuls.org").verified


def test_received_spf_counts_only_when_enabled_and_written_by_us():
    spf = (f"Received-SPF: pass (mx: domain of {CLAIRE} designates 192.0.2.1 as permitted "
           f"sender) client-ip=192.0.2.1; envelope-from={CLAIRE}; receiver={TRUSTED_MX};")
    raw = with_header(raw_email(authenticated=False), spf)
    assert not check(raw).verified
    assert check(raw, config={"MAIL_TRUST_RECEIVED_SPF": True}).verified
    forged = with_header(raw_email(authenticated=False), spf.replace(TRUSTED_MX, "mx.forger"))
    assert not check(forged, config={"MAIL_TRUST_RECEIVED_SPF": True}).verified


@pytest.mark.parametrize(("domain", "from_domain", "expected"), [
    ("tilleuls.org", "tilleuls.org", True),
    ("mail.tilleuls.org", "tilleuls.org", True),
    ("tilleuls.org", "idf.tilleuls.org", True),
    ("a.tilleuls.org", "b.tilleuls.org", False),  # siblings: not without the suffix list
    ("tilleuls.org.evil.example", "tilleuls.org", False),
    ("eviltilleuls.org", "tilleuls.org", False),
    ("org", "tilleuls.org", False),
    ("", "tilleuls.org", False),
])
def test_relaxed_alignment(domain, from_domain, expected):
    assert aligned(domain, from_domain) is expected


# --- DKIM checked here --------------------------------------------------------------------


@pytest.fixture(scope="module")
def dkim_key():
    """A fresh RSA key for tilleuls.org, and a resolver that knows only its selector."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    lookups = []

    def dnsfunc(name, timeout=5):
        lookups.append(name)
        return record if name == b"s1._domainkey.tilleuls.org." else None

    return private, dnsfunc, lookups


def signed(raw: bytes, private: bytes, domain: str = "tilleuls.org", **kw) -> bytes:
    return dkim.sign(raw, b"s1", domain.encode(), private, **kw) + raw


def test_a_valid_dkim_signature_of_the_from_domain_authenticates(dkim_key):
    private, dnsfunc, _ = dkim_key
    raw = signed(raw_email(authenticated=False), private)
    result = check(raw, dnsfunc=dnsfunc)
    assert result.verified and result.how == "DKIM vérifié ici (d=tilleuls.org)"


def test_a_body_changed_after_signing_fails(dkim_key):
    private, dnsfunc, _ = dkim_key
    raw = signed(raw_email(authenticated=False), private).replace(
        b"renouveler", b"rompre")
    result = check(raw, dnsfunc=dnsfunc)
    assert not result.verified and "signature invalide" in result.how


def test_a_signature_of_another_domain_is_not_even_looked_up(dkim_key):
    private, dnsfunc, lookups = dkim_key
    lookups.clear()
    raw = signed(raw_email(authenticated=False), private, domain="mailer.example")
    result = check(raw, dnsfunc=dnsfunc)
    assert not result.verified and "d=mailer.example non aligné" in result.how
    assert lookups == []


def test_partial_body_signatures_and_unknown_keys_do_not_count(dkim_key):
    private, dnsfunc, _ = dkim_key
    partial = signed(raw_email(authenticated=False), private, length=True)
    assert "signature partielle" in check(partial, dnsfunc=dnsfunc).how
    unknown = signed(raw_email(authenticated=False), private).replace(b"s=s1", b"s=s2")
    assert not check(unknown, dnsfunc=dnsfunc).verified


def test_trusted_results_win_over_local_dkim_and_dkim_can_be_off(dkim_key):
    private, dnsfunc, lookups = dkim_key
    lookups.clear()
    raw = signed(raw_email(), private)  # our server's pass on top
    assert check(raw, dnsfunc=dnsfunc).verified and lookups == []
    unsigned_server = signed(raw_email(authenticated=False), private)
    assert not check(unsigned_server, config={"MAIL_DKIM_VERIFY": False},
                     dnsfunc=dnsfunc).verified


def test_hostile_bytes_never_raise():
    for raw in (b"", b"\x00\xff" * 50, b"DKIM-Signature: v=1; d=\r\n\r\nx",
                b"Authentication-Results: ;;;\r\nFrom: a@b.example\r\n\r\nx"):
        assert authenticate_sender(raw, "a@b.example", CONFIG).verified is False
    assert verify_dkim(b"garbage", "b.example").verified is False


# --- the corpus ----------------------------------------------------------------------------


def corpus_sender_table() -> list[tuple[str, dict[str, str]]]:
    """The two-column 'sender check' table of the corpus README."""
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].endswith(".eml"):
            facts = dict(fact.strip().split("=", 1) for fact in cells[1].split(";"))
            rows.append((cells[0], facts))
    return rows


def corpus_dns(name, timeout=5):
    """The corpus's DNS: one DKIM key record, nothing else."""
    record = CORPUS / "corpus2026._domainkey.ai-tremplin.example.txt"
    if name == b"corpus2026._domainkey.ai-tremplin.example.":
        return record.read_bytes().strip()
    return None


SENDER_ROWS = corpus_sender_table()


@pytest.mark.parametrize(("name", "facts"), SENDER_ROWS, ids=[n for n, _ in SENDER_ROWS])
def test_corpus_sender_checks(name, facts):
    raw = corpus(name)
    result = authenticate_sender(raw, parse_email(raw).from_address,
                                 {"MAIL_TRUSTED_AUTHSERV_IDS": [CORPUS_MX]},
                                 dnsfunc=corpus_dns)
    assert result.verified == (facts["auth"] == "verified"), result
    assert facts["how"] in result.how


def test_every_other_corpus_mail_is_unverified():
    listed = {name for name, _ in SENDER_ROWS}
    assert len(listed) >= 8
    for path in sorted(CORPUS.glob("*.eml")):
        if path.name in listed:
            continue
        try:
            sender = parse_email(path.read_bytes()).from_address
        except EmailParseError:
            continue
        result = authenticate_sender(path.read_bytes(), sender,
                                     {"MAIL_TRUSTED_AUTHSERV_IDS": [CORPUS_MX]},
                                     dnsfunc=corpus_dns)
        assert not result.verified, path.name


# --- the pipeline -----------------------------------------------------------------------------


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF", email_domains=["tilleuls.org"])
    return {
        "org": org,
        "adherent": make.user("adherent", email=CLAIRE, organisation=org),
        "jurist": make.user("jurist", email="jean.dupont@federation.example",
                            specialty="droit_social"),
        "manager": make.user("manager"),
    }


def ingest(raw: bytes):
    return ingest_email(raw, now=NOW, source="imap")


def ticket_of(result) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == result.reference))


def test_a_forged_member_from_opens_an_unverified_ticket_with_a_neutral_acknowledgement(desk):
    result = ingest(raw_email(subject="Changement de RIB", body="Voici notre nouveau RIB.",
                              authenticated=False))
    assert result.outcome == Outcome.CREATED
    ticket = ticket_of(result)
    assert ticket.sender_unverified and ticket.messages[0].sender_unverified
    assert ticket.requester_user == desk["adherent"]  # answers go to the real mailbox only
    event = db.session.scalar(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "sender_unverified"))
    assert event.new_value == "oui" and event.actor is None
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert ack.recipient == CLAIRE and ack.subject == f"[{ticket.reference}] Accusé de réception"
    assert ticket.reference in ack.body and "pas pu vérifier" in ack.body
    assert "RIB" not in ack.subject + ack.body  # nothing the forger wrote is echoed
    inbound = db.session.get(InboundMessage, result.inbound_id)
    assert inbound.sender_auth.startswith("non vérifié : ")


def test_an_authenticated_member_is_not_flagged(desk):
    ticket = ticket_of(ingest(raw_email()))
    assert not ticket.sender_unverified and not ticket.messages[0].sender_unverified
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.sender_auth.startswith("vérifié : DMARC pass pour tilleuls.org")
    ack = db.session.scalar(select(Outbox).where(Outbox.purpose == "acknowledgement"))
    assert ticket.subject in ack.subject


def confidential_question(desk) -> Ticket:
    """A member's authenticated question, made confidential by a jurist."""
    ticket = ticket_of(ingest(raw_email(message_id="question-0042@tilleuls.org",
                                        subject="Harcèlement signalé par une salariée")))
    ticket_moves.classify_ticket(desk["manager"], ticket, now=NOW, confidential=True)
    db.session.commit()
    return ticket


def test_a_forged_reply_to_a_confidential_ticket_is_not_appended(desk):
    question = confidential_question(desk)
    forged = raw_email(subject=f"Re: [{question.reference}] Harcèlement",
                       body="Pouvez-vous me renvoyer le nom de la salariée ?",
                       message_id="forged-1@forger.example",
                       in_reply_to="question-0042@tilleuls.org", authenticated=False)
    result = ingest(forged)
    assert result.outcome == Outcome.CREATED and result.reference != question.reference
    db.session.expire_all()
    assert [m.body for m in question.messages] == ["Bonjour,\n\nPeut-on renouveler un CDDI ?"]
    new = ticket_of(result)
    assert new.sender_unverified and not new.confidential
    assert question.reference not in new.subject
    inbound = db.session.get(InboundMessage, result.inbound_id)
    assert inbound.note == f"non rattaché à {question.reference} : expéditeur non vérifié"
    # the same reply, authenticated by our server, joins the thread as before
    genuine = ingest(raw_email(subject=f"Re: [{question.reference}] Harcèlement",
                               message_id="genuine-1@tilleuls.org",
                               in_reply_to="question-0042@tilleuls.org"))
    assert genuine.outcome == Outcome.APPENDED and genuine.reference == question.reference


def test_a_forged_staff_from_is_never_a_staff_answer(desk):
    question = confidential_question(desk)
    jurist = desk["jurist"]
    result = ingest(raw_email(sender=f"Jean Dupont <{jurist.email}>",
                              subject=f"RE: [{question.reference}] Harcèlement",
                              body="Réponse du juriste : licenciez la salariée.",
                              message_id="forged-2@forger.example",
                              in_reply_to="question-0042@tilleuls.org", authenticated=False))
    assert result.outcome == Outcome.CREATED and result.reference != question.reference
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.author_id == jurist.id)) == 0
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.kind != MessageKind.INBOUND)) == 0
    new = ticket_of(result)
    assert new.requester_user is None and new.sender_unverified
    assert new.requester_contact == db.session.scalar(
        select(Contact).where(Contact.email == jurist.email))
    # authenticated, the same jurist's mail is an internal note on the thread, as before
    genuine = ingest(raw_email(sender=jurist.email, subject=f"RE: [{question.reference}]",
                               message_id="genuine-2@federation.example",
                               in_reply_to="question-0042@tilleuls.org"))
    assert genuine.outcome == Outcome.APPENDED
    assert db.session.scalar(select(Message.kind).where(Message.author_id == jurist.id)) \
        == MessageKind.INTERNAL


def test_with_enforcement_off_mail_threads_as_before_but_stays_flagged(desk, app,
                                                                       monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REQUIRE_SENDER_AUTH", False)
    question = confidential_question(desk)
    result = ingest(raw_email(subject="Re: suite", message_id="later@tilleuls.org",
                              in_reply_to="question-0042@tilleuls.org", authenticated=False))
    assert result.outcome == Outcome.APPENDED and result.reference == question.reference
    db.session.expire_all()
    assert question.messages[-1].sender_unverified and not question.sender_unverified


def test_by_default_nothing_is_trusted_and_mail_fails_closed(desk, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TRUSTED_AUTHSERV_IDS", [])
    question = confidential_question(desk)  # authenticated before the change
    result = ingest(raw_email(message_id="r@tilleuls.org",
                              in_reply_to="question-0042@tilleuls.org"))
    assert result.outcome == Outcome.CREATED and ticket_of(result).sender_unverified
    assert result.reference != question.reference


def test_dkim_verified_here_lets_a_reply_join_its_thread(desk, app, monkeypatch, dkim_key):
    private, dnsfunc, _ = dkim_key
    monkeypatch.setitem(app.config, "MAIL_TRUSTED_AUTHSERV_IDS", [])
    monkeypatch.setitem(app.config, "MAIL_DKIM_VERIFY", True)
    monkeypatch.setattr(sender_auth, "get_txt", dnsfunc)
    first = ingest(signed(raw_email(), private))
    reply = signed(raw_email(message_id="q2@tilleuls.org", in_reply_to="q1@mail.tilleuls.org",
                             subject="Re: Question sur un CDDI"), private)
    assert not ticket_of(first).sender_unverified
    assert ingest(reply).outcome == Outcome.APPENDED
    broken = signed(raw_email(message_id="q3@tilleuls.org", in_reply_to="q1@mail.tilleuls.org"),
                    private).replace(b"renouveler", b"rompre")
    result = ingest(broken)
    assert result.outcome == Outcome.CREATED and ticket_of(result).sender_unverified


def test_the_forged_corpus_mails_never_join_the_members_thread(desk, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TRUSTED_AUTHSERV_IDS", [CORPUS_MX])
    monkeypatch.setitem(app.config, "MAIL_DKIM_VERIFY", True)
    monkeypatch.setattr(sender_auth, "get_txt", corpus_dns)
    marie = "Marie Lefort <marie.lefort@ai-tremplin.example>"
    question = ingest(with_header(
        raw_email(sender=marie, message_id="question-0042@ai-tremplin.example",
                  authenticated=False),
        f"Authentication-Results: {trusted_results(marie, server=CORPUS_MX)}"))
    assert not ticket_of(question).sender_unverified
    for name in ("56_forged_reply_to_ticket.eml", "57_forged_staff_from.eml"):
        result = ingest(corpus(name))
        assert result.outcome == Outcome.CREATED and result.reference != question.reference
        assert ticket_of(result).sender_unverified
    assert ingest(corpus("58_dkim_signed_valid.eml")).outcome == Outcome.CREATED
    assert not ticket_of(ingest(corpus("60_trusted_results_pass.eml"))).sender_unverified


# --- what staff see ---------------------------------------------------------------------------


def test_staff_see_the_badge_on_the_ticket_and_the_queue_row(client, desk):
    result = ingest(raw_email(subject="Question non vérifiée", authenticated=False))
    reference = result.reference
    other = ingest(raw_email(subject="Question vérifiée", message_id="ok@tilleuls.org"))
    db.session.commit()
    login(client, desk["manager"])
    page = html.unescape(client.get(f"/tickets/{reference}").get_data(as_text=True))
    assert page.count("Expéditeur non vérifié") >= 2  # the ticket and its first message
    assert "vérifiez son identité avant de répondre" in page
    verified = client.get(f"/tickets/{other.reference}").get_data(as_text=True)
    assert "Expéditeur non vérifié" not in html.unescape(verified)
    for ref, flagged in ((reference, True), (other.reference, False)):
        queue_name = db.session.scalar(select(Ticket.queue).where(Ticket.reference == ref))
        queue = html.unescape(client.get(f"/queue/{queue_name}").get_data(as_text=True))
        row = queue.split(f">{ref}</a>", 1)[1].split("</tr>", 1)[0]
        assert ("Expéditeur non vérifié" in row) is flagged
    client.post("/logout")
    login(client, desk["adherent"])
    own = html.unescape(client.get(f"/tickets/{reference}").get_data(as_text=True))
    assert "Expéditeur non vérifié" not in own  # a staff warning, not a member's business
