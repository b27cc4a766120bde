"""`legaldesk kb …`: import documents, rebuild and drain the index, search from the shell."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import click
from flask.cli import with_appcontext

IMPORT_CHUNK = 500
REINDEX_THRESHOLD = 2000  # above this many queued changes a full rebuild is faster


@click.group("kb")
def kb_group():
    """Knowledge base: import, index, search."""


def register(cli) -> None:
    """Attach the `kb` group to the app's CLI."""
    cli.add_command(kb_group)


def iter_jsonl(path: Path, errors: list[str]) -> Iterator[tuple[int, dict]]:
    """(line number, object) of a JSON-lines file, gzipped or not; bad lines go to `errors`."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"ligne {number} : JSON invalide ({exc.msg})")


@kb_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--audience", type=click.Choice(["public", "members", "staff"]), default="public",
              show_default=True)
@click.option("--kind", default="reference", show_default=True)
@with_appcontext
def import_command(file: Path, audience: str, kind: str):
    """Import FILE.jsonl[.gz] (id, title, body, url, topics) as published reference notes."""
    from legaldesk.core.extensions import db
    from legaldesk.core.web import now
    from legaldesk.kb import note_import

    parse_errors: list[str] = []
    records = iter_jsonl(file, parse_errors)
    total = note_import.ImportReport()
    while chunk := list(islice(records, IMPORT_CHUNK)):
        total.merge(note_import.import_documents(None, chunk, now=now(), audience=audience,
                                                 kind=kind))
        db.session.commit()  # one transaction per chunk keeps memory and locks small
    total.errors = parse_errors + total.errors
    click.echo(json.dumps({"created": total.created, "updated": total.updated,
                           "unchanged": total.unchanged, "errors": len(total.errors)}))
    for error in total.errors[:50]:
        click.echo(f"  {error}", err=True)
    _bring_index_up_to_date()


def _bring_index_up_to_date() -> None:
    from legaldesk.core.web import now
    from legaldesk.kb import index_queue

    pending = index_queue.index_queue_status()["pending"]
    if pending > REINDEX_THRESHOLD:
        count = index_queue.reindex_all()
        click.echo(f"Index reconstruit : {count} notes.")
    elif pending:
        click.echo(f"Index mis à jour : {index_queue.apply_index_queue(now())} notes.")


@kb_group.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database."""
    from legaldesk.kb import index_queue

    click.echo(f"Index reconstruit : {index_queue.reindex_all()} notes.")


@kb_group.command("apply-queue")
@with_appcontext
def apply_queue_command():
    """Apply the queued index changes now (the kb_index_queue job does it every minute)."""
    from legaldesk.core.extensions import db
    from legaldesk.core.web import now
    from legaldesk.kb import index_queue
    from legaldesk.kb.models import IndexQueue

    applied = index_queue.apply_index_queue(now())
    status = index_queue.index_queue_status()
    click.echo(json.dumps({"applied": applied, **status}))
    if status["failed"]:
        from sqlalchemy import select
        rows = db.session.scalars(select(IndexQueue).where(
            IndexQueue.last_error.is_not(None)).order_by(IndexQueue.id).limit(20))
        for row in rows:
            click.echo(f"  note {row.note_id} ({row.attempts} essais) : {row.last_error}",
                       err=True)


@kb_group.command("search")
@click.argument("query", required=False)
@click.option("--queries", "queries_file", type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path),
              help="Un fichier d'une requête par ligne : une ligne JSON par requête.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--audience", "audiences", multiple=True,
              type=click.Choice(["public", "members", "staff"]),
              help="Publics visibles (par défaut : tous).")
@with_appcontext
def search_command(query: str | None, queries_file: Path | None, limit: int, as_json: bool,
                   audiences: tuple[str, ...]):
    """Search published notes; hits are {id, title, score} (id = external reference if any)."""
    if bool(query) == bool(queries_file):
        raise click.UsageError("Donnez une requête ou --queries FICHIER (l'un ou l'autre).")
    from legaldesk.kb import index_queue, permissions

    index = index_queue.knowledge_index()
    visible = audiences or permissions.ALL_AUDIENCES

    def hits_for(text: str) -> list[dict]:
        result = index.search(text, audiences=visible, pagelen=limit)
        return [{"id": hit.external_ref or hit.id, "title": hit.title, "score": hit.score}
                for hit in result.hits]
    if queries_file:
        with open(queries_file, encoding="utf-8") as handle:
            for line in handle:
                text = line.strip()
                if text:
                    click.echo(json.dumps({"query": text, "hits": hits_for(text)},
                                          ensure_ascii=False))
        return
    hits = hits_for(query)
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False))
        return
    for rank, hit in enumerate(hits, start=1):
        click.echo(f"{rank:>3}. {hit['score']:>8.3f}  {hit['id']:<40} {hit['title']}")


@kb_group.command("load-starter")
@with_appcontext
def load_starter_command():
    """Create the starter notes shipped with legaldesk (idempotent), then index them."""
    from legaldesk.core.extensions import db
    from legaldesk.core.web import now
    from legaldesk.kb import index_queue, note_import

    summary = note_import.load_starter_notes(now())
    db.session.commit()
    index_queue.apply_index_queue(now())
    click.echo(json.dumps(summary))


@kb_group.command("status")
@with_appcontext
def status_command():
    """Index size and queue state."""
    from legaldesk.kb import index_queue

    click.echo(json.dumps({"documents": index_queue.knowledge_index().doc_count(),
                           **index_queue.index_queue_status()}))


@kb_group.command("anonymise")
@click.option("--json", "as_json", is_flag=True,
              help="JSON: the text and each replacement (original, start, end, kind).")
@with_appcontext
def anonymise_command(as_json: bool):
    """Anonymise standard input as a draft note is (same code as the review screen)."""
    from legaldesk.kb import anonymise, ticket_drafts

    text = sys.stdin.read()
    result = anonymise.anonymise(text, ticket_drafts.database_known_identifiers())
    if as_json:
        click.echo(json.dumps({"text": result.text,
                               "replacements": [r.as_dict() for r in result.replacements]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(result.text)
