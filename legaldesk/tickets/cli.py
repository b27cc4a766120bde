"""Ticket commands: `triage` (read-only; train, evaluate), campaigns, seed, topics, import."""

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


@click.group("triage", invoke_without_command=True)
@click.option("--subject", default="", help="Objet de la question")
@click.option("--text", default=None, help="Texte (sinon lu sur l'entrée standard)")
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON")
@click.pass_context
@with_appcontext
def triage_command(ctx: click.Context, subject: str, text: str | None, as_json: bool):
    """Print the triage decision for a question; touches no data. Subcommands: train, evaluate."""
    if ctx.invoked_subcommand is not None:
        return
    body = text if text is not None else sys.stdin.read()
    decision = _decide(subject, body, utcnow())
    if as_json:
        click.echo(json.dumps(decision.to_dict(), ensure_ascii=False))
        return
    urgency = f"URGENT ({decision.urgent_case})" if decision.urgent else "non urgent"
    click.echo(f"thème : {decision.topic} ({decision.topic_confidence:.0%})")
    click.echo(f"niveau : {decision.level} — spécialité : {decision.specialty or '—'}")
    click.echo(f"urgence : {urgency}{' — à vérifier' if decision.check_urgency else ''}")
    for reason in decision.reasons:
        click.echo(f"  - {reason}")


def _rules():
    from legaldesk.core.extensions import db
    try:
        from legaldesk.tickets.routing import topic_rules
        return topic_rules() or None
    except SQLAlchemyError:
        return None  # no database yet: the default vocabulary
    finally:
        db.session.rollback()


def _decide(subject: str, body: str, now, rules=None, model=None):
    from legaldesk.tickets.routing import learned_model
    from legaldesk.tickets.triage import triage
    config = current_app.config
    return triage(subject, body, rules if rules is not None else _rules(), now=now,
                  deadline_window_days=config["URGENT_DEADLINE_WINDOW_DAYS"],
                  language=bool(config["TRIAGE_LANGUAGE"]),
                  model=model if model is not None else learned_model())


@triage_command.command("train")
@click.option("--folds", default=5, show_default=True, help="Validation croisée (k plis)")
@click.option("--no-corrections", is_flag=True, help="Sans les corrections du personnel")
@with_appcontext
def triage_train(folds: int, no_corrections: bool):
    """Fit the learned model on the shipped examples and staff corrections; store it."""
    from legaldesk.core.extensions import db
    from legaldesk.tickets.triage import learned
    from legaldesk.tickets.triage.evaluation import load_examples

    examples = [learned.Labelled(f"{e.subject}\n{e.text}", e.urgent_case or
                                 ("echeance_proche" if e.urgent else learned.NORMAL))
                for e in load_examples(learned.SHIPPED)]
    shipped = len(examples)
    if not no_corrections:
        try:
            from legaldesk.tickets.services import triage_training_examples
            for row in triage_training_examples():
                examples.append(learned.Labelled(row["text"], row["urgent_case"] or
                                                 learned.NORMAL))
        except SQLAlchemyError:
            pass  # no database yet: the shipped examples only
        finally:
            db.session.rollback()
    threshold = float(current_app.config["TRIAGE_MODEL_THRESHOLD"])
    model = learned.fit(examples, now=utcnow(), threshold=threshold,
                        sources={"shipped": shipped, "corrections": len(examples) - shipped})
    path = learned.save(model, current_app.config["TRIAGE_MODEL_PATH"])
    click.echo(f"modèle v{model.version} entraîné le {model.trained_at} sur {len(examples)} "
               f"exemples ({shipped} fournis, {len(examples) - shipped} corrections) : {path}")
    urgent = sum(1 for e in examples if e.label != learned.NORMAL)
    if folds >= 2 and min(urgent, len(examples) - urgent) >= folds:
        for cut in sorted({threshold, 0.5}):
            figures = learned.cross_validate(examples, folds=folds, threshold=cut)
            click.echo(f"validation croisée ({folds} plis, modèle seul, seuil {cut:.2f}) : "
                       f"rappel urgence {figures['urgency_recall']:.3f}, "
                       f"précision {figures['urgency_precision']:.3f}")


@triage_command.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--rules-only", is_flag=True, help="Sans la lecture linguistique ni le modèle")
@click.option("--json", "as_json", is_flag=True)
@click.option("--errors", "show_errors", is_flag=True, help="Lister les erreurs d'urgence")
@with_appcontext
def triage_evaluate(path: str, rules_only: bool, as_json: bool, show_errors: bool):
    """Urgency recall/precision, topic, level and urgent-case accuracy on a YAML question set."""
    from legaldesk.tickets.triage import triage
    from legaldesk.tickets.triage.evaluation import evaluate, load_examples

    rules = _rules()
    window = current_app.config["URGENT_DEADLINE_WINDOW_DAYS"]
    if rules_only:
        def decide(example):
            return triage(example.subject, example.text, rules, now=example.received_at,
                          deadline_window_days=window, language=False)
    else:
        def decide(example):
            return _decide(example.subject, example.text, example.received_at, rules)
    scores = evaluate(load_examples(path), decide)
    figures = scores.as_dict()
    if as_json:
        click.echo(json.dumps(figures))
    else:
        click.echo(f"questions : {figures['questions']}")
        click.echo(f"urgence — rappel : {figures['urgency_recall']:.3f}, "
                   f"précision : {figures['urgency_precision']:.3f}")
        click.echo(f"thème — exactitude : {figures['topic_accuracy']:.3f}")
        click.echo(f"niveau — exactitude : {figures['level_accuracy']:.3f}")
        click.echo(f"cas urgent — exactitude : {figures['urgent_case_accuracy']:.3f}")
    if show_errors:
        for error in scores.errors:
            click.echo(f"  {error}")


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
