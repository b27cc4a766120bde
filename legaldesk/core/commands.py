"""Helpers for CLI commands: run a service in the app context and commit once, or fail clearly."""

from __future__ import annotations

import functools
from datetime import datetime

import click
from flask.cli import with_appcontext

from legaldesk.core.errors import LegalDeskError
from legaldesk.core.models import to_naive_utc, utcnow


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


def parse_now(value: str | None) -> datetime:
    """--now for reproducible runs (ISO 8601; naive means UTC), else the real clock."""
    if not value:
        return utcnow()
    try:
        return to_naive_utc(datetime.fromisoformat(value))
    except ValueError as exc:
        raise click.BadParameter("--now attend une date ISO 8601") from exc
