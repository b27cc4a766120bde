"""CLI: `sla report`, `sla policies`, `tickets import`, `jobs list|run` and `scheduler`."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import click
from flask.cli import with_appcontext

from legaldesk.cli import service_command
from legaldesk.core.models import to_naive_utc, utcnow


def _now(value: str | None) -> datetime:
    """--now for reproducible runs (ISO 8601; naive means UTC), else the real clock."""
    if not value:
        return utcnow()
    try:
        return to_naive_utc(datetime.fromisoformat(value))
    except ValueError as exc:
        raise click.BadParameter("--now attend une date ISO 8601") from exc


@click.group("sla")
def sla_group():
    """SLA reports and policies."""


@sla_group.command("report")
@click.option("--from", "first", required=True, help="Premier jour (AAAA-MM-JJ, heure de Paris)")
@click.option("--to", "last", required=True, help="Dernier jour inclus (AAAA-MM-JJ)")
@click.option("--format", "output", type=click.Choice(["json", "csv"]), default="json")
@click.option("--now", "now_text", help="Instant de référence (ISO 8601) pour le stock ouvert")
@service_command
def sla_report(first: str, last: str, output: str, now_text: str | None):
    """Print the SLA report of a period (the keys are documented in docs/sla.md)."""
    from legaldesk.sla import reports

    report = reports.build_report(None, reports.parse_period(first, last), now=_now(now_text))
    if output == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(reports.report_csv(report), nl=False)


@sla_group.command("policies")
@with_appcontext
def sla_policies():
    """List the targets in force per priority × level (business hours)."""
    from legaldesk.sla.services import list_policies

    for policy in list_policies():
        origin = "personnalisé" if policy.customised else "défaut"
        click.echo(f"{policy.priority:<7} {policy.level:<12} 1re réponse "
                   f"{policy.first_response_seconds / 3600:g} h, résolution "
                   f"{policy.resolution_seconds / 3600:g} h ouvrées ({origin})")


@click.group("tickets")
def tickets_group():
    """Ticket maintenance."""


@tickets_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--now", "now_text", help="Instant de référence (ISO 8601)")
@service_command
def tickets_import(path: str, now_text: str | None):
    """Import past requests from a CSV file (columns in docs/sla.md); safe to re-run."""
    from pathlib import Path

    from legaldesk.sla.history_import import import_history

    text = Path(path).read_bytes().decode("utf-8-sig")
    result = import_history(None, text, source=Path(path).name, now=_now(now_text))
    click.echo(f"{result.imported} demande(s) importée(s), {result.duplicates} déjà présente(s), "
               f"{len(result.errors)} ligne(s) refusée(s).")
    for line, reason in result.errors:
        click.echo(f"ligne {line} : {reason}", err=True)


@click.group("jobs")
def jobs_group():
    """The scheduler's jobs."""


@jobs_group.command("list")
@with_appcontext
def jobs_list():
    """List the jobs with their schedule."""
    from flask import current_app

    from legaldesk.jobs.table import job_table

    for job in job_table(current_app.config).values():
        click.echo(f"{job.name:<16} {job.describe_schedule():<22} {job.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--now", "now_text", help="Instant de référence (ISO 8601)")
@service_command
def jobs_run(name: str, now_text: str | None):
    """Run one job once, now (idempotent: running it again does nothing more)."""
    from legaldesk.jobs.table import run_job

    click.echo(f"{name} : {run_job(name, _now(now_text))}")


@click.command("scheduler")
@click.option("--holder", help="Identifiant de ce planificateur (défaut : hôte:pid:aléa)")
@click.option("--lease-seconds", type=float, help="Durée du bail (SCHEDULER_LEASE_SECONDS)")
@click.option("--heartbeat-seconds", type=float,
              help="Renouvellement du bail (SCHEDULER_HEARTBEAT_SECONDS)")
@with_appcontext
def scheduler_command(holder, lease_seconds, heartbeat_seconds):
    """Run the job scheduler; a second one stands by and takes over if this one stops."""
    from flask import current_app

    from legaldesk.jobs.scheduler import SchedulerProcess

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    SchedulerProcess(current_app._get_current_object(), holder=holder, ttl_seconds=lease_seconds,
                     heartbeat_seconds=heartbeat_seconds).serve()


def register(app) -> None:
    """Attach the SLA, import, jobs and scheduler commands to the app's CLI."""
    for command in (sla_group, tickets_group, jobs_group, scheduler_command):
        app.cli.add_command(command)
