"""The `legaldesk` command: the Flask CLI with every package's commands (the factory adds them)."""

from __future__ import annotations

from flask.cli import FlaskGroup


def main() -> None:
    """Console-script entry point: `legaldesk --help` lists every command."""
    from legaldesk import create_app

    cli = FlaskGroup(create_app=create_app, help="legaldesk: le service juridique.")
    cli.main(prog_name="legaldesk")
