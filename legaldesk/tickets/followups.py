"""Who hears of a ticket's follow-ups: replies, reopenings, escalations, assignments, mentions.

Each function is one call at the end of a ticket service; it chooses the people and hands
them to notify.inapp (in the caller's transaction: the caller commits).

Mentions in an internal note: ``@prénom.nom`` (a colleague's name, spaces written as dots;
accents and capitals optional: ``@helene.leroux`` finds « Hélène Le Roux » as ``@hélène.le.roux``
does) or ``@`` followed by an e-mail address (``@h.leroux@federation.example``). Only active
staff who may see the ticket are notified; a mention that names nobody is left as text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select

from legaldesk.auth.directory import region_delegates
from legaldesk.auth.models import STAFF_ROLES, Role, User
from legaldesk.core.extensions import db
from legaldesk.notify.inapp import notify_users
from legaldesk.notify.models import NotificationKind
from legaldesk.tickets.access import may_see
from legaldesk.tickets.models import Queue, Ticket

# "@" not glued to a word (so "marie@x.org" is an address, not a mention); the name is dotted
# words, optionally followed by "@domain" for an e-mail address. A final dot ends the sentence.
MENTION_RE = re.compile(
    r"(?<![\w.@])@([\w'’-]+(?:\.[\w'’-]+)*(?:@[\w-]+(?:\.[\w-]+)+)?)")


def notify_requester_reply(ticket: Ticket, actor: User | None, *, now: datetime) -> None:
    """The requester wrote again: tell the assignee, else the queue's staff."""
    notify_users(followers(ticket), NotificationKind.REQUESTER_REPLY, ticket, actor=actor,
                 now=now)


def notify_reopened(ticket: Ticket, actor: User | None, *, now: datetime,
                    send_email: bool = True) -> None:
    """The ticket was reopened: tell the assignee, else the queue's staff."""
    notify_users(followers(ticket), NotificationKind.REOPENED, ticket, actor=actor, now=now,
                 send_email=send_email)


def notify_callback(ticket: Ticket, actor: User | None, *, now: datetime) -> None:
    """An urgent call-back was asked: in-app notice for the assignee, else the queue's staff.

    No e-mail from here: request_callback already e-mails these people (and more) at once.
    """
    notify_users(followers(ticket), NotificationKind.CALLBACK_REQUESTED, ticket, actor=actor,
                 now=now, send_email=False)


def notify_escalated(ticket: Ticket, actor: User | None, *, now: datetime) -> None:
    """The ticket went to the jurists: tell its new assignee, else the jurists of its field."""
    notify_users(followers(ticket), NotificationKind.ESCALATED, ticket, actor=actor, now=now)


def notify_assigned(ticket: Ticket, actor: User | None, *, now: datetime) -> None:
    """Someone else gave the ticket to its assignee: tell them (self-assignment says nothing)."""
    notify_users([ticket.assignee], NotificationKind.ASSIGNED, ticket, actor=actor, now=now)


def notify_mentions(ticket: Ticket, actor: User | None, body: str, *, now: datetime) -> list[User]:
    """Tell the colleagues an internal note mentions; returns who was notified."""
    people = mentioned_staff(ticket, body)
    notify_users(people, NotificationKind.MENTIONED, ticket, actor=actor, now=now)
    return [user for user in people if actor is None or user.id != actor.id]


def followers(ticket: Ticket) -> list[User]:
    """The active assignee, else the staff of the ticket's queue."""
    if ticket.assignee is not None and ticket.assignee.active:
        return [ticket.assignee]
    return queue_staff(ticket)


def queue_staff(ticket: Ticket) -> list[User]:
    """The delegation's delegates, else the jurists of the ticket's field (managers if secret).

    Nobody but the assignee and the managers may see a confidential ticket, so an unassigned
    one goes to the managers.
    """
    if ticket.confidential:
        return _active(Role.MANAGER)
    if ticket.queue == Queue.DELEGATION:
        return region_delegates(ticket.region)
    return specialty_jurists(ticket)


def specialty_jurists(ticket: Ticket) -> list[User]:
    """Active jurists of the ticket's field (its topic's, else triage's); all when none match."""
    triage = ticket.triage or {}
    specialty = (triage.get("specialty") if triage.get("specialty_override") else None) or (
        ticket.topic.specialty if ticket.topic is not None else None) or triage.get("specialty")
    jurists = _active(Role.JURIST)
    matching = [user for user in jurists if specialty and user.specialty == specialty]
    return matching or jurists


def _active(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == role, User.active.is_(True)).order_by(User.id)))


def mention_keys(body: str) -> set[str]:
    """The normalised mentions of a text: dotted names and e-mail addresses."""
    return {_normalise(match) for match in MENTION_RE.findall(body or "")}


def mentioned_staff(ticket: Ticket, body: str) -> list[User]:
    """Active staff the text mentions who may see the ticket (homonyms: all of them)."""
    keys = mention_keys(body)
    if not keys:
        return []
    staff = db.session.scalars(select(User).where(
        User.role.in_([role.value for role in STAFF_ROLES]), User.active.is_(True))
        .order_by(User.id))
    named = [user for user in staff
             if user.email.lower() in keys or _name_key(user.name) in keys]
    return [user for user in named if may_see(user, ticket)]


def _name_key(name: str) -> str:
    return _normalise(".".join(name.split()))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()
