"""Shared SLA test helpers: a small desk, Paris/overseas instants and a direct ticket factory."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from legaldesk.core.extensions import db
from legaldesk.tickets import services
from legaldesk.tickets.models import Ticket

HOUR = 3600
BDAY = 9 * HOUR  # one business day with the default 09:00-18:00 window
PARIS = ZoneInfo("Europe/Paris")
_references = itertools.count(1)


def paris(text: str) -> datetime:
    """Naive UTC of a Paris wall-clock time 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def local(text: str, zone: str) -> datetime:
    """Naive UTC of a wall-clock time in any zone."""
    moment = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def desk(make):
    """An IDF member with an adherent, a Réunion member, two jurists, a manager, an admin."""
    return build_desk(make)


def build_desk(make) -> dict:
    """The people and organisations of the `desk` fixture."""
    org = make.organisation("AI Les Tilleuls", region="IDF")
    reunion = make.organisation("ACI Lagon", kind="ACI", region="OI", territory="Réunion")
    return {
        "org": org, "reunion": reunion,
        "adherent": make.user("adherent", organisation=org),
        "adherent_re": make.user("adherent", organisation=reunion),
        "jurist": make.user("jurist", specialty="droit_social"),
        "jurist2": make.user("jurist", specialty="droit_des_affaires"),
        "manager": make.user("manager"),
        "admin": make.user("admin"),
    }


def ask(requester, now: datetime, *, level: str = "expert", priority: str = "normal",
        received_at: datetime | None = None) -> Ticket:
    """A plain question opened through the ticket services (expert, normal by default)."""
    ticket = services.open_ticket(
        requester, subject="Question sur un contrat", body="Pouvez-vous m'aider sur ce contrat ?",
        now=now, level=level, priority=priority, received_at=received_at)
    db.session.commit()
    return ticket


def add_ticket(received_at: datetime, **fields) -> Ticket:
    """Insert a ticket row directly (report tests control every stored duration)."""
    values = dict(reference=f"LD-T-{next(_references):06d}", subject="Sujet confidentiel",
                  status="closed", level="expert", priority="normal", channel="web",
                  queue="national", requester_type="adherent", received_at=received_at,
                  created_at=received_at, updated_at=received_at, triage={},
                  first_response_target_seconds=18 * HOUR, resolution_target_seconds=90 * HOUR)
    values.update(fields)
    ticket = Ticket(**values)
    db.session.add(ticket)
    db.session.flush()
    return ticket
