"""Intake pipeline: store each raw inbound message first, then file it as a ticket or a reply.

Every door (IMAP poll, raw-MIME endpoint, `ingest-eml`, Twilio webhook) calls `ingest_email` or
`ingest_whatsapp`. They are pipelines, not plain services: they commit twice, once the raw
message is stored and once it is filed, so that a crash or a parsing failure never loses it.
The filing steps themselves (`file_inbound` and below) only flush, as services do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy as email_policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from enum import StrEnum

from flask import current_app, render_template
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from legaldesk.auth.models import Contact, Organisation, RequesterType, Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, InvalidInput, LegalDeskError, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.models import to_naive_utc
from legaldesk.intake.email_parse import EmailParseError, ParsedEmail, parse_email
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.intake.sender_auth import authenticate_sender
from legaldesk.intake.twilio_media import MediaRefused, fetch_media, media_url_refusal
from legaldesk.notify.email import is_our_message_id, outbox_id_from_message_id
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.notify.services import queue_notification
from legaldesk.notify.whatsapp import last_inbound_at, normalise_phone
from legaldesk.tickets.access import visible_tickets
from legaldesk.tickets.history import set_ticket_field
from legaldesk.tickets.models import (
    OPEN_STATUSES,
    Channel,
    Message,
    MessageKind,
    Status,
    Ticket,
)
from legaldesk.tickets.moves import retriage_ticket
from legaldesk.tickets.services import (
    UploadedFile,
    add_internal_note,
    add_requester_reply,
    attach_files,
    open_ticket,
)

log = logging.getLogger(__name__)

NO_TEXT = "(message sans texte : voir les pièces jointes)"
NO_SUBJECT = "(sans objet)"
# doors that cannot tell when the message really arrived: the Date header is the best guess
SOURCES_WITHOUT_RECEIPT_TIME = frozenset({"cli"})
MediaFetcher = Callable[[str], tuple[bytes, str]]


class Outcome(StrEnum):
    """What became of one inbound message."""

    CREATED = "created"
    APPENDED = "appended"
    DUPLICATE = "duplicate"
    IGNORED_AUTO_REPLY = "ignored_auto_reply"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class IngestResult:
    """The outcome of one inbound message, with the ticket reference when it was filed."""

    outcome: Outcome
    reference: str | None = None
    inbound_id: int | None = None
    error: str | None = None
    refused: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        """JSON-ready form (CLI --json, HTTP endpoint)."""
        return {"outcome": self.outcome.value, "reference": self.reference,
                "inbound_id": self.inbound_id, "error": self.error, "refused": list(self.refused)}


class Quarantine(Exception):
    """The message cannot be filed as it is: keep it with this reason for staff."""


@dataclass(frozen=True)
class Requester:
    """Who wrote: a known user or an external contact, and their organisation (or none)."""

    user: User | None
    contact: Contact | None
    organisation: Organisation | None


# --- pipelines (they commit) --------------------------------------------------------------


def ingest_email(raw: bytes, *, now: datetime, source: str,
                 received_at: datetime | None = None) -> IngestResult:
    """Store the raw e-mail (commit), then file it (commit); a failure quarantines it."""
    inbound, known = record_inbound(
        channel=Channel.EMAIL, external_id=email_external_id(raw), raw=raw, source=source,
        now=now, received_at=received_at)
    db.session.commit()
    if known and inbound.status != InboundStatus.RECEIVED:
        return settled_result(inbound)
    return _file_and_commit(inbound.id, now)


def ingest_whatsapp(form: Mapping, *, now: datetime,
                    fetch: MediaFetcher | None = None) -> IngestResult:
    """Store a Twilio webhook's fields (commit), then file them (commit); once per MessageSid."""
    sid = str(form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not sid:
        raise InvalidInput("MessageSid manquant.")
    fields = {key: _form_value(form, key) for key in sorted(form.keys())}
    raw = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
    inbound, known = record_inbound(
        channel=Channel.WHATSAPP, external_id=sid, raw=raw, source="twilio", now=now,
        sender=normalise_phone(fields.get("From")))
    db.session.commit()
    if known and inbound.status != InboundStatus.RECEIVED:
        return settled_result(inbound)
    return _file_and_commit(inbound.id, now, fetch=fetch)


def retry_quarantined(actor: User | None, inbound_id: int, *, now: datetime) -> IngestResult:
    """Run a quarantined message through the pipeline again (admins; None = CLI). Commits."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    inbound = db.session.get(InboundMessage, inbound_id)
    if inbound is None:
        raise NotFound("Message introuvable.")
    released = db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id,
               InboundMessage.status == InboundStatus.QUARANTINED)
        .values(status=InboundStatus.RECEIVED, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if released != 1:
        raise Conflict("Ce message n'est plus en quarantaine.")
    return _file_and_commit(inbound_id, now)


def _file_and_commit(inbound_id: int, now: datetime, *,
                     fetch: MediaFetcher | None = None) -> IngestResult:
    """File a stored message exactly once: claim it, file it, commit; quarantine on failure."""
    try:
        if not claim_row(inbound_id):
            db.session.rollback()
            return settled_result(db.session.get(InboundMessage, inbound_id,
                                                 populate_existing=True))
        inbound = db.session.get(InboundMessage, inbound_id, populate_existing=True)
        result = file_inbound(inbound, now, fetch=fetch)
        db.session.commit()
        return result
    except (OperationalError, InterfaceError):
        db.session.rollback()
        raise  # the database itself failed: the message stays "received" for the next run
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the raw message is kept
        db.session.rollback()
        return _quarantine_and_commit(inbound_id, exc, now)


def claim_row(inbound_id: int) -> bool:
    """Lock the row while it is filed; a concurrent filer waits, then finds it settled."""
    return db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id, InboundMessage.status == InboundStatus.RECEIVED)
        .values(attempts=InboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _quarantine_and_commit(inbound_id: int, exc: Exception, now: datetime) -> IngestResult:
    reason = _reason(exc)
    if not isinstance(exc, (Quarantine, EmailParseError, LegalDeskError)):
        log.error("inbound message %s quarantined", inbound_id, exc_info=exc)
    sender, subject = _headline(db.session.get(InboundMessage, inbound_id))
    db.session.execute(
        update(InboundMessage).where(InboundMessage.id == inbound_id)
        .values(status=InboundStatus.QUARANTINED, outcome=Outcome.QUARANTINED, error=reason,
                processed_at=now, attempts=InboundMessage.attempts + 1,
                sender=sender, subject=subject)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return IngestResult(Outcome.QUARANTINED, inbound_id=inbound_id, error=reason)


def _headline(inbound: InboundMessage) -> tuple[str | None, str | None]:
    """Sender and subject for the quarantine list, read as leniently as possible."""
    try:
        if inbound.channel == Channel.WHATSAPP:
            form = json.loads(inbound.raw.decode("utf-8"))
            return str(form.get("From") or "")[:254] or None, str(form.get("Body") or "")[:250]
        headers = BytesHeaderParser(policy=email_policy.default).parsebytes(
            _strip_envelope(inbound.raw))
        return (str(headers.get("From") or "")[:254] or inbound.sender,
                str(headers.get("Subject") or "")[:250] or inbound.subject)
    except Exception:  # noqa: BLE001 - a headline is a convenience, never a new failure
        return inbound.sender, inbound.subject


def _reason(exc: Exception) -> str:
    if isinstance(exc, EmailParseError):
        return f"message illisible : {exc.reason}"
    if isinstance(exc, LegalDeskError):
        return exc.message
    if isinstance(exc, Quarantine):
        return str(exc)
    return f"erreur inattendue : {type(exc).__name__}: {exc}"[:2000]


def settled_result(inbound: InboundMessage) -> IngestResult:
    """The result to report for a message met again: quarantined stays so, else duplicate."""
    if inbound.status == InboundStatus.QUARANTINED:
        return IngestResult(Outcome.QUARANTINED, inbound_id=inbound.id, error=inbound.error)
    reference = inbound.ticket.reference if inbound.ticket else None
    return IngestResult(Outcome.DUPLICATE, reference=reference, inbound_id=inbound.id)


# --- storing the raw message --------------------------------------------------------------


def email_external_id(raw: bytes) -> str:
    """The Message-ID of raw e-mail bytes (read from the headers only), else a hash of the bytes."""
    try:
        headers = BytesHeaderParser(policy=email_policy.compat32).parsebytes(_strip_envelope(raw))
        value = str(headers.get("Message-ID") or "")
    except Exception:  # noqa: BLE001 - any header we cannot read means: use the hash
        value = ""
    ident = normalise_message_id(value)
    if ident and len(ident) <= 200:
        return ident
    return "sha256:" + hashlib.sha256(bytes(raw)).hexdigest()


def normalise_message_id(value: str | None) -> str | None:
    """The id inside <...> without spaces, as the parser reports it."""
    value = (value or "").strip()
    if "<" in value and ">" in value.split("<", 1)[1]:
        value = value.split("<", 1)[1].split(">", 1)[0]
    value = "".join(value.split())
    return value if value and "@" in value else None


def _strip_envelope(raw: bytes) -> bytes:
    data = bytes(raw).lstrip(b"\xef\xbb\xbf").lstrip()
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    return data


def record_inbound(*, channel: str, external_id: str, raw: bytes, source: str, now: datetime,
                   received_at: datetime | None = None,
                   sender: str | None = None) -> tuple[InboundMessage, bool]:
    """Store a raw message once per external id; return (row, it was already known). Flushes."""
    existing = _inbound_by_external_id(external_id)
    if existing is not None:
        return existing, True
    row = InboundMessage(
        channel=channel, external_id=external_id, source=source, raw=bytes(raw),
        raw_sha256=hashlib.sha256(bytes(raw)).hexdigest(), size=len(raw),
        status=InboundStatus.RECEIVED, sender=sender, media=[], attempts=0,
        received_at=min(to_naive_utc(received_at), now) if received_at else now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # a concurrent door stored the same message first
        return _inbound_by_external_id(external_id), True
    return row, False


def _inbound_by_external_id(external_id: str) -> InboundMessage | None:
    return db.session.scalar(
        select(InboundMessage).where(InboundMessage.external_id == external_id))


def _form_value(form: Mapping, key: str) -> str:
    getlist = getattr(form, "getlist", None)
    values = getlist(key) if getlist else [form[key]]
    return str(values[0]) if len(values) == 1 else ",".join(str(v) for v in values)


# --- filing -------------------------------------------------------------------------------


def file_inbound(inbound: InboundMessage, now: datetime, *,
                 fetch: MediaFetcher | None = None) -> IngestResult:
    """File a stored message on its ticket (new or existing). Flushes; the pipeline commits."""
    if inbound.channel == Channel.WHATSAPP:
        return _file_whatsapp(inbound, now, fetch or default_media_fetcher(current_app.config))
    return _file_email(inbound, now)


def _settle(inbound: InboundMessage, status: InboundStatus, outcome: Outcome, now: datetime, *,
            ticket: Ticket | None = None, message: Message | None = None,
            note: str | None = None, refused: list[str] | None = None) -> IngestResult:
    inbound.status = status
    inbound.outcome = outcome
    inbound.processed_at = now
    inbound.ticket = ticket
    inbound.message = message
    inbound.note = note
    db.session.flush()
    return IngestResult(outcome, reference=ticket.reference if ticket else None,
                        inbound_id=inbound.id, refused=tuple(refused or ()))


# --- e-mail -------------------------------------------------------------------------------


def _file_email(inbound: InboundMessage, now: datetime) -> IngestResult:
    config = current_app.config
    parsed = parse_email(inbound.raw, max_attachment_bytes=int(config["ATTACHMENT_MAX_BYTES"]))
    inbound.sender = parsed.from_address[:254] or None
    inbound.subject = parsed.subject[:250] or None
    inbound.quoted_text = parsed.quoted_text or None
    ignored = parsed.auto_reply_reason or _loop_reason(parsed, config)
    if ignored:
        return _settle(inbound, InboundStatus.IGNORED, Outcome.IGNORED_AUTO_REPLY, now,
                       note=ignored)
    if not parsed.from_address_valid:
        raise Quarantine(f"adresse d'expéditeur invalide : {parsed.from_address or '(vide)'}")
    verified = _check_sender(inbound, parsed)
    # fail closed: an unauthenticated From never joins a thread nor writes as staff
    trusted = verified or not config["MAIL_REQUIRE_SENDER_AUTH"]
    requester = email_requester(parsed.from_address, parsed.from_name, as_staff=trusted)
    ticket, by_message_id = find_email_thread(parsed)
    notes = []
    if ticket is not None and not trusted:
        notes.append(f"non rattaché à {ticket.reference} : expéditeur non vérifié")
        ticket = None
    body = parsed.new_text.strip() or NO_TEXT
    if ticket is not None and (by_message_id or may_join(ticket, requester)):
        message = _append_email(ticket, requester, body, inbound, now)
        outcome = Outcome.APPENDED
    else:
        ticket = open_ticket(
            None, subject=parsed.subject_clean or NO_SUBJECT, body=body, now=now,
            channel=Channel.EMAIL, received_at=_email_received_at(inbound, parsed, now),
            requester=requester.user, contact=requester.contact,
            organisation=requester.organisation, external_id=inbound.external_id,
            sender=parsed.from_address)
        message = _message_by_external_id(inbound.external_id)
        outcome = Outcome.CREATED
        if not verified:
            set_ticket_field(ticket, None, "sender_unverified", True, now=now,
                             reason="adresse de l'expéditeur non authentifiée (DKIM/DMARC)")
    message.sender_unverified = not verified
    refused = _store_email_attachments(ticket, message, parsed, now)
    _acknowledge(ticket, inbound, outcome, refused, now, recipient=parsed.from_address,
                 neutral=not trusted)
    notes.extend(refused)
    return _settle(inbound, InboundStatus.PROCESSED, outcome, now, ticket=ticket,
                   message=message, note="\n".join(notes) or None, refused=refused)


def _check_sender(inbound: InboundMessage, parsed: ParsedEmail) -> bool:
    """Authenticate the From address; keep how for admins (never the address in the log)."""
    check = authenticate_sender(inbound.raw, parsed.from_address, current_app.config)
    inbound.sender_auth = (("vérifié : " if check.verified else "non vérifié : ")
                           + check.how)[:255]
    if not check.verified:
        log.info("inbound message %s: sender not authenticated", inbound.id)
    return check.verified


def _loop_reason(parsed: ParsedEmail, config: Mapping) -> str | None:
    """Our own mail coming back (a copy, a forward loop) must never open a ticket."""
    if is_our_message_id(parsed.message_id, config):
        return "boucle : copie d'un message envoyé par legaldesk"
    ours = {parseaddr(str(config.get(key) or ""))[1].lower()
            for key in ("MAIL_FROM", "MAIL_REPLY_TO")} - {""}
    if parsed.from_address in ours:
        return "boucle : message envoyé depuis l'adresse du service"
    return None


def _email_received_at(inbound: InboundMessage, parsed: ParsedEmail, now: datetime) -> datetime:
    """The door's receipt time; for files, the Date header (never in the future)."""
    if inbound.source in SOURCES_WITHOUT_RECEIPT_TIME and parsed.date is not None:
        return min(to_naive_utc(parsed.date), now)
    return inbound.received_at


def find_email_thread(parsed: ParsedEmail) -> tuple[Ticket | None, bool]:
    """The ticket an e-mail answers: by In-Reply-To/References (True), else by [LD-…] reference."""
    config = current_app.config
    idents = list(dict.fromkeys(
        i for i in [parsed.in_reply_to, *reversed(parsed.references)] if i))
    for ident in idents:
        outbox_id = outbox_id_from_message_id(ident, config)
        row = db.session.get(Outbox, outbox_id) if outbox_id else None
        if row is not None and row.ticket_id is not None:
            return db.session.get(Ticket, row.ticket_id), True
    if idents:
        known = {m.external_id: m for m in db.session.scalars(
            select(Message).where(Message.external_id.in_(idents)))}
        for ident in idents:
            if ident in known:
                return known[ident].ticket, True
    if parsed.ticket_reference:
        ticket = db.session.scalar(select(Ticket).where(
            Ticket.reference == parsed.ticket_reference.upper()))
        return ticket, False
    return None, False


def may_join(ticket: Ticket, requester: Requester) -> bool:
    """A reference in the subject threads only mail from people of the ticket's side or staff."""
    user, contact = requester.user, requester.contact
    if user is not None and (user.is_staff or user.id == ticket.requester_user_id):
        return True
    if contact is not None and contact.id == ticket.requester_contact_id:
        return True
    organisation_id = requester.organisation.id if requester.organisation else None
    return organisation_id is not None and organisation_id == ticket.organisation_id


def _append_email(ticket: Ticket, requester: Requester, body: str, inbound: InboundMessage,
                  now: datetime) -> Message:
    user = requester.user
    if user is not None and user.is_staff and user.id != ticket.requester_user_id:
        # staff writing into a member's thread: kept for the team, never sent as an answer
        message = add_internal_note(user, ticket, body, now=now)
        message.channel = Channel.EMAIL
        message.external_id = inbound.external_id
        return message
    return add_requester_reply(user, ticket, body, now=now, channel=Channel.EMAIL,
                               external_id=inbound.external_id, sender=inbound.sender)


def _message_by_external_id(external_id: str) -> Message:
    return db.session.scalars(select(Message).where(Message.external_id == external_id)).one()


def _store_email_attachments(ticket: Ticket, message: Message, parsed: ParsedEmail,
                             now: datetime) -> list[str]:
    refused = [f"« {a.filename} » : {a.rejected_reason}" for a in parsed.rejected_attachments]
    uploads = [UploadedFile(a.filename, a.content_type, a.data)
               for a in parsed.accepted_attachments]
    return refused + attach_files(None, ticket, uploads, now=now, message=message)


# --- requesters ---------------------------------------------------------------------------


def email_requester(address: str, name: str = "", *, as_staff: bool = True) -> Requester:
    """A known active user with their organisation, else a contact matched by e-mail domain.

    With as_staff=False (an unauthenticated sender), a staff address is only a contact.
    """
    address = address.strip().lower()
    user = db.session.scalar(select(User).where(User.email == address, User.active.is_(True)))
    if user is not None and (as_staff or not user.is_staff):
        return Requester(user, None, user.organisation)
    contact = db.session.scalar(select(Contact).where(Contact.email == address))
    if contact is None:
        contact = _new_contact(email=address, name=name,
                               organisation=organisation_by_domain(address))
    elif contact.organisation is None:
        contact.organisation = organisation_by_domain(address)
        _set_contact_type(contact)
    return Requester(None, contact, contact.organisation)


def phone_requester(number: str, name: str = "") -> Requester:
    """A known active user by phone, else a contact matched by the organisation's numbers."""
    user = _user_by_phone(number)
    if user is not None:
        return Requester(user, None, user.organisation)
    contact = db.session.scalar(select(Contact).where(Contact.phone == number))
    if contact is None:
        contact = _new_contact(phone=number, name=name, organisation=organisation_by_phone(number))
    elif contact.organisation is None:
        contact.organisation = organisation_by_phone(number)
        _set_contact_type(contact)
    return Requester(None, contact, contact.organisation)


def _user_by_phone(number: str) -> User | None:
    exact = db.session.scalar(select(User).where(User.phone == number, User.active.is_(True)))
    if exact is not None:
        return exact
    users = db.session.scalars(select(User).where(User.phone.is_not(None),
                                                  User.active.is_(True)).order_by(User.id))
    return next((u for u in users if normalise_phone(u.phone) == number), None)


def organisation_by_domain(address: str) -> Organisation | None:
    """The active organisation owning the address's domain (or a parent domain); None if unsure."""
    domain = address.rpartition("@")[2].lower()
    matches = [org for org in _organisations_with("email_domains")
               if any(_domain_matches(domain, d) for d in org.email_domains or [])]
    return _one_organisation(matches)


def organisation_by_phone(number: str) -> Organisation | None:
    """The active organisation listing this number; None if none or several."""
    matches = [org for org in _organisations_with("phone_numbers")
               if any(normalise_phone(n) == number for n in org.phone_numbers or [])]
    return _one_organisation(matches)


def _organisations_with(attribute: str) -> list[Organisation]:
    organisations = db.session.scalars(select(Organisation).where(Organisation.active.is_(True)))
    return [org for org in organisations if getattr(org, attribute)]


def _domain_matches(domain: str, owned: str) -> bool:
    owned = owned.strip().lower().lstrip("@")
    return bool(owned) and (domain == owned or domain.endswith("." + owned))


def _one_organisation(matches: list[Organisation]) -> Organisation | None:
    """One match, or the group (GES) that all the others belong to; otherwise national triage."""
    if len(matches) == 1:
        return matches[0]
    parents = [org for org in matches
               if all(other is org or other.parent_id == org.id for other in matches)]
    return parents[0] if len(parents) == 1 else None


def _new_contact(*, name: str, organisation: Organisation | None, email: str | None = None,
                 phone: str | None = None) -> Contact:
    contact = Contact(email=email, phone=phone, name=(name or "").strip()[:120] or None,
                      organisation=organisation)
    _set_contact_type(contact)
    try:
        with db.session.begin_nested():
            db.session.add(contact)
    except IntegrityError:
        # created meanwhile by a concurrent filer
        column = Contact.email == email if email else Contact.phone == phone
        return db.session.scalars(select(Contact).where(column)).one()
    return contact


def _set_contact_type(contact: Contact) -> None:
    organisation = contact.organisation
    contact.requester_type = (organisation.requester_type if organisation
                              else RequesterType.AUTRE)


# --- acknowledgements ---------------------------------------------------------------------


def _acknowledge(ticket: Ticket, inbound: InboundMessage, outcome: Outcome, refused: list[str],
                 now: datetime, *, recipient: str, neutral: bool = False) -> None:
    """Tell the sender the reference of a new ticket and which attachments were refused.

    Neutral (unauthenticated sender): the address may be a forger's victim, so the message
    echoes nothing the sender wrote (no subject, no text, no file names).
    """
    config = current_app.config
    if not config["INTAKE_ACKNOWLEDGE"] or not recipient:
        return
    if outcome != Outcome.CREATED and not refused:
        return
    if not refused and _requester_already_told(ticket, recipient):
        return  # e.g. an urgent ticket's acknowledgement was queued by triage
    if neutral:
        queue_notification(
            channel=inbound.channel, recipient=recipient, purpose="acknowledgement", now=now,
            subject=f"[{ticket.reference}] Accusé de réception",
            body=render_template("intake/acknowledgement_unverified.txt", ticket=ticket).strip(),
            ticket_id=ticket.id, dedupe_key=f"ack:{inbound.id}")
        return
    channel = inbound.channel
    body = render_template(
        f"intake/acknowledgement_{channel}.txt", ticket=ticket, created=outcome == Outcome.CREATED,
        refused=refused, max_mb=int(config["ATTACHMENT_MAX_BYTES"]) // (1024 * 1024))
    queue_notification(
        channel=channel, recipient=recipient, purpose="acknowledgement", now=now,
        subject=f"[{ticket.reference}] {ticket.subject}", body=body.strip(),
        ticket_id=ticket.id, dedupe_key=f"ack:{inbound.id}")


def _requester_already_told(ticket: Ticket, recipient: str) -> bool:
    return db.session.scalar(select(Outbox.id).where(
        Outbox.ticket_id == ticket.id, Outbox.recipient == recipient,
        Outbox.status == OutboxStatus.PENDING).limit(1)) is not None


# --- WhatsApp -----------------------------------------------------------------------------


def _file_whatsapp(inbound: InboundMessage, now: datetime, fetch: MediaFetcher) -> IngestResult:
    config = current_app.config
    form = json.loads(inbound.raw.decode("utf-8"))
    number = normalise_phone(form.get("From"))
    if number is None:
        raise Quarantine(f"numéro WhatsApp invalide : {form.get('From')!r}")
    inbound.sender = number
    text = str(form.get("Body") or "").strip()
    inbound.subject = text[:250] or None
    previous_at = last_inbound_at(number)
    requester = phone_requester(number, str(form.get("ProfileName") or ""))
    ticket = recent_whatsapp_ticket(requester, now)
    message = _mergeable_message(ticket, number, now) if ticket else None
    if message is not None:
        _merge_fragment(ticket, message, text, now)
        outcome = Outcome.APPENDED
    elif ticket is not None:
        message = add_requester_reply(
            requester.user if requester.user and not requester.user.is_staff else None, ticket,
            text or NO_TEXT, now=now, channel=Channel.WHATSAPP, external_id=inbound.external_id,
            sender=number)
        outcome = Outcome.APPENDED
    else:
        ticket = open_ticket(
            None, subject=whatsapp_subject(text), body=text or NO_TEXT, now=now,
            channel=Channel.WHATSAPP, received_at=inbound.received_at,
            requester=requester.user, contact=requester.contact,
            organisation=requester.organisation, external_id=inbound.external_id, sender=number)
        message = _message_by_external_id(inbound.external_id)
        outcome = Outcome.CREATED
    refused = _fetch_media(inbound, ticket, message, _media_items(form), fetch, now, config)
    if outcome == Outcome.APPENDED and previous_at is not None:
        _resend_waiting_answers(ticket, previous_at, now, config)
    _acknowledge(ticket, inbound, outcome, refused, now, recipient=number)
    return _settle(inbound, InboundStatus.PROCESSED, outcome, now, ticket=ticket,
                   message=message, note="\n".join(refused) or None, refused=refused)


def whatsapp_subject(text: str) -> str:
    """A subject from the first words of a WhatsApp message."""
    first = " ".join(text.split())
    if not first:
        return "Message WhatsApp"
    return first if len(first) <= 80 else first[:77].rsplit(" ", 1)[0] + "…"


def recent_whatsapp_ticket(requester: Requester, now: datetime) -> Ticket | None:
    """The requester's WhatsApp ticket still open (or just answered) and active within N days."""
    days = int(current_app.config["WHATSAPP_THREAD_DAYS"])
    if requester.user is not None:
        owner = Ticket.requester_user_id == requester.user.id
    elif requester.contact is not None and requester.contact.id is not None:
        owner = Ticket.requester_contact_id == requester.contact.id
    else:
        return None
    statuses = [s.value for s in OPEN_STATUSES | {Status.ANSWERED}]
    return db.session.scalar(
        select(Ticket).where(owner, Ticket.channel == Channel.WHATSAPP,
                             Ticket.status.in_(statuses),
                             Ticket.updated_at >= now - timedelta(days=days))
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(1))


def _mergeable_message(ticket: Ticket, number: str, now: datetime) -> Message | None:
    """The ticket's last message if it is this number's, with its last fragment minutes ago."""
    last = db.session.scalar(select(Message).where(Message.ticket_id == ticket.id)
                             .order_by(Message.created_at.desc(), Message.id.desc()).limit(1))
    if last is None or last.kind != MessageKind.INBOUND or last.channel != Channel.WHATSAPP \
            or last.sender != number:
        return None
    latest = db.session.scalar(select(func.max(InboundMessage.received_at)).where(
        InboundMessage.message_id == last.id)) or last.created_at
    window = timedelta(minutes=int(current_app.config["WHATSAPP_MERGE_MINUTES"]))
    return last if now - latest <= window else None


def _merge_fragment(ticket: Ticket, message: Message, text: str, now: datetime) -> None:
    """Short messages in a row are one question: add the text to the same message."""
    before = message.body
    if text:
        message.body = text if before == NO_TEXT else f"{before}\n{text}"
    ticket.updated_at = now
    derived = whatsapp_subject("" if before == NO_TEXT else before)
    if ticket.status == Status.NEW and ticket.subject == derived:
        # the subject was made from the first fragment ("Bonjour"): make it from the question
        ticket.subject = whatsapp_subject(message.body)
    if text:
        retriage_ticket(ticket, message.body, now=now)  # the whole burst is the question


def _media_items(form: Mapping) -> list[dict]:
    count = int(str(form.get("NumMedia") or "0") or 0)
    items = []
    for index in range(min(count, 10)):
        url = str(form.get(f"MediaUrl{index}") or "")
        if url:
            items.append({"url": url, "content_type": str(
                form.get(f"MediaContentType{index}") or "application/octet-stream")})
    return items


def _fetch_media(inbound: InboundMessage, ticket: Ticket, message: Message, items: list[dict],
                 fetch: MediaFetcher, now: datetime, config: Mapping) -> list[str]:
    """Record each media item (URL, type), fetch it and keep it as an attachment if allowed."""
    refused: list[str] = []
    recorded = []
    for number, item in enumerate(items, start=1):
        extension = _extension_for(item["content_type"])
        entry = {**item, "filename": f"whatsapp-{inbound.id}-{number}{extension}"}
        try:
            refusal = media_url_refusal(item["url"], config)
            if refusal:
                raise MediaRefused(refusal)
            data, content_type = fetch(item["url"])
        except MediaRefused as exc:
            # a URL off Twilio's hosts: nothing was sent to it, least of all our credentials
            log.warning("inbound message %s: media URL refused (%s)", inbound.id, exc)
            entry.update(status="refused", error=str(exc)[:300])
            refused.append(f"« {entry['filename']} » : média non récupéré")
        except Exception as exc:  # noqa: BLE001 - the text is filed even if a media is lost
            entry.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:300])
            refused.append(f"« {entry['filename']} » : média non récupéré")
        else:
            errors = attach_files(None, ticket, [UploadedFile(
                entry["filename"], content_type or item["content_type"], data)], now=now,
                message=message)
            entry.update(status="refused" if errors else "stored", size=len(data))
            refused.extend(errors)
        recorded.append(entry)
    inbound.media = recorded
    return refused


def _extension_for(content_type: str) -> str:
    special = {"image/jpeg": ".jpg", "audio/ogg": ".ogg", "text/plain": ".txt"}
    base = content_type.split(";")[0].strip().lower()
    return special.get(base) or mimetypes.guess_extension(base) or ".bin"


def default_media_fetcher(config: Mapping) -> MediaFetcher:
    """Fetch Twilio media with the account's credentials, only from Twilio's media hosts."""
    return lambda url: fetch_media(url, config)


def _resend_waiting_answers(ticket: Ticket, previous_at: datetime, now: datetime,
                            config: Mapping) -> None:
    """Answers that went out as a template (window closed) are sent as text now it is open."""
    window = timedelta(hours=int(config["WHATSAPP_SESSION_HOURS"]))
    rows = db.session.scalars(select(Outbox).where(
        Outbox.ticket_id == ticket.id, Outbox.channel == "whatsapp", Outbox.purpose == "answer",
        Outbox.status == OutboxStatus.SENT, Outbox.message_id.is_not(None),
        Outbox.sent_at > previous_at + window))
    for row in rows:
        queue_notification(
            channel="whatsapp", recipient=row.recipient, subject=row.subject, body=row.body,
            purpose="answer", now=now, ticket_id=ticket.id, message_id=row.message_id,
            dedupe_key=f"answer-text:{row.message_id}")


# --- delivery status callbacks ------------------------------------------------------------

DELIVERY_RANK = {"accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3,
                 "delivered": 4, "read": 5}
DELIVERY_FAILED = frozenset({"failed", "undelivered", "canceled"})


def record_delivery_status(form: Mapping, *, now: datetime) -> str | None:
    """Apply a Twilio status callback to the message it concerns; never goes backwards. Flushes."""
    sid = str(form.get("MessageSid") or form.get("SmsSid") or "").strip()
    status = str(form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not sid or not status:
        raise InvalidInput("MessageSid ou MessageStatus manquant.")
    row = db.session.scalar(select(Outbox).where(Outbox.provider_id == sid))
    message = db.session.scalar(select(Message).where(Message.external_id == sid))
    if message is None and row is not None and row.message_id is not None:
        message = db.session.get(Message, row.message_id)
    if status in DELIVERY_FAILED and row is not None:
        row.last_error = f"Twilio {status} (code {form.get('ErrorCode') or '?'}) le {now:%Y-%m-%d}"
    if message is None:
        db.session.flush()
        return None
    message.delivery_status = advance_delivery(message.delivery_status, status)
    db.session.flush()
    return message.delivery_status


def advance_delivery(current: str | None, reported: str) -> str:
    """Callbacks arrive out of order: keep the furthest state, a failure only before delivery."""
    if reported in DELIVERY_FAILED:
        return current if DELIVERY_RANK.get(current or "", -1) >= DELIVERY_RANK["delivered"] \
            else reported
    if reported not in DELIVERY_RANK:
        return current or reported
    if current in DELIVERY_FAILED:
        return current
    return reported if DELIVERY_RANK[reported] >= DELIVERY_RANK.get(current or "", -1) else current


# --- quarantine ---------------------------------------------------------------------------


def list_quarantine(actor: User, *, limit: int = 200) -> list[InboundMessage]:
    """Quarantined messages, newest first (admins)."""
    require_role(actor, Role.ADMIN)
    return list(db.session.scalars(
        select(InboundMessage).where(InboundMessage.status == InboundStatus.QUARANTINED)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(limit)))


def get_inbound(actor: User, inbound_id: int) -> InboundMessage:
    """One inbound message with its raw source (admins), unless it was filed on a ticket the
    actor may not see: its source is that ticket's content."""
    require_role(actor, Role.ADMIN)
    inbound = db.session.get(InboundMessage, inbound_id)
    if inbound is None or (inbound.ticket_id is not None and db.session.scalar(
            visible_tickets(actor).with_only_columns(Ticket.id)
            .where(Ticket.id == inbound.ticket_id)) is None):
        raise NotFound("Message introuvable.")
    return inbound


def inbound_for_message(message_id: int) -> InboundMessage | None:
    """The raw e-mail a ticket message came from (for its folded quoted history)."""
    return db.session.scalar(select(InboundMessage).where(
        InboundMessage.message_id == message_id).order_by(InboundMessage.id).limit(1))
