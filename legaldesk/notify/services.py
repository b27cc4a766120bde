"""Queue outbound notifications as Outbox rows in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from legaldesk.extensions import db
from legaldesk.notify.models import Outbox


def queue_notification(
    *, channel: str, recipient: str, subject: str, body: str, purpose: str, now: datetime,
    ticket_id: int | None = None, message_id: int | None = None, dedupe_key: str | None = None,
) -> Outbox | None:
    """Add an Outbox row (once per dedupe_key); the dispatch job sends it after commit."""
    if not recipient:
        return None
    if dedupe_key and db.session.scalar(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)):
        return None
    row = Outbox(
        channel=channel, recipient=recipient, subject=subject[:250], body=body, purpose=purpose,
        ticket_id=ticket_id, message_id=message_id, dedupe_key=dedupe_key,
        next_attempt_at=now, created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row
