"""Rights of the people concerned: find a person by e-mail or phone, export everything held
about them (a ZIP of JSON and files), erase them. Both are audited. Callers commit."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, false, func, or_, select, update

from legaldesk.audit.services import record_audit
from legaldesk.auth.models import Contact, Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.intake.models import InboundMessage
from legaldesk.notify.models import Outbox
from legaldesk.privacy.retention import ERASED, erase_ticket_content
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.models import Message, Ticket

MIN_PHONE_DIGITS = 9


@dataclass
class Person:
    """Everything the desk holds that is tied to one e-mail address or phone number."""

    email: str | None
    phone: str | None
    users: list[User] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    inbound: list[InboundMessage] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether anything is held."""
        return bool(self.users or self.contacts or self.tickets or self.inbound or self.outbox)

    def counts(self) -> dict[str, int]:
        """How many records of each kind (for the page and the audit log)."""
        return {"accounts": len(self.users), "contacts": len(self.contacts),
                "tickets": len(self.tickets), "raw_inbound": len(self.inbound),
                "outbox": len(self.outbox),
                "attachments": sum(len(t.attachments) for t in self.tickets)}


def find_person(actor: User, *, email: str = "", phone: str = "") -> Person:
    """The person's accounts, contact records, the tickets they asked, raw messages, outbox."""
    require_role(actor, Role.MANAGER)
    email = (email or "").strip().lower()
    digits = re.sub(r"\D", "", phone or "")
    if not email and len(digits) < MIN_PHONE_DIGITS:
        raise InvalidInput("Indiquez une adresse e-mail ou un numéro de téléphone complet.")
    person = Person(email or None, phone or None)
    tail = digits[-MIN_PHONE_DIGITS:] if digits else None
    person.users = list(db.session.scalars(select(User).where(or_(
        func.lower(User.email) == email if email else false(),
        _phone_matches(User.phone, tail)))))
    person.contacts = list(db.session.scalars(select(Contact).where(or_(
        func.lower(Contact.email) == email if email else false(),
        _phone_matches(Contact.phone, tail)))))
    user_ids = [u.id for u in person.users]
    contact_ids = [c.id for c in person.contacts]
    person.tickets = list(db.session.scalars(select(Ticket).where(or_(
        Ticket.requester_user_id.in_(user_ids), Ticket.requester_contact_id.in_(contact_ids)))
        .order_by(Ticket.received_at)))
    ticket_ids = [t.id for t in person.tickets]
    addresses = [a for a in [email, *(u.email.lower() for u in person.users),
                             *((c.email or "").lower() for c in person.contacts)] if a]
    person.inbound = list(db.session.scalars(select(InboundMessage).where(or_(
        InboundMessage.ticket_id.in_(ticket_ids),
        func.lower(InboundMessage.sender).in_(addresses)))))
    person.outbox = list(db.session.scalars(select(Outbox).where(or_(
        func.lower(Outbox.recipient).in_(addresses), _phone_matches(Outbox.recipient, tail)))))
    return person


def _phone_matches(column, tail: str | None):
    """The stored number ends with the same nine digits (any format: +33 6…, 06…)."""
    if not tail:
        return false()
    stripped = column
    for char in (" ", ".", "-", "+", "(", ")"):
        stripped = func.replace(stripped, char, "")
    return stripped.like(f"%{tail}")


def export_person(actor: User, person: Person, *, now: datetime) -> bytes:
    """A ZIP with person.json (records, tickets with their messages, raw-message headers,
    notifications) and files/ (the attachments). Audited."""
    require_role(actor, Role.MANAGER)
    if not person.found:
        raise NotFound("Aucune donnée pour cette personne.")
    document = {
        "exported_at": now.isoformat() + "Z",
        "accounts": [{"email": u.email, "name": u.name, "phone": u.phone, "role": u.role,
                      "created_at": _iso(u.created_at)} for u in person.users],
        "contacts": [{"email": c.email, "name": c.name, "phone": c.phone,
                      "created_at": _iso(c.created_at)} for c in person.contacts],
        "tickets": [_ticket_json(t) for t in person.tickets],
        "raw_inbound": [{"channel": i.channel, "received_at": _iso(i.received_at),
                         "sender": i.sender, "subject": i.subject, "status": i.status}
                        for i in person.inbound],
        "notifications_sent": [{"channel": o.channel, "recipient": o.recipient,
                                "subject": o.subject, "body": o.body, "status": o.status,
                                "created_at": _iso(o.created_at)} for o in person.outbox],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(document, ensure_ascii=False, indent=2))
        for ticket in person.tickets:
            for attachment in ticket.attachments:
                path = attachment_path(attachment.sha256)
                if path.exists():
                    archive.write(path, f"files/{ticket.reference}/{attachment.id}-"
                                        f"{attachment.filename}")
    record_audit(actor, "privacy.person_exported", target_type="person",
                 target_ref=_target(person), now=now, details=person.counts())
    return buffer.getvalue()


def erase_person(actor: User, person: Person, *, now: datetime, reason: str) -> dict[str, int]:
    """Erase a requester: the tickets they asked stay as anonymous statistics; their messages,
    attachments, raw inbound messages, notifications and contact details go; a member's account
    is deactivated and anonymised. Staff accounts are refused. Audited."""
    require_role(actor, Role.MANAGER)
    if not reason.strip():
        raise InvalidInput("Indiquez le motif de l'effacement (la demande reçue).")
    if not person.found:
        raise NotFound("Aucune donnée pour cette personne.")
    if any(user.is_staff for user in person.users):
        raise Conflict("Un compte de l'équipe ne s'efface pas ici.")
    counts = person.counts()
    ticket_ids = [t.id for t in person.tickets]
    if ticket_ids:
        erase_ticket_content(ticket_ids)
    user_ids = [u.id for u in person.users]
    if user_ids:  # their messages in other threads too
        db.session.execute(update(Message).where(Message.author_id.in_(user_ids),
                                                 Message.body != ERASED).values(body=ERASED))
    db.session.execute(delete(InboundMessage).where(
        InboundMessage.id.in_([i.id for i in person.inbound])))
    db.session.execute(delete(Outbox).where(Outbox.id.in_([o.id for o in person.outbox])))
    for contact in person.contacts:
        contact.name = contact.email = contact.phone = None
    for user in person.users:
        user.name, user.email, user.phone = "[effacé]", f"efface-{user.id}@invalid", None
        user.active = False
        user.session_version = (user.session_version or 0) + 1
    record_audit(actor, "privacy.person_erased", target_type="person",
                 target_ref=_target(person), now=now, reason=reason.strip(), details=counts)
    db.session.flush()
    return counts


def _target(person: Person) -> str:
    """Record ids, never the e-mail or phone (the audit log outlives the erasure)."""
    refs = [f"user:{u.id}" for u in person.users] + [f"contact:{c.id}" for c in person.contacts]
    return ",".join(refs)[:64] or "-"


def _ticket_json(ticket: Ticket) -> dict:
    return {"reference": ticket.reference, "subject": ticket.subject, "status": ticket.status,
            "channel": ticket.channel, "received_at": _iso(ticket.received_at),
            "closed_at": _iso(ticket.closed_at),
            "messages": [{"kind": m.kind, "created_at": _iso(m.created_at), "body": m.body}
                         for m in ticket.messages if m.is_public],
            "attachments": [{"filename": a.filename, "content_type": a.content_type,
                             "size": a.size} for a in ticket.attachments]}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment else None
