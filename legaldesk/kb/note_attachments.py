"""Files attached to knowledge-base notes (model contracts, guides): add, remove, fetch."""

from __future__ import annotations

from datetime import datetime

from legaldesk.auth.models import User
from legaldesk.core.errors import NotFound
from legaldesk.core.extensions import db
from legaldesk.kb.models import Note, NoteAttachment
from legaldesk.kb.permissions import get_note, require_editor
from legaldesk.kb.services import record_revision
from legaldesk.tickets.attachments import check_upload, store_bytes
from legaldesk.tickets.services import UploadedFile


def add_note_attachment(actor: User, note: Note, upload: UploadedFile, *,
                        now: datetime) -> NoteAttachment:
    """Store a file with the note (model contract, guide). Caller commits."""
    require_editor(actor, note)
    content_type = check_upload(upload.filename, upload.data)  # judged by its bytes
    filename = _safe_filename(upload.filename)
    attachment = NoteAttachment(
        note=note, filename=filename, size=len(upload.data), sha256=store_bytes(upload.data),
        content_type=content_type, uploaded_by_id=actor.id,
        created_at=now)
    db.session.add(attachment)
    note.updated_at = now
    record_revision(note, actor, now, f"Pièce jointe ajoutée : {filename}")
    db.session.flush()
    return attachment


def remove_note_attachment(actor: User, note: Note, attachment_id: int, *,
                           now: datetime) -> None:
    """Detach a file from the note (the stored bytes may be shared, they stay). Caller commits."""
    require_editor(actor, note)
    attachment = _attachment_of(note, attachment_id)
    db.session.delete(attachment)
    note.updated_at = now
    record_revision(note, actor, now, f"Pièce jointe retirée : {attachment.filename}")
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
