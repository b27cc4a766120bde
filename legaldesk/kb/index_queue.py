"""The notes' search index: the shared KnowledgeIndex, its queue applied after commit, rebuilds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select, update

from legaldesk.core.extensions import db
from legaldesk.kb.markdown import markdown_to_text
from legaldesk.kb.models import BodyFormat, IndexOp, IndexQueue, Note
from legaldesk.kb.permissions import is_restricted
from legaldesk.kb.search import KnowledgeIndex
from legaldesk.kb.search_types import RESTRICTED, IndexBusy, SearchDocument

log = logging.getLogger(__name__)

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
    """The index's view of a note (plain text body, metadata for filters and facets).

    A need-to-know draft is indexed with the RESTRICTED audience, so that searches, counts and
    facets of other readers never include it (the database check after the search stays).
    """
    body = (note.body_markdown if note.body_format == BodyFormat.TEXT
            else markdown_to_text(note.body_markdown))
    return SearchDocument(
        id=str(note.id), title=note.title, body=body, summary=note.summary or "",
        tags=list(note.tags or []), topics=list(note.topics or []), kind=note.kind,
        audience=RESTRICTED if is_restricted(note) else note.audience, status=note.status,
        external_ref=note.external_ref, url=note.url, updated_at=note.updated_at)


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
