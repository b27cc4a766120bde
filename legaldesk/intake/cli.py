"""Channel commands: `legaldesk ingest-eml FILE...` and `legaldesk mailbox poll`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

OUTCOME_WORDS = {
    "created": "created", "appended": "appended", "duplicate": "duplicate",
    "ignored_auto_reply": "ignored auto-reply", "quarantined": "quarantined",
}


def register(cli) -> None:
    """Attach the channel commands to the app's CLI."""
    cli.add_command(ingest_eml_command)
    cli.add_command(mailbox_group)


@click.command("ingest-eml")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON par fichier.")
@with_appcontext
def ingest_eml_command(files: tuple[Path, ...], as_json: bool):
    """File .eml files through the e-mail pipeline (one line per file: reference, outcome)."""
    from legaldesk.core.models import utcnow
    from legaldesk.intake.services import ingest_email

    unreadable = 0
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            unreadable += 1
            click.echo(f"{path}: illisible ({exc.strerror or exc})", err=True)
            continue
        result = ingest_email(raw, now=utcnow(), source="cli")
        click.echo(_line(path, result, as_json))
    if unreadable:
        raise click.exceptions.Exit(1)


def _line(path: Path, result, as_json: bool) -> str:
    if as_json:
        return json.dumps({"file": str(path), "outcome": result.outcome.value,
                           "reference": result.reference, "error": result.error},
                          ensure_ascii=False)
    words = OUTCOME_WORDS[result.outcome.value]
    detail = f" ({result.error})" if result.error else ""
    return f"{path}: {result.reference or '-'} {words}{detail}"


@click.group("mailbox")
def mailbox_group():
    """The desk's IMAP mailbox."""


@mailbox_group.command("poll")
@click.option("--limit", type=int, default=None, help="Nombre maximal de messages.")
@with_appcontext
def mailbox_poll(limit: int | None):
    """File the mailbox's new messages now (the scheduler does it regularly)."""
    from legaldesk.core.models import utcnow
    from legaldesk.intake.imap import run_poll

    summary = run_poll(utcnow(), limit=limit)
    if not summary.enabled:
        raise click.ClickException("IMAP_HOST n'est pas configuré.")
    click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
