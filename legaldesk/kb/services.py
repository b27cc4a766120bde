"""Knowledge-base note services: writing notes, their revisions, review and life cycle.

Every write of the kb services takes an explicit `actor` and `now`, flushes, and leaves the
commit to the caller. A write to a note adds an `IndexQueue` row in the same transaction; the
queue is applied to the search index after commit (`kb.index_queue`), so the database stays
the truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select

from legaldesk.auth.models import User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Conflict, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.validation import check_http_url
from legaldesk.kb import anonymise as anon
from legaldesk.kb.index_queue import enqueue_index
from legaldesk.kb.models import (
    CONTENT_FIELDS,
    Audience,
    BodyFormat,
    IndexOp,
    Note,
    NoteKind,
    NoteRevision,
    NoteStatus,
    SuggestionEvent,
)
from legaldesk.kb.permissions import (
    DRAFTER_ROLES,
    is_drafter,
    require_editor,
    require_writer,
    visible_notes,
)
from legaldesk.tickets.models import Topic

MAX_TITLE, MAX_TAGS, MAX_TAG, MAX_SOURCES = 300, 20, 60, 30


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
    record_revision(note, actor, now, change_summary or "Création de la note")
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
        require_editor(actor, note)
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
    record_revision(note, actor, now, summary)
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


def record_revision(note: Note, actor: User | None, now: datetime, summary: str) -> NoteRevision:
    """Number the note's next revision and snapshot its content in it (who, when, what)."""
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
    require_editor(actor, note)
    _move(note, actor, now, {NoteStatus.DRAFT}, NoteStatus.IN_REVIEW, "Soumise à relecture")
    return note


def return_to_draft(actor: User, note: Note, *, now: datetime, reason: str = "") -> Note:
    """A jurist sends a note under review back to its author. Caller commits."""
    require_writer(actor)
    _move(note, actor, now, {NoteStatus.IN_REVIEW}, NoteStatus.DRAFT,
          "Renvoyée en brouillon" + (f" : {reason.strip()}" if reason.strip() else ""))
    return note


def publish_note(actor: User, note: Note, *, now: datetime,
                 confirm_personal_data: bool = False) -> Note:
    """Publish a draft or a note under review (jurists). Caller commits.

    Runs the anonymiser's detection again on the title, summary and text: a name still found
    refuses publication outright; other possible personal data (e-mail, phone, SIRET, address,
    place, date...) refuse it unless the jurist confirms these are not personal data.
    """
    require_writer(actor)
    if not note.body_markdown.strip():
        raise InvalidInput("Une note publiée doit avoir un texte.")
    findings = personal_data_findings(note)
    names = [excerpt for kind, excerpt in findings if kind in anon.NAME_KINDS]
    if names:
        listed = "; ".join(f"« {excerpt[:60]} »" for excerpt in names[:8])
        raise InvalidInput(f"Un nom de personne reste dans la note — {listed}. Remplacez-le "
                           "(par exemple par [PERSONNE]) avant de publier.")
    if findings and not confirm_personal_data:
        listed = "; ".join(f"{anon.KIND_LABELS.get(kind, kind)} : « {excerpt[:60]} »"
                           for kind, excerpt in findings[:8])
        raise InvalidInput("Données personnelles possibles à vérifier avant publication — "
                           f"{listed}. Corrigez la note ou confirmez la publication.")
    _move(note, actor, now, {NoteStatus.DRAFT, NoteStatus.IN_REVIEW}, NoteStatus.PUBLISHED,
          "Publiée" + (" (données signalées confirmées par le juriste)" if findings else ""))
    note.published_at = note.published_at or now
    return note


def personal_data_findings(note: Note) -> list[tuple[str, str]]:
    """What the anonymiser's detection still finds in a note's title, summary and text."""
    return anon.find_personal_data("\n".join([note.title, note.summary, note.body_markdown]))


def archive_note(actor: User, note: Note, *, now: datetime, reason: str = "") -> Note:
    """Withdraw a note from members and search results (kept for staff). Caller commits."""
    require_writer(actor)
    _move(note, actor, now, {NoteStatus.DRAFT, NoteStatus.IN_REVIEW, NoteStatus.PUBLISHED},
          NoteStatus.ARCHIVED, "Archivée" + (f" : {reason.strip()}" if reason.strip() else ""))
    return note


def reopen_note(actor: User, note: Note, *, now: datetime) -> Note:
    """An archived note becomes a draft again (to be updated and republished). Caller commits."""
    require_writer(actor)
    _move(note, actor, now, {NoteStatus.ARCHIVED}, NoteStatus.DRAFT, "Remise en brouillon")
    return note


def _move(note: Note, actor: User | None, now: datetime, sources: set[NoteStatus],
          target: NoteStatus, summary: str) -> None:
    if NoteStatus(note.status) not in sources:
        raise Conflict(f"Action impossible : la note est « {note.status} ».")
    note.status = target.value
    note.updated_at = now
    record_revision(note, actor, now, summary)
    enqueue_index(note.id)
    db.session.flush()


def restore_revision(actor: User, note: Note, number: int, *, now: datetime) -> Note:
    """Bring back the content of an earlier revision (the status is kept). Caller commits."""
    require_writer(actor)
    require_editor(actor, note)
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
    require_editor(actor, note)
    if note.status != NoteStatus.DRAFT or note.published_at is not None:
        raise Conflict("Seul un brouillon jamais publié peut être supprimé ; archivez la note.")
    note_id = note.id
    db.session.execute(delete(SuggestionEvent).where(SuggestionEvent.note_id == note_id))
    db.session.delete(note)
    enqueue_index(note_id, IndexOp.DELETE, now=now)
    db.session.flush()


def review_queue(actor: User, *, today: date) -> dict[str, list[Note]]:
    """The jurists' work list: notes to review, drafts, and published notes past review date."""
    require_writer(actor)
    notes = visible_notes(actor)  # drafts from confidential tickets: author and managers only
    return {
        "in_review": list(db.session.scalars(notes.where(
            Note.status == NoteStatus.IN_REVIEW).order_by(Note.updated_at))),
        "drafts": list(db.session.scalars(notes.where(
            Note.status == NoteStatus.DRAFT).order_by(Note.updated_at.desc()).limit(100))),
        "overdue": list(db.session.scalars(notes.where(
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


def count_published_notes(year: int) -> int:
    """Notes first published in `year` and still published or archived (imported references
    are excluded: they are texts of law, not the team's notes)."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return db.session.scalar(select(func.count(Note.id)).where(
        Note.published_at >= start, Note.published_at < end,
        Note.status.in_([NoteStatus.PUBLISHED, NoteStatus.ARCHIVED]),
        Note.kind != NoteKind.REFERENCE)) or 0
