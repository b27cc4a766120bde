"""CLI: `sla report` and `sla policies`."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from legaldesk.core.commands import parse_now, service_command


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

    report = reports.build_report(None, reports.parse_period(first, last), now=parse_now(now_text))
    if output == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(reports.report_csv(report), nl=False)


@sla_group.command("policies")
@with_appcontext
def sla_policies():
    """List the targets in force per priority × level (calendar or business hours)."""
    from legaldesk.sla.services import list_policies

    for policy in list_policies():
        origin = "personnalisé" if policy.customised else "défaut"
        unit = "h calendaires" if policy.clock == "calendar" else "h ouvrées"
        click.echo(f"{policy.priority:<7} {policy.level:<12} 1re réponse "
                   f"{policy.first_response_seconds / 3600:g} h, résolution "
                   f"{policy.resolution_seconds / 3600:g} {unit} ({origin})")


def register(cli) -> None:
    """Attach the SLA report and policies commands to the app's CLI."""
    for command in (sla_group,):
        cli.add_command(command)
