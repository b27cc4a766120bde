"""The `legaldesk` command: the Flask CLI plus seed, demo, users and organisations groups."""

from __future__ import annotations

import functools
import json

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from legaldesk.core.errors import LegalDeskError


def main() -> None:
    """Console-script entry point: `legaldesk --help` lists every command."""
    from legaldesk import create_app

    cli = FlaskGroup(create_app=create_app, help="legaldesk: le service juridique.")
    cli.main(prog_name="legaldesk")


def service_command(func):
    """Run in the app context, commit on success, turn LegalDeskError into a click error."""
    @functools.wraps(func)
    @with_appcontext
    def wrapper(*args, **kwargs):
        from legaldesk.core.extensions import db
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except LegalDeskError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
    return wrapper


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    app.cli.add_command(seed_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(orgs_group)
    app.cli.add_command(regions_group)
    app.cli.add_command(topics_group)

    from legaldesk.tickets.cli import register as register_ticket_commands
    register_ticket_commands(app.cli)

    from legaldesk.sla.cli import register as register_sla_commands
    register_sla_commands(app)

    from legaldesk.intake.cli import register as register_intake_commands
    register_intake_commands(app)

    from legaldesk.kb.cli import register as register_kb_commands
    register_kb_commands(app.cli)


@click.command("seed")
@service_command
def seed_command():
    """Load the delegations and topics (idempotent)."""
    from legaldesk.tickets.seed import seed_reference_data
    click.echo(json.dumps(seed_reference_data()))


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


@click.group("users")
def users_group():
    """Manage users."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True,
              type=click.Choice(["adherent", "delegate", "jurist", "manager", "admin"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", help="Nom de la structure (adhérents)")
@click.option("--region", help="Code ou nom de la délégation (délégués)")
@click.option("--specialty", type=click.Choice(["droit_social", "droit_des_affaires"]))
@service_command
def users_create(email, name, role, password, organisation, region, specialty):
    """Create a user."""
    from legaldesk.auth import services
    user = services.create_user(
        None, email=email, name=name, role=role, password=password,
        organisation=_organisation(organisation), region=_region(region), specialty=specialty)
    click.echo(f"Utilisateur créé : {user.email} ({user.role})")


@users_group.command("list")
@with_appcontext
def users_list():
    """List users."""
    from legaldesk.auth.models import User
    from legaldesk.core.extensions import db
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        place = user.organisation.name if user.organisation else (
            user.region.code if user.region else user.specialty or "")
        state = "" if user.active else " (inactif)"
        click.echo(f"{user.role:<9} {user.email:<40} {place}{state}")


@users_group.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@service_command
def users_set_password(email, password):
    """Change a user's password."""
    from legaldesk.auth import services
    services.update_user(None, _user(email), password=password)
    click.echo("Mot de passe modifié.")


@users_group.command("deactivate")
@click.argument("email")
@service_command
def users_deactivate(email):
    """Deactivate a user (history is kept)."""
    from legaldesk.auth import services
    services.update_user(None, _user(email), active=False)
    click.echo("Utilisateur désactivé.")


@click.group("orgs")
def orgs_group():
    """Manage organisations."""


@orgs_group.command("create")
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--region", help="Code ou nom de la délégation")
@click.option("--territory", help="Territoire (Réunion, Mayotte, Martinique, Corse...)")
@click.option("--domain", "domains", multiple=True, help="Domaine e-mail (répétable)")
@click.option("--parent", help="Structure mère (GES)")
@service_command
def orgs_create(name, kind, region, territory, domains, parent):
    """Create an organisation."""
    from legaldesk.auth import services
    organisation = services.create_organisation(
        None, name=name, kind=kind, region=_region(region), territory=territory,
        email_domains=list(domains), parent=_organisation(parent))
    click.echo(f"Structure créée : {organisation.name} ({organisation.effective_timezone})")


@orgs_group.command("list")
@with_appcontext
def orgs_list():
    """List organisations."""
    from legaldesk.auth.models import Organisation
    from legaldesk.core.extensions import db
    for org in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        click.echo(f"{org.kind:<10} {org.name:<50} {org.region.code if org.region else '—'}")


@click.group("regions")
def regions_group():
    """Delegations."""


@regions_group.command("list")
@with_appcontext
def regions_list():
    """List delegations with time zone and holiday calendar."""
    from legaldesk.auth.models import Region
    from legaldesk.core.extensions import db
    for region in db.session.scalars(select(Region).order_by(Region.code)):
        click.echo(f"{region.code:<4} {region.name:<35} {region.timezone:<20} "
                   f"{region.holidays_subdiv or 'métropole'}")


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


def _organisation(name: str | None):
    if not name:
        return None
    from legaldesk.auth.models import Organisation
    from legaldesk.core.extensions import db
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        raise click.ClickException(f"Structure inconnue : {name}")
    return organisation


def _region(value: str | None):
    if not value:
        return None
    from legaldesk.auth.services import find_region
    region = find_region(value)
    if region is None:
        raise click.ClickException(f"Délégation inconnue : {value}")
    return region


def _user(email: str):
    from legaldesk.auth.models import User
    from legaldesk.core.extensions import db
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"Utilisateur inconnu : {email}")
    return user


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=False,
              help="Lancer aussi le planificateur (un processus à part) à côté du serveur.")
@with_appcontext
def serve_command(host: str, port: int, with_scheduler: bool):
    """Serve the app on the development server (use gunicorn wsgi:app in production)."""
    import subprocess
    import sys

    from flask import current_app
    from werkzeug.serving import run_simple

    scheduler = None
    if with_scheduler:
        # Its own process, as in production: it holds the lease, the web server does not.
        scheduler = subprocess.Popen([sys.executable, "-m", "legaldesk", "scheduler"])
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True,
                   use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=15)
