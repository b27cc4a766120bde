"""CLI: `users`, `orgs` and `regions` groups (people, member structures, delegations)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from legaldesk.core.commands import service_command


def register(cli) -> None:
    """Attach the people and structure commands to the app's CLI."""
    for command in (users_group, orgs_group, regions_group):
        cli.add_command(command)


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
    """Create a user with a password (bootstrapping the first admin; else `users invite`)."""
    from legaldesk.auth import services
    user = services.create_user(
        None, email=email, name=name, role=role, password=password,
        organisation=_organisation(organisation), region=_region(region), specialty=specialty)
    click.echo(f"Utilisateur créé : {user.email} ({user.role})")


@users_group.command("reset-2fa")
@click.argument("email")
@service_command
def users_reset_two_factor(email):
    """Remove a user's second factor and recovery codes (lost phone)."""
    from legaldesk.auth.twofactor import remove_two_factor
    remove_two_factor(None, _user(email))
    click.echo("Double authentification retirée.")


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


def find_organisation(name: str | None):
    """The organisation of that name (None for no name), or a click error."""
    return _organisation(name)


def find_region_option(value: str | None):
    """The delegation of that code or name (None for no value), or a click error."""
    return _region(value)


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


def find_user(email: str):
    """The user with that e-mail address, or a click error."""
    return _user(email)


def _user(email: str):
    from legaldesk.auth.models import User
    from legaldesk.core.extensions import db
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"Utilisateur inconnu : {email}")
    return user
