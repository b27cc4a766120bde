"""Queue outbound notifications as Outbox rows in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.notify.models import Outbox

ONCALL_PURPOSE = "oncall_alert"  # the urgent-case alert to the jurist on call (own template)


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


def queue_link_mail(mail, *, now: datetime) -> Outbox | None:
    """Queue an auth.tokens.LinkMail (reset or invitation link); nothing for None."""
    if mail is None:
        return None
    return queue_notification(channel="email", recipient=mail.recipient, subject=mail.subject,
                              body=mail.body, purpose=mail.purpose, now=now)


def requester_address(ticket) -> tuple[str, str | None]:
    """The channel and address that reach a ticket's requester (WhatsApp tickets by WhatsApp)."""
    user, contact = ticket.requester_user, ticket.requester_contact
    phone = (user.phone if user else None) or (contact.phone if contact else None)
    email = (user.email if user else None) or (contact.email if contact else None)
    if ticket.channel == "whatsapp" and phone:
        return "whatsapp", phone
    if email:
        return "email", email
    return ("whatsapp", phone) if phone else ("email", None)


def notify_requester(ticket, *, subject: str, body: str, purpose: str, now: datetime,
                     dedupe_key: str | None = None, message_id: int | None = None) -> Outbox | None:
    """Queue a message to the requester on the channel they used (nothing if unreachable)."""
    channel, recipient = requester_address(ticket)
    return queue_notification(
        channel=channel, recipient=recipient or "", subject=subject, body=body, purpose=purpose,
        now=now, ticket_id=ticket.id, message_id=message_id, dedupe_key=dedupe_key)


@dataclass(frozen=True)
class OutboxLine:
    """One waiting notification as the admins' outbox page shows it."""

    channel: str
    recipient: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    confidential: bool  # about a confidential ticket: the subject is withheld ("")


def outbox_overview(actor, *, limit: int = 200) -> tuple[dict[str, int], list[OutboxLine]]:
    """Counts by status and the rows not yet sent (admins), so nothing waits unseen.

    The subject of a notification about a confidential ticket is withheld: admins administer,
    they do not read confidential tickets.
    """
    from sqlalchemy import func

    from legaldesk.auth.models import Role
    from legaldesk.auth.services import require_role
    from legaldesk.notify.models import OutboxStatus
    from legaldesk.tickets.models import Ticket

    require_role(actor, Role.ADMIN)
    counts = dict(db.session.execute(
        select(Outbox.status, func.count(Outbox.id)).group_by(Outbox.status)).all())
    waiting = db.session.execute(
        select(Outbox, func.coalesce(Ticket.confidential, False))
        .outerjoin(Ticket, Outbox.ticket_id == Ticket.id)
        .where(Outbox.status != OutboxStatus.SENT)
        .order_by(Outbox.next_attempt_at).limit(limit)).all()
    return counts, [OutboxLine(
        channel=row.channel, recipient=row.recipient,
        subject="" if confidential else row.subject, status=row.status, attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_error=row.last_error,
        confidential=bool(confidential),
    ) for row, confidential in waiting]
