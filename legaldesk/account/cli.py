"""CLI: `users invite` and `users reinvite` (the e-mails go through the notify Outbox)."""

from __future__ import annotations

import click

from legaldesk.core.commands import service_command

ROLES = ["adherent", "delegate", "jurist", "manager", "admin"]


def register(cli) -> None:
    """Add the invitation commands to the `users` group (registered by legaldesk.auth.cli)."""
    users = cli.commands["users"]
    users.add_command(users_invite)
    users.add_command(users_reinvite)


@click.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--organisation", help="Nom de la structure (adhérents)")
@click.option("--region", help="Code ou nom de la délégation (délégués)")
@click.option("--specialty", type=click.Choice(["droit_social", "droit_des_affaires"]))
@service_command
def users_invite(email, name, role, organisation, region, specialty):
    """Create a user without a password and e-mail an invitation to choose one."""
    from flask import current_app

    from legaldesk.auth import services
    from legaldesk.auth.cli import find_organisation, find_region_option
    from legaldesk.auth.tokens import invite_user, link_base_url
    from legaldesk.core.models import utcnow
    from legaldesk.notify.services import queue_link_mail

    base_url = link_base_url(current_app.config)  # fails before anything is written
    user = services.create_user(
        None, email=email, name=name, role=role, organisation=find_organisation(organisation),
        region=find_region_option(region), specialty=specialty)
    queue_link_mail(invite_user(None, user, base_url=base_url, now=utcnow()), now=utcnow())
    click.echo(f"Invitation envoyée à {user.email} ({user.role}).")


@click.command("reinvite")
@click.argument("email")
@service_command
def users_reinvite(email):
    """E-mail a new invitation link to an existing user (earlier links stop working)."""
    from flask import current_app

    from legaldesk.auth.cli import find_user
    from legaldesk.auth.tokens import invite_user, link_base_url
    from legaldesk.core.models import utcnow
    from legaldesk.notify.services import queue_link_mail

    mail = invite_user(None, find_user(email), base_url=link_base_url(current_app.config),
                       now=utcnow())
    queue_link_mail(mail, now=utcnow())
    click.echo("Invitation envoyée.")
