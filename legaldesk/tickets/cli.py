"""Ticket commands: `triage` (read-only), campaigns, `seed`, `topics` and `tickets import`."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from legaldesk.core.commands import parse_now, service_command
from legaldesk.core.models import utcnow


@click.command("triage")
@click.option("--subject", default="", help="Objet de la question")
@click.option("--text", default=None, help="Texte (sinon lu sur l'entrée standard)")
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON")
@with_appcontext
def triage_command(subject: str, text: str | None, as_json: bool):
    """Print the triage decision for a question; touches no data."""
    from legaldesk.core.extensions import db
    from legaldesk.tickets.triage import triage

    body = text if text is not None else sys.stdin.read()
    try:
        from legaldesk.tickets.routing import topic_rules
        rules = topic_rules() or None
    except SQLAlchemyError:
        rules = None  # no database yet: the default vocabulary
    finally:
        db.session.rollback()
    decision = triage(subject, body, rules, now=utcnow(),
                      deadline_window_days=current_app.config["URGENT_DEADLINE_WINDOW_DAYS"])
    if as_json:
        click.echo(json.dumps(decision.to_dict(), ensure_ascii=False))
        return
    urgency = f"URGENT ({decision.urgent_case})" if decision.urgent else "non urgent"
    click.echo(f"thème : {decision.topic} ({decision.topic_confidence:.0%})")
    click.echo(f"niveau : {decision.level} — spécialité : {decision.specialty or '—'}")
    click.echo(f"urgence : {urgency}{' — à vérifier' if decision.check_urgency else ''}")
    for reason in decision.reasons:
        click.echo(f"  - {reason}")


@click.group("campaigns")
def campaigns_group():
    """Deadline campaigns (tag, keyword rule, canned answer)."""


@campaigns_group.command("save")
@click.argument("code")
@click.option("--label", required=True)
@click.option("--keyword", "keywords", multiple=True, help="Expression déclenchante (répétable)")
@click.option("--answer", "canned_answer", default="", help="Réponse type")
@click.option("--note-url", default=None)
@service_command
def campaigns_save(code, label, keywords, canned_answer, note_url):
    """Create or update a campaign."""
    from legaldesk.tickets.campaigns import save_campaign
    campaign = save_campaign(None, code, label=label, keywords=keywords,
                             canned_answer=canned_answer, note_url=note_url)
    click.echo(f"Campagne {campaign.code} enregistrée ({len(campaign.keywords)} expressions).")


@click.command("triage-corrections")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def corrections_command(as_json: bool):
    """Tickets whose final topic, level or urgency differs from triage's suggestion."""
    from legaldesk.tickets.services import triage_corrections
    rows = triage_corrections()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        changes = ", ".join(f"{k}: {a} → {b}" for k, (a, b) in row["changes"].items())
        click.echo(f"{row['reference']}  {changes}")


def register(cli) -> None:
    """Attach the ticket commands."""
    cli.add_command(triage_command)
    cli.add_command(campaigns_group)
    cli.add_command(corrections_command)
    cli.add_command(topics_group)
    cli.add_command(seed_command)
    cli.add_command(tickets_group)


@click.command("seed")
@service_command
def seed_command():
    """Load the delegations and topics (idempotent)."""
    from legaldesk.tickets.seed import seed_reference_data
    click.echo(json.dumps(seed_reference_data()))


@click.group("topics")
def topics_group():
    """Question topics."""


@topics_group.command("list")
@with_appcontext
def topics_list():
    """List topics with default level and specialty."""
    from legaldesk.core.extensions import db
    from legaldesk.tickets.models import Topic
    for topic in db.session.scalars(select(Topic).order_by(Topic.code)):
        click.echo(f"{topic.code:<28} {topic.default_level:<12} {topic.specialty or '—':<20} "
                   f"{topic.label_fr}")


@click.group("tickets")
def tickets_group():
    """Ticket maintenance."""


@tickets_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--now", "now_text", help="Instant de référence (ISO 8601)")
@service_command
def tickets_import(path: str, now_text: str | None):
    """Import past requests from a CSV file (columns: README, "History import"); re-runnable."""
    from pathlib import Path

    from legaldesk.tickets.history_import import import_history

    text = Path(path).read_bytes().decode("utf-8-sig")
    result = import_history(None, text, source=Path(path).name, now=parse_now(now_text))
    click.echo(f"{result.imported} demande(s) importée(s), {result.duplicates} déjà présente(s), "
               f"{len(result.errors)} ligne(s) refusée(s).")
    for line, reason in result.errors:
        click.echo(f"ligne {line} : {reason}", err=True)
