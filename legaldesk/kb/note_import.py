"""Notes from outside: the import of reference documents and the starter notes shipped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from legaldesk.auth.models import User
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.validation import is_http_url
from legaldesk.kb.models import Audience, BodyFormat, Note, NoteKind, NoteStatus
from legaldesk.kb.permissions import require_writer
from legaldesk.kb.services import create_note, update_note
from legaldesk.tickets.models import Topic


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
        require_writer(actor)
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
