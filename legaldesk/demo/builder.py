"""Loads the fictional demo once: reference data, the cast, a year of tickets, starter notes."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import func, select, update

from legaldesk.auth.models import Contact, Organisation, Role, User
from legaldesk.core.extensions import db
from legaldesk.core.models import to_naive_utc, utcnow
from legaldesk.demo.campaigns import CAMPAIGN_TAG, campaign_deadline, save_demo_campaign
from legaldesk.demo.cast import create_cast
from legaldesk.demo.life import play_story
from legaldesk.demo.people import ADMIN_EMAIL, FIRST_ADHERENT_EMAIL, login_emails
from legaldesk.demo.plans import Story
from legaldesk.kb.note_import import load_starter_notes
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.tickets.models import OPEN_STATUSES, Message, Priority, Ticket, TicketEvent
from legaldesk.tickets.seed import seed_reference_data

DEMO_PASSWORD = "demo-legaldesk-2026"
SEED = 2026


def load_demo(now: datetime | None = None) -> dict:
    """Load the demo once (reference data, cast, a year of tickets ending at `now`). Caller commits.

    A second call finds the demo accounts and adds nothing (`created` is False). The load is
    deterministic for a given `now` (fixed random seed). Every ticket's history goes through
    tickets/services with explicit `now` timestamps in business hours, so events, messages and
    SLA timestamps tell one coherent story.
    """
    now = to_naive_utc(now or utcnow()).replace(microsecond=0)
    seed_reference_data()
    created = _demo_absent()
    if created:
        first_outbox_id = db.session.scalar(select(func.max(Outbox.id))) or 0
        cast = create_cast(DEMO_PASSWORD)
        save_demo_campaign(campaign_deadline(now))
        play_story(Story(cast, random.Random(SEED), now))
        _settle_outbox(first_outbox_id, now)
    load_starter_notes(now)  # idempotent: the knowledge base's starter notes
    return {"counts": _counts(), "logins": _logins(), "created": created}


def _demo_absent() -> bool:
    marker = select(User.id).where(User.email.in_([ADMIN_EMAIL, FIRST_ADHERENT_EMAIL]))
    return db.session.scalar(marker.limit(1)) is None


def _counts() -> dict[str, int]:
    from legaldesk.kb.models import Note

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "organisations": count(Organisation),
        "users": count(User),
        "contacts": count(Contact),
        "tickets": count(Ticket),
        "open_tickets": count(Ticket, Ticket.status.in_([s.value for s in OPEN_STATUSES])),
        "urgent_tickets": count(Ticket, Ticket.priority == Priority.URGENT),
        "campaign_tickets": count(Ticket, Ticket.campaign == CAMPAIGN_TAG),
        "messages": count(Message),
        "events": count(TicketEvent),
        "notes": count(Note),
    }


def _logins() -> list[tuple[str, str, str]]:
    emails = login_emails()
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [(e, str(users[e].role), _place(users[e])) for e in emails if e in users]


def _place(user: User) -> str:
    if user.role == Role.ADMIN:
        return "administration"
    if user.role == Role.MANAGER:
        return "responsable du pôle"
    if user.role == Role.JURIST:
        return f"juriste, {user.specialty.replace('_', ' ')}"
    if user.role == Role.DELEGATE:
        return f"délégation {user.region.name}"
    org = user.organisation
    where = org.territory if org.territory and org.territory != "metropole" else (
        org.region.name if org.region else "")
    return f"{org.name} ({where})"


def _settle_outbox(first_id: int, now: datetime) -> None:
    """Mark the demo's notifications as sent long ago: history must not e-mail anyone today."""
    db.session.execute(
        update(Outbox)
        .where(Outbox.id > first_id, Outbox.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=Outbox.created_at, attempts=1,
                provider_id="demo")
        .execution_options(synchronize_session=False)
    )
