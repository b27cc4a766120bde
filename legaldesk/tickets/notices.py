"""Staff e-mails about a ticket: free text only for recipients who may read it (need-to-know).

Someone who cannot open a ticket (a delegate of the region for a national case, a jurist for a
colleague's confidential case) is told its reference, the urgency kind and the link, nothing
more: no subject, no names, no reasons. `tickets.access.mail_may_quote` decides, per recipient.
"""

from __future__ import annotations

from datetime import datetime

from legaldesk.auth.models import User
from legaldesk.notify.models import Outbox
from legaldesk.notify.services import queue_notification
from legaldesk.tickets.access import mail_may_quote
from legaldesk.tickets.models import Ticket


def notify_staff(user: User, ticket: Ticket, *, purpose: str, now: datetime, dedupe_key: str,
                 subject: str, body: str, quoted_subject: str | None = None,
                 quoted_body: str | None = None) -> Outbox | None:
    """Queue one e-mail to a staff member about a ticket. Caller commits.

    `subject`/`body` carry no free text (reference, urgency kind, fixed wording); the quoted
    versions, with the ticket's subject, names or reasons, are used only when the recipient
    may read the ticket and it is not confidential.
    """
    if mail_may_quote(user, ticket):
        subject, body = quoted_subject or subject, quoted_body or body
    return queue_notification(channel="email", recipient=user.email, purpose=purpose, now=now,
                              subject=subject, body=body, ticket_id=ticket.id,
                              dedupe_key=dedupe_key)
