"""CLI: `legaldesk demo` loads the fictional demo."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select


def register(cli) -> None:
    """Attach the demo command to the app's CLI."""
    cli.add_command(demo_command)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si des utilisateurs existent.")
@with_appcontext
def demo_command(if_empty: bool):
    """Load the fictional demo (organisations, users, a year of tickets, notes), idempotently."""
    from legaldesk.auth.models import User
    from legaldesk.core.extensions import db
    from legaldesk.core.models import utcnow
    from legaldesk.demo.builder import DEMO_PASSWORD, load_demo
    from legaldesk.kb.index_queue import apply_index_queue

    if if_empty and db.session.scalar(select(User.id).limit(1)):
        click.echo("Base déjà peuplée : démo non rechargée.")
        return
    summary = load_demo()
    db.session.commit()
    apply_index_queue(utcnow())  # the search index follows the database after commit
    db.session.commit()
    click.echo(json.dumps(summary["counts"], ensure_ascii=False))
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for email, role, place in summary["logins"]:
        click.echo(f"  {role:<9} {email:<40} {place}")
