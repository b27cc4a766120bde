"""Writing the search index: its schema, document fields, the writer lock, updates, rebuilds."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from whoosh import columns, fields, formats, index
from whoosh.writing import CLEAR

from legaldesk.kb.search_analysis import FrenchAnalyzer, SpellAnalyzer, spelling_words
from legaldesk.kb.search_snippets import STORED_BODY_CHARS
from legaldesk.kb.search_types import IndexBusy, SearchDocument
from legaldesk.kb.synonyms import SynonymTable

PARALLEL_FROM = 2000  # below this many documents a rebuild indexes in one process
# The "meta" column: kind, audience, status and topics, the topics split by LIST_SEPARATOR.
META_SEPARATOR, LIST_SEPARATOR = "\x1f", "\x1e"


def build_schema(synonyms: SynonymTable) -> fields.Schema:
    """The schema for a synonym table (its acronyms are kept unstemmed)."""
    analyzer = FrenchAnalyzer(synonyms.acronyms, synonyms.lowercase_words)
    # scorable only so that Whoosh keeps its length column (it stats files without one).
    spell = fields.FieldType(formats.Existence(), analyzer=SpellAnalyzer(), scorable=True)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        external_ref=fields.STORED(),
        url=fields.STORED(),
        updated_at=fields.STORED(),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        summary=fields.TEXT(analyzer=analyzer, stored=True),
        tags=fields.TEXT(analyzer=analyzer, stored=True),
        body=fields.TEXT(analyzer=analyzer),
        excerpt_source=fields.STORED(),
        topics=fields.KEYWORD(stored=True, commas=True),
        kind=fields.ID(stored=True),
        audience=fields.ID(stored=True),
        status=fields.ID(stored=True),
        spell=spell,
        meta=fields.COLUMN(columns.VarBytesColumn()),
    )


def open_writer(ix, path: Path, timeout: float, **kwargs):
    """The one way to a Whoosh writer: wait up to `timeout` s for the lock, else IndexBusy.

    Segments are written as separate files: Whoosh copies a compound segment file into
    memory when it opens it, which would cost each reader process the index size in RAM.
    """
    try:
        return ix.writer(timeout=timeout, compound=False, **kwargs)
    except index.LockError as exc:
        raise IndexBusy(f"search index {path} is locked by another writer") from exc


def upsert_documents(ix, path: Path, docs: Iterable[SearchDocument], timeout: float) -> int:
    """Add or replace documents by id; raises IndexBusy if the lock is not free in time."""
    unique = {doc.id: doc for doc in docs}
    if not unique:
        return 0
    writer = open_writer(ix, path, timeout)
    try:
        for doc in unique.values():
            writer.update_document(**_to_fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return len(unique)


def delete_documents(ix, path: Path, ids: Iterable[str], timeout: float) -> int:
    """Delete documents by id; returns how many were in the index."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    writer = open_writer(ix, path, timeout)
    try:
        count = sum(writer.delete_by_term("id", doc_id) for doc_id in ids)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def rebuild_processes(docs: Iterable[SearchDocument]) -> tuple[Iterator[SearchDocument], int]:
    """The same documents, and how many processes should index them (two for big rebuilds)."""
    remaining = iter(docs)
    head = list(islice(remaining, PARALLEL_FROM))
    procs = min(2, os.cpu_count() or 1) if len(head) >= PARALLEL_FROM else 1
    return chain(head, remaining), procs


def rebuild_in_place(ix, path: Path, docs: Iterable[SearchDocument], procs: int, limitmb: int,
                     timeout: float) -> int:
    """Same schema: replace every segment in one commit (readers see old or new)."""
    writer = _bulk_writer(ix, path, procs, limitmb, timeout)
    count = _add_all(writer, docs)
    writer.commit(mergetype=CLEAR)
    return count


def rebuild_by_swap(ix, path: Path, docs: Iterable[SearchDocument], schema: fields.Schema,
                    procs: int, limitmb: int, timeout: float) -> int:
    """Schema changed: build beside the index under its lock, then swap the directories."""
    lock = ix.lock("WRITELOCK")
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() > deadline:
            raise IndexBusy(f"search index {path} is locked by another writer")
        time.sleep(0.05)
    fresh = path.with_name(path.name + ".rebuild")
    try:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        new_ix = index.create_in(str(fresh), schema)
        writer = _bulk_writer(new_ix, path, procs, limitmb, timeout)
        count = _add_all(writer, docs)
        writer.commit()
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(path, old)
        os.rename(fresh, path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        lock.release()
    return count


def _bulk_writer(ix, path: Path, procs: int, limitmb: int, timeout: float):
    if procs > 1:
        return open_writer(ix, path, timeout, limitmb=limitmb, procs=procs, multisegment=True)
    return open_writer(ix, path, timeout, limitmb=limitmb)


def _to_fields(doc: SearchDocument) -> dict:
    """Whoosh field values of a document."""
    topics = [t.strip() for t in doc.topics if t and t.strip()]
    tags = [t.strip() for t in doc.tags if t and t.strip()]
    meta = META_SEPARATOR.join([doc.kind, doc.audience, doc.status, LIST_SEPARATOR.join(topics)])
    return {
        "id": doc.id,
        "external_ref": doc.external_ref,
        "url": doc.url,
        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
        "title": doc.title or "",
        "summary": doc.summary or "",
        "tags": " ; ".join(tags),
        "body": doc.body or "",
        "excerpt_source": (doc.body or "")[:STORED_BODY_CHARS],
        "topics": ",".join(topics),
        "kind": doc.kind,
        "audience": doc.audience,
        "status": doc.status,
        "spell": spelling_words(" ".join([doc.title or "", doc.summary or "", " ".join(tags),
                                          doc.body or ""])),
        "meta": meta.encode("utf-8"),
    }


def _add_all(writer, docs: Iterable[SearchDocument]) -> int:
    count = 0
    try:
        for doc in docs:
            writer.add_document(**_to_fields(doc))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    return count

