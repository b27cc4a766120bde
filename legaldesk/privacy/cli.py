"""`legaldesk retention [--dry-run]`: apply the retention periods now, or say what would go."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


def register(cli) -> None:
    """Attach the `retention` command to the app's CLI."""
    cli.add_command(retention_command)


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would go, per kind; change nothing.")
@with_appcontext
def retention_command(dry_run: bool):
    """Delete or anonymise the data whose retention period has run out (JSON counts)."""
    from legaldesk.core.extensions import db
    from legaldesk.core.models import utcnow
    from legaldesk.privacy import retention

    now = utcnow()
    if dry_run:
        click.echo(json.dumps({"dry_run": True, "due": retention.count_due(now)}))
        return
    done = retention.apply_retention(now)
    db.session.commit()
    click.echo(json.dumps({"dry_run": False, "done": done}))
