"""From ticket to note: anonymised drafts of answered tickets, and the notes' source tickets."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from legaldesk.auth.models import Contact, Organisation, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict
from legaldesk.core.extensions import db
from legaldesk.kb import anonymise as anon
from legaldesk.kb.index_queue import enqueue_index
from legaldesk.kb.models import Audience, Note, NoteKind, NoteSourceTicket, NoteStatus
from legaldesk.kb.permissions import (
    DRAFTER_ROLES,
    is_active_user,
    is_drafter,
    require_editor,
    require_ticket_visible,
    visible_notes,
)
from legaldesk.kb.services import create_note
from legaldesk.tickets.access import visible_tickets
from legaldesk.tickets.models import MessageKind, Status, Ticket

ANSWERED_STATUSES = (Status.ANSWERED, Status.CLOSED)
GREETING_LINE_RE = re.compile(
    r"^\s*(?:bonjour|bonsoir|madame|monsieur|cher|chère|hello|salut)\b[^.?!]{0,60}[,!]?\s*$",
    re.I)


def draft_note_from_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Note:
    """Draft an anonymised question-and-answer note from an answered ticket. Caller commits.

    Names, e-mails, phones, SIRET/SIREN, addresses, the structure's name, exact dates and ages
    are removed or generalised (see kb.anonymise); the note links back to the ticket (staff
    only) and waits, as a draft, for a jurist to review and publish it.
    """
    require_role(actor, *DRAFTER_ROLES)
    require_ticket_visible(actor, ticket)
    if ticket.status not in ANSWERED_STATUSES:
        raise Conflict("Seule une demande répondue peut devenir une note.")
    question, answer = _thread_texts(ticket)
    if not answer:
        raise Conflict("La demande n'a pas encore de réponse au demandeur.")
    existing = notes_from_ticket(actor, ticket)
    if existing:
        raise Conflict(f"Une note existe déjà pour cette demande (note n° {existing[0].id}).")
    if _has_note(ticket):  # one the actor may not read (a need-to-know draft of another)
        raise Conflict("Une note existe déjà pour cette demande.")
    known = known_identifiers(ticket)
    parts = {name: anon.anonymise(text, known) for name, text in
             (("title", ticket.subject), ("question", question), ("answer", answer))}
    counts = sum((p.counts for p in parts.values()), Counter())
    note = create_note(
        actor, now=now, title=parts["title"].text, kind=NoteKind.FAQ,
        summary=(_first_sentences(parts["question"].text)
                 or _first_sentences(parts["answer"].text)), audience=Audience.MEMBERS,
        topics=[ticket.topic.code] if ticket.topic else [], valid_as_of=now.date(),
        body_markdown=f"## Question\n\n{parts['question'].text}\n\n## Réponse\n\n"
                      f"{parts['answer'].text}\n",
        change_summary=f"Brouillon créé depuis la demande {ticket.reference} ; "
                       f"anonymisation : {describe_counts(counts)}")
    db.session.add(NoteSourceTicket(note=note, ticket=ticket, added_by_id=actor.id,
                                    created_at=now))
    db.session.flush()
    return note


def describe_counts(counts: Counter) -> str:
    """« 2 personne, 1 e-mail » or « aucun remplacement »."""
    if not counts:
        return "aucun remplacement"
    return ", ".join(f"{n} {kind}" for kind, n in counts.most_common())


def add_source_ticket(actor: User, note: Note, ticket: Ticket, *, now: datetime) -> None:
    """Link another ticket the note answers (staff see the link). Caller commits."""
    require_editor(actor, note)
    require_ticket_visible(actor, ticket)
    if any(link.ticket_id == ticket.id for link in note.source_links):
        return
    db.session.add(NoteSourceTicket(note=note, ticket=ticket, added_by_id=actor.id,
                                    created_at=now))
    enqueue_index(note.id, now=now)  # a confidential source makes a draft need-to-know
    db.session.flush()


def source_tickets(actor: User | None, note: Note) -> list[Ticket]:
    """The note's source tickets that the actor may see (staff only; never members)."""
    if not is_active_user(actor) or not actor.is_staff:
        return []
    ids = [link.ticket_id for link in note.source_links]
    if not ids:
        return []
    return list(db.session.scalars(visible_tickets(actor).where(Ticket.id.in_(ids))
                                   .order_by(Ticket.received_at)))


def notes_from_ticket(actor: User, ticket: Ticket) -> list[Note]:
    """Notes (not archived) drafted from or linked to this ticket that the actor may read."""
    if not is_drafter(actor):
        return []
    return list(db.session.scalars(
        visible_notes(actor).join(NoteSourceTicket, NoteSourceTicket.note_id == Note.id)
        .where(NoteSourceTicket.ticket_id == ticket.id, Note.status != NoteStatus.ARCHIVED)
        .order_by(Note.id)))


def _has_note(ticket: Ticket) -> bool:
    return db.session.scalar(
        select(Note.id).join(NoteSourceTicket, NoteSourceTicket.note_id == Note.id)
        .where(NoteSourceTicket.ticket_id == ticket.id, Note.status != NoteStatus.ARCHIVED)
        .limit(1)) is not None


def known_identifiers(ticket: Ticket) -> anon.KnownIdentifiers:
    """Names, e-mails, phones, domains and places the desk knows for a ticket."""
    known = anon.KnownIdentifiers()
    people = [ticket.requester_user, ticket.assignee, ticket.relayed_by,
              *(m.author for m in ticket.messages)]
    for user in people:
        if user is not None:
            known.people.append(user.name)
            known.emails.append(user.email)
            known.phones.append(user.phone or "")
    contact = ticket.requester_contact
    if contact is not None:
        known.people.append(contact.name or "")
        known.emails.append(contact.email or "")
        known.phones.append(contact.phone or "")
    known.emails += [m.sender for m in ticket.messages if m.sender and "@" in m.sender]
    organisation = ticket.organisation
    if organisation is not None:
        family = [organisation, organisation.parent, *organisation.children]
        for org in (o for o in family if o is not None):
            known.organisations.append(org.name)
            known.domains += list(org.email_domains or [])
            known.phones += list(org.phone_numbers or [])
        known.places.append(organisation.territory or "")
    return known


def database_known_identifiers() -> anon.KnownIdentifiers:
    """Every name, e-mail, phone and structure the desk holds (users, contacts, structures),
    for text that belongs to no ticket (`legaldesk kb anonymise`)."""
    known = anon.KnownIdentifiers()
    for name, email, phone in db.session.execute(select(User.name, User.email, User.phone)):
        known.people.append(name or "")
        known.emails.append(email or "")
        known.phones.append(phone or "")
    for name, email, phone in db.session.execute(
            select(Contact.name, Contact.email, Contact.phone)):
        known.people.append(name or "")
        known.emails.append(email or "")
        known.phones.append(phone or "")
    for organisation in db.session.scalars(select(Organisation)):
        known.organisations.append(organisation.name)
        known.domains += list(organisation.email_domains or [])
        known.phones += list(organisation.phone_numbers or [])
    return known


def _thread_texts(ticket: Ticket) -> tuple[str, str]:
    """The requester's messages and the desk's answers, oldest first (no internal notes)."""
    inbound = [m.body for m in ticket.messages if m.kind == MessageKind.INBOUND]
    outbound = [m.body for m in ticket.messages if m.kind == MessageKind.OUTBOUND]
    return "\n\n".join(inbound).strip(), "\n\n".join(outbound).strip()


def _first_sentences(text: str, limit: int = 280) -> str:
    """The first real paragraph (greetings and sign-offs skipped), cut at `limit`."""
    paragraph = next((p for p in text.split("\n") if len(p.strip()) > 20
                      and not GREETING_LINE_RE.match(p)), "").strip()
    if len(paragraph) <= limit:
        return paragraph
    cut = paragraph[:limit].rsplit(" ", 1)[0]
    return cut + " …"
