"""Knowledge-base services: the only write path for notes, their review, files and index queue.

Every write takes an explicit `actor` and `now`, flushes, and leaves the commit to the caller. A
write to a note adds an `IndexQueue` row in the same transaction; `apply_index_queue` applies
the queue to the Whoosh index after commit (views with a short lock timeout, the scheduler job
`kb_index_queue` and `legaldesk kb apply-queue` for the rest), so the database stays the truth.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, and_, delete, func, or_, select, update

from legaldesk.auth.models import Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.validation import check_http_url, is_http_url
from legaldesk.kb import anonymise as anon
from legaldesk.kb.markdown import markdown_to_text
from legaldesk.kb.models import (
    CONTENT_FIELDS,
    Audience,
    BodyFormat,
    IndexOp,
    IndexQueue,
    Note,
    NoteAttachment,
    NoteKind,
    NoteRevision,
    NoteSourceTicket,
    NoteStatus,
    SuggestionEvent,
)
from legaldesk.kb.search import Hit, IndexBusy, KnowledgeIndex, SearchDocument, SearchResult
from legaldesk.tickets.attachments import check_file, store_bytes
from legaldesk.tickets.models import Message, MessageKind, Status, Ticket, Topic
from legaldesk.tickets.services import UploadedFile, visible_tickets

log = logging.getLogger(__name__)

WRITER_ROLES = (Role.JURIST, Role.MANAGER)  # write, review and publish (admins pass too)
DRAFTER_ROLES = (Role.DELEGATE, *WRITER_ROLES)  # may draft and submit for review
ALL_AUDIENCES = tuple(a.value for a in Audience)
MAX_TITLE, MAX_TAGS, MAX_TAG, MAX_SOURCES = 300, 20, 60, 30
SESSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ANSWERED_STATUSES = (Status.ANSWERED, Status.CLOSED)


# --- who sees what ----------------------------------------------------------------------------


def is_writer(actor: User | None) -> bool:
    """Jurists, managers and admins write, review and publish notes."""
    return _authenticated(actor) and actor.role in {*WRITER_ROLES, Role.ADMIN}


def is_drafter(actor: User | None) -> bool:
    """Writers and delegates may draft notes."""
    return _authenticated(actor) and actor.role in {*DRAFTER_ROLES, Role.ADMIN}


def audiences_for(actor: User | None) -> tuple[str, ...]:
    """Audiences the actor may read: staff all, members of member structures public+members."""
    if not _authenticated(actor):
        return (Audience.PUBLIC.value,)
    if actor.is_staff:
        return ALL_AUDIENCES
    if actor.organisation is not None and actor.organisation.is_member:
        return (Audience.PUBLIC.value, Audience.MEMBERS.value)
    return (Audience.PUBLIC.value,)


def visible_notes(actor: User | None) -> Select:
    """A SELECT of the notes the actor may read (audience and status, in the query)."""
    query = select(Note).where(Note.audience.in_(audiences_for(actor)))
    if is_writer(actor):
        return query
    published = Note.status == NoteStatus.PUBLISHED
    if _authenticated(actor) and actor.role == Role.DELEGATE:
        return query.where(or_(published, and_(Note.author_id == actor.id,
                                                Note.status != NoteStatus.ARCHIVED)))
    return query.where(published)


def get_note(actor: User | None, note_id: int) -> Note:
    """The note if the actor may read it, else NotFound (never reveal that it exists)."""
    note = db.session.scalar(visible_notes(actor).where(Note.id == note_id))
    if note is None:
        raise NotFound("Note introuvable.")
    return note


def can_edit(actor: User | None, note: Note) -> bool:
    """Writers edit any note that is not archived; delegates only their own drafts."""
    if note.status == NoteStatus.ARCHIVED:
        return False
    if is_writer(actor):
        return True
    return (_authenticated(actor) and actor.role == Role.DELEGATE
            and note.author_id == actor.id and note.status == NoteStatus.DRAFT)


def _authenticated(actor: User | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and bool(actor.active)


def _require_editor(actor: User | None, note: Note) -> None:
    if not can_edit(actor, note):
        raise Forbidden("Vous ne pouvez pas modifier cette note.")


def _require_writer(actor: User | None) -> None:
    require_role(actor, *WRITER_ROLES)


# --- writing notes ----------------------------------------------------------------------------


def create_note(actor: User | None, *, now: datetime, title: str, body_markdown: str = "",
                summary: str = "", topics: Sequence[str] = (), tags: Sequence[str] = (),
                audience: str = Audience.MEMBERS, kind: str = NoteKind.NOTE,
                valid_as_of: date | None = None, review_by: date | None = None,
                sources: Sequence[dict] = (), url: str | None = None,
                external_ref: str | None = None, body_format: str = BodyFormat.MARKDOWN,
                status: str = NoteStatus.DRAFT, change_summary: str = "") -> Note:
    """Create a note (a draft; only the system, actor None, creates it in another status).

    Writes the note, its first revision and an index-queue row. Caller commits.
    """
    if actor is not None:
        require_role(actor, *DRAFTER_ROLES)
        if status != NoteStatus.DRAFT:
            raise InvalidInput("Une note est créée en brouillon, puis relue et publiée.")
    note = Note(author=actor, created_at=now, updated_at=now, status=NoteStatus(status),
                external_ref=external_ref, revision_number=0)
    _apply_fields(note, dict(
        title=title, body_markdown=body_markdown, summary=summary, topics=topics, tags=tags,
        audience=audience, kind=kind, valid_as_of=valid_as_of, review_by=review_by,
        sources=sources, url=url, body_format=body_format))
    if note.status == NoteStatus.PUBLISHED:
        note.published_at = now
    db.session.add(note)
    db.session.flush()
    _record_revision(note, actor, now, change_summary or "Création de la note")
    enqueue_index(note.id)
    return note


def update_note(actor: User | None, note: Note, *, now: datetime,
                expected_revision: int | None = None, change_summary: str = "",
                **changes) -> Note:
    """Change a note's content fields; a revision records who changed what. Caller commits.

    `expected_revision` (the revision the editor started from) refuses to overwrite somebody
    else's save made in the meantime.
    """
    if actor is not None:
        _require_editor(actor, note)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise InvalidInput(f"Champ non modifiable : {', '.join(sorted(unknown))}")
    if expected_revision is not None and expected_revision != note.revision_number:
        raise Conflict("La note a été modifiée entre-temps : rechargez-la avant d'enregistrer.")
    before = note.snapshot()
    _apply_fields(note, {**{k: getattr(note, k) for k in CONTENT_FIELDS}, **changes})
    changed = _changed_fields(before, note.snapshot())
    if not changed:
        return note
    note.updated_at = now
    summary = change_summary.strip() or "Modification : " + ", ".join(changed)
    _record_revision(note, actor, now, summary)
    enqueue_index(note.id)
    db.session.flush()
    return note


FIELD_LABELS = {
    "title": "titre", "summary": "résumé", "body_markdown": "texte", "body_format": "format",
    "topics": "thèmes", "tags": "mots-clés", "audience": "public", "kind": "type",
    "valid_as_of": "date de validité", "review_by": "date de révision", "sources": "sources",
    "url": "lien", "status": "statut",
}


def _changed_fields(before: dict, after: dict) -> list[str]:
    return [FIELD_LABELS.get(k, k) for k in after if before.get(k) != after.get(k)]


def _apply_fields(note: Note, values: dict) -> None:
    """Validate and set every content field."""
    title = " ".join((values.get("title") or "").split())
    if not title:
        raise InvalidInput("Le titre de la note est obligatoire.")
    note.title = title[:MAX_TITLE]
    note.summary = (values.get("summary") or "").strip()
    note.body_markdown = (values.get("body_markdown") or "").replace("\r\n", "\n").strip()
    note.body_format = _choice(BodyFormat, values.get("body_format") or BodyFormat.MARKDOWN,
                               "Format")
    note.topics = _topics(values.get("topics") or ())
    note.tags = _tags(values.get("tags") or ())
    note.audience = _choice(Audience, values.get("audience") or Audience.MEMBERS, "Public")
    note.kind = _choice(NoteKind, values.get("kind") or NoteKind.NOTE, "Type")
    note.valid_as_of = _date(values.get("valid_as_of"))
    note.review_by = _date(values.get("review_by"))
    if note.valid_as_of and note.review_by and note.review_by < note.valid_as_of:
        raise InvalidInput("La date de révision doit suivre la date de validité.")
    note.sources = _sources(values.get("sources") or ())
    note.url = check_http_url(values.get("url"), "Lien") if values.get("url") else None


def _choice(enum_cls, value, label: str) -> str:
    try:
        return enum_cls(value).value
    except ValueError as exc:
        raise InvalidInput(f"{label} inconnu : {value}") from exc


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput(f"Date invalide : {value}") from exc


def _topics(codes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        return []
    known = set(db.session.scalars(select(Topic.code).where(Topic.code.in_(wanted))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise InvalidInput(f"Thème inconnu : {', '.join(unknown)}")
    return wanted


def _tags(tags: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(t.split())[:MAX_TAG] for t in tags if t and t.strip()))
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"Au plus {MAX_TAGS} mots-clés.")
    return cleaned


def _sources(sources: Iterable[dict]) -> list[dict]:
    cleaned = []
    for source in sources:
        label = " ".join((source.get("label") or "").split())
        url = (source.get("url") or "").strip()
        if not label and not url:
            continue
        cleaned.append({"label": (label or url)[:300],
                        "url": check_http_url(url, "Source") if url else ""})
    if len(cleaned) > MAX_SOURCES:
        raise InvalidInput(f"Au plus {MAX_SOURCES} sources.")
    return cleaned


def parse_sources(text: str) -> list[dict]:
    """Editor text, one source a line: « Label | https://… », « https://… » or « Label »."""
    sources = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
        if not url.strip().lower().startswith(("http://", "https://")):
            label, url = line, ""
        sources.append({"label": label.strip(), "url": url.strip()})
    return sources


def _record_revision(note: Note, actor: User | None, now: datetime, summary: str) -> NoteRevision:
    note.revision_number = (note.revision_number or 0) + 1
    revision = NoteRevision(note=note, number=note.revision_number, actor=actor,
                            change_summary=summary[:500], snapshot=note.snapshot(),
                            created_at=now)
    db.session.add(revision)
    return revision


# --- review and life cycle ---------------------------------------------------------------------


def submit_for_review(actor: User, note: Note, *, now: datetime) -> Note:
    """A draft goes to the jurists' review queue. Caller commits."""
    require_role(actor, *DRAFTER_ROLES)
    _require_editor(actor, note)
    _move(note, actor, now, {NoteStatus.DRAFT}, NoteStatus.IN_REVIEW, "Soumise à relecture")
    return note


def return_to_draft(actor: User, note: Note, *, now: datetime, reason: str = "") -> Note:
    """A jurist sends a note under review back to its author. Caller commits."""
    _require_writer(actor)
    _move(note, actor, now, {NoteStatus.IN_REVIEW}, NoteStatus.DRAFT,
          "Renvoyée en brouillon" + (f" : {reason.strip()}" if reason.strip() else ""))
    return note


def publish_note(actor: User, note: Note, *, now: datetime,
                 confirm_personal_data: bool = False) -> Note:
    """Publish a draft or a note under review (jurists). Caller commits.

    Refuses a note whose text still looks like it holds personal data (e-mail, phone, SIRET,
    address, « M. Name »...) unless the jurist confirms these are not personal data.
    """
    _require_writer(actor)
    if not note.body_markdown.strip():
        raise InvalidInput("Une note publiée doit avoir un texte.")
    findings = personal_data_findings(note)
    if findings and not confirm_personal_data:
        listed = "; ".join(f"{kind} : « {excerpt[:60]} »" for kind, excerpt in findings[:8])
        raise InvalidInput("Données personnelles possibles à vérifier avant publication — "
                           f"{listed}. Corrigez la note ou confirmez la publication.")
    _move(note, actor, now, {NoteStatus.DRAFT, NoteStatus.IN_REVIEW}, NoteStatus.PUBLISHED,
          "Publiée" + (" (données signalées confirmées par le juriste)" if findings else ""))
    note.published_at = note.published_at or now
    return note


def personal_data_findings(note: Note) -> list[tuple[str, str]]:
    """What the residual-personal-data check finds in a note's title, summary and text."""
    return anon.find_personal_data("\n".join([note.title, note.summary, note.body_markdown]))


def archive_note(actor: User, note: Note, *, now: datetime, reason: str = "") -> Note:
    """Withdraw a note from members and search results (kept for staff). Caller commits."""
    _require_writer(actor)
    _move(note, actor, now, {NoteStatus.DRAFT, NoteStatus.IN_REVIEW, NoteStatus.PUBLISHED},
          NoteStatus.ARCHIVED, "Archivée" + (f" : {reason.strip()}" if reason.strip() else ""))
    return note


def reopen_note(actor: User, note: Note, *, now: datetime) -> Note:
    """An archived note becomes a draft again (to be updated and republished). Caller commits."""
    _require_writer(actor)
    _move(note, actor, now, {NoteStatus.ARCHIVED}, NoteStatus.DRAFT, "Remise en brouillon")
    return note


def _move(note: Note, actor: User | None, now: datetime, sources: set[NoteStatus],
          target: NoteStatus, summary: str) -> None:
    if NoteStatus(note.status) not in sources:
        raise Conflict(f"Action impossible : la note est « {note.status} ».")
    note.status = target.value
    note.updated_at = now
    _record_revision(note, actor, now, summary)
    enqueue_index(note.id)
    db.session.flush()


def restore_revision(actor: User, note: Note, number: int, *, now: datetime) -> Note:
    """Bring back the content of an earlier revision (the status is kept). Caller commits."""
    _require_writer(actor)
    _require_editor(actor, note)
    revision = get_revision(actor, note, number)
    snapshot = {k: v for k, v in revision.snapshot.items() if k in CONTENT_FIELDS}
    return update_note(actor, note, now=now, change_summary=f"Restauration de la révision {number}",
                       **snapshot)


def get_revision(actor: User, note: Note, number: int) -> NoteRevision:
    """One revision of a note, for staff who may draft."""
    if not is_drafter(actor):
        raise NotFound("Révision introuvable.")
    revision = db.session.scalar(select(NoteRevision).where(
        NoteRevision.note_id == note.id, NoteRevision.number == number))
    if revision is None:
        raise NotFound("Révision introuvable.")
    return revision


def delete_draft(actor: User, note: Note, *, now: datetime) -> None:
    """Delete a draft that was never published (its author or a writer). Caller commits."""
    _require_editor(actor, note)
    if note.status != NoteStatus.DRAFT or note.published_at is not None:
        raise Conflict("Seul un brouillon jamais publié peut être supprimé ; archivez la note.")
    note_id = note.id
    db.session.execute(delete(SuggestionEvent).where(SuggestionEvent.note_id == note_id))
    db.session.delete(note)
    enqueue_index(note_id, IndexOp.DELETE, now=now)
    db.session.flush()


def review_queue(actor: User, *, today: date) -> dict[str, list[Note]]:
    """The jurists' work list: notes to review, drafts, and published notes past review date."""
    _require_writer(actor)
    return {
        "in_review": list(db.session.scalars(select(Note).where(
            Note.status == NoteStatus.IN_REVIEW).order_by(Note.updated_at))),
        "drafts": list(db.session.scalars(select(Note).where(
            Note.status == NoteStatus.DRAFT).order_by(Note.updated_at.desc()).limit(100))),
        "overdue": list(db.session.scalars(select(Note).where(
            Note.status == NoteStatus.PUBLISHED, Note.review_by.is_not(None),
            Note.review_by <= today).order_by(Note.review_by).limit(100))),
    }


def my_drafts(actor: User) -> list[Note]:
    """The actor's own drafts and notes under review."""
    if not is_drafter(actor):
        return []
    return list(db.session.scalars(select(Note).where(
        Note.author_id == actor.id,
        Note.status.in_([NoteStatus.DRAFT, NoteStatus.IN_REVIEW])).order_by(
        Note.updated_at.desc())))


def latest_notes(actor: User | None, limit: int = 10) -> list[Note]:
    """The most recently updated published notes the actor may read (references excluded)."""
    query = visible_notes(actor).where(Note.status == NoteStatus.PUBLISHED,
                                       Note.kind != NoteKind.REFERENCE)
    return list(db.session.scalars(query.order_by(Note.updated_at.desc()).limit(limit)))


# --- attachments ------------------------------------------------------------------------------


def add_note_attachment(actor: User, note: Note, upload: UploadedFile, *,
                        now: datetime) -> NoteAttachment:
    """Store a file with the note (model contract, guide). Caller commits."""
    _require_editor(actor, note)
    check_file(upload.filename, len(upload.data))
    filename = _safe_filename(upload.filename)
    attachment = NoteAttachment(
        note=note, filename=filename, size=len(upload.data), sha256=store_bytes(upload.data),
        content_type=upload.content_type or "application/octet-stream", uploaded_by_id=actor.id,
        created_at=now)
    db.session.add(attachment)
    note.updated_at = now
    _record_revision(note, actor, now, f"Pièce jointe ajoutée : {filename}")
    db.session.flush()
    return attachment


def remove_note_attachment(actor: User, note: Note, attachment_id: int, *,
                           now: datetime) -> None:
    """Detach a file from the note (the stored bytes may be shared, they stay). Caller commits."""
    _require_editor(actor, note)
    attachment = _attachment_of(note, attachment_id)
    db.session.delete(attachment)
    note.updated_at = now
    _record_revision(note, actor, now, f"Pièce jointe retirée : {attachment.filename}")
    db.session.flush()


def get_note_attachment(actor: User | None, note_id: int, attachment_id: int) -> NoteAttachment:
    """A file of a note the actor may read."""
    return _attachment_of(get_note(actor, note_id), attachment_id)


def _attachment_of(note: Note, attachment_id: int) -> NoteAttachment:
    attachment = db.session.get(NoteAttachment, attachment_id)
    if attachment is None or attachment.note_id != note.id:
        raise NotFound("Pièce jointe introuvable.")
    return attachment


def _safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in base if c.isprintable())[:200] or "fichier"


# --- from ticket to note ----------------------------------------------------------------------


def draft_note_from_ticket(actor: User, ticket: Ticket, *, now: datetime) -> Note:
    """Draft an anonymised question-and-answer note from an answered ticket. Caller commits.

    Names, e-mails, phones, SIRET/SIREN, addresses, the structure's name, exact dates and ages
    are removed or generalised (see kb.anonymise); the note links back to the ticket (staff
    only) and waits, as a draft, for a jurist to review and publish it.
    """
    require_role(actor, *DRAFTER_ROLES)
    _require_ticket_visible(actor, ticket)
    if ticket.status not in ANSWERED_STATUSES:
        raise Conflict("Seule une demande répondue peut devenir une note.")
    question, answer = _thread_texts(ticket)
    if not answer:
        raise Conflict("La demande n'a pas encore de réponse au demandeur.")
    existing = notes_from_ticket(actor, ticket)
    if existing:
        raise Conflict(f"Une note existe déjà pour cette demande (note n° {existing[0].id}).")
    known = known_identifiers(ticket)
    parts = {name: anon.anonymise(text, known) for name, text in
             (("title", ticket.subject), ("question", question), ("answer", answer))}
    counts = sum((p.counts for p in parts.values()), Counter())
    note = create_note(
        actor, now=now, title=parts["title"].text, kind=NoteKind.FAQ,
        summary=_first_sentences(parts["answer"].text), audience=Audience.MEMBERS,
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
    _require_editor(actor, note)
    _require_ticket_visible(actor, ticket)
    if any(link.ticket_id == ticket.id for link in note.source_links):
        return
    db.session.add(NoteSourceTicket(note=note, ticket=ticket, added_by_id=actor.id,
                                    created_at=now))
    db.session.flush()


def source_tickets(actor: User | None, note: Note) -> list[Ticket]:
    """The note's source tickets that the actor may see (staff only; never members)."""
    if not _authenticated(actor) or not actor.is_staff:
        return []
    ids = [link.ticket_id for link in note.source_links]
    if not ids:
        return []
    return list(db.session.scalars(visible_tickets(actor).where(Ticket.id.in_(ids))
                                   .order_by(Ticket.received_at)))


def notes_from_ticket(actor: User, ticket: Ticket) -> list[Note]:
    """Notes (not archived) drafted from or linked to this ticket."""
    if not is_drafter(actor):
        return []
    return list(db.session.scalars(
        select(Note).join(NoteSourceTicket, NoteSourceTicket.note_id == Note.id)
        .where(NoteSourceTicket.ticket_id == ticket.id, Note.status != NoteStatus.ARCHIVED)
        .order_by(Note.id)))


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


def _thread_texts(ticket: Ticket) -> tuple[str, str]:
    """The requester's messages and the desk's answers, oldest first (no internal notes)."""
    inbound = [m.body for m in ticket.messages if m.kind == MessageKind.INBOUND]
    outbound = [m.body for m in ticket.messages if m.kind == MessageKind.OUTBOUND]
    return "\n\n".join(inbound).strip(), "\n\n".join(outbound).strip()


def _first_sentences(text: str, limit: int = 280) -> str:
    paragraph = next((p for p in text.split("\n") if len(p.strip()) > 20), text).strip()
    if len(paragraph) <= limit:
        return paragraph
    cut = paragraph[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _require_ticket_visible(actor: User, ticket: Ticket) -> None:
    found = db.session.scalar(visible_tickets(actor).with_only_columns(Ticket.id)
                              .where(Ticket.id == ticket.id))
    if found is None:
        raise NotFound("Demande introuvable.")


# --- import and starter notes -----------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: counts and one message per refused record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: ImportReport) -> None:
        """Add another chunk's counts and errors."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors


def import_documents(actor: User | None, records: Iterable[tuple[int, dict]], *, now: datetime,
                     audience: str = Audience.PUBLIC, kind: str = NoteKind.REFERENCE
                     ) -> ImportReport:
    """Create or update published reference notes keyed by the record's `id`. Caller commits.

    Each record holds `id`, `title`, `body`, `url` and optional `topics` (codes of unknown
    topics are dropped); a record that breaks a rule is reported and the batch goes on.
    Re-importing the same id updates the note (a revision only when something changed).
    """
    if actor is not None:
        _require_writer(actor)
    report = ImportReport()
    rows = [(line, record) for line, record in records]
    refs = [_ref(r) for _l, r in rows if _ref(r)]
    existing = {n.external_ref: n for n in db.session.scalars(
        select(Note).where(Note.external_ref.in_(refs)))} if refs else {}
    known_topics = set(db.session.scalars(select(Topic.code)))
    for line, record in rows:
        try:
            fields = _import_fields(record, known_topics)
        except InvalidInput as exc:
            report.errors.append(f"ligne {line} : {exc.message}")
            continue
        _import_one(actor, existing, fields, now, audience, kind, report)
    db.session.flush()
    return report


def _ref(record: dict) -> str:
    value = record.get("id") if isinstance(record, dict) else None
    return str(value).strip() if value not in (None, "") else ""


def _import_fields(record: dict, known_topics: set[str]) -> dict:
    if not isinstance(record, dict):
        raise InvalidInput("objet JSON attendu")
    ref, title, body = _ref(record), record.get("title"), record.get("body")
    if not ref or len(ref) > 200:
        raise InvalidInput("identifiant `id` manquant ou trop long")
    if not isinstance(title, str) or not title.strip():
        raise InvalidInput(f"{ref} : titre manquant")
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput(f"{ref} : texte manquant")
    url = record.get("url") or None
    if url is not None and not is_http_url(str(url)):
        raise InvalidInput(f"{ref} : adresse web invalide")
    topics = [t for t in record.get("topics") or [] if isinstance(t, str) and t in known_topics]
    return {"external_ref": ref, "title": title, "body_markdown": body, "url": url,
            "topics": topics}


def _import_one(actor, existing: dict, fields: dict, now, audience, kind,
                report: ImportReport) -> None:
    note = existing.get(fields["external_ref"])
    content = dict(title=fields["title"], body_markdown=fields["body_markdown"],
                   url=fields["url"], topics=fields["topics"], body_format=BodyFormat.TEXT)
    if note is None:
        note = create_note(None, now=now, audience=audience, kind=kind,
                           status=NoteStatus.PUBLISHED, external_ref=fields["external_ref"],
                           change_summary="Import", **content)
        note.author = actor
        existing[note.external_ref] = note
        report.created += 1
        return
    revision = note.revision_number
    update_note(None, note, now=now, change_summary="Mise à jour par import", **content)
    if note.revision_number == revision:
        report.unchanged += 1
    else:
        report.updated += 1


STARTER_DIR = Path(__file__).parent / "notes"


def load_starter_notes(now: datetime) -> dict[str, int]:
    """Create the starter notes shipped in kb/notes/*.md (published), idempotently.

    A starter note already in the database is left as it is (the jurists may have edited
    it). Caller commits; `legaldesk demo` calls this.
    """
    created = skipped = 0
    for path in sorted(STARTER_DIR.glob("*.md")):
        meta, body = read_front_matter(path.read_text(encoding="utf-8"))
        ref = f"starter:{path.stem}"
        if db.session.scalar(select(Note.id).where(Note.external_ref == ref)) is not None:
            skipped += 1
            continue
        create_note(None, now=now, title=meta["title"], summary=meta.get("summary", ""),
                    body_markdown=body, topics=meta.get("topics", []),
                    tags=meta.get("tags", []), audience=meta.get("audience", "members"),
                    kind=meta.get("kind", "note"), valid_as_of=meta.get("valid_as_of"),
                    review_by=meta.get("review_by"), sources=meta.get("sources", []),
                    status=NoteStatus.PUBLISHED, external_ref=ref,
                    change_summary="Note de départ")
        created += 1
    return {"created": created, "skipped": skipped}


def read_front_matter(text: str) -> tuple[dict, str]:
    """Split « ---\\nYAML\\n---\\nMarkdown » into (metadata, body)."""
    import yaml

    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not match:
        raise InvalidInput("En-tête YAML manquant (--- … ---).")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict) or not meta.get("title"):
        raise InvalidInput("En-tête YAML sans titre.")
    return meta, match.group(2).strip() + "\n"


def count_published_notes(year: int) -> int:
    """Notes first published in `year` and still published or archived (imported references
    are excluded: they are texts of law, not the team's notes)."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return db.session.scalar(select(func.count(Note.id)).where(
        Note.published_at >= start, Note.published_at < end,
        Note.status.in_([NoteStatus.PUBLISHED, NoteStatus.ARCHIVED]),
        Note.kind != NoteKind.REFERENCE)) or 0


# --- the search index -------------------------------------------------------------------------

_INDEX_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _synonym_table():
    """The synonym table, loaded once per process on first use."""
    from legaldesk.kb.synonyms import SynonymTable

    return SynonymTable.load()


def knowledge_index() -> KnowledgeIndex:
    """This process's shared index for the app's KB_INDEX_DIR (opened on first use)."""
    app = current_app._get_current_object()
    path = Path(app.config["KB_INDEX_DIR"])
    current = app.extensions.get("kb_index")
    if current is not None and current.path == path:
        return current
    with _INDEX_LOCK:
        current = app.extensions.get("kb_index")
        if current is None or current.path != path:
            if current is not None:
                current.close()
            current = app.extensions["kb_index"] = KnowledgeIndex(path, synonyms=_synonym_table())
    return current


def to_search_document(note: Note) -> SearchDocument:
    """The index's view of a note (plain text body, metadata for filters and facets)."""
    body = (note.body_markdown if note.body_format == BodyFormat.TEXT
            else markdown_to_text(note.body_markdown))
    return SearchDocument(
        id=str(note.id), title=note.title, body=body, summary=note.summary or "",
        tags=list(note.tags or []), topics=list(note.topics or []), kind=note.kind,
        audience=note.audience, status=note.status, external_ref=note.external_ref,
        url=note.url, updated_at=note.updated_at)


def enqueue_index(note_id: int, op: str = IndexOp.UPSERT, *, now: datetime | None = None) -> None:
    """Queue an index change in the caller's transaction (applied after commit)."""
    row = IndexQueue(note_id=note_id, op=IndexOp(op).value, attempts=0)
    if now is not None:
        row.enqueued_at = now
    db.session.add(row)


@dataclass
class _Outcome:
    done: set[int] = field(default_factory=set)
    failed: dict[int, str] = field(default_factory=dict)
    busy: bool = False


def apply_index_queue(now: datetime, *, note_ids: Iterable[int] | None = None,
                      timeout: float | None = None, batch_size: int | None = None) -> int:
    """Apply queued changes to the index; return how many notes were applied.

    Call it after commit (it refuses pending changes): it commits its own short transactions
    so that no database lock is held while the index is written. If another process holds the
    index lock past `timeout`, the rows stay queued for the `kb_index_queue` job. A change that
    fails is retried up to KB_INDEX_MAX_ATTEMPTS times, its error kept in `last_error`.
    With `note_ids`, only those notes' rows are applied (what a web request just wrote).
    """
    _require_clean_session()
    config = current_app.config
    timeout = config["KB_INDEX_WRITE_TIMEOUT_SECONDS"] if timeout is None else timeout
    batch_size = batch_size or config["KB_INDEX_BATCH_SIZE"]
    wanted = None if note_ids is None else sorted(set(note_ids))
    applied = 0
    while True:
        batch = _next_batch(wanted, batch_size, config["KB_INDEX_MAX_ATTEMPTS"])
        if not batch:
            break
        documents, gone, unreadable = _documents_for({row.note_id for row in batch})
        db.session.commit()  # release the (SQLite) write lock before touching the index
        outcome = _write_index(documents, gone, timeout)
        outcome.failed.update(unreadable)
        _settle(batch, outcome)
        db.session.commit()
        applied += len(outcome.done)
        if outcome.busy or wanted is not None or len(batch) < batch_size:
            break
    return applied


def drain_index_queue(now: datetime) -> int:
    """Scheduler job `kb_index_queue`: apply everything queued (long lock timeout)."""
    return apply_index_queue(now)


def apply_after_commit(note_ids: Iterable[int], now: datetime) -> None:
    """For views: apply the notes just committed with a short timeout; never raise."""
    try:
        apply_index_queue(now, note_ids=note_ids,
                          timeout=current_app.config["KB_INDEX_WEB_TIMEOUT_SECONDS"])
    except Exception:  # the queue keeps the change; the job applies it later
        db.session.rollback()
        log.exception("search index update deferred to the queue job")


def _require_clean_session() -> None:
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("apply the index queue after commit, not with pending changes")


def _next_batch(note_ids: list[int] | None, size: int, max_attempts: int) -> list[IndexQueue]:
    query = select(IndexQueue).where(IndexQueue.attempts < max_attempts)
    if note_ids is not None:
        query = query.where(IndexQueue.note_id.in_(note_ids))
    return list(db.session.scalars(query.order_by(IndexQueue.id).limit(size)))


def _documents_for(note_ids: set[int]) -> tuple[list[SearchDocument], list[str], dict[int, str]]:
    """Documents of the notes that exist, ids of those gone, errors of those unreadable."""
    notes = {n.id: n for n in db.session.scalars(select(Note).where(Note.id.in_(note_ids)))}
    documents, unreadable = [], {}
    for note in notes.values():
        try:
            documents.append(to_search_document(note))
        except Exception as exc:  # one bad note must not block the queue
            log.exception("note %s cannot be indexed", note.id)
            unreadable[note.id] = f"{type(exc).__name__}: {exc}"[:1000]
    gone = [str(note_id) for note_id in note_ids if note_id not in notes]
    return documents, gone, unreadable


def _write_index(documents: list[SearchDocument], gone: list[str], timeout: float) -> _Outcome:
    outcome = _Outcome()
    index = knowledge_index()
    try:
        index.upsert(documents, timeout=timeout)
        index.delete(gone, timeout=timeout)
        outcome.done = {int(d.id) for d in documents} | {int(g) for g in gone}
        return outcome
    except IndexBusy:
        outcome.busy = True
        return outcome
    except Exception:
        log.exception("search index batch failed; retrying note by note")
    for doc_id, call in [(int(d.id), lambda d=d: index.upsert([d], timeout=timeout))
                         for d in documents] + [(int(g), lambda g=g: index.delete([g],
                                                timeout=timeout)) for g in gone]:
        try:
            call()
            outcome.done.add(doc_id)
        except IndexBusy:
            outcome.busy = True
            break
        except Exception as exc:
            outcome.failed[doc_id] = f"{type(exc).__name__}: {exc}"[:1000]
    return outcome


def _settle(batch: list[IndexQueue], outcome: _Outcome) -> None:
    done_rows = [row.id for row in batch if row.note_id in outcome.done]
    if done_rows:
        db.session.execute(delete(IndexQueue).where(IndexQueue.id.in_(done_rows)))
    for row in batch:
        if row.note_id in outcome.failed:
            db.session.execute(update(IndexQueue).where(IndexQueue.id == row.id).values(
                attempts=IndexQueue.attempts + 1, last_error=outcome.failed[row.note_id]))
    db.session.flush()


def index_queue_status() -> dict[str, int]:
    """How many changes wait, and how many gave up after too many failures."""
    max_attempts = current_app.config["KB_INDEX_MAX_ATTEMPTS"]
    pending = db.session.scalar(select(func.count(IndexQueue.id)).where(
        IndexQueue.attempts < max_attempts)) or 0
    failed = db.session.scalar(select(func.count(IndexQueue.id)).where(
        IndexQueue.attempts >= max_attempts)) or 0
    return {"pending": pending, "failed": failed}


def reindex_all(page_size: int = 1000) -> int:
    """Rebuild the index from the database (`legaldesk kb reindex`); return the notes indexed.

    Reads the notes page by page in short transactions; queue rows older than the rebuild are
    then dropped, newer ones stay to be applied. Call after commit.
    """
    _require_clean_session()
    high_water = db.session.scalar(select(func.max(IndexQueue.id))) or 0
    db.session.commit()
    count = knowledge_index().rebuild(_all_documents(page_size))
    db.session.execute(delete(IndexQueue).where(IndexQueue.id <= high_water))
    db.session.commit()
    return count


def _all_documents(page_size: int) -> Iterator[SearchDocument]:
    last_id = 0
    while True:
        notes = list(db.session.scalars(select(Note).where(Note.id > last_id)
                                        .order_by(Note.id).limit(page_size)))
        documents = [to_search_document(note) for note in notes]
        db.session.commit()
        yield from documents
        if len(notes) < page_size:
            return
        last_id = notes[-1].id


# --- search -----------------------------------------------------------------------------------


def search_notes(actor: User | None, query: str, *, topics: Sequence[str] = (),
                 kinds: Sequence[str] = (), page: int = 1, pagelen: int = 10,
                 include_unpublished: bool = False) -> SearchResult:
    """Search the notes the actor may read (audience and status filtered inside the query).

    `include_unpublished` is honoured for writers only. Hits are checked against the database
    as well, so a change still waiting in the queue never shows a note it should hide.
    """
    result = knowledge_index().search(
        query, audiences=audiences_for(actor),
        include_unpublished=include_unpublished and is_writer(actor),
        topics=tuple(topics), kinds=tuple(kinds), page=page, pagelen=pagelen)
    result.hits = _still_visible(actor, result.hits, include_unpublished)
    return result


def suggest_notes(actor: User | None, text: str, *, limit: int = 5) -> list[Hit]:
    """Published notes for a question being typed: a search for short texts, key terms of
    long ones."""
    text = " ".join((text or "").split())[:5000]
    if len(text) < 3:
        return []
    index = knowledge_index()
    if len(text.split()) <= 12:
        hits = index.search(text, audiences=audiences_for(actor), pagelen=limit).hits
    else:
        hits = index.suggest_for_text(text, limit=limit, audiences=audiences_for(actor))
    return _still_visible(actor, hits, False)


def similar_notes(actor: User | None, note: Note, *, limit: int = 5) -> list[Hit]:
    """Published notes like this one that the actor may read."""
    hits = knowledge_index().similar(str(note.id), limit=limit, audiences=audiences_for(actor))
    return _still_visible(actor, hits, False)


def _still_visible(actor: User | None, hits: list[Hit], include_unpublished: bool) -> list[Hit]:
    ids = [int(h.id) for h in hits if h.id.isdigit()]
    if not ids:
        return []
    query = visible_notes(actor).with_only_columns(Note.id).where(Note.id.in_(ids))
    if not (include_unpublished and is_writer(actor)):
        query = query.where(Note.status == NoteStatus.PUBLISHED)
    allowed = set(db.session.scalars(query))
    return [h for h in hits if h.id.isdigit() and int(h.id) in allowed]


@dataclass
class RelatedItems:
    """What staff see beside a ticket: notes and past answered tickets like it."""

    notes: list[Hit]
    tickets: list[tuple[Ticket, float]]


def related_for_ticket(actor: User, ticket: Ticket, *, limit: int = 5) -> RelatedItems:
    """Similar published notes and past answered tickets, for staff working on a ticket."""
    if not _authenticated(actor) or not actor.is_staff:
        raise Forbidden("Réservé à l'équipe.")
    _require_ticket_visible(actor, ticket)
    first = next((m.body for m in ticket.messages if m.kind == MessageKind.INBOUND), "")
    text = f"{ticket.subject}\n{ticket.subject}\n{first}"
    hits = knowledge_index().suggest_for_text(text, limit=limit, audiences=ALL_AUDIENCES)
    return RelatedItems(_still_visible(actor, hits, False),
                        similar_answered_tickets(actor, ticket, limit=limit))


def similar_answered_tickets(actor: User, ticket: Ticket, *,
                             limit: int = 5) -> list[tuple[Ticket, float]]:
    """Answered tickets the actor may see, ranked by shared distinctive words (tf-idf overlap
    over the subject and first message; the same topic's tickets are taken first)."""
    candidates = _answered_candidates(actor, ticket)
    if not candidates:
        return []
    analysis = knowledge_index().analysis
    target = _term_set(analysis, ticket.subject, _first_inbound(ticket))
    documents = {t_id: _term_set(analysis, subject, body) for t_id, subject, body in candidates}
    df = Counter(term for terms in documents.values() for term in terms)
    n = len(documents) + 1
    scores = []
    for ticket_id, terms in documents.items():
        shared = target & terms
        if shared:
            weight = sum(math.log(1 + n / (1 + df[t])) for t in shared)
            scores.append((weight / math.sqrt(len(terms) + 1), ticket_id))
    best = sorted(scores, reverse=True)[:limit]
    tickets = {t.id: t for t in db.session.scalars(
        select(Ticket).where(Ticket.id.in_([t_id for _s, t_id in best])))}
    return [(tickets[t_id], round(score, 3)) for score, t_id in best if t_id in tickets]


def _answered_candidates(actor: User, ticket: Ticket) -> list[tuple[int, str, str]]:
    limit = current_app.config["KB_SIMILAR_TICKET_CANDIDATES"]
    first_message = (select(Message.ticket_id, func.min(Message.id).label("message_id"))
                     .where(Message.kind == MessageKind.INBOUND).group_by(Message.ticket_id)
                     .subquery())
    base = (visible_tickets(actor)
            .join(first_message, first_message.c.ticket_id == Ticket.id)
            .join(Message, Message.id == first_message.c.message_id)
            .where(Ticket.status.in_([s.value for s in ANSWERED_STATUSES]),
                   Ticket.id != ticket.id)
            .with_only_columns(Ticket.id, Ticket.subject, func.substr(Message.body, 1, 2000))
            .order_by(Ticket.received_at.desc()))
    same_topic = base.where(Ticket.topic_id == ticket.topic_id) if ticket.topic_id else None
    rows = list(db.session.execute(same_topic.limit(limit))) if same_topic is not None else []
    if len(rows) < limit:
        seen = {row[0] for row in rows}
        rows += [r for r in db.session.execute(base.limit(limit)) if r[0] not in seen]
    return [(row[0], row[1], row[2] or "") for row in rows[:limit]]


def _first_inbound(ticket: Ticket) -> str:
    return next((m.body for m in ticket.messages if m.kind == MessageKind.INBOUND), "")[:2000]


def _term_set(analysis, subject: str, body: str) -> set[str]:
    return {terms[0] for terms in analysis.terms(f"{subject} {subject} {body}")
            if terms and len(terms[0]) > 2}


# --- deflection -------------------------------------------------------------------------------


def valid_session_key(key: str | None) -> str:
    """The ask session's key if well formed, else InvalidInput."""
    if not key or not SESSION_KEY_RE.match(key):
        raise InvalidInput("Session de question invalide.")
    return key


def record_suggestions_shown(actor: User | None, session_key: str, note_ids: Iterable[int], *,
                             now: datetime) -> int:
    """Remember which notes an ask session was shown (once per note). Caller commits."""
    session_key = valid_session_key(session_key)
    user_id = actor.id if _authenticated(actor) else None
    wanted = list(dict.fromkeys(note_ids))
    if not wanted:
        return 0
    seen = set(db.session.scalars(select(SuggestionEvent.note_id).where(
        SuggestionEvent.session_key == session_key, SuggestionEvent.note_id.in_(wanted))))
    new = [n for n in wanted if n not in seen]
    for note_id in new:
        db.session.add(SuggestionEvent(session_key=session_key, user_id=user_id,
                                       note_id=note_id, shown_at=now))
    db.session.flush()
    return len(new)


def record_suggestion_open(actor: User, session_key: str, note_id: int, *,
                           now: datetime) -> SuggestionEvent:
    """A member opened a suggested note during an ask session. Caller commits."""
    session_key = valid_session_key(session_key)
    get_note(actor, note_id)
    event = db.session.scalar(select(SuggestionEvent).where(
        SuggestionEvent.session_key == session_key, SuggestionEvent.note_id == note_id))
    if event is None:
        event = SuggestionEvent(session_key=session_key, user_id=actor.id, note_id=note_id,
                                shown_at=now)
        db.session.add(event)
    elif event.user_id not in (None, actor.id):
        raise Forbidden("Session de question d'un autre utilisateur.")
    event.opened_at = event.opened_at or now
    db.session.flush()
    return event


def record_ask_submitted(actor: User, session_key: str | None, ticket: Ticket, *,
                         now: datetime) -> int:
    """The ask session ended with a question: mark its suggestion events. Caller commits.

    A missing or malformed key (the form without JavaScript) records nothing.
    """
    if not session_key or not SESSION_KEY_RE.match(session_key):
        return 0
    return db.session.execute(
        update(SuggestionEvent)
        .where(SuggestionEvent.session_key == session_key,
               SuggestionEvent.user_id == actor.id, SuggestionEvent.submitted_at.is_(None))
        .values(submitted_at=now, ticket_id=ticket.id)
        .execution_options(synchronize_session=False)).rowcount or 0


def deflection_stats(start: datetime, end: datetime, *, now: datetime | None = None,
                     window_minutes: int | None = None) -> dict[str, int]:
    """Ask sessions with suggestions shown in [start, end), how many opened one, and how many
    were answered by the knowledge base (opened, then no question within the window).

    Returns sessions_shown, sessions_opened, deflected, submitted_after_open, pending (window
    not over yet), notes_shown and notes_opened.
    """
    window = timedelta(minutes=window_minutes if window_minutes is not None
                       else current_app.config["KB_DEFLECTION_WINDOW_MINUTES"])
    as_of = now or end
    rows = db.session.execute(select(
        SuggestionEvent.session_key, SuggestionEvent.shown_at, SuggestionEvent.opened_at,
        SuggestionEvent.submitted_at).where(SuggestionEvent.shown_at >= start,
                                            SuggestionEvent.shown_at < end))
    sessions: dict[str, dict] = {}
    stats = Counter()
    for key, _shown, opened, submitted in rows:
        session = sessions.setdefault(key, {"opened": None, "submitted": None})
        stats["notes_shown"] += 1
        if opened is not None:
            stats["notes_opened"] += 1
            session["opened"] = min(filter(None, [session["opened"], opened]))
        if submitted is not None:
            session["submitted"] = submitted
    for session in sessions.values():
        _classify_session(session, window, as_of, stats)
    stats["sessions_shown"] = len(sessions)
    keys = ("sessions_shown", "sessions_opened", "deflected", "submitted_after_open", "pending",
            "notes_shown", "notes_opened")
    return {key: int(stats[key]) for key in keys}


def _classify_session(session: dict, window: timedelta, as_of: datetime, stats: Counter) -> None:
    opened = session["opened"]
    if opened is None:
        return
    stats["sessions_opened"] += 1
    if session["submitted"] is not None:
        stats["submitted_after_open"] += 1
    elif opened + window <= as_of:
        stats["deflected"] += 1
    else:
        stats["pending"] += 1

