"""The auto-close job: answered tickets left without reply are closed, and the requester told."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.notify.services import notify_requester
from legaldesk.tickets.models import Status, Ticket
from legaldesk.tickets.services import close_by_system


def close_stale_answered(now: datetime) -> int:
    """Close answered tickets without reply for SLA_AUTO_CLOSE_DAYS days; tell the requester.

    The system is the actor; the requester can still reopen.  Returns how many were closed.
    """
    days = current_app.config["SLA_AUTO_CLOSE_DAYS"]
    if not days:
        return 0
    closed = 0
    stale = db.session.scalars(select(Ticket).where(
        Ticket.status == Status.ANSWERED, Ticket.resolved_at <= now - timedelta(days=days))
        .order_by(Ticket.id))
    for ticket in stale:
        answered_at = ticket.resolved_at
        close_by_system(ticket, f"Clôture automatique : pas de réponse depuis {days} jours.",
                        now=now)
        notify_requester(
            ticket, purpose="auto_closed", now=now,
            dedupe_key=f"autoclose:{ticket.id}:{answered_at.isoformat()}",
            subject=f"[{ticket.reference}] Votre demande est close",
            body=(f"Sans nouvelle de votre part depuis {days} jours, votre demande "
                  f"{ticket.reference} a été close.\nSi la réponse ne règle pas votre question, "
                  "répondez simplement à ce message ou rouvrez la demande depuis votre espace."))
        closed += 1
    db.session.flush()
    return closed
